//! The rows that changes of dialogs write, gathered in memory and written
//! together, however many changes.
//!
//! A change used to write as it went: a dozen statements, each a round
//! trip, and an `UPDATE` of the dialog that diesel parses and plans anew
//! every time. An inbound batch of sixteen deliveries was then two hundred
//! statements. Now a change is decided first (`Decided`, in `apply.rs`);
//! [`Writes::open`] then reserves its ids with those of every other change
//! of the batch ([`Ids`]) and reads what staging needs, its rows are staged
//! here, and [`Writes::write`] sends them at once: on PostgreSQL as one
//! statement prepared per shape ([`BatchStatement`]), on SQLite as one
//! multi-row statement per table. A single change (a reply, a settings
//! save) goes the same way with a batch of one, so there is one write path
//! and nothing to keep in step.

use super::batch_statement::{BatchRows, BatchStatement};
use super::facets::counted_under;
use super::rows::{DialogUpdate, MessageRow, NewClientRow, NewDialogRow, TimelineRow};
use crate::error::StoreResult;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::webhooks::outbox::Outbox;
use crate::{live, rollups, DbConnection};
use chrono::NaiveDateTime;
use dialogdesk_domain::machine::DialogState;
use dialogdesk_domain::{ChannelId, Status};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many new rows of each table a batch of changes writes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IdsWanted {
    /// Messages.
    pub messages: usize,
    /// Timeline entries.
    pub events: usize,
    /// Clients of new leads.
    pub clients: usize,
    /// Dialogs of new leads.
    pub dialogs: usize,
}

impl std::ops::AddAssign for IdsWanted {
    fn add_assign(&mut self, other: IdsWanted) {
        self.messages += other.messages;
        self.events += other.events;
        self.clients += other.clients;
        self.dialogs += other.dialogs;
    }
}

/// Ids reserved for a batch's new rows, handed out in increasing order.
///
/// Rows are written after the whole batch is decided, but a change's live
/// events, webhook payloads and answer name its message and timeline ids:
/// so the ids are taken first. PostgreSQL draws them from the tables'
/// sequences (as a default id would); SQLite continues after the largest id
/// (as a default rowid does), which is safe because a write transaction
/// holds the database's only write lock until it commits.
#[derive(Debug, Default)]
pub struct Ids {
    messages: VecDeque<i64>,
    events: VecDeque<i64>,
    clients: VecDeque<i64>,
    dialogs: VecDeque<i64>,
}

/// A row of the PostgreSQL opener ([`OpenOnPg`]): a reserved id (`tbl`
/// names its table), a channel's name (`tbl` = 'channel', `detail` = the
/// name) or an enabled webhook subscription (`tbl` = 'webhook',
/// `channel_id`, `detail` = its events).
#[derive(QueryableByName)]
struct OpenedRow {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    channel_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    detail: Option<String>,
}

/// A reserved id, as SQLite's reserving query returns it.
#[derive(QueryableByName)]
struct ReservedId {
    #[diesel(sql_type = Text)]
    tbl: String,
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The tables whose ids a batch reserves, with how many it wants.
fn tables_wanted(wanted: IdsWanted) -> [(&'static str, usize); 4] {
    [
        ("messages", wanted.messages),
        ("events", wanted.events),
        ("clients", wanted.clients),
        ("dialogs", wanted.dialogs),
    ]
}

impl Ids {
    /// Ids from PostgreSQL's sequences, as [`OpenOnPg`] returned them (in
    /// increasing order within each table).
    fn from_sequences<'r>(rows: impl Iterator<Item = &'r OpenedRow>) -> Ids {
        let mut ids = Ids::default();
        let mut rows: Vec<&OpenedRow> = rows.collect();
        rows.sort_by_key(|r| r.id);
        for row in rows {
            match row.tbl.as_str() {
                "messages" => ids.messages.push_back(row.id),
                "events" => ids.events.push_back(row.id),
                "clients" => ids.clients.push_back(row.id),
                "dialogs" => ids.dialogs.push_back(row.id),
                _ => {}
            }
        }
        ids
    }

    /// Reserves `wanted` ids on SQLite, in one query: the ids after each
    /// table's largest.
    fn reserve_on_sqlite(
        conn: &mut diesel::SqliteConnection,
        wanted: IdsWanted,
    ) -> StoreResult<Ids> {
        let tables = tables_wanted(wanted);
        let mut ids = Ids::default();
        let parts: Vec<String> = tables
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(table, _)| {
                format!("SELECT '{table}' AS tbl, COALESCE(MAX(id), 0) AS id FROM {table}")
            })
            .collect();
        if parts.is_empty() {
            return Ok(ids);
        }
        let rows: Vec<ReservedId> = diesel::sql_query(parts.join(" UNION ALL ")).load(conn)?;
        for row in rows {
            let (queue, n) = match row.tbl.as_str() {
                "messages" => (&mut ids.messages, wanted.messages),
                "events" => (&mut ids.events, wanted.events),
                "clients" => (&mut ids.clients, wanted.clients),
                _ => (&mut ids.dialogs, wanted.dialogs),
            };
            queue.extend((1..=n as i64).map(|k| row.id + k));
        }
        Ok(ids)
    }

