//! The list's search box, filters and sort.

use super::super::catalog::use_catalog;
use super::super::ctx::{t, use_ctx};
use dialogdesk_domain::wire::{search, DialogFilter, DialogListParams, DialogSort, Order};
use dialogdesk_domain::{ChannelId, FlowId, OperatorId, StepId, TagId, View};
use leptos::prelude::*;

/// What the list is narrowed and sorted by (an unset `<select>` is an
/// empty string).
#[derive(Clone, Default, PartialEq)]
pub struct Filters {
    q: String,
    assignee_id: String,
    channel_id: String,
    tag_id: String,
    flow_id: String,
    step_id: String,
    sort: DialogSort,
}

impl Filters {
    /// As the API takes them.
    pub fn filter(&self) -> DialogFilter {
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

    /// Whether nothing narrows the list (then live counts are exact).
    pub fn is_empty(&self) -> bool {
        self.filter() == DialogFilter::default()
    }

    /// A page of `view` in this order, after `cursor`.
    pub fn params(&self, view: View, cursor: Option<String>) -> DialogListParams {
        DialogListParams {
            view: Some(view),
            sort: Some(self.sort),
            // Names read A→Z; counts and times newest/largest first.
            order: Some(if self.sort == DialogSort::ClientName {
                Order::Asc
            } else {
                Order::Desc
            }),
            cursor,
            limit: Some(50),
        }
    }
}

/// The search box and the filters.
#[component]
pub fn FilterBar(filters: RwSignal<Filters>) -> impl IntoView {
    let ctx = use_ctx();
    let catalog = use_catalog();
    let set = move |f: fn(&mut Filters, String)| {
        move |ev: leptos::ev::Event| filters.update(|x| f(x, event_target_value(&ev)))
    };
    let options = |items: Vec<(i64, String)>| {
        items
            .into_iter()
            .map(|(id, name)| view! { <option value=id.to_string()>{name}</option> })
            .collect_view()
    };
    view! {
        <div class="list-tools">
            <input type="search" class="search" minlength="3" maxlength="100" title=t("common.search_min") placeholder=t("common.search") aria-label=t("common.search")
                prop:value=move || filters.get().q
                on:change=set(|f, v| f.q = v)/>
            <details>
                <summary>{t("chats.filters")}</summary>
                <div class="filters">
                    <select aria-label=t("ud.manager") on:change=set(|f, v| f.assignee_id = v)>
                        <option value="">{t("chats.any_manager")}</option>
                        {move || options(catalog.with(|c| c.operators.iter().map(|o| (o.id.0, o.name.clone())).collect()))}
                    </select>
                    <select aria-label=t("ud.channel") on:change=set(|f, v| f.channel_id = v)>
                        <option value="">{t("chats.any_channel")}</option>
                        {move || options(catalog.with(|c| c.channels.iter().map(|o| (o.id.0, o.name.clone())).collect()))}
                    </select>
                    <select aria-label=t("ud.tags") on:change=set(|f, v| f.tag_id = v)>
                        <option value="">{t("chats.any_tag")}</option>
                        {move || options(catalog.with(|c| c.tags.iter().map(|o| (o.id.0, o.name.clone())).collect()))}
                    </select>
                    <select aria-label=t("ud.flow") on:change=set(|f, v| { f.flow_id = v; f.step_id.clear(); })>
                        <option value="">{t("chats.any_flow")}</option>
                        {move || options(catalog.with(|c| c.flows.iter().map(|o| (o.id.0, o.name.clone())).collect()))}
                    </select>
                    <Show when=move || !filters.get().flow_id.is_empty()>
                        <select aria-label=t("ud.step") on:change=set(|f, v| f.step_id = v)>
                            <option value="">{t("chats.any_step")}</option>
                            {move || {
                                let flow = filters.get().flow_id;
                                let steps = catalog.with(|c| {
                                    c.flows.iter().filter(|f| f.id.0.to_string() == flow)
                                        .flat_map(|f| f.steps.iter().map(|s| (s.id.0, s.name.clone()))).collect::<Vec<_>>()
                                });
                                steps.into_iter().map(|(id, name)| {
                                    let value = id.to_string();
                                    let chosen = value.clone();
                                    view! { <option value=value selected=move || filters.get().step_id == chosen>{name}</option> }
                                }).collect_view()
                            }}
                        </select>
                    </Show>
                    <select aria-label=t("chats.sort") on:change=set(|f, v| f.sort = v.parse().unwrap_or_default())>
                        {DialogSort::ALL.iter().map(|s| {
                            let key = format!("sort.{s}");
                            view! { <option value=s.as_str()>{move || ctx.tr(&key)}</option> }
                        }).collect_view()}
                    </select>
                </div>
            </details>
        </div>
    }
}
