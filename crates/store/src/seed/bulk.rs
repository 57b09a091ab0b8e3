//! Large data sets (`dialogdesk seed --dialogs N`) shaped like a year of a
//! real bot's traffic, written as consistent snapshots in large batches.
//!
//! The shape matters for measuring: statuses skewed as a bot leaves them
//! (most finished or automatic, few errors), channels and managers by a
//! Zipf law (one channel and a few managers carry most dialogs), 1–40
//! messages per dialog (about 10 on average: ten million for a million
//! dialogs), a year of history, managers' replies and assignments in the
//! timeline, a quarter of dialogs tagged. Messages, timeline entries and
//! tags go to PostgreSQL with `COPY` (by far the most rows), elsewhere in
//! multi-row inserts.

use super::{random_person, random_phone};
use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use chrono::{Duration, NaiveDateTime};
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::distr::weighted::WeightedIndex;
use rand::distr::Distribution;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;

pub(super) const BULK_BATCH: usize = 2_000;

/// Share of each status, in percent: what a year of a sales bot leaves.
const STATUS_SHARES: [(Status, u32); 9] = [
    (Status::Finished, 40),
    (Status::Auto, 25),
    (Status::Waiting, 9),
    (Status::Manual, 8),
    (Status::Ignore, 6),
    (Status::Start, 5),
    (Status::Stopped, 4),
    (Status::Blocked, 2),
    (Status::Error, 1),
];

/// A Zipf law over `n` items: the k-th is picked in proportion to 1/k.
fn zipf(n: usize) -> StoreResult<WeightedIndex<f64>> {
    WeightedIndex::new((1..=n.max(1)).map(|k| 1.0 / k as f64))
        .map_err(|e| StoreError::invalid("seed", e.to_string()))
}

/// What a batch draws from.
struct Catalog {
    channels: Vec<(i64, String)>,
    steps: Vec<(i64, i64)>,
    operators: Vec<(i64, String)>,
    tags: Vec<i64>,
    statuses: WeightedIndex<u32>,
    channel_law: WeightedIndex<f64>,
    operator_law: WeightedIndex<f64>,
    tag_law: WeightedIndex<f64>,
}

/// One message of a bulk dialog.
#[derive(Clone, Copy)]
struct BulkMessage {
    author: Author,
    operator_id: Option<i64>,
    at: NaiveDateTime,
    /// The reply's first-response time (`dialogs::turn_after`).
    response_seconds: Option<f64>,
}

/// Everything of one bulk dialog but its ids.
struct BulkDialog {
    channel: (i64, String),
    status: Status,
    flow_step: Option<(i64, i64)>,
    assignee: Option<i64>,
    finisher: Option<(i64, String)>,
    tag: Option<i64>,
    created: NaiveDateTime,
    messages: Vec<BulkMessage>,
    /// When the lead's unanswered turn began, if one is waiting.
    awaiting_reply_since: Option<NaiveDateTime>,
}

const LEAD_TEXT: &str = "Здравствуйте! Сколько стоит доставка?";
const BOT_TEXT: &str = "Чем могу помочь?";
const OPERATOR_TEXT: &str = "Добрый день, сейчас подскажу.";

fn text_of(author: Author) -> &'static str {
    match author {
        Author::Lead => LEAD_TEXT,
        Author::Operator => OPERATOR_TEXT,
        _ => BOT_TEXT,
    }
}

