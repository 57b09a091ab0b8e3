//! Manager stats are aggregated by the database. They must equal what a
//! plain walk through every message and timeline entry gives (the reference
//! below), on random conversations, for several ranges and day offsets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use dialogdesk_domain::{Author, OperatorId};
use dialogdesk_store::analytics::Range;
use dialogdesk_store::dialogs::turn_after;
use dialogdesk_store::rollups;
use dialogdesk_store::schema::{dialogs, events, messages, operators};
use dialogdesk_testkit::TestDb;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashMap};

const MESSAGES: usize = 4_000;
const ASSIGNMENTS: usize = 600;

/// What one operator's stats must be.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    taken_per_day: BTreeMap<NaiveDate, i64>,
    messages_sent: i64,
    median_first_response_seconds: Option<f64>,
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()
}

/// Random messages (lead, bot, operator with and without an operator,
/// microsecond times, ties included) and assignments over 30 days. The
/// messages are written in time order, each reply with the response time
/// the store writes with it (`turn_after`), as the dialogs' writes do.
fn add_random_history(db: &TestDb, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    db.store
        .write("test_history", |conn| {
            let dialog_rows: Vec<(i64, i64)> = dialogs::table
                .select((dialogs::id, dialogs::channel_id))
                .limit(40)
                .load(conn)?;
            let operator_ids: Vec<i64> = operators::table.select(operators::id).load(conn)?;
            let span = 30 * 24 * 3600 * 1_000_000i64;
            let at = |rng: &mut StdRng| {
                (start() + Duration::microseconds(rng.random_range(0..span))).naive_utc()
            };
            let mut tie = at(&mut rng);
            let mut drawn = Vec::with_capacity(MESSAGES);
            for _ in 0..MESSAGES {
                let (dialog, channel) = *dialog_rows.choose(&mut rng).unwrap();
                let (author, operator) = match rng.random_range(0..10) {
                    0..=4 => (Author::Lead, None),
                    5 => (Author::Bot, None),
                    6 => (Author::Operator, None),
                    _ => (Author::Operator, operator_ids.choose(&mut rng).copied()),
                };
                if rng.random_bool(0.9) {
                    tie = at(&mut rng);
                }
                drawn.push((dialog, channel, author, operator, tie));
            }
            // Stable: ties keep their order, which the ids then follow.
            drawn.sort_by_key(|m| m.4);
            let mut awaiting: HashMap<i64, NaiveDateTime> = HashMap::new();
            for (dialog, channel, author, operator, tie) in drawn {
                let (after, response) = turn_after(
                    awaiting.get(&dialog).copied(),
                    author,
                    operator.map(OperatorId),
                    tie,
                );
                match after {
                    Some(since) => awaiting.insert(dialog, since),
                    None => awaiting.remove(&dialog),
                };
                diesel::insert_into(messages::table)
                    .values((
                        messages::dialog_id.eq(dialog),
                        messages::channel_id.eq(channel),
                        messages::author.eq(author.as_str()),
                        messages::operator_id.eq(operator),
                        messages::kind.eq("text"),
                        messages::text.eq("…"),
                        messages::sent_at.eq(tie),
                        messages::created_at.eq(tie),
                        messages::response_seconds.eq(response),
                    ))
                    .execute(conn)?;
            }
            for _ in 0..ASSIGNMENTS {
                let (dialog, _) = *dialog_rows.choose(&mut rng).unwrap();
                let assignee = operator_ids
                    .choose(&mut rng)
                    .copied()
                    .filter(|_| rng.random_bool(0.8));
                diesel::insert_into(events::table)
                    .values((
                        events::dialog_id.eq(dialog),
                        events::kind.eq("assignee_changed"),
                        events::actor_kind.eq("operator"),
                        events::reason.eq("set_by_hand"),
                        events::before_value.eq("null"),
                        events::after_value.eq(serde_json::to_string(&assignee).unwrap()),
                        events::created_at.eq(at(&mut rng)),
                    ))
                    .execute(conn)?;
            }
            // Rows written past the store: sum the rollups from them.
            rollups::rebuild(conn)?;
            Ok(())
        })
        .unwrap();
}

