//! A batch's rows as one PostgreSQL statement, prepared once per shape.
//!
//! [`Writes::write`](super::writes::Writes::write) used to send a batch as
//! `WITH w0 AS (INSERT … VALUES (…), (…)), w1 AS (…) … SELECT 1`: a text
//! that changed with every batch's row counts, which PostgreSQL parsed and
//! planned each time (about 0.4 ms of a 2 ms statement at 16 connections,
//! see BENCHMARKS.md). Here each part reads its rows from arrays, one array
//! per column (`SELECT * FROM unnest($1::bigint[], $2::text[], …)`), so the
//! text depends only on which parts have rows, not on how many: a part
//! without rows is left out (an empty part would still open its table's
//! indexes, 26 of them for `dialogs`). There are a handful of such shapes
//! in practice (an existing lead's message, a new lead's, a reply, a
//! settings save) and at most 2⁹, so diesel's per-connection statement
//! cache, which has no bound, stays small; each shape is parsed once per
//! connection, and an inbound batch (`Plans::Generic`) reuses its plan.
//!
//! What the parts may and may not do together is as before: PostgreSQL
//! runs each part once, all on one snapshot, and checks foreign keys at the
//! end of the statement, so no two parts may write the same row (see
//! `Writes::write`, which sends what would first).

use super::rows::{DialogUpdate, MessageRow, NewClientRow, NewDialogRow, TimelineRow};
use chrono::NaiveDateTime;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Double, Nullable, Text, Timestamp};

/// One column of a part's rows, bound as one array parameter.
enum Column<'a> {
    Int(Vec<i64>),
    OptInt(Vec<Option<i64>>),
    Text(Vec<&'a str>),
    OptText(Vec<Option<&'a str>>),
    Time(Vec<NaiveDateTime>),
    OptTime(Vec<Option<NaiveDateTime>>),
    OptFloat(Vec<Option<f64>>),
}

impl Column<'_> {
    /// `$n::type[]`, the array bound as its parameter.
    fn walk<'b>(&'b self, out: &mut AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let sql_type = match self {
            Column::Int(v) => {
                out.push_bind_param::<Array<BigInt>, _>(v)?;
                "bigint"
            }
            Column::OptInt(v) => {
                out.push_bind_param::<Array<Nullable<BigInt>>, _>(v)?;
                "bigint"
            }
            Column::Text(v) => {
                out.push_bind_param::<Array<Text>, _>(v)?;
                "text"
            }
            Column::OptText(v) => {
                out.push_bind_param::<Array<Nullable<Text>>, _>(v)?;
                "text"
            }
            Column::Time(v) => {
                out.push_bind_param::<Array<Timestamp>, _>(v)?;
                "timestamp"
            }
            Column::OptTime(v) => {
                out.push_bind_param::<Array<Nullable<Timestamp>>, _>(v)?;
                "timestamp"
            }
            Column::OptFloat(v) => {
                out.push_bind_param::<Array<Nullable<Double>>, _>(v)?;
                "double precision"
            }
        };
        out.push_sql(&format!("::{sql_type}[]"));
        Ok(())
    }
}

/// A part of the statement: `before unnest(the columns) after`.
struct Part<'a> {
    /// How many rows it writes (each column holds as many).
    rows: usize,
    before: &'static str,
    columns: Vec<Column<'a>>,
    after: &'static str,
}

impl Part<'_> {
    fn has_rows(&self) -> bool {
        self.rows > 0
    }
}

/// The columns of a dialog row's change, in the order of `updated!`.
fn dialog_state_columns<'a>(r: impl Iterator<Item = &'a DialogUpdate> + Clone) -> Vec<Column<'a>> {
    vec![
        Column::Int(r.clone().map(|d| d.id).collect()),
        Column::Text(r.clone().map(|d| d.status).collect()),
        Column::OptInt(r.clone().map(|d| d.flow_id).collect()),
        Column::OptInt(r.clone().map(|d| d.step_id).collect()),
        Column::OptInt(r.clone().map(|d| d.assignee_id).collect()),
        Column::Int(r.clone().map(|d| d.message_count).collect()),
        Column::OptTime(r.clone().map(|d| d.finished_at).collect()),
        Column::OptInt(r.clone().map(|d| d.finished_by).collect()),
        Column::Text(r.clone().map(|d| d.finished_by_name.as_str()).collect()),
        Column::OptText(r.clone().map(|d| d.status_reason.as_deref()).collect()),
        Column::Int(r.clone().map(|d| d.version).collect()),
        Column::Time(r.clone().map(|d| d.updated_at).collect()),
        Column::Time(r.clone().map(|d| d.last_message_at).collect()),
        Column::OptText(
            r.clone()
                .map(|d| d.last_message_author.as_deref())
                .collect(),
        ),
        Column::OptText(r.clone().map(|d| d.last_message_kind.as_deref()).collect()),
        Column::OptText(r.clone().map(|d| d.last_message_text.as_deref()).collect()),
        Column::OptTime(r.map(|d| d.awaiting_reply_since).collect()),
    ]
}

