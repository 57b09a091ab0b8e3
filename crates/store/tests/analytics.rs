//! Manager stats are aggregated by the database. They must equal what a
//! plain walk through every message and timeline entry gives (the reference
//! below, which is how they were computed in memory before), on random
//! conversations, for several ranges and day offsets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use dialogdesk_store::analytics::Range;
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
/// microsecond times, ties included) and assignments over 30 days.
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
            for _ in 0..MESSAGES {
                let (dialog, channel) = *dialog_rows.choose(&mut rng).unwrap();
                let (author, operator) = match rng.random_range(0..10) {
                    0..=4 => ("lead", None),
                    5 => ("bot", None),
                    6 => ("operator", None),
                    _ => ("operator", operator_ids.choose(&mut rng).copied()),
                };
                if rng.random_bool(0.9) {
                    tie = at(&mut rng);
                }
                diesel::insert_into(messages::table)
                    .values((
                        messages::dialog_id.eq(dialog),
                        messages::channel_id.eq(channel),
                        messages::author.eq(author),
                        messages::operator_id.eq(operator),
                        messages::kind.eq("text"),
                        messages::text.eq("…"),
                        messages::sent_at.eq(tie),
                        messages::created_at.eq(tie),
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
            let conversation: Vec<(i64, String, Option<i64>, NaiveDateTime)> = messages::table
                .filter(messages::sent_at.ge(from).and(messages::sent_at.lt(to)))
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
                out.entry(op).or_default().messages_sent += 1;
                if let Some((_, since)) = waiting_since.take() {
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
            // SQLite rounds each time to the millisecond before subtracting,
            // the reference truncates the difference: a millisecond apart.
            match (
                m.median_first_response_seconds,
                w.median_first_response_seconds,
            ) {
                (Some(a), Some(b)) => {
                    medians += 1;
                    assert!((a - b).abs() <= 0.001 + 1e-9, "{a} vs {b} for {range:?}");
                }
                (a, b) => assert_eq!(a, b, "{range:?}"),
            }
        }
    }
    assert!(medians >= 5, "the data must give medians to compare");
}

dialogdesk_testkit::on_both_backends!(db => manager_stats_equal_a_walk_through_every_row);
