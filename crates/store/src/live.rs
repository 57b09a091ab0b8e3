//! The outbox of live events.
//!
//! Every change writes its events into `live_events` inside its own
//! transaction: a rolled-back change emits nothing. After commit the events
//! are announced: on PostgreSQL by `NOTIFY` (issued inside the transaction,
//! delivered by the server only on commit, to every process), and in this
//! process by the commit signal. Each process's relay then reads the new
//! rows and hands them to its stream clients. The same rows, kept a few
//! minutes, are the replay buffer for clients that reconnect.

use crate::error::StoreResult;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use chrono::Duration;
use dialogdesk_domain::wire::StatusCounts;
use dialogdesk_domain::DialogId;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;
use std::sync::{Arc, Condvar, Mutex};

/// Live events deleted per transaction when the replay buffer is pruned.
pub const PRUNE_CHUNK: i64 = 5_000;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "dialogdesk_events";

/// Any number, the same in every process: the write turn (see
/// [`take_write_turn`]).
const WRITE_TURN_LOCK: i64 = 0x6469_616c_6f67;

/// The kinds of live events: the SSE event names of the wire contract.
pub use dialogdesk_domain::wire::live_event as kind;

/// One stored live event.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LiveRow {
    /// Global, increasing id (the SSE `id`).
    pub id: i64,
    /// One of [`kind`].
    pub kind: String,
    /// The dialog it concerns.
    pub dialog_id: Option<i64>,
    /// JSON.
    pub payload: String,
}

/// The statement that opens a write transaction on PostgreSQL: it begins
/// the transaction, takes this database's write turn for the rest of it,
/// and queues the notification of its events, in one round trip
/// (`Store::write` opens every write with it).
///
/// Write transactions run one at a time, as they do on SQLite, for two
/// reasons. Outbox ids then follow commit order, so a relay reading "ids
/// after the last one seen" never skips one. And every writer takes its
/// locks in one order (the turn first, then rows and counters), so two
/// writes can never deadlock: before, a write took the outbox lock last,
/// after its rows, while a new lead's delivery took it in the middle.
/// Throughput comes from batching the busy path (inbound deliveries, see
/// `dialogs::ingest`), not from concurrent transactions that would queue
/// on the counters and the outbox anyway.
///
/// The notification goes with every write, events or not: PostgreSQL
/// delivers it only on commit, and a relay woken by a write without events
/// reads nothing new.
pub fn begin_write_turn_sql() -> String {
    format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_TURN_LOCK}); NOTIFY {CHANNEL}")
}

/// A live event, as inserted.
pub type EventRow<'a> = (
    diesel::dsl::Eq<live_events::kind, &'static str>,
    diesel::dsl::Eq<live_events::dialog_id, Option<i64>>,
    diesel::dsl::Eq<live_events::payload, &'a str>,
    diesel::dsl::Eq<live_events::created_at, chrono::NaiveDateTime>,
);

/// Live events of one change, written together (one statement) in the
/// caller's transaction.
#[derive(Default)]
pub struct Batch {
    rows: Vec<(&'static str, Option<i64>, String)>,
}

impl Batch {
    /// Adds one event.
    pub fn add(
        &mut self,
        kind: &'static str,
        dialog: Option<DialogId>,
        payload: &impl Serialize,
    ) -> StoreResult<()> {
        let payload =
            serde_json::to_string(payload).map_err(|e| crate::StoreError::Database(e.into()))?;
        self.rows.push((kind, dialog.map(|d| d.0), payload));
        Ok(())
    }

    /// Writes the events, in the order added.
    pub fn write(self, conn: &mut DbConnection) -> StoreResult<()> {
        let rows = self.rows();
        if rows.is_empty() {
            return Ok(());
        }
        crate::on_backend!(conn, |c| diesel::insert_into(live_events::table)
            .values(&rows)
            .execute(c))?;
        Ok(())
    }

    /// The events as (kind, dialog, payload), in the order added (for a
    /// caller that writes them with its own statement).
    pub fn events(&self) -> impl Iterator<Item = (&'static str, Option<i64>, &str)> {
        self.rows
            .iter()
            .map(|(kind, dialog, payload)| (*kind, *dialog, payload.as_str()))
    }

    /// The events' rows, in the order added (for a caller that writes them
    /// with its own statements).
    pub fn rows(&self) -> Vec<EventRow<'_>> {
        let at = to_db(now());
        self.rows
            .iter()
            .map(|(kind, dialog, payload)| {
                (
                    live_events::kind.eq(*kind),
                    live_events::dialog_id.eq(*dialog),
                    live_events::payload.eq(payload.as_str()),
                    live_events::created_at.eq(at),
                )
            })
            .collect()
    }
}

/// Writes one event in the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    kind: &'static str,
    dialog: Option<DialogId>,
    payload: &impl Serialize,
) -> StoreResult<()> {
    let mut batch = Batch::default();
    batch.add(kind, dialog, payload)?;
    batch.write(conn)
}

/// Wakes this process's relay after each commit.
#[derive(Debug, Default)]
pub struct CommitSignal {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl CommitSignal {
    /// Called after a write transaction committed.
    pub fn notify(&self) {
        let mut g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        *g += 1;
        self.changed.notify_all();
    }

