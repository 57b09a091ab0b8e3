//! The pages that are split points (`super::split`): Records → Dialog list,
//! a record's page and Settings, as `LazyRoute`s of the shell's router.

use super::split::{shown, split_point};
use leptos::prelude::*;
use leptos_router::LazyRoute;

split_point! {
    fn records_view() {
        view! { <super::records::Records/> }.into_any()
    }
}

split_point! {
    fn record_dialog_view() {
        view! { <super::records::RecordDialog/> }.into_any()
    }
}

split_point! {
    fn settings_view() {
        view! { <super::settings::Settings/> }.into_any()
    }
}

/// Records → Dialog list (`/records`).
pub struct RecordsRoute;

impl LazyRoute for RecordsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_: Self) -> AnyView {
        shown(records_view().await)
    }
}

/// One finished dialog (`/records/dialog/:id`).
pub struct RecordDialogRoute;

impl LazyRoute for RecordDialogRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_: Self) -> AnyView {
        shown(record_dialog_view().await)
    }
}

/// Settings (`/settings`), with webhooks.
pub struct SettingsRoute;

impl LazyRoute for SettingsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_: Self) -> AnyView {
        shown(settings_view().await)
    }
}
