//! The chats page: status tabs with live counts, the dialog list of the
//! active tab (search, filters, sort, infinite scroll), and the open chat.

use super::api::{self, Method};
use super::browser::{focus, js_sys_offset};
use super::catalog::{load_catalog, Catalog};
use super::chat::ChatPanel;
use super::ctx::{ctx, t, tnow};
use crate::logic::format;
use crate::logic::url::{chats_path, pairs_of, query, view_from_segment};
use dialogdesk_domain::wire::{
    search, Counts, DialogFilter, DialogListItem, DialogListParams, DialogSort, Order, Page,
};
use dialogdesk_domain::{ChannelId, FlowId, OperatorId, StepId, TagId, View};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// Filters of the list.
#[derive(Clone, Default, PartialEq)]
struct Filters {
    q: String,
    assignee_id: String,
    channel_id: String,
    tag_id: String,
    flow_id: String,
    step_id: String,
    sort: DialogSort,
}

impl Filters {
    /// As the API takes them (an unset `<select>` is an empty string).
    fn filter(&self) -> DialogFilter {
        let id = |s: &str| s.parse::<i64>().ok();
        DialogFilter {
            q: search::of_box(&self.q),
            assignee_id: id(&self.assignee_id).map(OperatorId),
            channel_id: id(&self.channel_id).map(ChannelId),
            tag_id: id(&self.tag_id).map(TagId),
            flow_id: id(&self.flow_id).map(FlowId),
            step_id: id(&self.step_id).map(StepId),
        }
    }

    fn is_empty(&self) -> bool {
        self.filter() == DialogFilter::default()
    }
}

