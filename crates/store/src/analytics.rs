//! Analytics for heads of sales: finished dialogs per employee, channel and
//! day; per-manager stats.

use crate::error::StoreResult;
use crate::models::*;
use crate::schema::*;
use crate::time::to_db;
use crate::{DbConnection, Store};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use dialogdesk_domain::wire::{
    FinishedByOperator, FinishedOnChannel, FinishedOnDay, ManagerStats, OperatorRef,
};
use dialogdesk_domain::*;
use diesel::dsl::count_star;
use diesel::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// A half-open time range `[from, to)` and the UTC offset days are cut at.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    /// Start, inclusive.
    pub from: DateTime<Utc>,
    /// End, exclusive.
    pub to: DateTime<Utc>,
    /// Minutes east of UTC for grouping by day (e.g. 180 for Moscow).
    pub utc_offset_minutes: i32,
}

impl Range {
    fn day_of(&self, at: NaiveDateTime) -> NaiveDate {
        (at + Duration::minutes(i64::from(self.utc_offset_minutes))).date()
    }
}

impl Store {
    /// Finished dialogs per employee, most first. Counts each dialog's last
    /// finish, when it falls in the range.
    pub fn finished_per_operator(&self, range: &Range) -> StoreResult<Vec<FinishedByOperator>> {
        self.read_report("finished_per_operator", |conn| {
            let rows: Vec<(Option<i64>, i64)> = dialogs::table
                .filter(dialogs::finished_at.ge(to_db(range.from)))
                .filter(dialogs::finished_at.lt(to_db(range.to)))
                .group_by(dialogs::finished_by)
                .select((dialogs::finished_by, count_star()))
                .load(conn)?;
            let names: HashMap<i64, String> = operators::table
                .select((operators::id, operators::name))
                .load(conn)?
                .into_iter()
                .collect();
            let mut out: Vec<FinishedByOperator> = rows
                .into_iter()
                .map(|(id, finished)| FinishedByOperator {
                    operator: id.map(|id| OperatorRef {
                        id: OperatorId(id),
                        name: names.get(&id).cloned().unwrap_or_default(),
                    }),
                    finished,
                })
                .collect();
            out.sort_by(|a, b| {
                b.finished.cmp(&a.finished).then_with(|| {
                    a.operator
                        .as_ref()
                        .map(|o| o.id)
                        .cmp(&b.operator.as_ref().map(|o| o.id))
                })
            });
            Ok(out)
        })
    }