    fn next(queue: &mut VecDeque<i64>, table: &str) -> StoreResult<i64> {
        queue.pop_front().ok_or_else(|| {
            crate::StoreError::Database(anyhow::anyhow!("no {table} id was reserved"))
        })
    }

    /// The next message id.
    pub fn message(&mut self) -> StoreResult<i64> {
        Self::next(&mut self.messages, "message")
    }

    /// The next timeline entry id.
    pub fn event(&mut self) -> StoreResult<i64> {
        Self::next(&mut self.events, "event")
    }

    /// The next client id.
    pub fn client(&mut self) -> StoreResult<i64> {
        Self::next(&mut self.clients, "client")
    }

    /// The next dialog id.
    pub fn dialog(&mut self) -> StoreResult<i64> {
        Self::next(&mut self.dialogs, "dialog")
    }
}

/// PostgreSQL's opener of a batch, one statement: `nextval` of each
/// table's sequence as many times as wanted, the names of the channels
/// new dialogs go on, and the enabled webhook subscriptions. The counts and
/// channels are parameters, so the text depends only on which tables want
/// ids and whether channels are asked for (32 shapes at most), and it is
/// prepared once.
///
/// When a channel asked for does not exist, no id is drawn: the batch
/// fails (`NotFound`) and is written again delivery by delivery, and a
/// sequence value once drawn is gone, so the ids would no longer be the
/// ones the same deliveries get one at a time.
struct OpenOnPg {
    wanted: [(&'static str, i64); 4],
    /// Distinct.
    channels: Vec<i64>,
    /// How many: every one of them must exist for ids to be drawn.
    channels_asked: i64,
}

impl QueryFragment<Pg> for OpenOnPg {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let asks_channels = !self.channels.is_empty();
        if asks_channels {
            out.push_sql("WITH asked AS (SELECT id, name FROM channels WHERE id = ANY(");
            out.push_bind_param::<Array<BigInt>, _>(&self.channels)?;
            out.push_sql(")) ");
        }
        for (table, n) in self.wanted.iter().filter(|(_, n)| *n > 0) {
            out.push_sql(&format!(
                "SELECT '{table}' AS tbl, nextval('{table}_id_seq') AS id, \
                 NULL::bigint AS channel_id, NULL::text AS detail \
                 FROM generate_series(1, "
            ));
            out.push_bind_param::<BigInt, _>(n)?;
            out.push_sql(")");
            if asks_channels {
                out.push_sql(" WHERE (SELECT count(*) FROM asked) = ");
                out.push_bind_param::<BigInt, _>(&self.channels_asked)?;
            }
            out.push_sql(" UNION ALL ");
        }
        if asks_channels {
            out.push_sql(
                "SELECT 'channel' AS tbl, id, NULL::bigint AS channel_id, name AS detail \
                 FROM asked UNION ALL ",
            );
        }
        out.push_sql(
            "SELECT 'webhook' AS tbl, id, channel_id, events AS detail \
             FROM webhooks WHERE enabled",
        );
        Ok(())
    }
}

impl QueryId for OpenOnPg {
    // Cached by its text.
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for OpenOnPg {
    type SqlType = diesel::sql_types::Untyped;
}

impl RunQueryDsl<diesel::PgConnection> for OpenOnPg {}

/// Everything a batch of changes writes.
pub struct Writes {
    clients: Vec<NewClientRow>,
    new_dialogs: Vec<NewDialogRow>,
    messages: Vec<MessageRow>,
    dialogs: Vec<DialogUpdate>,
    tags_added: Vec<(i64, i64)>,
    tags_removed: Vec<(i64, Vec<i64>)>,
    timeline: Vec<TimelineRow>,
    statuses: BTreeMap<Status, i64>,
    facets: BTreeMap<(&'static str, i64, Status), i64>,
    replies: Vec<(i64, NaiveDateTime, Option<f64>)>,
    assignments: Vec<(i64, NaiveDateTime)>,
    counts_changed: bool,
    /// Live events, in the order of the changes.
    pub live: live::Batch,
    /// Webhook events, in the order of the changes.
    pub outbox: Outbox,
}

/// A batch opened by [`Writes::open`].
pub struct Opened {
    /// Where its rows are staged.
    pub writes: Writes,
    /// The ids its new rows take.
    pub ids: Ids,
    /// The names of the channels asked for (the unknown ones left out).
    pub channel_names: HashMap<i64, String>,
}

impl Writes {
    /// Opens a batch of changes: reserves the `wanted` ids, reads which
    /// webhook subscriptions are enabled, and the names of `channels` (those
    /// new dialogs go on). On PostgreSQL in one round trip ([`OpenOnPg`]);
    /// each was a round trip of its own.
    pub fn open(
        conn: &mut DbConnection,
        wanted: IdsWanted,
        channels: &[i64],
    ) -> StoreResult<Opened> {
        match conn {
            DbConnection::Pg(pg) => {
                let mut channels = channels.to_vec();
                channels.sort_unstable();
                channels.dedup();
                let rows: Vec<OpenedRow> = OpenOnPg {
                    wanted: tables_wanted(wanted).map(|(table, n)| (table, n as i64)),
                    channels_asked: channels.len() as i64,
                    channels,
                }
                .load(pg)?;
                let ids = Ids::from_sequences(rows.iter());
                let mut channel_names = HashMap::new();
                let mut subscriptions = Vec::new();
                for row in rows {
                    match (row.tbl.as_str(), row.detail) {
                        ("channel", Some(name)) => {
                            channel_names.insert(row.id, name);
                        }
                        ("webhook", Some(events)) => {
                            subscriptions.push((row.id, row.channel_id, events))
                        }
                        _ => {}
                    }
                }
                let outbox = Outbox::with_subscriptions(subscriptions, None, ChannelId(0));
                Ok(Opened {
                    writes: Writes::with_outbox(outbox),
                    ids,
                    channel_names,
                })
            }
            DbConnection::Sqlite(sqlite) => {
                let ids = Ids::reserve_on_sqlite(sqlite, wanted)?;
                let channel_names = if channels.is_empty() {
                    HashMap::new()
                } else {
                    channels::table
                        .filter(channels::id.eq_any(channels))
                        .select((channels::id, channels::name))
                        .load::<(i64, String)>(sqlite)?
                        .into_iter()
                        .collect()
                };
                let outbox = Outbox::open(conn, None, ChannelId(0))?;
                Ok(Opened {
                    writes: Writes::with_outbox(outbox),
                    ids,
                    channel_names,
                })
            }
        }
    }