    /// The current generation, to wait for a later one.
    pub fn generation(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a commit after `seen`, or the timeout; returns the
    /// generation now.
    pub fn wait_after(&self, seen: u64, timeout: std::time::Duration) -> u64 {
        let g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        let (g, _) = self
            .changed
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .unwrap_or_else(|p| p.into_inner());
        *g
    }
}

/// A dedicated PostgreSQL connection that `LISTEN`s on [`CHANNEL`]. The
/// relay reads the events on it too: it reads after every commit, and a
/// pooled connection cost a checkout test (one more round trip) each time.
pub struct PgListener {
    conn: DbConnection,
}

impl PgListener {
    /// Whether notifications arrived since the last call (never blocks).
    pub fn poll(&mut self) -> StoreResult<bool> {
        let mut any = false;
        if let DbConnection::Pg(pg) = &mut self.conn {
            for notification in pg.notifications_iter() {
                notification?;
                any = true;
            }
        }
        Ok(any)
    }

    /// [`Store::status_counts`], on this connection.
    pub fn status_counts(&mut self) -> StoreResult<StatusCounts> {
        crate::status_counts::counters(&mut self.conn)
    }

    /// [`Store::live_events_after`], on this connection.
    pub fn live_events_after(&mut self, id: i64, limit: i64) -> StoreResult<Vec<LiveRow>> {
        events_after(&mut self.conn, id, limit)
    }
}

/// Live events after `id`, oldest first, at most `limit`.
fn events_after(conn: &mut DbConnection, id: i64, limit: i64) -> StoreResult<Vec<LiveRow>> {
    Ok(live_events::table
        .filter(live_events::id.gt(id))
        .order_by(live_events::id)
        .limit(limit)
        .select((
            live_events::id,
            live_events::kind,
            live_events::dialog_id,
            live_events::payload,
        ))
        .load(conn)?)
}

impl Store {
    /// This process's commit signal.
    pub fn commit_signal(&self) -> Arc<CommitSignal> {
        self.commit_signal.clone()
    }

    /// Signalled after each commit (in this process) that queued webhook
    /// deliveries: the dispatcher waits on it.
    pub fn webhook_signal(&self) -> Arc<CommitSignal> {
        self.webhook_signal.clone()
    }

    /// A listener for other processes' commits; `None` on SQLite, where one
    /// process owns the database.
    pub fn listen(&self) -> StoreResult<Option<PgListener>> {
        let crate::DatabaseTarget::Postgres(url) = self.target() else {
            return Ok(None);
        };
        let mut conn = diesel::PgConnection::establish(url)
            .map_err(|e| crate::StoreError::Database(e.into()))?;
        conn.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        Ok(Some(PgListener {
            conn: DbConnection::Pg(conn),
        }))
    }

    /// Live events after `id`, oldest first, at most `limit`.
    pub fn live_events_after(&self, id: i64, limit: i64) -> StoreResult<Vec<LiveRow>> {
        self.read("live_events_after", |conn| events_after(conn, id, limit))
    }

    /// The newest live event id (0 when none).
    pub fn latest_live_event_id(&self) -> StoreResult<i64> {
        self.read("latest_live_event_id", |conn| {
            let max: Option<i64> = live_events::table
                .select(diesel::dsl::max(live_events::id))
                .first(conn)?;
            let pruned = pruned_through(conn)?;
            Ok(max.unwrap_or(0).max(pruned))
        })
    }

    /// Events up to this id were pruned: a client that last saw an older
    /// one cannot be replayed and must resync.
    pub fn live_pruned_through(&self) -> StoreResult<i64> {
        self.read("live_pruned_through", pruned_through)
    }

    /// Keeps the replay buffer bounded: events older than `max_age`, and all
    /// but the newest `max_rows`, go. In transactions of at most
    /// [`PRUNE_CHUNK`] events: at thousands of messages a second, one delete
    /// of everything since the last prune held the write turn long enough
    /// to stall every delivery behind it.
    pub fn prune_live_events(&self, max_rows: i64, max_age: Duration) -> StoreResult<usize> {
        let mut total = 0;
        loop {
            let (deleted, done) = self.write("prune_live_events", |conn| {
                let newest: Option<i64> = live_events::table
                    .select(diesel::dsl::max(live_events::id))
                    .first(conn)?;
                let Some(newest) = newest else {
                    return Ok((0, true));
                };
                let cut_by_count = newest - max_rows;
                let cut_by_age: Option<i64> = live_events::table
                    .filter(live_events::created_at.lt(to_db(now() - max_age)))
                    .select(diesel::dsl::max(live_events::id))
                    .first(conn)?;
                let wanted = cut_by_count.max(cut_by_age.unwrap_or(0));
                let pruned = pruned_through(conn)?;
                if wanted <= pruned {
                    return Ok((0, true));
                }
                let cut = wanted.min(pruned + PRUNE_CHUNK);
                let n = diesel::delete(live_events::table.filter(live_events::id.le(cut)))
                    .execute(conn)?;
                diesel::update(live_events_meta::table.find(1))
                    .set(live_events_meta::pruned_through.eq(cut))
                    .execute(conn)?;
                Ok((n, cut == wanted))
            })?;
            total += deleted;
            if done {
                return Ok(total);
            }
        }
    }

    /// The status counts from the counters (as the tabs show them).
    pub fn status_counts(&self) -> StoreResult<StatusCounts> {
        self.read("status_counts", crate::status_counts::counters)
    }
}

fn pruned_through(conn: &mut DbConnection) -> StoreResult<i64> {
    Ok(live_events_meta::table
        .find(1)
        .select(live_events_meta::pruned_through)
        .first::<i64>(conn)
        .optional()?
        .unwrap_or(0))
}
