//! The pages that are split points (`super::split`): Records → Dialog list,
//! a record's page and Settings, each shown under a `Transition` while its
//! code loads (at once after the first time).
//!
//! A `Transition`, not a `Suspense`: the boundary also sees the resources
//! the page reads outside boundaries of its own (the shared catalog), and a
//! `Suspense` would swap the whole page for "Loading…" each time one of
//! them is fetched again (a rename in Settings refetches the catalog).

use super::split::{shown, split_point};
use leptos::prelude::*;

/// A page (a component without props) whose code is a split point.
macro_rules! lazy_page {
    ($(#[$meta:meta])* $component:ident, $split:ident, $page:path) => {
        split_point! {
            fn $split() {
                $page().into_any()
            }
        }

        $(#[$meta])*
        #[component]
        pub fn $component() -> impl IntoView {
            view! {
                <Transition fallback=|| view! { <p class="notice" role="status">{super::ctx::t("common.loading")}</p> }>
                    {Suspend::new(async move { shown($split().await) })}
                </Transition>
            }
        }
    };
}

lazy_page!(
    /// Records → Dialog list (`/records`).
    RecordsPage, records_view, super::records::Records
);

lazy_page!(
    /// One finished dialog (`/records/dialog/:id`).
    RecordDialogPage, record_dialog_view, super::records::RecordDialog
);

lazy_page!(
    /// Settings (`/settings`), with webhooks.
    SettingsPage, settings_view, super::settings::Settings
);