/// The reference: every row read, walked in order.
fn expected(db: &TestDb, range: &Range) -> BTreeMap<i64, Expected> {
    let (from, to) = (range.from.naive_utc(), range.to.naive_utc());
    let day_of =
        |at: NaiveDateTime| (at + Duration::minutes(range.utc_offset_minutes.into())).date();
    let (taken, conversation) = db
        .store
        .read("test_reference", |conn| {
            let taken: Vec<(String, NaiveDateTime)> = events::table
                .filter(events::kind.eq("assignee_changed"))
                .filter(events::created_at.ge(from).and(events::created_at.lt(to)))
                .select((events::after_value, events::created_at))
                .load(conn)?;
            // The whole history: a reply in the range may answer a turn
            // that began before it.
            let conversation: Vec<(i64, String, Option<i64>, NaiveDateTime)> = messages::table
                .filter(messages::author.ne("bot"))
                .select((
                    messages::dialog_id,
                    messages::author,
                    messages::operator_id,
                    messages::sent_at,
                ))
                .order_by((messages::dialog_id, messages::sent_at, messages::id))
                .load(conn)?;
            Ok((taken, conversation))
        })
        .unwrap();
    let mut out: BTreeMap<i64, Expected> = BTreeMap::new();
    for (after, at) in taken {
        if let Ok(Some(id)) = serde_json::from_str::<Option<i64>>(&after) {
            *out.entry(id)
                .or_default()
                .taken_per_day
                .entry(day_of(at))
                .or_default() += 1;
        }
    }
    let mut responses: HashMap<i64, Vec<f64>> = HashMap::new();
    let mut waiting_since: Option<(i64, NaiveDateTime)> = None;
    for (dialog, author, operator, at) in conversation {
        if waiting_since.is_some_and(|(d, _)| d != dialog) {
            waiting_since = None;
        }
        match (author.as_str(), operator) {
            ("lead", _) if waiting_since.is_none() => waiting_since = Some((dialog, at)),
            ("operator", Some(op)) => {
                let answered = waiting_since.take();
                if at < from || at >= to {
                    continue;
                }
                out.entry(op).or_default().messages_sent += 1;
                if let Some((_, since)) = answered {
                    responses
                        .entry(op)
                        .or_default()
                        .push((at - since).num_milliseconds() as f64 / 1000.0);
                }
            }
            _ => {}
        }
    }
    for (op, mut times) in responses {
        times.sort_by(f64::total_cmp);
        let mid = times.len() / 2;
        let median = if times.len() % 2 == 1 {
            times[mid]
        } else {
            (times[mid - 1] + times[mid]) / 2.0
        };
        out.entry(op).or_default().median_first_response_seconds = Some(median);
    }
    out
}

fn manager_stats_equal_a_walk_through_every_row(db: &TestDb) {
    db.store.seed_demo().unwrap();
    add_random_history(db, 11);
    let ranges = [
        (start(), start() + Duration::days(30), 0),
        (start(), start() + Duration::days(30), 180),
        (
            start() + Duration::days(3),
            start() + Duration::days(9),
            -300,
        ),
        (
            start() + Duration::hours(5),
            start() + Duration::days(2),
            840,
        ),
        (start() - Duration::days(9), start() - Duration::days(1), 0),
        // Edges that are not whole hours; an offset that is not whole hours.
        (
            start() + Duration::minutes(90),
            start() + Duration::days(4) + Duration::minutes(30),
            60,
        ),
        (
            start() + Duration::hours(7),
            start() + Duration::days(12),
            330,
        ),
    ];
    let mut medians = 0;
    for (from, to, utc_offset_minutes) in ranges {
        let range = Range {
            from,
            to,
            utc_offset_minutes,
        };
        let want = expected(db, &range);
        let got = db.store.manager_stats(&range).unwrap();
        assert_eq!(
            got.iter().map(|m| m.operator.id.0).collect::<Vec<_>>(),
            want.keys().copied().collect::<Vec<_>>(),
            "operators for {range:?}"
        );
        for m in &got {
            let w = &want[&m.operator.id.0];
            assert!(!m.operator.name.is_empty());
            assert_eq!(m.taken_per_day, w.taken_per_day, "{range:?}");
            assert_eq!(m.messages_sent, w.messages_sent, "{range:?}");
            // Both medians are of the same millisecond times; the databases
            // interpolate the middle two in their own float arithmetic.
            match (
                m.median_first_response_seconds,
                w.median_first_response_seconds,
            ) {
                (Some(a), Some(b)) => {
                    medians += 1;
                    assert!((a - b).abs() <= 1e-6, "{a} vs {b} for {range:?}");
                }
                (a, b) => assert_eq!(a, b, "{range:?}"),
            }
        }
    }
    assert!(medians >= 5, "the data must give medians to compare");
}

