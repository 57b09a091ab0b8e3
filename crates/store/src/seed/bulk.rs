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
use std::fmt::Write as _;

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

/// One batch: clients and dialogs, then messages, timeline entries and
/// tags, then the counters.
fn bulk_batch(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    batch: usize,
    c: &Catalog,
) -> StoreResult<()> {
    let today = to_db(now());
    let drawn: Vec<BulkDialog> = (0..batch).map(|_| draw_dialog(rng, c, today)).collect();
    let people: Vec<Person> = (0..batch)
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
    let dialog_ids = match conn {
        DbConnection::Pg(pg) => copy_clients_and_dialogs(pg, &drawn, &people)?,
        DbConnection::Sqlite(sqlite) => insert_clients_and_dialogs(sqlite, &drawn, &people)?,
    };
    let mut per_status: HashMap<Status, i64> = HashMap::new();
    for dialog in &drawn {
        *per_status.entry(dialog.status).or_default() += 1;
    }

    let mut rows = Rows::default();
    for (dialog, id) in drawn.iter().zip(&dialog_ids) {
        for m in &dialog.messages {
            rows.message(*id, dialog.channel.0, m);
        }
        let assigned_at = dialog.created + Duration::minutes(5);
        rows.event(
            *id,
            "status_changed",
            "\"start\"",
            &format!("\"{}\"", dialog.status),
            dialog.created,
        );
        if let Some(assignee) = dialog.assignee {
            rows.event(
                *id,
                "assignee_changed",
                "null",
                &assignee.to_string(),
                assigned_at,
            );
        }
        if let Some(tag) = dialog.tag {
            rows.tags.push((*id, tag));
        }
    }
    rows.write(conn)?;
    for (status, n) in per_status {
        diesel::update(status_counters::table.find(status.as_str()))
            .set(status_counters::count.eq(status_counters::count + n))
            .execute(conn)?;
    }
    Ok(())
}

/// Hands one table's CSV to `COPY`.
fn send(out: &mut dyn std::io::Write, data: &[u8]) -> Result<(), diesel::result::Error> {
    out.write_all(data)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
}

/// `COPY table (columns) FROM STDIN` with `csv` (a `String`) as its data.
macro_rules! copy_csv {
    ($pg:expr, $table:expr, $columns:expr, $csv:expr) => {{
        let data = $csv.into_bytes();
        diesel::copy_from($table)
            .from_raw_data($columns, |out| send(out, &data))
            .with_format(diesel::pg::CopyFormat::Csv)
            .execute($pg)?;
    }};
}

/// What the dialog row says of its last message and finish.
fn last_of(dialog: &BulkDialog) -> (NaiveDateTime, Author, Option<NaiveDateTime>) {
    let last = dialog.messages.last().map_or(dialog.created, |m| m.at);
    let author = dialog.messages.last().map_or(Author::Lead, |m| m.author);
    let finished = (dialog.status == Status::Finished).then_some(last);
    (last, author, finished)
}