/// The dialog columns a change sets (the first, `id`, names the row), in
/// the order of [`dialog_state_columns`].
macro_rules! updated {
    () => {
        "id, status, flow_id, step_id, assignee_id, message_count, finished_at, finished_by, \
         finished_by_name, status_reason, version, updated_at, last_message_at, \
         last_message_author, last_message_kind, last_message_text, awaiting_reply_since"
    };
}

/// The rows of a batch, borrowed from [`Writes`](super::writes::Writes).
pub struct BatchRows<'a> {
    pub clients: &'a [NewClientRow],
    pub new_dialogs: &'a [NewDialogRow],
    pub messages: &'a [MessageRow],
    pub updates: &'a [DialogUpdate],
    /// (dialog, tag) put on.
    pub tags_added: &'a [(i64, i64)],
    pub timeline: &'a [TimelineRow],
    /// (status, change of its counter).
    pub statuses: Vec<(&'static str, i64)>,
    /// (facet, facet id, status, change of its counter).
    pub facets: Vec<(&'static str, i64, &'static str, i64)>,
    /// (kind, dialog, payload, created at), in the order they happened.
    pub live: Vec<(&'static str, Option<i64>, &'a str, NaiveDateTime)>,
}

/// The statement: `WITH p0 AS (…), p1 AS (…) … SELECT 1`.
pub struct BatchStatement<'a> {
    parts: Vec<Part<'a>>,
}

