//! The chats page: the dialog list of a tab (filters, sort, keyset paging)
//! and the per-tab counts.

use crate::cursor::{keyset, page_of, Cursor, CursorKey};
use crate::dialogs::facets;
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::status_counts::{counters, tally};
use crate::time::from_db;
use crate::{DbConnection, Store};
use dialogdesk_domain::wire::{
    ChannelRef, Counts, DialogFilter, DialogListItem, DialogSort, FlowRef, OperatorRef, Order,
    Page, StatusCounts, COUNT_CAP,
};
use dialogdesk_domain::*;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};
use std::collections::{HashMap, HashSet};

/// How far the digits of a search reach into phone numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PhoneMatch {
    /// Only a whole number (E.164, any formatting) matches. For callers who
    /// see phones masked: were any fragment to match, a search (or a count)
    /// would be an oracle that recovers a number digit by digit. Names still
    /// match by any part. The default, so a new caller is safe.
    #[default]
    WholeNumber,
    /// Any part of the digits (`912-34` finds `+7 912 345…`): for callers
    /// who see phones whole.
    Fragment,
}

/// Whether no filter is set (then counts come from the counters table).
pub fn is_unfiltered(filter: &DialogFilter) -> bool {
    search_of(filter, PhoneMatch::Fragment).is_none()
        && filter.assignee_id.is_none()
        && filter.channel_id.is_none()
        && filter.tag_id.is_none()
        && filter.flow_id.is_none()
        && filter.step_id.is_none()
}

fn search_of(filter: &DialogFilter, phones: PhoneMatch) -> Option<Search> {
    filter.q.as_deref().and_then(|q| Search::new(q, phones))
}

/// One request for the dialog list.
#[derive(Debug, Clone, Default)]
pub struct DialogListQuery {
    /// The tab.
    pub view: Option<View>,
    /// Filters.
    pub filter: DialogFilter,
    /// Sort key.
    pub sort: DialogSort,
    /// Direction.
    pub order: Order,
    /// From a previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: usize,
    /// How the search matches phones, by what the caller may see.
    pub phones: PhoneMatch,
}

/// A search text made safe for `LIKE`: lower-cased, wildcards removed
/// (searching for a literal `%` is not a use case), digits kept apart for
/// phone matching.
#[derive(Debug, Clone)]
pub struct Search {
    /// `%text%` over the lower-cased name.
    pub name_pattern: String,
    /// `%digits%` over the phone's digits, when the text has digits; the
    /// whole number's digits alone (no wildcard) for [`PhoneMatch::WholeNumber`].
    pub digits_pattern: Option<String>,
}

impl Search {
    /// `None` for a blank search.
    pub fn new(q: &str, phones: PhoneMatch) -> Option<Search> {
        let cleaned: String = q
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, '%' | '_' | '\\'))
            .collect();
        if cleaned.is_empty() {
            return None;
        }
        let digits_pattern = match phones {
            PhoneMatch::Fragment => {
                let digits = search_digits(&cleaned);
                (!digits.is_empty()).then(|| format!("%{digits}%"))
            }
            PhoneMatch::WholeNumber => Phone::parse(q).ok().map(|p| p.digits().to_owned()),
        };
        Some(Search {
            name_pattern: format!("%{cleaned}%"),
            digits_pattern,
        })
    }
}

/// At most this many matching clients are looked up first and their
/// dialogs read by `client_id` (see [`filter_by_search`]).
const FEW_CLIENTS: i64 = 500;

/// The ids of the clients a search matches, when there are at most
/// [`FEW_CLIENTS`]; `None` when more match. SQLite answers through its FTS5
/// trigram table, PostgreSQL through the trigram GIN indexes on `clients`;
/// both serve `LIKE '%…%'`.
pub(crate) fn few_matching_clients(
    conn: &mut DbConnection,
    search: &Search,
) -> StoreResult<Option<Vec<i64>>> {
    let name = search.name_pattern.clone();
    let limit = FEW_CLIENTS + 1;
    let ids: Vec<i64> = if matches!(conn, DbConnection::Sqlite(_)) {
        let mut q = clients_search::table
            .select(clients_search::rowid)
            .filter(clients_search::search_name.like(name))
            .into_boxed();
        if let Some(digits) = &search.digits_pattern {
            q = q.or_filter(clients_search::phone_digits.like(digits.clone()));
        }
        q.limit(limit).load(conn)?
    } else {
        let mut q = clients::table
            .select(clients::id)
            .filter(clients::search_name.like(name))
            .into_boxed();
        if let Some(digits) = &search.digits_pattern {
            q = q.or_filter(clients::phone_digits.like(digits.clone()));
        }
        q.limit(limit).load(conn)?
    };
    Ok((ids.len() as i64 <= FEW_CLIENTS).then_some(ids))
}

