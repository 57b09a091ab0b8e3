//! The dialog list of the active tab: a resource for its first page (under
//! Transition and ErrorBoundary), later pages on scroll, and live changes
//! placed into the rows without a reload.

use super::super::api;
use super::super::browser::{js_sys_offset, move_focus};
use super::super::ctx::{t, use_ctx};
use super::filters::Filters;
use crate::logic::format;
use dialogdesk_domain::wire::DialogListItem;
use dialogdesk_domain::View;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

/// The rows shown, and where the next page starts.
#[derive(Clone, Default)]
struct Rows {
    items: Vec<DialogListItem>,
    next: Option<String>,
}

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
    let first_page = LocalResource::new(move || {
        let f = filters.get();
        let params = f.params(view.get(), None);
        ctx.live.resync.track();
        async move { api::dialogs::list(&f.filter(), &params).await }
    });
    let rows = RwSignal::new(Rows::default());
    Effect::new(move |_| {
        if let Some(Ok(page)) = first_page.get() {
            rows.set(Rows {
                items: page.items,
                next: page.next_cursor,
            });
        }
    });
    // The next page, appended only if the list is still the one it continues.
    let more = Action::new_local(move |cursor: &String| {
        let cursor = cursor.clone();
        let f = filters.get_untracked();
        let params = f.params(view.get_untracked(), Some(cursor.clone()));
        async move { (cursor, api::dialogs::list(&f.filter(), &params).await) }
    });
    Effect::new(move |_| {
        if let Some((cursor, Ok(page))) = more.value().get() {
            rows.update(|r| {
                if r.next.as_deref() == Some(cursor.as_str()) {
                    r.items.extend(page.items);
                    r.next = page.next_cursor;
                }
            });
        }
    });
    let load_more = move || {
        if let Some(cursor) = rows.with_untracked(|r| r.next.clone()) {
            if !more.pending().get_untracked() {
                more.dispatch(cursor);
            }
        }
    };
    follow_live(first_page, rows, view, filters);
    let favourite = Action::new_local(move |(id, on): &(i64, bool)| {
        let (id, on) = (*id, *on);
        async move {
            if api::dialogs::set_favourite(id, on).await.is_ok() {
                rows.update(|r| {
                    if let Some(d) = r.items.iter_mut().find(|d| d.id.0 == id) {
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
                if el.scroll_top() + el.client_height() >= el.scroll_height() - 80 { load_more(); }
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
                            <For each=move || rows.get().items key=|d| (d.id, d.version, d.message_count, d.favourite) let:d>
                                <DialogRow dialog=d selected=selected on_open=on_open on_star=on_star/>
                            </For>
                            {move || rows.with(|r| r.items.is_empty()).then(|| view! { <li class="empty">{t("common.empty")}</li> })}
                        })
                    })}
                </ErrorBoundary>
            </Transition>
            {move || (pending.get() || more.pending().get()).then(|| view! { <li class="loading">{t("common.loading")}</li> })}
            {move || (rows.with(|r| r.next.is_some()) && !more.pending().get()).then(|| view! {
                <li><button class="ghost wide" on:click=move |_| load_more()>{t("common.load_more")}</button></li>
            })}
        </ul>
    }
}

/// Live dialogs: the changed one moves, joins or leaves the rows. With
/// filters the server decides what matches, so the list is asked again.
fn follow_live(
    first_page: LocalResource<api::Answer<dialogdesk_domain::wire::Page<DialogListItem>>>,
    rows: RwSignal<Rows>,
    view: Memo<View>,
    filters: RwSignal<Filters>,
) {
    let ctx = use_ctx();
    Effect::new(move |_| {
        let Some(update) = ctx.live.dialog.get() else {
            return;
        };
        if !filters.with_untracked(Filters::is_empty) {
            first_page.refetch();
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
            rows.update(|r| {
                let at = r.items.iter().position(|d| d.id == id);
                match (at, belongs) {
                    (Some(i), true) => r.items[i] = dialog,
                    (Some(i), false) => {
                        r.items.remove(i);
                    }
                    (None, true) => r.items.insert(0, dialog),
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