fn draw_dialog(rng: &mut StdRng, c: &Catalog, today: NaiveDateTime) -> BulkDialog {
    let status = STATUS_SHARES[c.statuses.sample(rng)].0;
    let channel = c.channels[c.channel_law.sample(rng)].clone();
    let operator = c.operators[c.operator_law.sample(rng)].clone();
    let assigned = matches!(status, Status::Manual | Status::Waiting) || rng.random_bool(0.5);
    let assignee = assigned.then_some(operator.0);
    let on_step = status.needs_step() || (status != Status::Start && rng.random_bool(0.7));
    let flow_step = if on_step && !c.steps.is_empty() {
        let (step, flow) = c.steps[rng.random_range(0..c.steps.len())];
        Some((flow, step))
    } else {
        None
    };
    // A year of history; the newest dialogs are the busiest days.
    let created = today - Duration::minutes(rng.random_range(0..60 * 24 * 365));
    let count = (rng.random::<f64>().powi(3) * 40.0) as usize + 1;
    let mut at = created;
    let mut messages = Vec::with_capacity(count);
    let mut awaiting_reply_since = None;
    for n in 0..count {
        let last = n + 1 == count;
        let author = if n % 2 == 0 || (last && status == Status::Ignore) {
            Author::Lead
        } else if assigned && n >= count / 2 {
            Author::Operator
        } else {
            Author::Bot
        };
        let operator_id = (author == Author::Operator).then_some(operator.0);
        let (awaiting, response_seconds) = crate::dialogs::turn_after(
            awaiting_reply_since,
            author,
            operator_id.map(OperatorId),
            at,
        );
        awaiting_reply_since = awaiting;
        messages.push(BulkMessage {
            author,
            operator_id,
            at,
            response_seconds,
        });
        at += Duration::seconds(rng.random_range(20..1_800));
    }
    let finisher = if status == Status::Finished && assigned && rng.random_bool(0.7) {
        Some(operator)
    } else {
        None
    };
    let tag = (!c.tags.is_empty() && rng.random_bool(0.25)).then(|| c.tags[c.tag_law.sample(rng)]);
    BulkDialog {
        channel,
        status,
        flow_step,
        assignee,
        finisher,
        tag,
        created,
        messages,
        awaiting_reply_since,
    }
}

/// A bulk dialog's client.
struct Person {
    name: String,
    phone: String,
    digits: String,
}

// The rows of a bulk load, column by column. Ids are given (see
// `next_ids`), so both backends write the same rows: PostgreSQL by binary
// `COPY`, SQLite by multi-row inserts.

#[derive(Insertable)]
#[diesel(table_name = clients, treat_none_as_default_value = false)]
struct ClientRow {
    id: i64,
    name: String,
    search_name: String,
    phone: Option<String>,
    phone_digits: String,
    custom_fields: &'static str,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = dialogs, treat_none_as_default_value = false)]
struct DialogRow {
    id: i64,
    client_id: i64,
    channel_id: i64,
    status: &'static str,
    flow_id: Option<i64>,
    step_id: Option<i64>,
    assignee_id: Option<i64>,
    last_message_at: NaiveDateTime,
    last_message_author: Option<&'static str>,
    last_message_kind: Option<&'static str>,
    last_message_text: Option<&'static str>,
    message_count: i64,
    finished_at: Option<NaiveDateTime>,
    finished_by: Option<i64>,
    finished_by_name: String,
    client_search_name: String,
    client_name: String,
    client_phone_digits: String,
    channel_name: String,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    awaiting_reply_since: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = messages, treat_none_as_default_value = false)]
struct MessageRow {
    dialog_id: i64,
    channel_id: i64,
    author: &'static str,
    operator_id: Option<i64>,
    kind: &'static str,
    text: &'static str,
    sent_at: NaiveDateTime,
    created_at: NaiveDateTime,
    response_seconds: Option<f64>,
}

#[derive(Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
struct EventRow {
    dialog_id: i64,
    kind: &'static str,
    actor_kind: &'static str,
    reason: &'static str,
    before_value: String,
    after_value: String,
    created_at: NaiveDateTime,
}

impl EventRow {
    fn seeded(
        dialog_id: i64,
        kind: &'static str,
        before: &str,
        after: String,
        at: NaiveDateTime,
    ) -> Self {
        EventRow {
            dialog_id,
            kind,
            actor_kind: "system",
            reason: "seeded",
            before_value: before.to_owned(),
            after_value: after,
            created_at: at,
        }
    }
}

/// Writes `rows` into `table`: binary `COPY` on PostgreSQL (no text for
/// the server to parse, no statement to plan per row), multi-row inserts
/// on SQLite (in chunks under its 32,766 bound parameters).
macro_rules! load {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        match $conn {
            DbConnection::Pg(pg) => {
                diesel::copy_from($table)
                    .from_insertable(&rows)
                    .execute(pg)?;
            }
            DbConnection::Sqlite(sqlite) => {
                for chunk in rows.chunks(1_000) {
                    diesel::insert_into($table).values(chunk).execute(sqlite)?;
                }
            }
        }
    }};
}

/// One batch of dialogs as drawn, before it has ids.
struct Drawn {
    dialogs: Vec<BulkDialog>,
    people: Vec<Person>,
}