/// SQLite: multi-row inserts that return the new ids.
fn insert_clients_and_dialogs(
    sqlite: &mut diesel::SqliteConnection,
    drawn: &[BulkDialog],
    people: &[Person],
) -> StoreResult<Vec<i64>> {
    let client_rows: Vec<_> = drawn
        .iter()
        .zip(people)
        .map(|(dialog, person)| {
            (
                clients::search_name.eq(person.name.to_lowercase()),
                clients::name.eq(&person.name),
                clients::phone.eq(Some(&person.phone)),
                clients::phone_digits.eq(&person.digits),
                clients::custom_fields.eq("{}"),
                clients::created_at.eq(dialog.created),
            )
        })
        .collect();
    // Chunks under SQLite's bound-parameter limit (32,766).
    let mut client_ids: Vec<i64> = Vec::with_capacity(drawn.len());
    for chunk in client_rows.chunks(1_000) {
        client_ids.extend(
            diesel::insert_into(clients::table)
                .values(chunk)
                .returning(clients::id)
                .get_results::<i64>(sqlite)?,
        );
    }
    let dialog_rows: Vec<_> = drawn
        .iter()
        .zip(&client_ids)
        .zip(people)
        .map(|((dialog, client_id), person)| {
            let (last, last_author, finished_at) = last_of(dialog);
            (
                (
                    dialogs::client_id.eq(*client_id),
                    dialogs::channel_id.eq(dialog.channel.0),
                    dialogs::status.eq(dialog.status.as_str()),
                    dialogs::flow_id.eq(dialog.flow_step.map(|(f, _)| f)),
                    dialogs::step_id.eq(dialog.flow_step.map(|(_, s)| s)),
                    dialogs::assignee_id.eq(dialog.assignee),
                    dialogs::last_message_at.eq(last),
                    dialogs::last_message_author.eq(Some(last_author.as_str())),
                    dialogs::last_message_kind.eq(Some("text")),
                    dialogs::last_message_text.eq(Some(text_of(last_author))),
                    dialogs::message_count.eq(dialog.messages.len() as i64),
                ),
                (
                    dialogs::finished_at.eq(finished_at),
                    dialogs::finished_by.eq(dialog.finisher.as_ref().map(|f| f.0)),
                    dialogs::finished_by_name.eq(finisher_name(dialog)),
                    dialogs::client_search_name.eq(person.name.to_lowercase()),
                    dialogs::client_name.eq(&person.name),
                    dialogs::client_phone_digits.eq(&person.digits),
                    dialogs::channel_name.eq(&dialog.channel.1),
                    dialogs::version.eq(2),
                    dialogs::created_at.eq(dialog.created),
                    dialogs::updated_at.eq(last),
                    dialogs::awaiting_reply_since.eq(dialog.awaiting_reply_since),
                ),
            )
        })
        .collect();
    let mut dialog_ids = Vec::with_capacity(drawn.len());
    for chunk in dialog_rows.chunks(1_000) {
        dialog_ids.extend(
            diesel::insert_into(dialogs::table)
                .values(chunk)
                .returning(dialogs::id)
                .get_results::<i64>(sqlite)?,
        );
    }
    Ok(dialog_ids)
}

fn finisher_name(dialog: &BulkDialog) -> String {
    dialog
        .finisher
        .as_ref()
        .map(|f| f.1.clone())
        .unwrap_or_default()
}

/// PostgreSQL: ids taken from the sequences in one query each, then `COPY`
/// (a multi-row `INSERT` of 2,000 rows spent most of its time being
/// parsed and planned).
fn copy_clients_and_dialogs(
    pg: &mut diesel::PgConnection,
    drawn: &[BulkDialog],
    people: &[Person],
) -> StoreResult<Vec<i64>> {
    let client_ids = next_ids(pg, "clients", drawn.len())?;
    let dialog_ids = next_ids(pg, "dialogs", drawn.len())?;
    let time = |at: &NaiveDateTime| at.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
    let optional = |v: Option<String>| v.unwrap_or_default();
    let mut csv = String::new();
    for ((dialog, person), id) in drawn.iter().zip(people).zip(&client_ids) {
        let _ = writeln!(
            csv,
            "{id},{},{},{},{},{{}},{}",
            quote(&person.name.to_lowercase()),
            quote(&person.name),
            quote(&person.phone),
            quote(&person.digits),
            time(&dialog.created)
        );
    }
    copy_csv!(
        pg,
        clients::table,
        (
            clients::id,
            clients::search_name,
            clients::name,
            clients::phone,
            clients::phone_digits,
            clients::custom_fields,
            clients::created_at,
        ),
        csv
    );
    let mut csv = String::new();
    for (((dialog, person), client_id), id) in
        drawn.iter().zip(people).zip(&client_ids).zip(&dialog_ids)
    {
        let (last, last_author, finished_at) = last_of(dialog);
        let fields = [
            id.to_string(),
            client_id.to_string(),
            dialog.channel.0.to_string(),
            dialog.status.as_str().to_owned(),
            optional(dialog.flow_step.map(|(f, _)| f.to_string())),
            optional(dialog.flow_step.map(|(_, s)| s.to_string())),
            optional(dialog.assignee.map(|a| a.to_string())),
            time(&last),
            last_author.as_str().to_owned(),
            "text".to_owned(),
            quote(text_of(last_author)),
            dialog.messages.len().to_string(),
            optional(finished_at.as_ref().map(time)),
            optional(dialog.finisher.as_ref().map(|f| f.0.to_string())),
            quote(&finisher_name(dialog)),
            quote(&person.name.to_lowercase()),
            quote(&person.name),
            quote(&person.digits),
            quote(&dialog.channel.1),
            "2".to_owned(),
            time(&dialog.created),
            time(&last),
            optional(dialog.awaiting_reply_since.as_ref().map(time)),
        ];
        let _ = writeln!(csv, "{}", fields.join(","));
    }
    copy_csv!(
        pg,
        dialogs::table,
        (
            dialogs::id,
            dialogs::client_id,
            dialogs::channel_id,
            dialogs::status,
            dialogs::flow_id,
            dialogs::step_id,
            dialogs::assignee_id,
            dialogs::last_message_at,
            dialogs::last_message_author,
            dialogs::last_message_kind,
            dialogs::last_message_text,
            dialogs::message_count,
            dialogs::finished_at,
            dialogs::finished_by,
            dialogs::finished_by_name,
            dialogs::client_search_name,
            dialogs::client_name,
            dialogs::client_phone_digits,
            dialogs::channel_name,
            dialogs::version,
            dialogs::created_at,
            dialogs::updated_at,
            dialogs::awaiting_reply_since,
        ),
        csv
    );
    Ok(dialog_ids)
}

