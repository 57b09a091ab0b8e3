//! The open chat as a split point (`super::split`): Chats and a record's
//! page show it; its code (the chat, User Data) loads when the first dialog
//! is opened.

use super::split::{shown, split_point};
use leptos::prelude::*;

split_point! {
    /// The open chat: messages, the reply box and User Data.
    fn chat_panel_view(dialog_id: i64, read_only: bool) {
        view! { <super::chat::ChatPanel dialog_id=dialog_id read_only=read_only/> }.into_any()
    }
}

/// The open chat, shown once its code is loaded (at once after the first
/// time).
#[component]
pub fn ChatPanel(dialog_id: i64, read_only: bool) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="notice" role="status">{super::ctx::t("common.loading")}</p> }>
            {Suspend::new(async move { shown(chat_panel_view(dialog_id, read_only).await) })}
        </Suspense>
    }
}