/// Draws one batch: the dialogs and their leads.
fn draw_batch(rng: &mut StdRng, batch: usize, c: &Catalog) -> Drawn {
    let today = to_db(now());
    let dialogs = (0..batch).map(|_| draw_dialog(rng, c, today)).collect();
    let people = (0..batch)
        .map(|i| {
            let english = i % 4 == 3;
            let name = random_person(rng, english);
            let phone = random_phone(rng, english);
            let digits = phone.chars().filter(char::is_ascii_digit).collect();
            Person {
                name,
                phone,
                digits,
            }
        })
        .collect();
    Drawn { dialogs, people }
}

/// Writes one drawn batch: clients and dialogs, then messages, timeline
/// entries and tags, then the counters.
fn bulk_batch(conn: &mut DbConnection, batch: Drawn) -> StoreResult<()> {
    let Drawn {
        dialogs: drawn,
        people,
    } = batch;
    let batch = drawn.len();
    let client_ids = next_ids(conn, "clients", batch)?;
    let dialog_ids = next_ids(conn, "dialogs", batch)?;
    load!(
        conn,
        clients::table,
        drawn
            .iter()
            .zip(&people)
            .zip(&client_ids)
            .map(|((dialog, person), id)| ClientRow {
                id: *id,
                name: person.name.clone(),
                search_name: person.name.to_lowercase(),
                phone: Some(person.phone.clone()),
                phone_digits: person.digits.clone(),
                custom_fields: "{}",
                created_at: dialog.created,
            })
            .collect::<Vec<_>>()
    );
    load!(
        conn,
        dialogs::table,
        drawn
            .iter()
            .zip(&people)
            .zip(client_ids.iter().zip(&dialog_ids))
            .map(|((dialog, person), (client_id, id))| dialog_row(dialog, person, *client_id, *id))
            .collect::<Vec<_>>()
    );

    let created = to_db(now());
    let mut messages = Vec::new();
    let mut events = Vec::new();
    let mut tags = Vec::new();
    let mut per_status: HashMap<Status, i64> = HashMap::new();
    for (dialog, &id) in drawn.iter().zip(&dialog_ids) {
        *per_status.entry(dialog.status).or_default() += 1;
        messages.extend(dialog.messages.iter().map(|m| MessageRow {
            dialog_id: id,
            channel_id: dialog.channel.0,
            author: m.author.as_str(),
            operator_id: m.operator_id,
            kind: "text",
            text: text_of(m.author),
            sent_at: m.at,
            created_at: created,
            response_seconds: m.response_seconds,
        }));
        events.push(EventRow::seeded(
            id,
            "status_changed",
            "\"start\"",
            format!("\"{}\"", dialog.status),
            dialog.created,
        ));
        if let Some(assignee) = dialog.assignee {
            events.push(EventRow::seeded(
                id,
                "assignee_changed",
                "null",
                assignee.to_string(),
                dialog.created + Duration::minutes(5),
            ));
        }
        if let Some(tag) = dialog.tag {
            tags.push((dialog_tags::dialog_id.eq(id), dialog_tags::tag_id.eq(tag)));
        }
    }
    load!(conn, messages::table, messages);
    load!(conn, events::table, events);
    load!(conn, dialog_tags::table, tags);
    for (status, n) in per_status {
        diesel::update(status_counters::table.find(status.as_str()))
            .set(status_counters::count.eq(status_counters::count + n))
            .execute(conn)?;
    }
    Ok(())
}

/// The dialog row of a bulk dialog.
fn dialog_row(dialog: &BulkDialog, person: &Person, client_id: i64, id: i64) -> DialogRow {
    let last = dialog.messages.last().map_or(dialog.created, |m| m.at);
    let last_author = dialog.messages.last().map_or(Author::Lead, |m| m.author);
    DialogRow {
        id,
        client_id,
        channel_id: dialog.channel.0,
        status: dialog.status.as_str(),
        flow_id: dialog.flow_step.map(|(f, _)| f),
        step_id: dialog.flow_step.map(|(_, s)| s),
        assignee_id: dialog.assignee,
        last_message_at: last,
        last_message_author: Some(last_author.as_str()),
        last_message_kind: Some("text"),
        last_message_text: Some(text_of(last_author)),
        message_count: dialog.messages.len() as i64,
        finished_at: (dialog.status == Status::Finished).then_some(last),
        finished_by: dialog.finisher.as_ref().map(|f| f.0),
        finished_by_name: dialog
            .finisher
            .as_ref()
            .map(|f| f.1.clone())
            .unwrap_or_default(),
        client_search_name: person.name.to_lowercase(),
        client_name: person.name.clone(),
        client_phone_digits: person.digits.clone(),
        channel_name: dialog.channel.1.clone(),
        version: 2,
        created_at: dialog.created,
        updated_at: last,
        awaiting_reply_since: dialog.awaiting_reply_since,
    }
}

