//! The webhook outbox in the store: what a dispatcher may claim (a
//! dialog's events in order, nothing held twice), and the log kept to 30
//! days.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod fixtures;

use dialogdesk_domain::*;
use dialogdesk_store::schema::{webhook_attempts, webhook_deliveries, webhook_events};
use dialogdesk_store::webhooks::dispatch::{AttemptOutcome, RetryPolicy};
use dialogdesk_store::webhooks::subscriptions::NewWebhook;
use dialogdesk_testkit::TestDb;
use diesel::prelude::*;
use fixtures::{catalog, lead_says};
use std::time::Duration;

fn subscribe(db: &TestDb) {
    db.store
        .create_webhook(&NewWebhook {
            url: "http://127.0.0.1:9/hook".into(),
            events: vec![WebhookEventType::MessageCreated],
            channel_id: None,
        })
        .unwrap();
}

fn outcome(claim: &dialogdesk_store::webhooks::dispatch::Claimed, ok: bool) -> AttemptOutcome {
    AttemptOutcome {
        delivery_id: claim.delivery_id,
        webhook_id: claim.webhook_id,
        attempt: claim.attempt,
        status_code: Some(if ok { 200 } else { 500 }),
        latency_ms: 1,
        error: (!ok).then(|| "HTTP 500".to_owned()),
    }
}

fn a_dialogs_events_are_claimed_one_at_a_time_in_order(db: &TestDb) {
    let c = catalog(&db.store);
    subscribe(db);
    for text in ["one", "two", "three"] {
        lead_says(&db.store, c.whatsapp, "chat-a", "A", None, text);
    }
    lead_says(&db.store, c.whatsapp, "chat-b", "B", None, "other");
    let lease = Duration::from_secs(30);
    // The first of each dialog, not the later ones.
    let first = db.store.claim_webhook_deliveries(10, lease).unwrap();
    let texts: Vec<String> = first
        .iter()
        .map(|c| {
            let body: serde_json::Value = serde_json::from_str(&c.body).unwrap();
            body["data"]["message"]["text"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(texts, ["one", "other"]);
    // Held: nothing more of those dialogs, and not the same ones again.
    assert!(db
        .store
        .claim_webhook_deliveries(10, lease)
        .unwrap()
        .is_empty());
    // A failure keeps the order: the retry comes before "two".
    let policy = RetryPolicy {
        retry_delays: vec![Duration::ZERO; 7],
        disable_after: Duration::from_secs(3_600),
    };
    db.store
        .record_webhook_attempts(
            &[outcome(&first[0], false), outcome(&first[1], true)],
            &policy,
        )
        .unwrap();
    let retry = db.store.claim_webhook_deliveries(10, lease).unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].event_key, first[0].event_key);
    assert_eq!(retry[0].attempt, 2);
    db.store
        .record_webhook_attempts(&[outcome(&retry[0], true)], &policy)
        .unwrap();
    let next = db.store.claim_webhook_deliveries(10, lease).unwrap();
    assert_eq!(next.len(), 1);
    assert!(next[0].body.contains("\"two\""), "{}", next[0].body);
    // Held while its lease lasts; a lease that ran out (a dispatcher
    // killed mid-flight) frees it for the next claim, as a new attempt.
    assert!(db
        .store
        .claim_webhook_deliveries(10, lease)
        .unwrap()
        .is_empty());
    lead_says(&db.store, c.telegram, "chat-c", "C", None, "lost");
    let lost = db
        .store
        .claim_webhook_deliveries(10, Duration::ZERO)
        .unwrap();
    assert_eq!(lost.len(), 1);
    std::thread::sleep(Duration::from_millis(5));
    let again = db.store.claim_webhook_deliveries(10, lease).unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_key, lost[0].event_key);
    assert_eq!(again[0].attempt, 2);
}