/// The page.
#[component]
pub fn Chats() -> impl IntoView {
    let ctx = ctx();
    let params = use_params_map();
    let query_map = use_query_map();
    let view_now = Memo::new(move |_| view_from_segment(params.get().get("view").as_deref()));
    let selected = Memo::new(move |_| {
        query_map
            .get()
            .get("dialog")
            .and_then(|d| d.parse::<i64>().ok())
    });
    let catalog = RwSignal::new(Catalog::default());
    load_catalog(catalog);

    let filters = RwSignal::new(Filters::default());
    let counts = RwSignal::new(None::<Counts>);
    let items = RwSignal::new(Vec::<DialogListItem>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // Each reload gets a number; answers of older reloads are dropped.
    let generation = StoredValue::new(0u32);

    let list_url = move |cursor: Option<String>| {
        let f = filters.get_untracked();
        let params = DialogListParams {
            view: Some(view_now.get_untracked()),
            sort: Some(f.sort),
            // Names read A→Z; counts and times newest/largest first.
            order: Some(if f.sort == DialogSort::ClientName {
                Order::Asc
            } else {
                Order::Desc
            }),
            cursor,
            limit: Some(50),
        };
        let mut pairs = pairs_of(&f.filter());
        pairs.extend(pairs_of(&params));
        format!("/api/v1/dialogs{}", query(pairs))
    };
    let load_counts = move || {
        let url = format!(
            "/api/v1/dialogs/counts{}",
            query(pairs_of(&filters.get_untracked().filter()))
        );
        spawn_local(async move {
            if let Ok(c) = api::get::<Counts>(&url).await {
                counts.set(Some(c));
            }
        });
    };
    let reload = move || {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        loading.set(true);
        let url = list_url(None);
        spawn_local(async move {
            let page = api::get::<Page<DialogListItem>>(&url).await;
            if generation.get_value() != mine {
                return;
            }
            loading.set(false);
            match page {
                Ok(p) => {
                    error.set(None);
                    items.set(p.items);
                    next.set(p.next_cursor);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let load_more = move || {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        let url = list_url(Some(cursor));
        let mine = generation.get_value();
        spawn_local(async move {
            let page = api::get::<Page<DialogListItem>>(&url).await;
            if generation.get_value() != mine {
                return;
            }
            loading.set(false);
            if let Ok(p) = page {
                items.update(|v| v.extend(p.items));
                next.set(p.next_cursor);
            }
        });
    };
    // Reload when the tab, the filters or a resync say so.
    Effect::new(move |_| {
        view_now.track();
        filters.track();
        ctx.live.resync.track();
        reload();
        load_counts();
    });
    // Live counts: exact without filters; with filters, ask again.
    Effect::new(move |_| {
        if let Some(status_counts) = ctx.live.counts.get() {
            if filters.get_untracked().is_empty() {
                counts.update(|c| {
                    let favourites = c.map(|c| c.favourites).unwrap_or(0);
                    *c = Some(Counts {
                        statuses: status_counts,
                        favourites,
                        capped: false,
                    });
                });
            } else {
                load_counts();
            }
        }
    });
    // Live dialogs: move, add or drop the changed one.
    Effect::new(move |_| {
        let Some(update) = ctx.live.dialog.get() else {
            return;
        };
        let id = update.id;
        let view = view_now.get_untracked();
        if !filters.get_untracked().is_empty() {
            reload();
            return;
        }
        spawn_local(async move {
            let Ok(dialog) = api::get::<DialogListItem>(&format!("/api/v1/dialogs/{id}")).await
            else {
                return;
            };
            let belongs = match view {
                View::All => true,
                View::Favourites => dialog.favourite,
                other => other.status() == Some(dialog.status),
            };
            items.update(|list| {
                let at = list.iter().position(|d| d.id == id);
                match (at, belongs) {
                    (Some(i), true) => list[i] = dialog,
                    (Some(i), false) => {
                        list.remove(i);
                    }
                    (None, true) => list.insert(0, dialog),
                    (None, false) => {}
                }
            });
        });
    });
    let on_favourite = move |id: i64, on: bool| {
        spawn_local(async move {
            let method = if on { Method::Put } else { Method::Delete };
            if api::send_empty(
                method,
                &format!("/api/v1/dialogs/{id}/favourite"),
                None::<&()>,
            )
            .await
            .is_ok()
            {
                items.update(|list| {
                    if let Some(d) = list.iter_mut().find(|d| d.id.0 == id) {
                        d.favourite = on;
                    }
                });
                counts.update(|c| {
                    if let Some(c) = c {
                        c.favourites += if on { 1 } else { -1 };
                    }
                });
            }
        });
    };
    let navigate = use_navigate();
    let open = move |id: i64| {
        navigate(
            &chats_path(view_now.get_untracked(), Some(id)),
            Default::default(),
        )
    };
    let set_filter = move |f: fn(&mut Filters, String)| {
        move |ev: leptos::ev::Event| filters.update(|x| f(x, event_target_value(&ev)))
    };

    view! {
        <div class="chats">
            <Tabs view=view_now counts=counts/>
            <section class="dialog-list" aria-label=t("nav.chats")>
                <div class="list-tools">
                    <input type="search" class="search" minlength="3" maxlength="100" title=t("common.search_min") placeholder=t("common.search") aria-label=t("common.search")
                        prop:value=move || filters.get().q
                        on:change=set_filter(|f, v| f.q = v)/>
                    <details>
                        <summary>{t("chats.filters")}</summary>
                        <div class="filters">
                            <select aria-label=t("ud.manager") on:change=set_filter(|f, v| f.assignee_id = v)>
                                <option value="">{t("chats.any_manager")}</option>
                                {move || catalog.get().operators.into_iter().map(|o| view! { <option value=o.id.0.to_string()>{o.name}</option> }).collect_view()}
                            </select>
                            <select aria-label=t("ud.channel") on:change=set_filter(|f, v| f.channel_id = v)>
                                <option value="">{t("chats.any_channel")}</option>
                                {move || catalog.get().channels.into_iter().map(|c| view! { <option value=c.id.0.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                            <select aria-label=t("ud.tags") on:change=set_filter(|f, v| f.tag_id = v)>
                                <option value="">{t("chats.any_tag")}</option>
                                {move || catalog.get().tags.into_iter().map(|c| view! { <option value=c.id.0.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                            <select aria-label=t("ud.flow") on:change=set_filter(|f, v| { f.flow_id = v; f.step_id.clear(); })>
                                <option value="">{t("chats.any_flow")}</option>
                                {move || catalog.get().flows.into_iter().map(|c| view! { <option value=c.id.0.to_string()>{c.name}</option> }).collect_view()}
                            </select>
                            <Show when=move || !filters.get().flow_id.is_empty()>
                                <select aria-label=t("ud.step") on:change=set_filter(|f, v| f.step_id = v)>
                                    <option value="">{t("chats.any_step")}</option>
                                    {move || {
                                        let flow = filters.get().flow_id;
                                        catalog.get().flows.into_iter().filter(|f| f.id.0.to_string() == flow).flat_map(|f| f.steps).map(|s| {
                                            let value = s.id.0.to_string();
                                            let v2 = value.clone();
                                            view! { <option value=value selected=move || filters.get().step_id == v2>{s.name}</option> }
                                        }).collect_view()
                                    }}
                                </select>
                            </Show>
                            <select aria-label=t("chats.sort") on:change=set_filter(|f, v| f.sort = v.parse().unwrap_or_default())>
                                {DialogSort::ALL.iter().map(|s| {
                                    let key = format!("sort.{s}");
                                    view! { <option value=s.as_str()>{move || tnow(&key)}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                    </details>
                </div>
                <ul class="items" data-testid="dialog-list"
                    on:scroll=move |ev| {
                        let el: web_sys::HtmlElement = event_target(&ev);
                        if el.scroll_top() + el.client_height() >= el.scroll_height() - 80 { load_more(); }
                    }>
                    {move || error.get().map(|m| view! { <li class="error" role="alert">{m}</li> })}
                    <For each=move || items.get() key=|d| (d.id, d.version, d.message_count, d.favourite) let:d>
                        <DialogRow dialog=d selected=selected on_open=open.clone() on_favourite=on_favourite/>
                    </For>
                    {move || (items.get().is_empty() && !loading.get() && error.get().is_none()).then(|| view! { <li class="empty">{t("common.empty")}</li> })}
                    {move || loading.get().then(|| view! { <li class="loading">{t("common.loading")}</li> })}
                    {move || (next.get().is_some() && !loading.get()).then(|| view! { <li><button class="ghost wide" on:click=move |_| load_more()>{t("common.load_more")}</button></li> })}
                </ul>
            </section>
            <section class="chat-area">
                {move || match selected.get() {
                    Some(id) => view! { <ChatPanel dialog_id=id catalog=catalog read_only=false/> }.into_any(),
                    None => view! { <p class="pick">{t("chats.pick")}</p> }.into_any(),
                }}
            </section>
        </div>
    }
}

/// The tab `step` places after `from` (wrapping), for arrow keys.
fn tab_after(from: View, step: isize) -> View {
    let all = View::ALL;
    let at = all.iter().position(|v| *v == from).unwrap_or(0) as isize;
    let n = all.len() as isize;
    all[((at + step) % n + n) as usize % all.len()]
}

/// The status tabs: a WAI-ARIA tablist. Only the current tab is in the
/// Tab order; arrow keys (and Home/End) move to another tab and open it.
#[component]
fn Tabs(view: Memo<View>, counts: RwSignal<Option<Counts>>) -> impl IntoView {
    let ctx = ctx();
    let navigate = use_navigate();
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let now = view.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowDown" | "ArrowRight" => tab_after(now, 1),
            "ArrowUp" | "ArrowLeft" => tab_after(now, -1),
            "Home" => View::ALL[0],
            "End" => View::ALL[View::ALL.len() - 1],
            _ => return,
        };
        ev.prevent_default();
        navigate(&chats_path(next, None), Default::default());
        focus(&format!("[data-testid=tab-{}]", next.as_str()));
    };
    view! {
        <nav class="tabs" role="tablist" aria-orientation="vertical" aria-label=t("chats.tabs") on:keydown=on_key>
            {View::ALL.iter().map(|v| {
                let v = *v;
                let label_key = format!("tab.{}", v.as_str());
                let hint_key = format!("tabhint.{}", v.as_str());
                // A capped count (a search matched more than the server
                // counts) is a lower bound: "1 000+".
                let count = move || counts.get().map(|c| (c.of_view(v), c.capped && v != View::Favourites));
                view! {
                    <a href=chats_path(v, None) class:active=move || view.get() == v
                        role="tab" aria-selected=move || (view.get() == v).to_string()
                        tabindex=move || if view.get() == v { "0" } else { "-1" }
                        title=move || tnow(&hint_key) data-testid=format!("tab-{}", v.as_str())>
                        <span class="tab-name">{move || tnow(&label_key)}</span>
                        <span class="count" data-testid=format!("count-{}", v.as_str())>
                            {move || count().map(|(n, capped)| {
                                let n = format::number(ctx.lang.get(), n);
                                if capped { format!("{n}+") } else { n }
                            }).unwrap_or_else(|| "…".into())}
                        </span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

#[component]
fn DialogRow(
    dialog: DialogListItem,
    selected: Memo<Option<i64>>,
    on_open: impl Fn(i64) + Clone + Send + Sync + 'static,
    on_favourite: impl Fn(i64, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = ctx();
    let id = dialog.id.0;
    let fav = dialog.favourite;
    let status = dialog.status;
    let now = chrono::Utc::now();
    let offset = -(js_sys_offset());
    let last = dialog.last_message.clone();
    let when = last
        .as_ref()
        .map(|m| {
            format::short(
                ctx.lang.get_untracked(),
                format::local(m.at, offset),
                format::local(now, offset),
            )
        })
        .unwrap_or_default();
    let preview = last
        .map(|m| {
            if m.text.is_empty() {
                format!("[{}]", m.kind)
            } else {
                m.text
            }
        })
        .unwrap_or_default();
    let open = on_open.clone();
    view! {
        <li class="dialog" class:selected=move || selected.get() == Some(id) data-testid="dialog-row" data-id=id.to_string()>
            <button class="row" on:click=move |_| open(id)>
                <span class="avatar" aria-hidden="true">{format::initials(&dialog.client.name)}</span>
                <span class="body">
                    <span class="line1">
                        <strong class="name">{dialog.client.name.clone()}</strong>
                        <span class="time">{when}</span>
                    </span>
                    <span class="line2">
                        <span class="phone">{dialog.client.phone.clone().unwrap_or_default()}</span>
                        <span class=format!("channel ch-{}", dialog.channel.kind.as_str())>{dialog.channel.name.clone()}</span>
                        <span class=format!("badge st-{}", status.as_str())>{move || tnow(&format!("status.{}", status.as_str()))}</span>
                    </span>
                    <span class="preview">{preview}</span>
                    <span class="line3">
                        {dialog.tags.iter().map(|tag| view! { <span class="tag" style=format!("--tag:{}", tag.color)>{tag.name.clone()}</span> }).collect_view()}
                        <span class="assignee">{dialog.assignee.as_ref().map(|a| a.name.clone()).unwrap_or_default()}</span>
                    </span>
                </span>
            </button>
            <button class="star" class:on=fav aria-pressed=fav.to_string() aria-label=t("chats.favourite")
                on:click=move |_| on_favourite(id, !fav)>{if fav { "★" } else { "☆" }}</button>
        </li>
    }
}
