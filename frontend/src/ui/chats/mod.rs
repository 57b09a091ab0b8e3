//! The chats page: the status tabs with live counts ([`tabs`]), the search
//! and filters ([`filters`]), the dialog list of the active tab ([`list`]),
//! and the open chat.

mod filters;
mod list;
mod tabs;

use super::api;
use super::ctx::{t, use_ctx};
use super::lazy_chat::ChatPanel;
use super::route::use_location;
use crate::logic::url::{chats_path, view_from_segment};
use filters::{FilterBar, Filters};
use leptos::prelude::*;
use list::DialogList;
use tabs::Tabs;

/// The page.
#[component]
pub fn Chats() -> impl IntoView {
    let ctx = use_ctx();
    let location = use_location();
    let view_now = Memo::new(move |_| view_from_segment(location.segment(1).as_deref()));
    let selected = Memo::new(move |_| location.query("dialog").and_then(|d| d.parse::<i64>().ok()));
    let filters = RwSignal::new(Filters::default());

    // The counts of every tab under the filters: asked again when they
    // change or the stream resyncs; kept live from `counts.changed`, which
    // is exact only without filters (with filters they are asked again).
    let counts = LocalResource::new(move || {
        let filter = filters.get().filter();
        ctx.live.resync.track();
        async move { api::dialogs::counts(&filter).await }
    });
    Effect::new(move |_| {
        let Some(statuses) = ctx.live.counts.get() else {
            return;
        };
        if filters.with_untracked(Filters::is_empty) {
            counts.update(|c| {
                if let Some(Ok(c)) = c {
                    c.statuses = statuses;
                    c.capped = false;
                }
            });
        } else {
            counts.refetch();
        }
    });
    let shown_counts = Signal::derive(move || counts.get().and_then(Result::ok));
    let on_favourite = Callback::new(move |on: bool| {
        counts.update(|c| {
            if let Some(Ok(c)) = c {
                c.favourites += if on { 1 } else { -1 };
            }
        });
    });
    let on_open = Callback::new(move |id: i64| {
        location.navigate(&chats_path(view_now.get_untracked(), Some(id)))
    });

    view! {
        <div class="chats">
            <h1 class="visually-hidden">{t("nav.chats")}</h1>
            <Tabs view=view_now counts=shown_counts/>
            <section class="dialog-list" aria-label=t("nav.chats")>
                <FilterBar filters=filters/>
                <DialogList view=view_now filters=filters selected=selected on_open=on_open on_favourite=on_favourite/>
            </section>
            <section class="chat-area">
                {move || match selected.get() {
                    Some(id) => view! { <ChatPanel dialog_id=id read_only=false/> }.into_any(),
                    None => view! { <p class="pick">{t("chats.pick")}</p> }.into_any(),
                }}
            </section>
        </div>
    }
}
