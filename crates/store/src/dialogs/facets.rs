//! Facet counters: how many dialogs of each status a manager, a channel, a
//! flow, a step or a tag has, so the tabs' counts under one filter are a
//! read of nine rows instead of a count over the dialogs. Kept in the
//! transaction of every change that moves a dialog between them, like the
//! per-status counters (see `writes::Writes::move_facets`).

use crate::error::StoreResult;
use crate::schema::facet_counters;
use crate::DbConnection;
use dialogdesk_domain::machine::DialogState;
use dialogdesk_domain::wire::DialogFilter;
use dialogdesk_domain::Status;
use diesel::prelude::*;
use std::collections::BTreeSet;

/// A facet: the name stored in `facet_counters.facet` and the id.
pub type Facet = (&'static str, i64);

/// The one facet a filter names, when it names exactly one and no search:
/// the filters whose counts the counters answer.
pub fn single_facet(filter: &DialogFilter) -> Option<Facet> {
    if filter.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        return None;
    }
    let named: Vec<Facet> = [
        filter.assignee_id.map(|id| ("assignee", id.0)),
        filter.channel_id.map(|id| ("channel", id.0)),
        filter.flow_id.map(|id| ("flow", id.0)),
        filter.step_id.map(|id| ("step", id.0)),
        filter.tag_id.map(|id| ("tag", id.0)),
    ]
    .into_iter()
    .flatten()
    .collect();
    match named.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// Every (facet, status) a dialog in `state` on `channel_id` counts under.
pub(crate) fn counted_under(
    channel_id: i64,
    state: &DialogState,
) -> BTreeSet<(&'static str, i64, Status)> {
    let status = state.status;
    let mut out = BTreeSet::from([("channel", channel_id, status)]);
    out.extend(state.assignee_id.map(|id| ("assignee", id.0, status)));
    out.extend(state.flow_id.map(|id| ("flow", id.0, status)));
    out.extend(state.step_id.map(|id| ("step", id.0, status)));
    out.extend(state.tag_ids.iter().map(|id| ("tag", id.0, status)));
    out
}

/// The counters of one facet, as `(status, count)` rows.
pub fn facet_counts(conn: &mut DbConnection, facet: Facet) -> StoreResult<Vec<(String, i64)>> {
    Ok(facet_counters::table
        .filter(facet_counters::facet.eq(facet.0))
        .filter(facet_counters::facet_id.eq(facet.1))
        .select((facet_counters::status, facet_counters::count))
        .load(conn)?)
}

/// Forgets a tag's counters (the tag is being deleted with its links).
pub fn forget_tag(conn: &mut DbConnection, tag_id: i64) -> StoreResult<()> {
    diesel::delete(
        facet_counters::table
            .filter(facet_counters::facet.eq("tag"))
            .filter(facet_counters::facet_id.eq(tag_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Counts every facet afresh from the dialogs: after a bulk load that wrote
/// dialogs without going through the state machine, and in tests, to check
/// the counters kept one change at a time.
pub const RECOUNT_FACETS: &str = "
    SELECT 'assignee' AS facet, assignee_id AS facet_id, status, COUNT(*) AS count FROM dialogs
        WHERE assignee_id IS NOT NULL GROUP BY assignee_id, status
    UNION ALL
    SELECT 'channel', channel_id, status, COUNT(*) FROM dialogs GROUP BY channel_id, status
    UNION ALL
    SELECT 'flow', flow_id, status, COUNT(*) FROM dialogs
        WHERE flow_id IS NOT NULL GROUP BY flow_id, status
    UNION ALL
    SELECT 'step', step_id, status, COUNT(*) FROM dialogs
        WHERE step_id IS NOT NULL GROUP BY step_id, status
    UNION ALL
    SELECT 'tag', dialog_tags.tag_id, dialogs.status, COUNT(*)
        FROM dialog_tags JOIN dialogs ON dialogs.id = dialog_tags.dialog_id
        GROUP BY dialog_tags.tag_id, dialogs.status";

/// Replaces every facet counter with a fresh count.
pub fn rebuild_facet_counters(conn: &mut DbConnection) -> StoreResult<()> {
    diesel::delete(facet_counters::table).execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO facet_counters (facet, facet_id, status, count) {RECOUNT_FACETS}"
    ))
    .execute(conn)?;
    Ok(())
}

/// One facet counter: facet, id, status, count.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct FacetCount {
    /// `assignee`, `channel`, `flow`, `step` or `tag`.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub facet: String,
    /// The manager's, channel's, … id.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub facet_id: i64,
    /// The status counted.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    /// How many dialogs.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub count: i64,
}

impl crate::Store {
    /// The facet counters as kept (zeros left out) and as a fresh count
    /// gives them, both sorted: for checking that they agree.
    pub fn facet_counters_and_recount(&self) -> StoreResult<(Vec<FacetCount>, Vec<FacetCount>)> {
        self.read("facet_counters_and_recount", |conn| {
            let mut kept: Vec<FacetCount> = diesel::sql_query(
                "SELECT facet, facet_id, status, count FROM facet_counters WHERE count <> 0",
            )
            .load(conn)?;
            let mut fresh: Vec<FacetCount> = diesel::sql_query(RECOUNT_FACETS).load(conn)?;
            kept.sort();
            fresh.sort();
            Ok((kept, fresh))
        })
    }
}