impl<'a> BatchStatement<'a> {
    pub fn new(rows: BatchRows<'a>) -> Self {
        let c = rows.clients;
        let d = rows.new_dialogs;
        let m = rows.messages;
        let t = rows.timeline;
        let mut new_dialog_columns = vec![
            Column::Int(d.iter().map(|r| r.client_id).collect()),
            Column::Text(d.iter().map(|r| r.client_name.as_str()).collect()),
            Column::Text(d.iter().map(|r| r.client_phone_digits.as_str()).collect()),
            Column::Text(d.iter().map(|r| r.client_search_name.as_str()).collect()),
            Column::Text(d.iter().map(|r| r.channel_name.as_str()).collect()),
            Column::Int(d.iter().map(|r| r.channel_id).collect()),
            Column::OptText(d.iter().map(|r| r.client_external_id.as_deref()).collect()),
            Column::Time(d.iter().map(|r| r.created_at).collect()),
        ];
        new_dialog_columns.extend(dialog_state_columns(d.iter().map(|r| &r.state)));
        let parts = vec![
            Part {
                rows: c.len(),
                before: "INSERT INTO clients (id, name, phone, avatar_url, custom_fields, \
                         search_name, phone_digits, created_at) SELECT * FROM unnest(",
                columns: vec![
                    Column::Int(c.iter().map(|r| r.id).collect()),
                    Column::Text(c.iter().map(|r| r.name.as_str()).collect()),
                    Column::OptText(c.iter().map(|r| r.phone.as_deref()).collect()),
                    Column::OptText(c.iter().map(|r| r.avatar_url.as_deref()).collect()),
                    Column::Text(c.iter().map(|r| r.custom_fields).collect()),
                    Column::Text(c.iter().map(|r| r.search_name.as_str()).collect()),
                    Column::Text(c.iter().map(|r| r.phone_digits.as_str()).collect()),
                    Column::Time(c.iter().map(|r| r.created_at).collect()),
                ],
                after: ")",
            },
            Part {
                rows: d.len(),
                before: concat!(
                    "INSERT INTO dialogs (client_id, client_name, client_phone_digits, \
                     client_search_name, channel_name, channel_id, client_external_id, \
                     created_at, ",
                    updated!(),
                    ") SELECT * FROM unnest("
                ),
                columns: new_dialog_columns,
                after: ")",
            },
            Part {
                rows: m.len(),
                before: "INSERT INTO messages (id, dialog_id, channel_id, author, operator_id, \
                         kind, text, media_url, external_id, sent_at, created_at, \
                         response_seconds, delivery_status, delivery_updated_at) \
                         SELECT * FROM unnest(",
                columns: vec![
                    Column::Int(m.iter().map(|r| r.id).collect()),
                    Column::Int(m.iter().map(|r| r.dialog_id).collect()),
                    Column::Int(m.iter().map(|r| r.channel_id).collect()),
                    Column::Text(m.iter().map(|r| r.author).collect()),
                    Column::OptInt(m.iter().map(|r| r.operator_id).collect()),
                    Column::Text(m.iter().map(|r| r.kind).collect()),
                    Column::Text(m.iter().map(|r| r.text.as_str()).collect()),
                    Column::OptText(m.iter().map(|r| r.media_url.as_deref()).collect()),
                    Column::OptText(m.iter().map(|r| r.external_id.as_deref()).collect()),
                    Column::Time(m.iter().map(|r| r.sent_at).collect()),
                    Column::Time(m.iter().map(|r| r.created_at).collect()),
                    Column::OptFloat(m.iter().map(|r| r.response_seconds).collect()),
                    Column::OptText(m.iter().map(|r| r.delivery_status).collect()),
                    Column::OptTime(m.iter().map(|r| r.delivery_updated_at).collect()),
                ],
                after: ")",
            },
            Part {
                rows: rows.updates.len(),
                before: "UPDATE dialogs SET status = v.status, flow_id = v.flow_id, \
                         step_id = v.step_id, assignee_id = v.assignee_id, \
                         message_count = v.message_count, finished_at = v.finished_at, \
                         finished_by = v.finished_by, finished_by_name = v.finished_by_name, \
                         status_reason = v.status_reason, version = v.version, \
                         updated_at = v.updated_at, last_message_at = v.last_message_at, \
                         last_message_author = v.last_message_author, \
                         last_message_kind = v.last_message_kind, \
                         last_message_text = v.last_message_text, \
                         awaiting_reply_since = v.awaiting_reply_since FROM unnest(",
                columns: dialog_state_columns(rows.updates.iter()),
                after: concat!(") AS v (", updated!(), ") WHERE dialogs.id = v.id"),
            },
            Part {
                rows: rows.tags_added.len(),
                before: "INSERT INTO dialog_tags (dialog_id, tag_id) SELECT * FROM unnest(",
                columns: vec![
                    Column::Int(rows.tags_added.iter().map(|r| r.0).collect()),
                    Column::Int(rows.tags_added.iter().map(|r| r.1).collect()),
                ],
                after: ")",
            },
            Part {
                rows: t.len(),
                before: "INSERT INTO events (id, dialog_id, kind, actor_kind, actor_id, reason, \
                         before_value, after_value, created_at) SELECT * FROM unnest(",
                columns: vec![
                    Column::Int(t.iter().map(|r| r.id).collect()),
                    Column::Int(t.iter().map(|r| r.dialog_id).collect()),
                    Column::Text(t.iter().map(|r| r.kind).collect()),
                    Column::Text(t.iter().map(|r| r.actor_kind).collect()),
                    Column::OptInt(t.iter().map(|r| r.actor_id).collect()),
                    Column::Text(t.iter().map(|r| r.reason.as_str()).collect()),
                    Column::Text(t.iter().map(|r| r.before_value.as_str()).collect()),
                    Column::Text(t.iter().map(|r| r.after_value.as_str()).collect()),
                    Column::Time(t.iter().map(|r| r.created_at).collect()),
                ],
                after: ")",
            },
            Part {
                rows: rows.statuses.len(),
                before: "UPDATE status_counters SET count = status_counters.count + v.delta \
                         FROM unnest(",
                columns: vec![
                    Column::Text(rows.statuses.iter().map(|r| r.0).collect()),
                    Column::Int(rows.statuses.iter().map(|r| r.1).collect()),
                ],
                after: ") AS v (status, delta) WHERE status_counters.status = v.status",
            },
            Part {
                rows: rows.facets.len(),
                before: "INSERT INTO facet_counters (facet, facet_id, status, count) \
                         SELECT * FROM unnest(",
                columns: vec![
                    Column::Text(rows.facets.iter().map(|r| r.0).collect()),
                    Column::Int(rows.facets.iter().map(|r| r.1).collect()),
                    Column::Text(rows.facets.iter().map(|r| r.2).collect()),
                    Column::Int(rows.facets.iter().map(|r| r.3).collect()),
                ],
                after: ") ON CONFLICT (facet, facet_id, status) \
                        DO UPDATE SET count = facet_counters.count + excluded.count",
            },
            Part {
                rows: rows.live.len(),
                // In the order given: their ids (the table's default) are
                // the order live clients replay them in.
                before: "INSERT INTO live_events (kind, dialog_id, payload, created_at) \
                         SELECT kind, dialog_id, payload, created_at FROM unnest(",
                columns: vec![
                    Column::Text(rows.live.iter().map(|r| r.0).collect()),
                    Column::OptInt(rows.live.iter().map(|r| r.1).collect()),
                    Column::Text(rows.live.iter().map(|r| r.2).collect()),
                    Column::Time(rows.live.iter().map(|r| r.3).collect()),
                ],
                after: ") WITH ORDINALITY AS v (kind, dialog_id, payload, created_at, n) \
                        ORDER BY n",
            },
        ];
        BatchStatement { parts }
    }
}

impl BatchStatement<'_> {
    /// Whether it would write nothing (then it need not be sent).
    pub fn is_empty(&self) -> bool {
        !self.parts.iter().any(Part::has_rows)
    }
}

impl QueryFragment<Pg> for BatchStatement<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let with_rows = self.parts.iter().filter(|part| part.has_rows());
        for (n, part) in with_rows.enumerate() {
            out.push_sql(if n == 0 { "WITH " } else { ", " });
            out.push_sql(&format!("p{n} AS ("));
            out.push_sql(part.before);
            for (k, column) in part.columns.iter().enumerate() {
                if k > 0 {
                    out.push_sql(", ");
                }
                column.walk(&mut out)?;
            }
            out.push_sql(part.after);
            out.push_sql(")");
        }
        out.push_sql(" SELECT 1");
        Ok(())
    }
}

impl QueryId for BatchStatement<'_> {
    // Cached by its text: one per shape.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl RunQueryDsl<diesel::PgConnection> for BatchStatement<'_> {}