/// `n` new ids for `table`, so a batch's rows can refer to each other
/// without reading ids back: from the `id` sequence on PostgreSQL (one
/// query), past the highest id on SQLite (the seed writes alone: its
/// transaction holds SQLite's write lock).
fn next_ids(conn: &mut DbConnection, table: &str, n: usize) -> StoreResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    Ok(match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id \
             FROM generate_series(1, $1)"
        ))
        .bind::<diesel::sql_types::BigInt, _>(n as i64)
        .load::<Id>(pg)?
        .into_iter()
        .map(|i| i.id)
        .collect(),
        DbConnection::Sqlite(sqlite) => {
            let highest =
                diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"))
                    .get_result::<Id>(sqlite)?
                    .id;
            (highest + 1..=highest + n as i64).collect()
        }
    })
}

impl Store {
    /// Seeds `count` more dialogs quickly, in batches; `progress` is called
    /// with the number written so far. Needs the catalog (run `--demo`
    /// first, or have channels and flows).
    pub fn seed_bulk(&self, count: usize, progress: &dyn Fn(usize)) -> StoreResult<usize> {
        self.seed_bulk_rebuilding(count, progress, count >= REBUILD_INDEXES_FROM)
    }

    /// [`Store::seed_bulk`], saying whether to drop the secondary indexes
    /// and foreign keys for the load and build them again after it (what
    /// `seed_bulk` does from [`REBUILD_INDEXES_FROM`] dialogs on; tests
    /// ask for it on small loads).
    pub fn seed_bulk_rebuilding(
        &self,
        count: usize,
        progress: &dyn Fn(usize),
        rebuild: bool,
    ) -> StoreResult<usize> {
        let (channels, steps, operators, tags) = self.read("seed_bulk", |conn| {
            let channels: Vec<(i64, String)> = channels::table
                .select((channels::id, channels::name))
                .order_by(channels::id)
                .load(conn)?;
            let steps: Vec<(i64, i64)> = steps::table
                .select((steps::id, steps::flow_id))
                .load(conn)?;
            let operators: Vec<(i64, String)> = operators::table
                .select((operators::id, operators::name))
                .order_by(operators::id)
                .load(conn)?;
            let tags: Vec<i64> = tags::table.select(tags::id).order_by(tags::id).load(conn)?;
            Ok((channels, steps, operators, tags))
        })?;
        if channels.is_empty() || steps.is_empty() || operators.is_empty() {
            return Err(StoreError::invalid(
                "dialogs",
                "seed the demo catalog first (`dialogdesk seed --demo`)",
            ));
        }
        let catalog = Catalog {
            statuses: WeightedIndex::new(STATUS_SHARES.iter().map(|(_, share)| *share))
                .map_err(|e| StoreError::invalid("seed", e.to_string()))?,
            channel_law: zipf(channels.len())?,
            operator_law: zipf(operators.len())?,
            tag_law: zipf(tags.len())?,
            channels,
            steps,
            operators,
            tags,
        };
        let mut rng = StdRng::seed_from_u64(count as u64);
        let mut done = 0;
        // One transaction: a seed that fails leaves nothing behind, the
        // dropped indexes included.
        self.write("seed_bulk", |conn| {
            let (indexes, foreign_keys) = if rebuild {
                (drop_secondary_indexes(conn)?, drop_foreign_keys(conn)?)
            } else {
                (Vec::new(), Vec::new())
            };
            // The batches are drawn on a thread of their own while the
            // previous one loads: on two cores, drawing ten million
            // messages and PostgreSQL storing them overlap instead of
            // taking turns.
            std::thread::scope(|scope| {
                let (drawn, batches) = std::sync::mpsc::sync_channel::<Drawn>(2);
                let catalog = &catalog;
                scope.spawn(move || {
                    let mut drawn_so_far = 0;
                    while drawn_so_far < count {
                        let batch = (count - drawn_so_far).min(BULK_BATCH);
                        // The loader has stopped (it failed): stop drawing.
                        if drawn.send(draw_batch(&mut rng, batch, catalog)).is_err() {
                            return;
                        }
                        drawn_so_far += batch;
                    }
                });
                for batch in batches {
                    let n = batch.dialogs.len();
                    bulk_batch(conn, batch)?;
                    done += n;
                    progress(done);
                }
                StoreResult::Ok(())
            })?;
            if let DbConnection::Pg(pg) = conn {
                // Sorting ten million messages for an index within the
                // default 64 MB spills to disk many times over; for this
                // transaction only.
                diesel::sql_query("SET LOCAL maintenance_work_mem = '512MB'").execute(pg)?;
            }
            for index in &indexes {
                diesel::sql_query(&index.definition).execute(conn)?;
            }
            // Checked once per key, by one join each, instead of once per
            // row loaded.
            for key in &foreign_keys {
                diesel::sql_query(format!(
                    "ALTER TABLE \"{}\" ADD CONSTRAINT \"{}\" {}",
                    key.table, key.name, key.definition
                ))
                .execute(conn)?;
            }
            // Bulk rows bypass the state machine, so its per-change upkeep
            // of the facet counters did not run: count them once, at the end.
            crate::dialogs::facets::rebuild_facet_counters(conn)?;
            // The same for the managers' stats.
            crate::rollups::rebuild(conn)?;
            // Fresh statistics for the planner: without them PostgreSQL
            // guessed 640,000 dialogs for a search's 128 clients and walked
            // the recency index for a second instead of reading 128 rows.
            diesel::sql_query("ANALYZE").execute(conn)?;
            Ok(())
        })?;
        Ok(done)
    }
}

