//! The dialog list of the active tab: a resource for its first page (under
//! Transition and ErrorBoundary), later pages on scroll, and live changes
//! placed into the rows without a reload.

use super::super::api;
use super::super::browser::{js_sys_offset, move_focus};
use super::super::ctx::{t, use_ctx};
use super::super::paged::Paged;
use super::filters::Filters;
use crate::logic::format;
use dialogdesk_domain::wire::DialogListItem;
use dialogdesk_domain::View;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

/// The list. `on_open` opens a dialog; `on_favourite` hears a star set or
/// cleared (the tab counts follow).
#[component]
pub fn DialogList(
    view: Memo<View>,
    filters: RwSignal<Filters>,
    selected: Memo<Option<i64>>,
    on_open: Callback<i64>,
    on_favourite: Callback<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    let paged = Paged::new(move |cursor| {
        let f = filters.get();
        let params = f.params(view.get(), cursor);
        ctx.live.resync.track();
        async move { api::dialogs::list(&f.filter(), &params).await }
    });
    let (first_page, rows) = (paged.first_page, paged.rows);
    follow_live(paged, view, filters);
    let favourite = Action::new_local(move |(id, on): &(i64, bool)| {
        let (id, on) = (*id, *on);
        async move {
            if api::dialogs::set_favourite(id, on).await.is_ok() {
                rows.update(|items| {
                    if let Some(d) = items.iter_mut().find(|d| d.id.0 == id) {
                        d.favourite = on;
                    }
                });
                on_favourite.run(on);
            }
        }
    });
    let on_star = Callback::new(move |(id, on)| {
        favourite.dispatch((id, on));
    });
    let pending = RwSignal::new(false);
    view! {
        <ul class="items" data-testid="dialog-list"
            on:scroll=move |ev| {
                let el: web_sys::HtmlElement = event_target(&ev);
                if el.scroll_top() + el.client_height() >= el.scroll_height() - 80 { paged.load_more(); }
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let step = match ev.key().as_str() { "ArrowDown" => 1, "ArrowUp" => -1, _ => return };
                ev.prevent_default();
                move_focus("[data-testid=dialog-list] button.row", step);
            }>
            <Transition fallback=move || view! { <li class="loading">{t("common.loading")}</li> } set_pending=pending.write_only()>
                <ErrorBoundary fallback=move |errors| view! {
                    <li class="error" role="alert">
                        {move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")}
                    </li>
                }>
                    {move || Suspend::new(async move {
                        first_page.await.map(|_| view! {
                            <For each=move || rows.get() key=|d| (d.id, d.version, d.message_count, d.favourite) let:d>
                                <DialogRow dialog=d selected=selected on_open=on_open on_star=on_star/>
                            </For>
                            {move || rows.with(Vec::is_empty).then(|| view! { <li class="empty">{t("common.empty")}</li> })}
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            {move || (pending.get() || paged.loading_more()).then(|| view! { <li class="loading">{t("common.loading")}</li> })}
            {move || paged.can_load_more().then(|| view! {
                <li><button class="ghost wide" data-testid="dialogs-more" on:click=move |_| paged.load_more()>{t("common.load_more")}</button></li>
            })}
        </ul>
    }
}

/// Live dialogs: the changed one moves, joins or leaves the rows. With
/// filters the server decides what matches, so the list is asked again.
fn follow_live(paged: Paged<DialogListItem>, view: Memo<View>, filters: RwSignal<Filters>) {
    let ctx = use_ctx();
    Effect::new(move |_| {
        let Some(update) = ctx.live.dialog.get() else {
            return;
        };
        if !filters.with_untracked(Filters::is_empty) {
            paged.first_page.refetch();
            return;
        }
        let id = update.id;
        let view = view.get_untracked();
        spawn_local_scoped_with_cancellation(async move {
            let Ok(dialog) = api::dialogs::one(id.0).await else {
                return;
            };
            let belongs = match view {
                View::All => true,
                View::Favourites => dialog.favourite,
                other => other.status() == Some(dialog.status),
            };
            paged.rows.update(|items| {
                let at = items.iter().position(|d| d.id == id);
                match (at, belongs) {
                    (Some(i), true) => items[i] = dialog,
                    (Some(i), false) => {
                        items.remove(i);
                    }
                    (None, true) => items.insert(0, dialog),
                    (None, false) => {}
                }
            });
        });
    });
}

/// One row: who, when, where, status, the last message, tags, manager, star.
#[component]
fn DialogRow(
    dialog: DialogListItem,
    selected: Memo<Option<i64>>,
    on_open: Callback<i64>,
    on_star: Callback<(i64, bool)>,
) -> impl IntoView {
    let ctx = use_ctx();
    let id = dialog.id.0;
    let fav = dialog.favourite;
    let status = dialog.status;
    let offset = -(js_sys_offset());
    let when = dialog
        .last_message
        .as_ref()
        .map(|m| {
            format::short(
                ctx.lang.get_untracked(),
                format::local(m.at, offset),
                format::local(chrono::Utc::now(), offset),
            )
        })
        .unwrap_or_default();
    let preview = dialog
        .last_message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    let kind_key = dialog
        .last_message
        .as_ref()
        .filter(|m| m.text.is_empty())
        .map(|m| format!("kind.{}", m.kind));
    view! {
        <li class="dialog" class:selected=move || selected.get() == Some(id) data-testid="dialog-row" data-id=id.to_string()>
            <button class="row" on:click=move |_| on_open.run(id)>
                <span class="avatar" aria-hidden="true">{format::initials(&dialog.client.name)}</span>
                <span class="body">
                    <span class="line1">
                        <strong class="name">{dialog.client.name.clone()}</strong>
                        <span class="time">{when}</span>
                    </span>
                    <span class="line2">
                        <span class="phone">{dialog.client.phone.clone().unwrap_or_default()}</span>
                        <span class=format!("channel ch-{}", dialog.channel.kind.as_str())>{dialog.channel.name.clone()}</span>
                        <span class=format!("badge st-{}", status.as_str())>{move || ctx.tr(&format!("status.{}", status.as_str()))}</span>
                    </span>
                    <span class="preview">{preview}{kind_key.map(|key| move || ctx.tr(&key))}</span>
                    <span class="line3">
                        {dialog.tags.iter().map(|tag| view! { <span class="tag" style=format!("--tag:{}", tag.color)>{tag.name.clone()}</span> }).collect_view()}
                        <span class="assignee">{dialog.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_default()}</span>
                    </span>
                </span>
            </button>
            <button class="star" class:on=fav aria-pressed=fav.to_string() aria-label=t("chats.favourite")
                on:click=move |_| on_star.run((id, !fav))>{if fav { "★" } else { "☆" }}</button>
        </li>
    }
}
