//! Records → Dialog list: finished dialogs for heads of sales, with charts.

use super::api;
use super::browser::{js_sys_offset, save_file};
use super::charts::{Bars, Days};
use super::ctx::{t, use_ctx};
use super::lazy_chat::ChatPanel;
use super::paged::Paged;
use super::route::use_location;
use crate::logic::format;
use crate::logic::sort::SortState;
use dialogdesk_domain::wire::{search, CsvParams, Order, RangeParams, RecordParams, RecordSort};
use leptos::prelude::*;

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

/// The page: the date range and its charts, the search, the table.
#[component]
pub fn Records() -> impl IntoView {
    let sort = RwSignal::new(SortState::new(RecordSort::FinishedAt, Order::Desc));
    let q = RwSignal::new(String::new());
    view! {
        <div class="records">
            <p class="crumbs">{t("nav.records.path")}" → "{t("nav.records")}</p>
            <h1>{t("records.title")}</h1>
            <Charts/>
            <div class="table-tools">
                <input type="search" class="search" data-testid="records-search" minlength="3" maxlength="100" title=t("common.search_min") placeholder=t("common.search") aria-label=t("common.search")
                    prop:value=move || q.get() on:change=move |ev| q.set(event_target_value(&ev))/>
                <CsvButton q=q sort=sort/>
            </div>
            <RecordTable q=q sort=sort/>
        </div>
    }
}

/// The three charts of dialogs finished in a date range.
#[component]
fn Charts() -> impl IntoView {
    let ctx = use_ctx();
    let today = chrono::Utc::now().date_naive();
    let from = RwSignal::new((today - chrono::Duration::days(29)).to_string());
    let to = RwSignal::new(today.to_string());
    let offset = -js_sys_offset();
    let charts = LocalResource::new(move || {
        let range = RangeParams {
            from: from.get().parse().ok(),
            to: to.get().parse().ok(),
            utc_offset_minutes: Some(offset),
        };
        async move {
            futures::join!(
                api::records::by_operator(&range),
                api::records::by_channel(&range),
                api::records::by_day(&range)
            )
        }
    });
    let by_operator = Signal::derive(move || {
        let by_step = ctx.tr("records.by_step");
        charts.with(|c| match c {
            Some((Ok(rows), _, _)) => rows
                .iter()
                .map(|i| {
                    (
                        i.operator
                            .as_ref()
                            .map_or_else(|| by_step.clone(), |o| o.name.clone()),
                        i.finished,
                    )
                })
                .collect(),
            _ => Vec::new(),
        })
    });
    let by_channel = Signal::derive(move || {
        charts.with(|c| match c {
            Some((_, Ok(rows), _)) => rows
                .iter()
                .map(|i| (i.channel.name.clone(), i.finished))
                .collect(),
            _ => Vec::new(),
        })
    });
    let by_day = Signal::derive(move || {
        charts.with(|c| match c {
            Some((_, _, Ok(rows))) => rows
                .iter()
                .map(|i| (i.day.to_string(), i.finished))
                .collect(),
            _ => Vec::new(),
        })
    });
    view! {
        <div class="range">
            <label>{t("records.from")}<input type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev))/></label>
            <label>{t("records.to")}<input type="date" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev))/></label>
        </div>
        <div class="charts">
            <Bars title=Signal::derive(move || ctx.tr("records.chart_operators")) rows=by_operator/>
            <Bars title=Signal::derive(move || ctx.tr("records.chart_channels")) rows=by_channel/>
            <Days title=Signal::derive(move || ctx.tr("records.chart_days")) rows=by_day/>
        </div>
    }
}

/// The CSV of the rows the table shows, fetched with the session cookie
/// and saved from a Blob: no credential in a URL, and a refusal shows
/// here instead of replacing the page.
#[component]
fn CsvButton(q: RwSignal<String>, sort: RwSignal<SortState>) -> impl IntoView {
    let ctx = use_ctx();
    let download = Action::new_local(move |_: &()| {
        let params = record_params(&q.get_untracked(), sort.get_untracked());
        let csv = CsvParams {
            lang: ctx.lang.get_untracked().code().parse().ok(),
        };
        async move {
            match api::records::csv(&params, &csv).await {
                Ok(bytes) => save_file("dialogs.csv", "text/csv", &bytes).err(),
                Err(e) => Some(ctx.say(&e)),
            }
        }
    });
    view! {
        <button type="button" class="button" on:click=move |_| { download.dispatch(()); }
            disabled=move || download.pending().get() data-testid="records-csv">{t("records.export")}</button>
        {move || download.value().get().flatten().map(|m| view! { <p class="error" role="alert">{m}</p> })}
    }
}