/// From this many dialogs on, the seed drops the secondary indexes of the
/// tables it fills and builds them again at the end: one sort per index
/// instead of updating some forty B-trees for every row.
pub const REBUILD_INDEXES_FROM: usize = 50_000;

/// A foreign key of a table the seed fills, as `pg_get_constraintdef`
/// writes it.
#[derive(QueryableByName)]
struct ForeignKey {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

/// The tables the seed fills.
const FILLED_TABLES: &str = "('dialogs', 'messages', 'events', 'clients', 'dialog_tags')";

/// Drops the foreign keys of the tables the seed fills (PostgreSQL) and
/// returns them, to add again after the load. PostgreSQL checks a foreign
/// key with a query per inserted row: three per message, thirty million
/// for a million dialogs, most of the load's time. The rows the seed
/// writes refer to what exists, and adding a key back checks every row
/// again, so nothing goes in unchecked. SQLite checks keys in its own
/// B-tree walk, cheaply, and keeps them.
fn drop_foreign_keys(conn: &mut DbConnection) -> StoreResult<Vec<ForeignKey>> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(Vec::new());
    };
    let keys: Vec<ForeignKey> = diesel::sql_query(format!(
        "SELECT conrelid::regclass::text AS table, conname AS name, \
                pg_get_constraintdef(oid) AS definition \
         FROM pg_constraint \
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace \
           AND conrelid::regclass::text IN {FILLED_TABLES}"
    ))
    .load(pg)?;
    for key in &keys {
        diesel::sql_query(format!(
            "ALTER TABLE \"{}\" DROP CONSTRAINT \"{}\"",
            key.table, key.name
        ))
        .execute(pg)?;
    }
    Ok(keys)
}

/// An index as its `CREATE INDEX` statement.
#[derive(QueryableByName)]
struct IndexDefinition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

/// Drops the plain (not unique, not primary) indexes of the tables the seed
/// fills and returns them, to build again after the load. Unique indexes
/// stay: they are what keeps the data right.
fn drop_secondary_indexes(conn: &mut DbConnection) -> StoreResult<Vec<IndexDefinition>> {
    let indexes: Vec<IndexDefinition> = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN {FILLED_TABLES} \
               AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        ))
        .load(pg)?,
        // Automatic indexes (of constraints) have no statement.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "SELECT name, sql AS definition FROM sqlite_master \
             WHERE type = 'index' AND tbl_name IN {FILLED_TABLES} AND sql IS NOT NULL \
               AND sql NOT LIKE 'CREATE UNIQUE%'"
        ))
        .load(sqlite)?,
    };
    for index in &indexes {
        diesel::sql_query(format!("DROP INDEX \"{}\"", index.name)).execute(conn)?;
    }
    Ok(indexes)
}
