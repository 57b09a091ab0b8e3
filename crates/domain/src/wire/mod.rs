//! Every type that crosses HTTP: request and response bodies, query
//! parameters and their enums, list envelopes, live events and the error
//! body. The API serves them, the OpenAPI spec describes them (the
//! `openapi` feature derives `ToSchema`/`IntoParams`), and the SPA sends and
//! reads them: a field added here compiles through all three.
//!
//! Field names are the contract (DESIGN.md §5): add fields freely, never
//! rename.

mod admin;
mod analytics;
mod auth;
mod bot;
mod dialogs;
mod inbound;
mod live;
mod paging;
mod problem;
mod records;
mod webhooks;

pub use admin::*;
pub use analytics::*;
pub use auth::*;
pub use bot::*;
pub use dialogs::*;
pub use inbound::*;
pub use live::*;
pub use paging::*;
pub use problem::*;
pub use records::*;
pub use webhooks::*;

use serde::{Deserialize, Deserializer};

/// Reads a field that may be absent (`None`: unchanged), `null`
/// (`Some(None)`: clear) or a value (`Some(Some(v))`). Use with
/// `#[serde(default, deserialize_with = "present")]`.
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Reads an empty or blank text as absent: `?cursor=` (a form or a client
/// that always sends the parameter) means the first page, like no cursor.
pub fn blank_as_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
}