/// Keeps the dialogs (a boxed query over `dialogs`) whose client matches
/// the search.
///
/// Two plans, chosen by how many clients match. A rare name or a phone
/// fragment matches a handful: their ids are read first (trigram index)
/// and the rows found by `client_id`, a few dozen to sort. A common
/// fragment matches thousands: then the walk along the list's sort index
/// tests the client's name and phone kept on each dialog, and meets enough
/// matches within the first rows. One plan for both is what the database
/// would pick from its estimate of a `LIKE '%…%'`, which is a guess: for a
/// phone fragment, PostgreSQL walked a million dialogs (1.1 s), and with a
/// subquery on `clients` it collected every client of a common fragment
/// before counting the first matches (270 ms).
macro_rules! filter_by_search {
    ($query:expr, $search:expr, $conn:expr) => {{
        let search: &Search = $search;
        match $crate::listing::few_matching_clients($conn, search)? {
            Some(ids) => $query.filter(dialogs::client_id.eq_any(ids)),
            None => {
                let name = search.name_pattern.clone();
                match &search.digits_pattern {
                    Some(digits) => $query.filter(
                        dialogs::client_search_name
                            .like(name)
                            .or(dialogs::client_phone_digits.like(digits.clone())),
                    ),
                    None => $query.filter(dialogs::client_search_name.like(name)),
                }
            }
        }
    }};
}
pub(crate) use filter_by_search;

/// Applies a `DialogFilter` to a boxed query over `dialogs`.
macro_rules! filter_dialogs {
    ($query:expr, $filter:expr, $phones:expr, $conn:expr) => {{
        let filter: &DialogFilter = $filter;
        let mut query = $query;
        if let Some(search) = search_of(filter, $phones) {
            query = filter_by_search!(query, &search, $conn);
        }
        if let Some(id) = filter.assignee_id {
            query = query.filter(dialogs::assignee_id.eq(id.0));
        }
        if let Some(id) = filter.channel_id {
            query = query.filter(dialogs::channel_id.eq(id.0));
        }
        if let Some(id) = filter.flow_id {
            query = query.filter(dialogs::flow_id.eq(id.0));
        }
        if let Some(id) = filter.step_id {
            query = query.filter(dialogs::step_id.eq(id.0));
        }
        if let Some(id) = filter.tag_id {
            query = query.filter(
                dialogs::id.eq_any(
                    dialog_tags::table
                        .select(dialog_tags::dialog_id)
                        .filter(dialog_tags::tag_id.eq(id.0)),
                ),
            );
        }
        query
    }};
}

impl Store {
    /// A page of the dialog list of a tab, as `viewer` sees it (favourites
    /// are personal).
    pub fn list_dialogs(
        &self,
        viewer: Option<OperatorId>,
        query: &DialogListQuery,
    ) -> StoreResult<Page<DialogListItem>> {
        let sort_id = format!("{}.{}", query.sort.as_str(), query.order.as_str());
        let cursor = query
            .cursor
            .as_deref()
            .map(|c| Cursor::decode(c, &sort_id))
            .transpose()?;
        let limit = query.limit.max(1);
        self.read_report("list_dialogs", |conn| {
            let mut q = dialogs::table.select(DialogRow::as_select()).into_boxed();
            q = filter_dialogs!(q, &query.filter, query.phones, conn);
            match query.view {
                None | Some(View::All) => {}
                Some(View::Favourites) => {
                    let viewer = viewer.map_or(-1, |v| v.0);
                    q = q.filter(
                        dialogs::id.eq_any(
                            favourites::table
                                .select(favourites::dialog_id)
                                .filter(favourites::operator_id.eq(viewer)),
                        ),
                    );
                }
                Some(view) => {
                    if let Some(status) = view.status() {
                        q = q.filter(dialogs::status.eq(status.as_str()));
                    }
                }
            }
            q = match query.sort {
                DialogSort::LastMessageAt => keyset!(
                    q,
                    cursor.as_ref(),
                    query.order,
                    (
                        dialogs::last_message_at,
                        "dialogs.last_message_at",
                        Timestamp,
                        Cursor::time
                    )
                ),
                DialogSort::CreatedAt => keyset!(
                    q,
                    cursor.as_ref(),
                    query.order,
                    (
                        dialogs::created_at,
                        "dialogs.created_at",
                        Timestamp,
                        Cursor::time
                    )
                ),
                DialogSort::ClientName => keyset!(
                    q,
                    cursor.as_ref(),
                    query.order,
                    (
                        dialogs::client_name,
                        "dialogs.client_name",
                        Text,
                        Cursor::text
                    )
                ),
                DialogSort::MessageCount => keyset!(
                    q,
                    cursor.as_ref(),
                    query.order,
                    (
                        dialogs::message_count,
                        "dialogs.message_count",
                        BigInt,
                        Cursor::int
                    )
                ),
                // Within a status, the most recent first (or last): the
                // order a status tab shows, and one index serves both.
                DialogSort::Status => keyset!(
                    q,
                    cursor.as_ref(),
                    query.order,
                    (dialogs::status, "dialogs.status", Text, Cursor::pair_text),
                    (
                        dialogs::last_message_at,
                        "dialogs.last_message_at",
                        Timestamp,
                        Cursor::pair_time
                    )
                ),
            };
            let rows: Vec<DialogRow> = q.limit(limit as i64 + 1).load(conn)?;
            let (rows, next_cursor) = page_of(rows, limit, |row| Cursor {
                sort: sort_id.clone(),
                key: match query.sort {
                    DialogSort::LastMessageAt => CursorKey::Time(row.last_message_at),
                    DialogSort::CreatedAt => CursorKey::Time(row.created_at),
                    DialogSort::ClientName => CursorKey::Text(row.client_name.clone()),
                    DialogSort::MessageCount => CursorKey::Int(row.message_count),
                    DialogSort::Status => {
                        CursorKey::TextTime(row.status.clone(), row.last_message_at)
                    }
                },
                id: row.id,
            });
            Ok(Page {
                items: hydrate(conn, &rows, viewer)?,
                next_cursor,
            })
        })
    }

