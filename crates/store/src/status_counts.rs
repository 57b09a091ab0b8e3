//! The nine status counts: from the counters table (kept in the transaction
//! of every status change) or from `(status, count)` rows. Apart from the
//! listing, because the live relay reads them too and the listing reads
//! the dialogs.

use crate::error::StoreResult;
use crate::models::parse_stored;
use crate::schema::status_counters;
use crate::DbConnection;
use dialogdesk_domain::wire::StatusCounts;
use diesel::prelude::*;

/// The nine status counts from `(status, count)` rows; `all` is their sum.
pub fn tally(rows: Vec<(String, i64)>) -> StoreResult<StatusCounts> {
    let mut counts = StatusCounts::default();
    for (status, n) in rows {
        counts.set(parse_stored(&status)?, n);
    }
    counts.all = counts.status_sum();
    Ok(counts)
}

/// The status counts as the counters table keeps them (updated in the same
/// transaction as every status change): what the tabs show unfiltered.
pub fn counters(conn: &mut DbConnection) -> StoreResult<StatusCounts> {
    tally(
        status_counters::table
            .select((status_counters::status, status_counters::count))
            .load(conn)?,
    )
}