    fn with_outbox(outbox: Outbox) -> Writes {
        Writes {
            clients: Vec::new(),
            new_dialogs: Vec::new(),
            messages: Vec::new(),
            dialogs: Vec::new(),
            tags_added: Vec::new(),
            tags_removed: Vec::new(),
            timeline: Vec::new(),
            statuses: BTreeMap::new(),
            facets: BTreeMap::new(),
            replies: Vec::new(),
            assignments: Vec::new(),
            counts_changed: false,
            live: live::Batch::default(),
            outbox,
        }
    }

    /// A new lead's client.
    pub fn new_client(&mut self, row: NewClientRow) {
        self.clients.push(row);
    }

    /// A new lead's dialog, counted in `start`.
    pub fn new_dialog(&mut self, row: NewDialogRow, start: &DialogState) {
        self.move_status(None, start.status);
        self.move_facets(row.channel_id, None, start);
        self.new_dialogs.push(row);
    }

    /// A message.
    pub fn message(&mut self, row: MessageRow) {
        self.messages.push(row);
    }

    /// A dialog row's new columns (the latest for the row wins: one
    /// multi-row `UPDATE` would apply only one of two for the same row).
    pub fn dialog(&mut self, update: DialogUpdate) {
        match self.dialogs.iter_mut().find(|d| d.id == update.id) {
            Some(earlier) => *earlier = update,
            None => self.dialogs.push(update),
        }
    }

