//! Analytics for heads of sales: finished dialogs per employee, channel and
//! day; per-manager stats.

use crate::error::StoreResult;
use crate::models::*;
use crate::schema::*;
use crate::time::to_db;
use crate::{rollups, DbConnection, Store};
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
    /// Read from the rollups (see [`crate::rollups`]) for the whole days
    /// and hours of the range and from the rows for its edges: a year of
    /// traffic is millions of messages, which must not be read to count
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
                *stats_entry(&mut stats, &names, taken.operator_id)
                    .taken_per_day
                    .entry(taken.day)
                    .or_default() += taken.taken;
            }
            for replies in replies_per_operator(conn, range)? {
                let entry = stats_entry(&mut stats, &names, replies.operator_id);
                entry.messages_sent = replies.sent;
                entry.median_first_response_seconds = replies.median_seconds;
            }
            Ok(stats.into_values().collect())
        })
    }
}

/// Assignments to one operator on one day (in the range's offset).
#[derive(QueryableByName)]
struct TakenOnDay {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    operator_id: i64,
    #[diesel(sql_type = diesel::sql_types::Date)]
    day: NaiveDate,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    taken: i64,
}

/// Assignments per new assignee and local day: the whole UTC hours from
/// `assignment_rollup`, the rest from the timeline. An offset that is not
/// whole hours cuts days inside an hour: then all from the timeline.
fn taken_per_operator_day(conn: &mut DbConnection, range: &Range) -> StoreResult<Vec<TakenOnDay>> {
    let (from, to) = (to_db(range.from), to_db(range.to));
    let offset = range.utc_offset_minutes;
    let hours = rollups::whole_hours(from, to).filter(|_| offset % 60 == 0);
    let Some((first, end)) = hours else {
        return taken_from(conn, &TIMELINE, from, to, offset);
    };
    let mut taken = taken_from(conn, &TIMELINE, from, first, offset)?;
    taken.extend(taken_from(conn, &TIMELINE, end, to, offset)?);
    taken.extend(taken_from(conn, &ROLLUP, first, end, offset)?);
    Ok(taken)
}

/// Where assignments are counted from, as SQL.
struct Assignments {
    /// The new assignee.
    operator: &'static str,
    /// When.
    at: &'static str,
    /// How many.
    count: &'static str,
    /// The rows.
    rows: &'static str,
}

/// Timeline entries that set the assignee; `after_value` is the JSON of the
/// new assignee: an id, or `null` for "nobody".
const TIMELINE: Assignments = Assignments {
    operator: "CAST(after_value AS BIGINT)",
    at: "created_at",
    count: "COUNT(*)",
    rows: "events WHERE kind = 'assignee_changed' AND after_value <> 'null'",
};

/// The hourly sums (see [`rollups`]).
const ROLLUP: Assignments = Assignments {
    operator: "operator_id",
    at: "hour",
    count: "SUM(assignments)",
    rows: "assignment_rollup WHERE TRUE",
};

/// Assignments in `[from, to)` counted per new assignee and local day.
/// Days are cut in SQL: the two databases shift a time by minutes in their
/// own way.
fn taken_from(
    conn: &mut DbConnection,
    source: &Assignments,
    from: NaiveDateTime,
    to: NaiveDateTime,
    offset: i32,
) -> StoreResult<Vec<TakenOnDay>> {
    use diesel::sql_types::{Text, Timestamp};
    if from >= to {
        return Ok(Vec::new());
    }
    let Assignments {
        operator,
        at,
        count,
        rows,
    } = source;
    let day = match conn {
        DbConnection::Pg(_) => format!("CAST({at} + CAST(:offset AS INTERVAL) AS DATE)"),
        DbConnection::Sqlite(_) => format!("date({at}, :offset)"),
    };
    let sql = format!(
        "SELECT {operator} AS operator_id, {day} AS day, CAST({count} AS BIGINT) AS taken \
         FROM {rows} AND {at} >= :from AND {at} < :to GROUP BY 1, 2"
    );
    let query = diesel::sql_query(crate::db::numbered(
        &sql,
        &[":offset", ":from", ":to"],
        conn,
    ))
    .bind::<Text, _>(format!("{offset:+} minutes"))
    .bind::<Timestamp, _>(from)
    .bind::<Timestamp, _>(to);
    Ok(crate::on_backend!(conn, |c| query.load(c))?)
}

/// One operator's replies in the range.
struct Replies {
    operator_id: i64,
    sent: i64,
    median_seconds: Option<f64>,
}

/// Replies counted per response-time bucket (`-1`: answered no turn).
type Histogram = BTreeMap<i64, i64>;

