//! Records → Dialog list: finished dialogs, their CSV, the charts.

use super::{exchange, get, with_query, Answer, Method};
use crate::logic::query_pairs::pairs_of;
use crate::logic::url::query;
use dialogdesk_domain::wire::{
    CsvParams, FinishedByOperator, FinishedOnChannel, FinishedOnDay, Items, Page, RangeParams,
    RecordParams, RecordRow,
};

/// `GET /api/v1/records/dialogs`.
pub async fn dialogs(params: &RecordParams) -> Answer<Page<RecordRow>> {
    get(&with_query("/api/v1/records/dialogs", params)).await
}

/// `GET /api/v1/records/dialogs.csv`: the same rows as a file.
pub async fn csv(params: &RecordParams, csv: &CsvParams) -> Answer<Vec<u8>> {
    let mut pairs = pairs_of(params);
    pairs.extend(pairs_of(csv));
    let path = format!("/api/v1/records/dialogs.csv{}", query(pairs));
    let response = exchange(Method::Get, &path, None).await?;
    response.binary().await.map_err(super::local_problem)
}

/// `GET /api/v1/analytics/finished/by-operator`.
pub async fn by_operator(range: &RangeParams) -> Answer<Vec<FinishedByOperator>> {
    let path = with_query("/api/v1/analytics/finished/by-operator", range);
    get::<Items<_>>(&path).await.map(|i| i.items)
}

/// `GET /api/v1/analytics/finished/by-channel`.
pub async fn by_channel(range: &RangeParams) -> Answer<Vec<FinishedOnChannel>> {
    let path = with_query("/api/v1/analytics/finished/by-channel", range);
    get::<Items<_>>(&path).await.map(|i| i.items)
}

/// `GET /api/v1/analytics/finished/by-day`.
pub async fn by_day(range: &RangeParams) -> Answer<Vec<FinishedOnDay>> {
    let path = with_query("/api/v1/analytics/finished/by-day", range);
    get::<Items<_>>(&path).await.map(|i| i.items)
}