    /// Tags put on and taken off a dialog.
    pub fn tags(&mut self, dialog_id: i64, added: &[i64], removed: &[i64]) {
        self.tags_added
            .extend(added.iter().map(|&tag| (dialog_id, tag)));
        if !removed.is_empty() {
            self.tags_removed.push((dialog_id, removed.to_vec()));
        }
    }

    /// A timeline entry.
    pub fn timeline(&mut self, row: TimelineRow) {
        self.timeline.push(row);
    }

    /// An operator's reply, for the reply rollup.
    pub fn reply(&mut self, operator: i64, sent_at: NaiveDateTime, response_seconds: Option<f64>) {
        self.replies.push((operator, sent_at, response_seconds));
    }

    /// An assignment, for the assignment rollup.
    pub fn assignment(&mut self, operator: i64, at: NaiveDateTime) {
        self.assignments.push((operator, at));
    }

    /// Moves one dialog between the per-status counters (into one, for a
    /// new dialog).
    pub fn move_status(&mut self, from: Option<Status>, to: Status) {
        if let Some(from) = from {
            *self.statuses.entry(from).or_default() -= 1;
        }
        *self.statuses.entry(to).or_default() += 1;
        self.counts_changed = true;
    }

    /// Moves one dialog from the facet counters of `before` to those of
    /// `after` (`before` is `None` for a new dialog).
    pub fn move_facets(
        &mut self,
        channel_id: i64,
        before: Option<&DialogState>,
        after: &DialogState,
    ) {
        let old = before.map_or_else(Default::default, |b| counted_under(channel_id, b));
        let new = counted_under(channel_id, after);
        for key in old.difference(&new) {
            *self.facets.entry(*key).or_default() -= 1;
        }
        for key in new.difference(&old) {
            *self.facets.entry(*key).or_default() += 1;
        }
    }

    /// Writes it all, in the caller's transaction: on PostgreSQL as one
    /// statement (see [`BatchStatement`]), on SQLite one statement per table
    /// (in the order their foreign keys need).
    pub fn write(mut self, conn: &mut DbConnection) -> StoreResult<()> {
        // A dialog this batch creates is inserted as its changes left it:
        // an INSERT and an UPDATE of the same row would write each of the
        // forty-odd indexes of `dialogs` twice.
        let mut updates = Vec::with_capacity(self.dialogs.len());
        for update in std::mem::take(&mut self.dialogs) {
            match self
                .new_dialogs
                .iter_mut()
                .find(|d| d.state.id == update.id)
            {
                Some(new) => new.state = update,
                None => updates.push(update),
            }
        }
        // First what cannot share one statement: parts of one statement all
        // see the database as it was before it, so a tag taken off after
        // being put on (by two changes of a batch) would stay, and two
        // replies of one operator and day would update one rollup row twice
        // (an error). These are rare paths (settings saves, replies).
        for (dialog, tags) in &self.tags_removed {
            diesel::delete(
                dialog_tags::table
                    .filter(dialog_tags::dialog_id.eq(dialog))
                    .filter(dialog_tags::tag_id.eq_any(tags)),
            )
            .execute(conn)?;
        }
        for &(operator, sent_at, response_seconds) in &self.replies {
            rollups::add_reply(conn, operator, sent_at, response_seconds)?;
        }
        for &(operator, at) in &self.assignments {
            rollups::add_assignment(conn, operator, at)?;
        }
        self.outbox.write(conn)?;
        if self.counts_changed {
            self.live
                .add(live::kind::COUNTS_CHANGED, None, &serde_json::json!({}))?;
        }

        match conn {
            DbConnection::Pg(pg) => {
                let at = to_db(now());
                let statement = BatchStatement::new(BatchRows {
                    clients: &self.clients,
                    new_dialogs: &self.new_dialogs,
                    messages: &self.messages,
                    updates: &updates,
                    tags_added: &self.tags_added,
                    timeline: &self.timeline,
                    statuses: self
                        .statuses
                        .iter()
                        .filter(|(_, delta)| **delta != 0)
                        .map(|(status, delta)| (status.as_str(), *delta))
                        .collect(),
                    facets: self
                        .facets
                        .iter()
                        .filter(|(_, delta)| **delta != 0)
                        .map(|((facet, id, status), delta)| (*facet, *id, status.as_str(), *delta))
                        .collect(),
                    live: self
                        .live
                        .events()
                        .map(|(kind, dialog, payload)| (kind, dialog, payload, at))
                        .collect(),
                });
                if !statement.is_empty() {
                    statement.execute(pg)?;
                }
            }
            DbConnection::Sqlite(sqlite) => self.write_each(sqlite, &updates)?,
        }
        Ok(())
    }

