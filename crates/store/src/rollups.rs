//! Rollups for the managers' stats, kept in the same transaction as the
//! messages and timeline entries they sum.
//!
//! A year of a busy team is one and a half million replies and half a
//! million assignments; summing them row by row took seconds. Here:
//! - `reply_rollup`: replies per UTC day, operator and response-time
//!   bucket ([`bucket_of`]; `-1` for a reply that answered no turn). The
//!   counts come from it directly. The median is found in two steps: the
//!   bucket that holds the middle rank, from the rollup; then the exact
//!   value, by reading that bucket's replies only (index
//!   `messages_reply_times`), skipping to the rank.
//! - `assignment_rollup`: assignments per UTC hour and new assignee, summed
//!   per local day when the UTC offset is whole hours (other offsets read
//!   the timeline itself).
//!
//! The parts of a range that do not cover a whole day (replies) or hour
//! (assignments) are read from the rows themselves, so every figure is
//! exact for any range.

use crate::error::StoreResult;
use crate::schema::*;
use crate::DbConnection;
use chrono::{Duration, NaiveDateTime, NaiveTime, Timelike};
use diesel::prelude::*;

/// The bucket of a response time: whole seconds up to a minute, then ten
/// seconds up to ten minutes, a minute up to an hour, a quarter of an hour
/// up to a day, an hour beyond. Fine where most answers fall, so the
/// median's bucket holds few replies to read.
pub fn bucket_of(seconds: f64) -> i64 {
    if seconds < 1.0 {
        return 0;
    }
    // Whole seconds; `seconds` is at least 1 here, so truncation floors.
    let s = seconds as i64;
    match s {
        ..60 => s,
        60..600 => 60 + (s - 60) / 10,
        600..3_600 => 114 + (s - 600) / 60,
        3_600..86_400 => 164 + (s - 3_600) / 900,
        _ => 256 + (s - 86_400) / 3_600,
    }
}

/// The response times of `bucket`: `[from, to)`, `from` open below for
/// bucket 0 (it also holds the negative times a connector's clock can
/// give).
pub fn bucket_bounds(bucket: i64) -> (Option<f64>, f64) {
    let (from, width) = match bucket {
        ..60 => (bucket, 1),
        60..114 => (60 + (bucket - 60) * 10, 10),
        114..164 => (600 + (bucket - 114) * 60, 60),
        164..256 => (3_600 + (bucket - 164) * 900, 900),
        _ => (86_400 + (bucket - 256) * 3_600, 3_600),
    };
    let lower = (bucket > 0).then_some(from as f64);
    (lower, (from + width) as f64)
}

/// [`bucket_of`] in SQL, over the column `response_seconds`; `-1` for a
/// reply without one.
fn bucket_sql(conn: &DbConnection) -> String {
    // Whole seconds, for the times of at least one second.
    let s = match conn {
        DbConnection::Pg(_) => "CAST(FLOOR(response_seconds) AS BIGINT)",
        DbConnection::Sqlite(_) => "CAST(response_seconds AS INTEGER)",
    };
    format!(
        "CASE WHEN response_seconds IS NULL THEN -1 \
              WHEN response_seconds < 1 THEN 0 \
              WHEN {s} < 60 THEN {s} \
              WHEN {s} < 600 THEN 60 + ({s} - 60) / 10 \
              WHEN {s} < 3600 THEN 114 + ({s} - 600) / 60 \
              WHEN {s} < 86400 THEN 164 + ({s} - 3600) / 900 \
              ELSE 256 + ({s} - 86400) / 3600 END"
    )
}

/// Counts one operator's reply (its response time, if it answered a turn).
pub fn add_reply(
    conn: &mut DbConnection,
    operator: i64,
    sent_at: NaiveDateTime,
    response_seconds: Option<f64>,
) -> StoreResult<()> {
    let row = (
        reply_rollup::day.eq(sent_at.date()),
        reply_rollup::operator_id.eq(operator),
        reply_rollup::bucket.eq(response_seconds.map_or(-1, bucket_of)),
        reply_rollup::replies.eq(1),
    );
    crate::on_backend!(conn, |c| diesel::insert_into(reply_rollup::table)
        .values(row)
        .on_conflict((
            reply_rollup::day,
            reply_rollup::operator_id,
            reply_rollup::bucket
        ))
        .do_update()
        .set(reply_rollup::replies.eq(reply_rollup::replies + 1))
        .execute(c))?;
    Ok(())
}

