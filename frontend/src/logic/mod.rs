//! The SPA's logic that needs no browser: translations, formatting, sort and
//! URL state. Unit-tested natively (`cargo test -p dialogdesk-frontend`).

pub mod format;
pub mod i18n;
pub mod query_pairs;
pub mod sort;
pub mod timeline;
pub mod url;
