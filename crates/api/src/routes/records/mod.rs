//! Records → Dialog list, for heads of sales.

pub mod csv;
pub mod list;

use crate::problem::ApiError;
use dialogdesk_domain::wire::RecordParams;
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::records::RecordsQuery;

/// The Dialog list's parameters as the store takes them.
pub fn records_query(
    params: &RecordParams,
    limit: usize,
    phones: PhoneMatch,
) -> Result<RecordsQuery, ApiError> {
    crate::routes::search_text(params.q.as_deref())?;
    if let (Some(from), Some(to)) = (params.from, params.to) {
        if from > to {
            return Err(ApiError::invalid("from", "must not be after `to`"));
        }
    }
    Ok(RecordsQuery {
        q: params.q.clone(),
        finished_by: params.finished_by,
        channel_id: params.channel_id,
        from: params.from,
        to: params.to,
        sort: params.sort.unwrap_or_default(),
        order: params.order.unwrap_or_default(),
        cursor: params.cursor.clone(),
        limit,
        phones,
    })
}