    /// One dialog as the list shows it.
    pub fn dialog(&self, viewer: Option<OperatorId>, id: DialogId) -> StoreResult<DialogListItem> {
        self.read("dialog", |conn| dialog_in(conn, viewer, id))
    }

    /// One count per tab. Without filters the nine status counts come from
    /// the counters table, under one filter (manager, channel, flow, step
    /// or tag) from the facet counters, both kept in the same transaction
    /// as every change. A search or several filters at once are counted
    /// over the first [`COUNT_CAP`] matches only (`capped` says when more
    /// matched). `phones` as for the list: counts must not be an oracle
    /// either.
    pub fn counts(
        &self,
        viewer: Option<OperatorId>,
        filter: &DialogFilter,
        phones: PhoneMatch,
    ) -> StoreResult<Counts> {
        self.read("counts", |conn| {
            let (statuses, capped) = if is_unfiltered(filter) {
                (counters(conn)?, false)
            } else if let Some(facet) = facets::single_facet(filter) {
                (tally(facets::facet_counts(conn, facet)?)?, false)
            } else {
                let q = dialogs::table.select(dialogs::status).into_boxed();
                let matched: Vec<String> = filter_dialogs!(q, filter, phones, conn)
                    .limit(COUNT_CAP + 1)
                    .load(conn)?;
                let capped = matched.len() as i64 > COUNT_CAP;
                let rows = matched.into_iter().take(COUNT_CAP as usize).fold(
                    HashMap::<String, i64>::new(),
                    |mut tally, status| {
                        *tally.entry(status).or_default() += 1;
                        tally
                    },
                );
                (tally(rows.into_iter().collect())?, capped)
            };
            // Favourites are a handful per operator: counted exactly, read
            // through the favourites' key.
            let viewer = viewer.map_or(-1, |v| v.0);
            let q = dialogs::table
                .filter(
                    dialogs::id.eq_any(
                        favourites::table
                            .select(favourites::dialog_id)
                            .filter(favourites::operator_id.eq(viewer)),
                    ),
                )
                .select(count_star())
                .into_boxed();
            let favourites = filter_dialogs!(q, filter, phones, conn).first(conn)?;
            Ok(Counts {
                statuses,
                favourites,
                capped,
            })
        })
    }

    /// Per-status `COUNT(*)` over the dialogs, bypassing the counters: for
    /// checking that the counters are right.
    pub fn recount_statuses(&self) -> StoreResult<StatusCounts> {
        self.read("recount_statuses", |conn| {
            let rows: Vec<(String, i64)> = dialogs::table
                .group_by(dialogs::status)
                .select((dialogs::status, count_star()))
                .load(conn)?;
            let mut counts = tally(rows)?;
            // Counted on its own, so a status missing from the tally shows.
            counts.all = dialogs::table.count().get_result(conn)?;
            Ok(counts)
        })
    }
}

/// The clients with these ids, in one read.
pub(crate) fn clients_by_id(
    conn: &mut DbConnection,
    ids: &[i64],
) -> StoreResult<HashMap<i64, ClientRow>> {
    Ok(clients::table
        .filter(clients::id.eq_any(ids))
        .select(ClientRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|c: ClientRow| (c.id, c))
        .collect())
}

