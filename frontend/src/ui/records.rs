//! Records → Dialog list: finished dialogs for heads of sales, with charts.

use super::api;
use super::browser::{js_sys_offset, save_file};
use super::catalog::{load_catalog, Catalog};
use super::charts::{Bars, Days};
use super::chat::ChatPanel;
use super::ctx::{ctx, t, tnow};
use crate::logic::format;
use crate::logic::sort::SortState;
use crate::logic::url::{pairs_of, query};
use dialogdesk_domain::wire::{
    search, CsvParams, FinishedByOperator, FinishedOnChannel, FinishedOnDay, Items, Order, Page,
    RangeParams, RecordParams, RecordRow, RecordSort,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

const COLUMNS: [(RecordSort, &str); 6] = [
    (RecordSort::Client, "records.client"),
    (RecordSort::Channel, "records.channel"),
    (RecordSort::Number, "records.number"),
    (RecordSort::FinishedBy, "records.finished_by"),
    (RecordSort::FinishedAt, "records.finished_at"),
    (RecordSort::MessageCount, "records.messages"),
];

/// The Dialog list's parameters for a search and a sort.
fn record_params(q: &str, sort: SortState) -> RecordParams {
    RecordParams {
        q: search::of_box(q),
        sort: Some(sort.column),
        order: Some(sort.order),
        ..RecordParams::default()
    }
}

/// The page.
#[component]
pub fn Records() -> impl IntoView {
    let ctx = ctx();
    let sort = RwSignal::new(SortState::new(RecordSort::FinishedAt, Order::Desc));
    let q = RwSignal::new(String::new());
    let today = chrono::Utc::now().date_naive();
    let from = RwSignal::new((today - chrono::Duration::days(29)).to_string());
    let to = RwSignal::new(today.to_string());
    let rows = RwSignal::new(Vec::<RecordRow>::new());
    let next = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let by_operator = RwSignal::new(Vec::<(String, i64)>::new());
    let by_channel = RwSignal::new(Vec::<(String, i64)>::new());
    let by_day = RwSignal::new(Vec::<(String, i64)>::new());
    let generation = StoredValue::new(0u32);
    let offset = -js_sys_offset();

    let url = move |path: &str, cursor: Option<String>| {
        let params = RecordParams {
            limit: Some(50),
            cursor,
            ..record_params(&q.get_untracked(), sort.get_untracked())
        };
        format!("{path}{}", query(pairs_of(&params)))
    };
    let load = move |cursor: Option<String>| {
        if cursor.is_none() {
            generation.update_value(|g| *g += 1);
        }
        let mine = generation.get_value();
        loading.set(true);
        let address = url("/api/v1/records/dialogs", cursor.clone());
        spawn_local(async move {
            let page = api::get::<Page<RecordRow>>(&address).await;
            if generation.get_value() != mine {
                return;
            }
            loading.set(false);
            match page {
                Ok(p) => {
                    error.set(None);
                    if cursor.is_some() {
                        rows.update(|r| r.extend(p.items));
                    } else {
                        rows.set(p.items);
                    }
                    next.set(p.next_cursor);
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let load_charts = move || {
        let range = query(pairs_of(&RangeParams {
            from: from.get_untracked().parse().ok(),
            to: to.get_untracked().parse().ok(),
            utc_offset_minutes: Some(offset),
        }));
        let by_step = tnow("records.by_step");
        spawn_local(async move {
            if let Ok(r) = api::get::<Items<FinishedByOperator>>(&format!(
                "/api/v1/analytics/finished/by-operator{range}"
            ))
            .await
            {
                by_operator.set(
                    r.items
                        .into_iter()
                        .map(|i| {
                            let who = i.operator.map_or_else(|| by_step.clone(), |o| o.name);
                            (who, i.finished)
                        })
                        .collect(),
                );
            }
            if let Ok(r) = api::get::<Items<FinishedOnChannel>>(&format!(
                "/api/v1/analytics/finished/by-channel{range}"
            ))
            .await
            {
                by_channel.set(
                    r.items
                        .into_iter()
                        .map(|i| (i.channel.name, i.finished))
                        .collect(),
                );
            }
            if let Ok(r) = api::get::<Items<FinishedOnDay>>(&format!(
                "/api/v1/analytics/finished/by-day{range}"
            ))
            .await
            {
                by_day.set(
                    r.items
                        .into_iter()
                        .map(|i| (i.day.to_string(), i.finished))
                        .collect(),
                );
            }
        });
    };
    Effect::new(move |_| {
        sort.track();
        q.track();
        load(None);
    });
    Effect::new(move |_| {
        from.track();
        to.track();
        ctx.lang.track();
        load_charts();
    });
    // Fetched with the session cookie and saved from a Blob: no credential
    // in a URL, and a refusal shows here instead of replacing the page.
    let csv_busy = RwSignal::new(false);
    let csv_error = RwSignal::new(None::<String>);
    let download_csv = move |_| {
        let mut pairs = pairs_of(&record_params(&q.get_untracked(), sort.get_untracked()));
        pairs.extend(pairs_of(&CsvParams {
            lang: ctx.lang.get_untracked().code().parse().ok(),
        }));
        let url = format!("/api/v1/records/dialogs.csv{}", query(pairs));
        csv_busy.set(true);
        csv_error.set(None);
        spawn_local(async move {
            let saved = match api::get_raw(&url).await {
                Ok(response) => match response.binary().await {
                    Ok(bytes) => save_file("dialogs.csv", "text/csv", &bytes),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.message),
            };
            csv_busy.set(false);
            csv_error.set(saved.err());
        });
    };
    let navigate = use_navigate();

    view! {
        <div class="records">
            <p class="crumbs">{t("nav.records.path")}" → "{t("nav.records")}</p>
            <h1>{t("records.title")}</h1>
            <div class="range">
                <label>{t("records.from")}<input type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{t("records.to")}<input type="date" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/></label>
            </div>
            <div class="charts">
                <Bars title=Signal::derive(move || tnow("records.chart_operators")) rows=Signal::derive(move || by_operator.get())/>
                <Bars title=Signal::derive(move || tnow("records.chart_channels")) rows=Signal::derive(move || by_channel.get())/>
                <Days title=Signal::derive(move || tnow("records.chart_days")) rows=Signal::derive(move || by_day.get())/>
            </div>
            <div class="table-tools">
                <input type="search" class="search" data-testid="records-search" minlength="3" maxlength="100" title=t("common.search_min") placeholder=t("common.search") aria-label=t("common.search")
                    prop:value=move || q.get() on:change=move |ev| q.set(event_target_value(&ev))/>
                <button type="button" class="button" on:click=download_csv disabled=move || csv_busy.get() data-testid="records-csv">{t("records.export")}</button>
                {move || csv_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            </div>
            <table class="grid" data-testid="records-table">
                <thead>
                    <tr>
                        {COLUMNS.iter().map(|(column, key)| {
                            let column = *column;
                            let key = *key;
                            view! {
                                <th scope="col" aria-sort=move || match (sort.get().column == column, sort.get().order) {
                                    (true, Order::Asc) => "ascending",
                                    (true, Order::Desc) => "descending",
                                    _ => "none",
                                }>
                                    <button class="sort" data-testid=format!("sort-{column}") on:click=move |_| sort.update(|s| *s = s.clicked(column))>
                                        {move || tnow(key)}" "<span class="arrow">{move || sort.get().arrow_for(column)}</span>
                                    </button>
                                </th>
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| {
                        let id = r.dialog_id.0;
                        let navigate = navigate.clone();
                        let finished_at = format::date_time(ctx.lang.get(), format::local(r.finished_at, offset));
                        view! {
                            <tr data-testid="record-row" tabindex="0" on:click=move |_| navigate(&format!("/records/dialog/{id}"), Default::default())>
                                <td>
                                    <span class="avatar" aria-hidden="true">{format::initials(&r.client.name)}</span>
                                    " "{r.client.name.clone()}
                                    <span class="muted phone">" "{r.client.phone.clone().unwrap_or_default()}</span>
                                </td>
                                <td>{r.channel.name.clone()}</td>
                                <td class="number">{r.number.clone().unwrap_or_default()}</td>
                                <td>{r.finished_by.as_ref().map(|f| f.name.clone()).unwrap_or_else(|| tnow("records.by_step"))}</td>
                                <td>{finished_at}</td>
                                <td class="num" data-testid="record-messages">{r.message_count}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || (rows.get().is_empty() && !loading.get()).then(|| view! { <p class="empty">{t("common.empty")}</p> })}
            {move || loading.get().then(|| view! { <p class="loading">{t("common.loading")}</p> })}
            {move || next.get().map(|c| view! { <button class="ghost wide" on:click=move |_| load(Some(c.clone()))>{t("common.load_more")}</button> })}
        </div>
    }
}

/// One finished dialog, read-only, with its timeline (from a records row).
#[component]
pub fn RecordDialog() -> impl IntoView {
    let params = use_params_map();
    let catalog = RwSignal::new(Catalog::default());
    load_catalog(catalog);
    view! {
        <div class="record-dialog">
            <a href="/records">"← "{t("nav.records")}</a>
            {move || params.get().get("id").and_then(|id| id.parse::<i64>().ok()).map(|id| view! {
                <ChatPanel dialog_id=id catalog=catalog read_only=true/>
            })}
        </div>
    }
}