/// Counts one assignment to `operator`.
pub fn add_assignment(
    conn: &mut DbConnection,
    operator: i64,
    at: NaiveDateTime,
) -> StoreResult<()> {
    let row = (
        assignment_rollup::hour.eq(hour_of(at)),
        assignment_rollup::operator_id.eq(operator),
        assignment_rollup::assignments.eq(1),
    );
    crate::on_backend!(conn, |c| diesel::insert_into(assignment_rollup::table)
        .values(row)
        .on_conflict((assignment_rollup::hour, assignment_rollup::operator_id))
        .do_update()
        .set(assignment_rollup::assignments.eq(assignment_rollup::assignments + 1))
        .execute(c))?;
    Ok(())
}

/// The start of `at`'s hour.
pub fn hour_of(at: NaiveDateTime) -> NaiveDateTime {
    at.date()
        .and_time(NaiveTime::from_hms_opt(at.hour(), 0, 0).unwrap_or_default())
}

/// Sums both rollups again from the messages and the timeline (after a bulk
/// load, which writes rows without the per-change upkeep).
pub fn rebuild(conn: &mut DbConnection) -> StoreResult<()> {
    let bucket = bucket_sql(conn);
    let (day, hour, assignee) = match conn {
        DbConnection::Pg(_) => (
            "CAST(sent_at AS DATE)",
            "date_trunc('hour', created_at)",
            "CAST(after_value AS BIGINT)",
        ),
        DbConnection::Sqlite(_) => (
            "date(sent_at)",
            "strftime('%Y-%m-%d %H:00:00', created_at)",
            "CAST(after_value AS INTEGER)",
        ),
    };
    diesel::delete(reply_rollup::table).execute(conn)?;
    diesel::delete(assignment_rollup::table).execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO reply_rollup (day, operator_id, bucket, replies) \
         SELECT {day}, operator_id, {bucket}, COUNT(*) FROM messages \
         WHERE author = 'operator' AND operator_id IS NOT NULL GROUP BY 1, 2, 3"
    ))
    .execute(conn)?;
    diesel::sql_query(format!(
        "INSERT INTO assignment_rollup (hour, operator_id, assignments) \
         SELECT {hour}, {assignee}, COUNT(*) FROM events \
         WHERE kind = 'assignee_changed' AND after_value <> 'null' GROUP BY 1, 2"
    ))
    .execute(conn)?;
    Ok(())
}

/// The whole UTC days inside `[from, to)`, as `[first, end)` day starts;
/// `None` when the range covers no whole day.
pub fn whole_days(
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    whole_spans(
        from,
        to,
        |at| at.date().and_time(NaiveTime::MIN),
        Duration::days(1),
    )
}

/// The whole UTC hours inside `[from, to)`, as `[first, end)`; `None` when
/// there is none.
pub fn whole_hours(
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    whole_spans(from, to, hour_of, Duration::hours(1))
}

/// The spans (`start_of` a span, `length` long) wholly inside `[from, to)`.
fn whole_spans(
    from: NaiveDateTime,
    to: NaiveDateTime,
    start_of: impl Fn(NaiveDateTime) -> NaiveDateTime,
    length: Duration,
) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let first = if start_of(from) == from {
        from
    } else {
        start_of(from) + length
    };
    let end = start_of(to);
    (first < end).then_some((first, end))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "test code")]
mod tests {
    use super::*;

    #[test]
    fn each_bucket_holds_exactly_the_times_between_its_bounds() {
        for bucket in 0..400 {
            let (from, to) = bucket_bounds(bucket);
            if let Some(from) = from {
                assert_eq!(bucket_of(from), bucket, "lower bound of {bucket}");
                assert_eq!(bucket_of(from - 0.001), bucket - 1, "below {bucket}");
            }
            assert_eq!(
                bucket_of(to - 0.001),
                bucket,
                "just under the top of {bucket}"
            );
            assert_eq!(bucket_of(to), bucket + 1, "top of {bucket}");
        }
        assert_eq!(bucket_of(-5.0), 0);
    }

    #[test]
    fn whole_days_and_hours_inside_a_range() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(
            whole_days(at("2026-03-01 21:00:00"), at("2026-03-04 21:00:00")),
            Some((at("2026-03-02 00:00:00"), at("2026-03-04 00:00:00")))
        );
        assert_eq!(
            whole_days(at("2026-03-01 00:00:00"), at("2026-03-02 00:00:00")),
            Some((at("2026-03-01 00:00:00"), at("2026-03-02 00:00:00")))
        );
        assert_eq!(
            whole_days(at("2026-03-01 05:00:00"), at("2026-03-02 04:00:00")),
            None
        );
        assert_eq!(
            whole_hours(at("2026-03-01 05:30:00"), at("2026-03-01 08:00:00")),
            Some((at("2026-03-01 06:00:00"), at("2026-03-01 08:00:00")))
        );
        assert_eq!(
            whole_hours(at("2026-03-01 05:30:00"), at("2026-03-01 05:50:00")),
            None
        );
    }
}