/// Every reply and assignment written through the store keeps the rollups
/// as a sum over the rows would give them.
fn the_rollups_kept_on_each_change_equal_a_sum_over_the_rows(db: &TestDb) {
    use dialogdesk_store::schema::{assignment_rollup, reply_rollup};
    db.store.seed_demo().unwrap();
    let (dialogs, operators): (Vec<i64>, Vec<i64>) = db
        .store
        .read("test_ids", |conn| {
            Ok((
                dialogs::table
                    .select(dialogs::id)
                    .order_by(dialogs::id)
                    .load(conn)?,
                operators::table
                    .select(operators::id)
                    .order_by(operators::id)
                    .load(conn)?,
            ))
        })
        .unwrap();
    // Replies by several operators: each takes the dialog it answers.
    for (n, dialog) in dialogs.iter().enumerate() {
        let operator = OperatorId(operators[n % operators.len()]);
        // A dialog that takes no reply (finished, say) is just skipped.
        let _ = db.store.operator_message(
            dialogdesk_domain::DialogId(*dialog),
            operator,
            "Добрый день!",
        );
    }
    type Rollups = (
        Vec<(NaiveDate, i64, i64, i64)>,
        Vec<(NaiveDateTime, i64, i64)>,
    );
    let read = || -> Rollups {
        db.store
            .read("test_rollups", |conn| {
                Ok((
                    reply_rollup::table
                        .order_by((
                            reply_rollup::day,
                            reply_rollup::operator_id,
                            reply_rollup::bucket,
                        ))
                        .load(conn)?,
                    assignment_rollup::table
                        .order_by((assignment_rollup::hour, assignment_rollup::operator_id))
                        .load(conn)?,
                ))
            })
            .unwrap()
    };
    let kept = read();
    assert!(kept.0.len() >= 2 && !kept.1.is_empty(), "{kept:?}");
    db.store.write("test_rebuild", rollups::rebuild).unwrap();
    assert_eq!(read(), kept);
}

/// The rollup's buckets are cut in SQL when it is summed from the rows and
/// in Rust when a reply is written and a median is read: both must agree,
/// at every bound and between.
fn the_databases_bucket_response_times_as_the_store_does(db: &TestDb) {
    use dialogdesk_store::schema::reply_rollup;
    db.store.seed_demo().unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    let mut times: Vec<f64> = vec![
        -3.0, 0.0, 0.4, 1.0, 59.999, 60.0, 61.0, 599.999, 600.0, 3_599.0, 3_600.0, 86_399.5,
        86_400.0, 90_000.0, 1e6,
    ];
    times.extend((0..500).map(|_| 10f64.powf(rng.random_range(-1.0..6.0))));
    let (dialog, channel, operator) = db
        .store
        .read("test_ids", |conn| {
            Ok((
                dialogs::table.select(dialogs::id).first::<i64>(conn)?,
                dialogs::table
                    .select(dialogs::channel_id)
                    .first::<i64>(conn)?,
                operators::table.select(operators::id).first::<i64>(conn)?,
            ))
        })
        .unwrap();
    let day = start().naive_utc();
    db.store
        .write("test_times", |conn| {
            diesel::delete(messages::table).execute(conn)?;
            for seconds in &times {
                diesel::insert_into(messages::table)
                    .values((
                        messages::dialog_id.eq(dialog),
                        messages::channel_id.eq(channel),
                        messages::author.eq("operator"),
                        messages::operator_id.eq(operator),
                        messages::kind.eq("text"),
                        messages::text.eq("…"),
                        messages::sent_at.eq(day),
                        messages::created_at.eq(day),
                        messages::response_seconds.eq(seconds),
                    ))
                    .execute(conn)?;
            }
            rollups::rebuild(conn)
        })
        .unwrap();
    let mut want: BTreeMap<i64, i64> = BTreeMap::new();
    for seconds in &times {
        *want.entry(rollups::bucket_of(*seconds)).or_default() += 1;
    }
    let got: BTreeMap<i64, i64> = db
        .store
        .read("test_buckets", |conn| {
            Ok(reply_rollup::table
                .select((reply_rollup::bucket, reply_rollup::replies))
                .load::<(i64, i64)>(conn)?
                .into_iter()
                .collect())
        })
        .unwrap();
    assert_eq!(got, want);
}

dialogdesk_testkit::on_both_backends!(
    db =>
    the_databases_bucket_response_times_as_the_store_does,
    manager_stats_equal_a_walk_through_every_row,
    the_rollups_kept_on_each_change_equal_a_sum_over_the_rows
);