    /// Finished dialogs per channel, most first.
    pub fn finished_per_channel(&self, range: &Range) -> StoreResult<Vec<FinishedOnChannel>> {
        self.read_report("finished_per_channel", |conn| {
            let rows: Vec<(i64, i64)> = dialogs::table
                .filter(dialogs::finished_at.ge(to_db(range.from)))
                .filter(dialogs::finished_at.lt(to_db(range.to)))
                .group_by(dialogs::channel_id)
                .select((dialogs::channel_id, count_star()))
                .load(conn)?;
            let channels: HashMap<i64, ChannelRow> = channels::table
                .select(ChannelRow::as_select())
                .load(conn)?
                .into_iter()
                .map(|c: ChannelRow| (c.id, c))
                .collect();
            let mut out = rows
                .into_iter()
                .filter_map(|(id, finished)| channels.get(&id).map(|c| (c, finished)))
                .map(|(c, finished)| {
                    Ok(FinishedOnChannel {
                        channel: c.to_ref()?,
                        finished,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            out.sort_by(|a, b| {
                b.finished
                    .cmp(&a.finished)
                    .then(a.channel.id.cmp(&b.channel.id))
            });
            Ok(out)
        })
    }

    /// Finished dialogs per day, every day of the range listed (zeros too),
    /// so charts need no gap filling.
    pub fn finished_per_day(&self, range: &Range) -> StoreResult<Vec<FinishedOnDay>> {
        self.read_report("finished_per_day", |conn| {
            let times: Vec<Option<NaiveDateTime>> = dialogs::table
                .filter(dialogs::finished_at.ge(to_db(range.from)))
                .filter(dialogs::finished_at.lt(to_db(range.to)))
                .select(dialogs::finished_at)
                .load(conn)?;
            let first = range.day_of(to_db(range.from));
            let last = range.day_of(to_db(range.to - Duration::microseconds(1)));
            let mut days: BTreeMap<NaiveDate, i64> = first
                .iter_days()
                .take_while(|d| *d <= last)
                .map(|d| (d, 0))
                .collect();
            for at in times.into_iter().flatten() {
                *days.entry(range.day_of(at)).or_default() += 1;
            }
            Ok(days
                .into_iter()
                .map(|(day, finished)| FinishedOnDay { day, finished })
                .collect())
        })
    }

    /// Per-manager stats over the range, for every operator with activity.
    ///
    /// Aggregated by the database (three grouped queries), so memory stays
    /// bounded by operators × days whatever the range holds: a year of
    /// traffic is millions of messages, which must not be loaded to count
    /// them.
    pub fn manager_stats(&self, range: &Range) -> StoreResult<Vec<ManagerStats>> {
        self.read_report("manager_stats", |conn| {
            let names: HashMap<i64, String> = operators::table
                .select((operators::id, operators::name))
                .load(conn)?
                .into_iter()
                .collect();
            let mut stats: BTreeMap<i64, ManagerStats> = BTreeMap::new();
            for taken in taken_per_operator_day(conn, range)? {
                // `after_value` is the JSON of the new assignee: an id, or
                // `null` (filtered out by the query) for "nobody".
                if let Ok(id) = serde_json::from_str::<i64>(&taken.assignee) {
                    *stats_entry(&mut stats, &names, id)
                        .taken_per_day
                        .entry(taken.day)
                        .or_default() += taken.taken;
                }
            }
            let sent: Vec<(Option<i64>, i64)> = messages::table
                .filter(messages::sent_at.ge(to_db(range.from)))
                .filter(messages::sent_at.lt(to_db(range.to)))
                .filter(messages::author.eq(Author::Operator.as_str()))
                .filter(messages::operator_id.is_not_null())
                .group_by(messages::operator_id)
                .select((messages::operator_id, count_star()))
                .load(conn)?;
            for (operator, count) in sent {
                if let Some(id) = operator {
                    stats_entry(&mut stats, &names, id).messages_sent = count;
                }
            }
            for median in median_first_responses(conn, range)? {
                stats_entry(&mut stats, &names, median.operator_id).median_first_response_seconds =
                    Some(median.seconds);
            }
            Ok(stats.into_values().collect())
        })
    }
}

/// Assignments to one operator on one day (in the range's offset).
#[derive(QueryableByName)]
struct TakenOnDay {
    #[diesel(sql_type = diesel::sql_types::Text)]
    assignee: String,
    #[diesel(sql_type = diesel::sql_types::Date)]
    day: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    taken: i64,
}

/// Timeline entries that set the assignee, counted per new assignee and
/// local day. Days are cut in SQL: the two databases shift a timestamp by
/// minutes differently.
fn taken_per_operator_day(conn: &mut DbConnection, range: &Range) -> StoreResult<Vec<TakenOnDay>> {
    use diesel::sql_types::{Integer, Text, Timestamp};
    const FILTER: &str = "FROM events WHERE kind = 'assignee_changed' AND after_value <> 'null'";
    let (from, to) = (to_db(range.from), to_db(range.to));
    Ok(match conn {
        DbConnection::Pg(pg) => diesel::sql_query(format!(
            "SELECT after_value AS assignee, \
                    (created_at + make_interval(mins => $3))::date AS day, \
                    COUNT(*) AS taken \
             {FILTER} AND created_at >= $1 AND created_at < $2 GROUP BY 1, 2"
        ))
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .bind::<Integer, _>(range.utc_offset_minutes)
        .load(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::sql_query(format!(
            "SELECT after_value AS assignee, date(created_at, ?) AS day, COUNT(*) AS taken \
             {FILTER} AND created_at >= ? AND created_at < ? GROUP BY 1, 2"
        ))
        .bind::<Text, _>(format!("{:+} minutes", range.utc_offset_minutes))
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .load(sqlite)?,
    })
}

/// One operator's median first response.
#[derive(QueryableByName)]
struct MedianResponse {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    operator_id: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    seconds: f64,
}

/// The median time from the start of a lead's turn to the operator's reply,
/// per operator, in seconds (to the millisecond).
///
/// Within the range and one dialog, leaving out bot messages and operator
/// messages without an operator: a turn starts at a lead message that does
/// not follow another lead message, and an operator message that follows a
/// lead message answers the turn that started last. The median is the
/// middle response (the mean of the two middle ones for an even count).
const MEDIAN_FIRST_RESPONSES: &str = "
WITH conversation AS (
    SELECT id, dialog_id, author, operator_id, sent_at,
           LAG(author) OVER (PARTITION BY dialog_id ORDER BY sent_at, id) AS previous_author
    FROM messages
    WHERE sent_at >= :from AND sent_at < :to
      AND (author = 'lead' OR (author = 'operator' AND operator_id IS NOT NULL))
), turns AS (
    SELECT author, operator_id, sent_at, previous_author,
           MAX(CASE WHEN author = 'lead' AND (previous_author IS NULL OR previous_author <> 'lead')
                    THEN sent_at END)
             OVER (PARTITION BY dialog_id ORDER BY sent_at, id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS turn_started
    FROM conversation
), responses AS (
    SELECT operator_id, :seconds AS seconds
    FROM turns
    WHERE author = 'operator' AND previous_author = 'lead'
), ranked AS (
    SELECT operator_id, seconds,
           ROW_NUMBER() OVER (PARTITION BY operator_id ORDER BY seconds) AS position,
           COUNT(*) OVER (PARTITION BY operator_id) AS total
    FROM responses
)
SELECT operator_id, AVG(seconds) AS seconds
FROM ranked
WHERE position IN ((total + 1) / 2, (total + 2) / 2)
GROUP BY operator_id";

fn median_first_responses(
    conn: &mut DbConnection,
    range: &Range,
) -> StoreResult<Vec<MedianResponse>> {
    use diesel::sql_types::Timestamp;
    let (from, to) = (to_db(range.from), to_db(range.to));
    Ok(match conn {
        DbConnection::Pg(pg) => diesel::sql_query(
            MEDIAN_FIRST_RESPONSES
                .replace(":from", "$1")
                .replace(":to", "$2")
                .replace(
                    ":seconds",
                    "(FLOOR(EXTRACT(EPOCH FROM (sent_at - turn_started)) * 1000) / 1000)::float8",
                ),
        )
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .load(pg)?,
        // SQLite keeps a time as whole milliseconds inside julianday().
        DbConnection::Sqlite(sqlite) => diesel::sql_query(
            MEDIAN_FIRST_RESPONSES
                .replace(":from", "?")
                .replace(":to", "?")
                .replace(
                    ":seconds",
                    "ROUND((julianday(sent_at) - julianday(turn_started)) * 86400000.0) / 1000.0",
                ),
        )
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to)
        .load(sqlite)?,
    })
}

/// The stats of one operator, created empty on first use.
fn stats_entry<'a>(
    stats: &'a mut BTreeMap<i64, ManagerStats>,
    names: &HashMap<i64, String>,
    id: i64,
) -> &'a mut ManagerStats {
    stats.entry(id).or_insert_with(|| ManagerStats {
        operator: OperatorRef {
            id: OperatorId(id),
            name: names.get(&id).cloned().unwrap_or_default(),
        },
        taken_per_day: BTreeMap::new(),
        messages_sent: 0,
        median_first_response_seconds: None,
    })
}