/// Turns dialog rows into list items with a fixed number of queries per page
/// (clients, channels, operators, flows, steps, tags, favourites).
pub fn hydrate(
    conn: &mut DbConnection,
    rows: &[DialogRow],
    viewer: Option<OperatorId>,
) -> StoreResult<Vec<DialogListItem>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let ids_of = |f: fn(&DialogRow) -> Option<i64>| -> Vec<i64> {
        let set: HashSet<i64> = rows.iter().filter_map(f).collect();
        set.into_iter().collect()
    };
    let client_ids = ids_of(|r| Some(r.client_id));
    let channel_ids = ids_of(|r| Some(r.channel_id));
    let mut operator_ids = ids_of(|r| r.assignee_id);
    operator_ids.extend(ids_of(|r| r.finished_by));
    let flow_ids = ids_of(|r| r.flow_id);
    let step_ids = ids_of(|r| r.step_id);

    let clients = clients_by_id(conn, &client_ids)?;
    let channels: HashMap<i64, ChannelRef> = channels::table
        .filter(channels::id.eq_any(&channel_ids))
        .select(ChannelRow::as_select())
        .load(conn)?
        .iter()
        .map(|c: &ChannelRow| Ok((c.id, c.to_ref()?)))
        .collect::<StoreResult<_>>()?;
    let operators: HashMap<i64, String> = operators::table
        .filter(operators::id.eq_any(&operator_ids))
        .select((operators::id, operators::name))
        .load(conn)?
        .into_iter()
        .collect();
    let flows: HashMap<i64, String> = flows::table
        .filter(flows::id.eq_any(&flow_ids))
        .select((flows::id, flows::name))
        .load(conn)?
        .into_iter()
        .collect();
    let steps: HashMap<i64, StepRow> = steps::table
        .filter(steps::id.eq_any(&step_ids))
        .select(StepRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|s: StepRow| (s.id, s))
        .collect();
    let mut tags: HashMap<i64, Vec<wire::TagRef>> = HashMap::new();
    let tag_rows: Vec<(i64, TagRow)> = dialog_tags::table
        .inner_join(tags::table)
        .filter(dialog_tags::dialog_id.eq_any(&ids))
        .select((dialog_tags::dialog_id, TagRow::as_select()))
        .order_by((dialog_tags::dialog_id, tags::name))
        .load(conn)?;
    for (dialog_id, tag) in tag_rows {
        tags.entry(dialog_id).or_default().push(tag.to_ref());
    }
    let favourite: HashSet<i64> = match viewer {
        Some(v) => favourites::table
            .filter(favourites::operator_id.eq(v.0))
            .filter(favourites::dialog_id.eq_any(&ids))
            .select(favourites::dialog_id)
            .load(conn)?
            .into_iter()
            .collect(),
        None => HashSet::new(),
    };
    let operator_ref = |id: Option<i64>| {
        id.map(|id| OperatorRef {
            id: OperatorId(id),
            name: operators.get(&id).cloned().unwrap_or_default(),
        })
    };

    rows.iter()
        .map(|row| {
            let client = clients.get(&row.client_id).ok_or_else(|| {
                StoreError::Database(anyhow::anyhow!("dialog {} has no client", row.id))
            })?;
            let channel = channels.get(&row.channel_id).cloned().ok_or_else(|| {
                StoreError::Database(anyhow::anyhow!("dialog {} has no channel", row.id))
            })?;
            Ok(DialogListItem {
                id: DialogId(row.id),
                status: parse_stored(&row.status)?,
                client: client.to_client(),
                channel,
                assignee: operator_ref(row.assignee_id),
                flow: row.flow_id.map(|id| FlowRef {
                    id: FlowId(id),
                    name: flows.get(&id).cloned().unwrap_or_default(),
                }),
                step: row
                    .step_id
                    .and_then(|id| steps.get(&id))
                    .map(StepRow::to_info)
                    .transpose()?,
                tags: tags.remove(&row.id).unwrap_or_default(),
                favourite: favourite.contains(&row.id),
                last_message: row.last_message()?,
                message_count: row.message_count,
                version: row.version,
                finished_at: row.finished_at.map(from_db),
                finished_by: operator_ref(row.finished_by),
                status_reason: row.status_reason.clone(),
                created_at: from_db(row.created_at),
            })
        })
        .collect()
}

/// One dialog as the list shows it, read on `conn` (inside a write, it is
/// the state that write leaves).
pub(crate) fn dialog_in(
    conn: &mut DbConnection,
    viewer: Option<OperatorId>,
    id: DialogId,
) -> StoreResult<DialogListItem> {
    let row = crate::dialogs::dialog_row(conn, id)?;
    hydrate(conn, &[row], viewer)?
        .pop()
        .ok_or_else(|| StoreError::not_found("dialog", id.0))
}
