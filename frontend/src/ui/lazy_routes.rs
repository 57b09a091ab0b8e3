//! The pages that are split points (`super::split`): Records → Dialog list,
//! a record's page and Settings, as `LazyRoute`s of the shell's router.

use super::split::{shown, split_point};
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// A route whose page (a component without props) is a split point.
macro_rules! lazy_page {
    ($(#[$meta:meta])* $route:ident, $split:ident, $page:path) => {
        split_point! {
            fn $split() {
                $page().into_any()
            }
        }

        $(#[$meta])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_: Self) -> AnyView {
                shown($split().await)
            }
        }
    };
}

lazy_page!(
    /// Records → Dialog list (`/records`).
    RecordsRoute, records_view, super::records::Records
);

lazy_page!(
    /// One finished dialog (`/records/dialog/:id`).
    RecordDialogRoute, record_dialog_view, super::records::RecordDialog
);

lazy_page!(
    /// Settings (`/settings`), with webhooks.
    SettingsRoute, settings_view, super::settings::Settings
);