/// Messages sent and the median first response per operator, over the
/// replies sent in the range (the turn a reply answers may have begun
/// earlier). The median is the middle response, or the mean of the two
/// middle ones for an even count: the bucket of each middle rank comes
/// from the histogram, the value from reading that bucket's replies.
fn replies_per_operator(conn: &mut DbConnection, range: &Range) -> StoreResult<Vec<Replies>> {
    let (from, to) = (to_db(range.from), to_db(range.to));
    let mut histograms: BTreeMap<i64, Histogram> = BTreeMap::new();
    let mut count = |operator: i64, bucket: i64, n: i64| {
        *histograms
            .entry(operator)
            .or_default()
            .entry(bucket)
            .or_default() += n;
    };
    let edges = match rollups::whole_days(from, to) {
        None => vec![(from, to)],
        Some((first, end)) => {
            for row in replies_in_rollup(conn, first.date(), end.date())? {
                count(row.operator_id, row.bucket, row.replies);
            }
            vec![(from, first), (end, to)]
        }
    };
    for (edge_from, edge_to) in edges {
        for (operator, seconds) in replies_in_messages(conn, edge_from, edge_to)? {
            count(operator, seconds.map_or(-1, rollups::bucket_of), 1);
        }
    }
    histograms
        .into_iter()
        .map(|(operator_id, histogram)| {
            let sent = histogram.values().sum();
            let answered: i64 = histogram.range(0..).map(|(_, n)| n).sum();
            let ranks = match answered {
                0 => vec![],
                n if n % 2 == 1 => vec![(n + 1) / 2],
                n => vec![n / 2, n / 2 + 1],
            };
            let values = ranks
                .into_iter()
                .map(|rank| response_at_rank(conn, operator_id, from, to, &histogram, rank))
                .collect::<StoreResult<Vec<f64>>>()?;
            Ok(Replies {
                operator_id,
                sent,
                median_seconds: (!values.is_empty())
                    .then(|| values.iter().sum::<f64>() / values.len() as f64),
            })
        })
        .collect()
}

/// Rollup rows summed over whole days.
#[derive(QueryableByName)]
struct BucketCount {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    operator_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    bucket: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    replies: i64,
}

fn replies_in_rollup(
    conn: &mut DbConnection,
    first: NaiveDate,
    end: NaiveDate,
) -> StoreResult<Vec<BucketCount>> {
    use diesel::sql_types::Date;
    let sql = "SELECT operator_id, bucket, CAST(SUM(replies) AS BIGINT) AS replies \
               FROM reply_rollup WHERE day >= :first AND day < :end GROUP BY 1, 2";
    let query = diesel::sql_query(crate::db::numbered(sql, &[":first", ":end"], conn))
        .bind::<Date, _>(first)
        .bind::<Date, _>(end);
    Ok(crate::on_backend!(conn, |c| query.load(c))?)
}

/// The operators' replies sent in `[from, to)`, with their response times.
/// Written out in SQL (`author = 'operator'` a literal) so the planner can
/// match the partial index `messages_operator_replies`.
fn replies_in_messages(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<(i64, Option<f64>)>> {
    #[derive(QueryableByName)]
    struct Reply {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        operator_id: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
        response_seconds: Option<f64>,
    }
    use diesel::sql_types::Timestamp;
    if from >= to {
        return Ok(Vec::new());
    }
    let sql = "SELECT operator_id, response_seconds FROM messages \
               WHERE author = 'operator' AND operator_id IS NOT NULL \
                 AND sent_at >= :from AND sent_at < :to";
    let query = diesel::sql_query(crate::db::numbered(sql, &[":from", ":to"], conn))
        .bind::<Timestamp, _>(from)
        .bind::<Timestamp, _>(to);
    let rows: Vec<Reply> = crate::on_backend!(conn, |c| query.load(c))?;
    Ok(rows
        .into_iter()
        .map(|r| (r.operator_id, r.response_seconds))
        .collect())
}

/// The `rank`-th smallest response time (from 1) of the operator's replies
/// in `[from, to)`: the bucket from the histogram, then that bucket's
/// replies read in order from `messages_reply_times`, skipping to the rank.
fn response_at_rank(
    conn: &mut DbConnection,
    operator: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
    histogram: &Histogram,
    rank: i64,
) -> StoreResult<f64> {
    #[derive(QueryableByName)]
    struct Seconds {
        #[diesel(sql_type = diesel::sql_types::Double)]
        response_seconds: f64,
    }
    use diesel::sql_types::{BigInt, Double, Timestamp};
    let mut before = 0;
    let mut found = None;
    for (&bucket, &n) in histogram.range(0..) {
        if before + n >= rank {
            found = Some(bucket);
            break;
        }
        before += n;
    }
    let bucket = found.ok_or_else(|| {
        crate::StoreError::Database(anyhow::anyhow!(
            "rank {rank} past the replies of {operator}"
        ))
    })?;
    let (lower, upper) = rollups::bucket_bounds(bucket);
    // Bucket 0 is open below: -1e18 stands for "any".
    let lower = lower.unwrap_or(-1e18);
    let sql = "SELECT response_seconds FROM messages \
               WHERE author = 'operator' AND operator_id = :operator \
                 AND response_seconds IS NOT NULL \
                 AND response_seconds >= :lower AND response_seconds < :upper \
                 AND sent_at >= :from AND sent_at < :to \
               ORDER BY response_seconds LIMIT 1 OFFSET :skip";
    let skip = rank - before - 1;
    let query = diesel::sql_query(crate::db::numbered(
        sql,
        &[":operator", ":lower", ":upper", ":from", ":to", ":skip"],
        conn,
    ))
    .bind::<BigInt, _>(operator)
    .bind::<Double, _>(lower)
    .bind::<Double, _>(upper)
    .bind::<Timestamp, _>(from)
    .bind::<Timestamp, _>(to)
    .bind::<BigInt, _>(skip);
    let row: Option<Seconds> = crate::on_backend!(conn, |c| query.get_result(c).optional())?;
    row.map(|r| r.response_seconds).ok_or_else(|| {
        crate::StoreError::Database(anyhow::anyhow!(
            "the reply rollup of operator {operator} disagrees with the replies"
        ))
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