/// The sortable table of finished dialogs, page after page.
#[component]
fn RecordTable(q: RwSignal<String>, sort: RwSignal<SortState>) -> impl IntoView {
    let ctx = use_ctx();
    let location = use_location();
    let offset = -js_sys_offset();
    let paged = Paged::new(move |cursor| {
        let params = RecordParams {
            limit: Some(50),
            cursor,
            ..record_params(&q.get(), sort.get())
        };
        async move { api::records::dialogs(&params).await }
    });
    let (first_page, rows) = (paged.first_page, paged.rows);
    view! {
        <table class="grid" data-testid="records-table">
            <thead><tr>{COLUMNS.iter().map(|(column, key)| view! { <SortHeader column=*column key=key sort=sort/> }).collect_view()}</tr></thead>
            <tbody>
                {move || rows.get().into_iter().map(|r| {
                    let id = r.dialog_id.0;
                    let finished_at = format::date_time(ctx.lang.get(), format::local(r.finished_at, offset));
                    view! {
                        <tr data-testid="record-row" tabindex="0" on:click=move |_| location.navigate(&format!("/records/dialog/{id}"))>
                            <td>
                                <span class="avatar" aria-hidden="true">{format::initials(&r.client.name)}</span>
                                " "{r.client.name.clone()}
                                <span class="muted phone">" "{r.client.phone.clone().unwrap_or_default()}</span>
                            </td>
                            <td>{r.channel.name.clone()}</td>
                            <td class="number">{r.number.clone().unwrap_or_default()}</td>
                            <td>{r.finished_by.as_ref().map(|f| f.name.clone()).unwrap_or_else(|| ctx.tr("records.by_step"))}</td>
                            <td>{finished_at}</td>
                            <td class="num" data-testid="record-messages">{r.message_count}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <Transition fallback=move || view! { <p class="loading">{t("common.loading")}</p> }>
            <ErrorBoundary fallback=move |errors| view! {
                <p class="error" role="alert">{move || errors.get().into_iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")}</p>
            }>
                {move || Suspend::new(async move {
                    first_page.await.map(|_| view! {
                        {move || rows.with(Vec::is_empty).then(|| view! { <p class="empty">{t("common.empty")}</p> })}
                    })
                })}
            </ErrorBoundary>
        </Transition>
        {move || paged.loading_more().then(|| view! { <p class="loading">{t("common.loading")}</p> })}
        {move || paged.can_load_more().then(|| view! { <button class="ghost wide" data-testid="records-more" on:click=move |_| paged.load_more()>{t("common.load_more")}</button> })}
    }
}

/// A column header that sorts by its column: first click descending for
/// counts and times, ascending for names; again reverses.
#[component]
fn SortHeader(column: RecordSort, key: &'static str, sort: RwSignal<SortState>) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <th scope="col" aria-sort=move || match (sort.get().column == column, sort.get().order) {
            (true, Order::Asc) => "ascending",
            (true, Order::Desc) => "descending",
            _ => "none",
        }>
            <button class="sort" data-testid=format!("sort-{column}") on:click=move |_| sort.update(|s| *s = s.clicked(column))>
                {move || ctx.tr(key)}" "<span class="arrow">{move || sort.get().arrow_for(column)}</span>
            </button>
        </th>
    }
}

/// One finished dialog, read-only, with its timeline (from a records row).
#[component]
pub fn RecordDialog() -> impl IntoView {
    let location = use_location();
    view! {
        <div class="record-dialog">
            <a href="/records">"← "{t("nav.records")}</a>
            {move || location.segment(2).and_then(|id| id.parse::<i64>().ok()).map(|id| view! {
                <ChatPanel dialog_id=id read_only=true/>
            })}
        </div>
    }
}