fn the_log_keeps_thirty_days(db: &TestDb) {
    let c = catalog(&db.store);
    subscribe(db);
    lead_says(&db.store, c.whatsapp, "chat-old", "Old", None, "old");
    lead_says(&db.store, c.whatsapp, "chat-new", "New", None, "new");
    let claimed = db
        .store
        .claim_webhook_deliveries(10, Duration::from_secs(30))
        .unwrap();
    let policy = RetryPolicy::default();
    let done: Vec<_> = claimed.iter().map(|c| outcome(c, true)).collect();
    db.store.record_webhook_attempts(&done, &policy).unwrap();
    // The first event, its delivery and attempt, 31 days old.
    let old = (chrono::Utc::now() - chrono::Duration::days(31)).naive_utc();
    db.store
        .write("test", |conn| {
            let event: i64 = webhook_events::table
                .select(webhook_events::id)
                .order_by(webhook_events::id)
                .first(conn)?;
            diesel::update(webhook_events::table.find(event))
                .set(webhook_events::created_at.eq(old))
                .execute(conn)?;
            diesel::update(
                webhook_deliveries::table.filter(webhook_deliveries::event_id.eq(event)),
            )
            .set(webhook_deliveries::created_at.eq(old))
            .execute(conn)?;
            let delivery: i64 = webhook_deliveries::table
                .filter(webhook_deliveries::event_id.eq(event))
                .select(webhook_deliveries::id)
                .first(conn)?;
            diesel::update(
                webhook_attempts::table.filter(webhook_attempts::delivery_id.eq(delivery)),
            )
            .set(webhook_attempts::attempted_at.eq(old))
            .execute(conn)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(db.store.prune_webhook_log().unwrap(), 1);
    let (events, deliveries, attempts): (i64, i64, i64) = db
        .store
        .read("test", |conn| {
            Ok((
                webhook_events::table.count().get_result(conn)?,
                webhook_deliveries::table.count().get_result(conn)?,
                webhook_attempts::table.count().get_result(conn)?,
            ))
        })
        .unwrap();
    assert_eq!(
        (events, deliveries, attempts),
        (1, 1, 1),
        "the recent one stays"
    );
}

fn an_outcome_for_a_deleted_subscription_is_dropped(db: &TestDb) {
    let c = catalog(&db.store);
    subscribe(db);
    subscribe(db);
    lead_says(&db.store, c.whatsapp, "chat-d", "D", None, "hi");
    let claimed = db
        .store
        .claim_webhook_deliveries(10, Duration::from_secs(30))
        .unwrap();
    assert_eq!(claimed.len(), 2);
    db.store
        .delete_webhook(WebhookId(claimed[0].webhook_id))
        .unwrap();
    // The other outcome of the batch is still recorded.
    let done: Vec<_> = claimed.iter().map(|c| outcome(c, true)).collect();
    db.store
        .record_webhook_attempts(&done, &RetryPolicy::default())
        .unwrap();
    let (attempts, _) = db
        .store
        .webhook_attempts(WebhookId(claimed[1].webhook_id), None, 10)
        .unwrap();
    assert_eq!(attempts.len(), 1);
}

/// The dispatcher sleeps on the webhook signal: it must fire for a commit
/// that queued deliveries (inbound goes through the batch writer's
/// thread), and not for one that queued none.
fn only_commits_that_queue_deliveries_wake_the_dispatcher(db: &TestDb) {
    let c = catalog(&db.store);
    let signal = db.store.webhook_signal();
    let before = signal.generation();
    lead_says(
        &db.store,
        c.whatsapp,
        "chat-a",
        "A",
        None,
        "no subscription yet",
    );
    assert_eq!(signal.generation(), before, "nothing was queued");
    subscribe(db);
    assert_eq!(signal.generation(), before, "a subscription queues nothing");
    lead_says(&db.store, c.whatsapp, "chat-a", "A", None, "now one");
    let after_one = signal.generation();
    assert!(after_one > before, "a delivery was queued");
    lead_says(&db.store, c.telegram, "chat-t", "T", None, "and one more");
    assert!(signal.generation() > after_one);
}

dialogdesk_testkit::on_both_backends!(
    db =>
    only_commits_that_queue_deliveries_wake_the_dispatcher,
    a_dialogs_events_are_claimed_one_at_a_time_in_order,
    an_outcome_for_a_deleted_subscription_is_dropped,
    the_log_keeps_thirty_days,
);