    /// SQLite's way: one statement per table, in the order their foreign
    /// keys need. It is in the process, so a statement costs no round trip.
    fn write_each(
        &self,
        conn: &mut diesel::SqliteConnection,
        updates: &[DialogUpdate],
    ) -> StoreResult<()> {
        if !self.clients.is_empty() {
            diesel::insert_into(clients::table)
                .values(&self.clients)
                .execute(conn)?;
        }
        if !self.new_dialogs.is_empty() {
            diesel::insert_into(dialogs::table)
                .values(&self.new_dialogs)
                .execute(conn)?;
        }
        if !self.messages.is_empty() {
            diesel::insert_into(messages::table)
                .values(&self.messages)
                .execute(conn)?;
        }
        for row in updates {
            diesel::update(dialogs::table.find(row.id))
                .set(row)
                .execute(conn)?;
        }
        if !self.tags_added.is_empty() {
            let rows: Vec<_> = self
                .tags_added
                .iter()
                .map(|&(dialog, tag)| {
                    (
                        dialog_tags::dialog_id.eq(dialog),
                        dialog_tags::tag_id.eq(tag),
                    )
                })
                .collect();
            diesel::insert_into(dialog_tags::table)
                .values(&rows)
                .execute(conn)?;
        }
        if !self.timeline.is_empty() {
            diesel::insert_into(events::table)
                .values(&self.timeline)
                .execute(conn)?;
        }
        for (status, delta) in self.statuses.iter().filter(|(_, d)| **d != 0) {
            diesel::update(status_counters::table.find(status.as_str()))
                .set(status_counters::count.eq(status_counters::count + *delta))
                .execute(conn)?;
        }
        let facets = facet_rows(&self.facets);
        if !facets.is_empty() {
            use diesel::upsert::excluded;
            diesel::insert_into(facet_counters::table)
                .values(&facets)
                .on_conflict((
                    facet_counters::facet,
                    facet_counters::facet_id,
                    facet_counters::status,
                ))
                .do_update()
                .set(
                    facet_counters::count
                        .eq(facet_counters::count + excluded(facet_counters::count)),
                )
                .execute(conn)?;
        }
        let live = self.live.rows();
        if !live.is_empty() {
            diesel::insert_into(live_events::table)
                .values(&live)
                .execute(conn)?;
        }
        Ok(())
    }
}

/// A facet counter's delta, as inserted.
type FacetRow = (
    diesel::dsl::Eq<facet_counters::facet, &'static str>,
    diesel::dsl::Eq<facet_counters::facet_id, i64>,
    diesel::dsl::Eq<facet_counters::status, &'static str>,
    diesel::dsl::Eq<facet_counters::count, i64>,
);

/// The facet counters' rows: each delta, to add to its counter (or to
/// start it).
fn facet_rows(deltas: &BTreeMap<(&'static str, i64, Status), i64>) -> Vec<FacetRow> {
    deltas
        .iter()
        .filter(|(_, delta)| **delta != 0)
        .map(|((facet, id, status), delta)| {
            (
                facet_counters::facet.eq(*facet),
                facet_counters::facet_id.eq(*id),
                facet_counters::status.eq(status.as_str()),
                facet_counters::count.eq(*delta),
            )
        })
        .collect()
}