/// `n` new ids of `table`'s `id` sequence.
fn next_ids(pg: &mut diesel::PgConnection, table: &str, n: usize) -> StoreResult<Vec<i64>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = diesel::sql_query(format!(
        "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1)"
    ))
    .bind::<diesel::sql_types::BigInt, _>(n as i64)
    .load(pg)?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// A CSV text field: quoted, quotes doubled (an empty quoted field is an
/// empty text, not NULL).
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The many-row tables of a batch.
#[derive(Default)]
struct Rows {
    /// dialog, channel, message.
    messages: Vec<(i64, i64, BulkMessage)>,
    /// dialog, kind, before, after, at.
    events: Vec<(i64, &'static str, String, String, NaiveDateTime)>,
    /// dialog, tag.
    tags: Vec<(i64, i64)>,
}

impl Rows {
    fn message(&mut self, dialog: i64, channel: i64, m: &BulkMessage) {
        self.messages.push((dialog, channel, *m));
    }

    fn event(
        &mut self,
        dialog: i64,
        kind: &'static str,
        before: &str,
        after: &str,
        at: NaiveDateTime,
    ) {
        self.events
            .push((dialog, kind, before.to_owned(), after.to_owned(), at));
    }

    /// The messages as insertable rows.
    #[expect(
        clippy::type_complexity,
        reason = "the tuple of column values diesel inserts"
    )]
    fn message_rows(
        &self,
    ) -> Vec<(
        diesel::dsl::Eq<messages::dialog_id, i64>,
        diesel::dsl::Eq<messages::channel_id, i64>,
        diesel::dsl::Eq<messages::author, &'static str>,
        diesel::dsl::Eq<messages::operator_id, Option<i64>>,
        diesel::dsl::Eq<messages::kind, &'static str>,
        diesel::dsl::Eq<messages::text, &'static str>,
        diesel::dsl::Eq<messages::sent_at, NaiveDateTime>,
        diesel::dsl::Eq<messages::created_at, NaiveDateTime>,
        diesel::dsl::Eq<messages::response_seconds, Option<f64>>,
    )> {
        let created = to_db(now());
        self.messages
            .iter()
            .map(|(dialog, channel, m)| {
                (
                    messages::dialog_id.eq(*dialog),
                    messages::channel_id.eq(*channel),
                    messages::author.eq(m.author.as_str()),
                    messages::operator_id.eq(m.operator_id),
                    messages::kind.eq("text"),
                    messages::text.eq(text_of(m.author)),
                    messages::sent_at.eq(m.at),
                    messages::created_at.eq(created),
                    messages::response_seconds.eq(m.response_seconds),
                )
            })
            .collect()
    }

    fn write(self, conn: &mut DbConnection) -> StoreResult<()> {
        match conn {
            DbConnection::Pg(pg) => self.copy_into_postgres(pg),
            DbConnection::Sqlite(sqlite) => self.insert_into_sqlite(sqlite),
        }
    }

    /// `COPY … FROM STDIN` in CSV: one round trip per table and batch, and
    /// no statement to plan per row. Texts are quoted (ours hold commas and
    /// no quotes; the JSON values have their quotes doubled).
    fn copy_into_postgres(self, pg: &mut diesel::PgConnection) -> StoreResult<()> {
        let time = |at: &NaiveDateTime| at.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
        // The biggest table in binary COPY: no text for the server to parse
        // into times and numbers.
        diesel::copy_from(messages::table)
            .from_insertable(self.message_rows())
            .execute(pg)?;
        let mut csv = String::new();
        for (dialog, kind, before, after, at) in &self.events {
            let quote = |v: &str| format!("\"{}\"", v.replace('"', "\"\""));
            let _ = writeln!(
                csv,
                "{dialog},{kind},system,seeded,{},{},{}",
                quote(before),
                quote(after),
                time(at)
            );
        }
        copy_csv!(
            pg,
            events::table,
            (
                events::dialog_id,
                events::kind,
                events::actor_kind,
                events::reason,
                events::before_value,
                events::after_value,
                events::created_at,
            ),
            csv
        );
        let mut csv = String::new();
        for (dialog, tag) in &self.tags {
            let _ = writeln!(csv, "{dialog},{tag}");
        }
        copy_csv!(
            pg,
            dialog_tags::table,
            (dialog_tags::dialog_id, dialog_tags::tag_id),
            csv
        );
        Ok(())
    }

    /// Multi-row inserts, in chunks under SQLite's bound-parameter limit.
    fn insert_into_sqlite(self, sqlite: &mut diesel::SqliteConnection) -> StoreResult<()> {
        let messages = self.message_rows();
        for chunk in messages.chunks(2_000) {
            diesel::insert_into(messages::table)
                .values(chunk)
                .execute(sqlite)?;
        }
        let events: Vec<_> = self
            .events
            .iter()
            .map(|(dialog, kind, before, after, at)| {
                (
                    events::dialog_id.eq(*dialog),
                    events::kind.eq(*kind),
                    events::actor_kind.eq("system"),
                    events::reason.eq("seeded"),
                    events::before_value.eq(before),
                    events::after_value.eq(after),
                    events::created_at.eq(*at),
                )
            })
            .collect();
        for chunk in events.chunks(2_000) {
            diesel::insert_into(events::table)
                .values(chunk)
                .execute(sqlite)?;
        }
        let tags: Vec<_> = self
            .tags
            .iter()
            .map(|(dialog, tag)| {
                (
                    dialog_tags::dialog_id.eq(*dialog),
                    dialog_tags::tag_id.eq(*tag),
                )
            })
            .collect();
        for chunk in tags.chunks(2_000) {
            diesel::insert_into(dialog_tags::table)
                .values(chunk)
                .execute(sqlite)?;
        }
        Ok(())
    }
}

impl Store {
    /// Seeds `count` more dialogs quickly, in batches; `progress` is called
    /// with the number written so far. Needs the catalog (run `--demo`
    /// first, or have channels and flows).
    pub fn seed_bulk(&self, count: usize, progress: &dyn Fn(usize)) -> StoreResult<usize> {
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
            let indexes = if count >= REBUILD_INDEXES_FROM {
                drop_secondary_indexes(conn)?
            } else {
                Vec::new()
            };
            while done < count {
                let batch = (count - done).min(BULK_BATCH);
                bulk_batch(conn, &mut rng, batch, &catalog)?;
                done += batch;
                progress(done);
            }
            for index in &indexes {
                diesel::sql_query(&index.definition).execute(conn)?;
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
const REBUILD_INDEXES_FROM: usize = 50_000;

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
    const TABLES: &str = "('dialogs', 'messages', 'events', 'clients', 'dialog_tags')";
    let indexes: Vec<IndexDefinition> = match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN {TABLES} \
               AND indexdef NOT LIKE 'CREATE UNIQUE%'"
        ))
        .load(pg)?,
        // Automatic indexes (of constraints) have no statement.
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "SELECT name, sql AS definition FROM sqlite_master \
             WHERE type = 'index' AND tbl_name IN {TABLES} AND sql IS NOT NULL \
               AND sql NOT LIKE 'CREATE UNIQUE%'"
        ))
        .load(sqlite)?,
    };
    for index in &indexes {
        diesel::sql_query(format!("DROP INDEX \"{}\"", index.name)).execute(conn)?;
    }
    Ok(indexes)
}
