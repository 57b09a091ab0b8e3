//! Outbound webhooks: subscriptions (`subscriptions`), the outbox of their
//! events written with each change (`outbox`), the dispatcher's claims and
//! results (`dispatch`), the delivery log and redelivery (`log`).
//!
//! An event is written in the transaction of the change that causes it,
//! with one delivery row per subscription that wants it; nothing is written
//! when no enabled subscription wants it, so a database without webhooks
//! pays one small read per change.

use std::cell::Cell;

thread_local! {
    /// Whether the transaction running on this thread queued webhook
    /// deliveries (see [`take_queued_mark`]).
    static QUEUED: Cell<bool> = const { Cell::new(false) };
}

/// Notes that the write running on this thread queued deliveries.
pub(crate) fn mark_queued() {
    QUEUED.with(|q| q.set(true));
}

/// Whether the write that ran on this thread since the last call queued
/// deliveries; resets the mark. `Store::write` asks after each commit and
/// wakes the dispatcher only then: most commits (an inbound batch without
/// subscriptions) queue nothing, and a dispatcher woken by every commit
/// took a pooled connection and read the schedule each time for nothing.
/// A write runs on one thread from `BEGIN` to `COMMIT` (diesel
/// connections are not shared between threads mid-transaction), so the
/// mark belongs to that write.
pub(crate) fn take_queued_mark() -> bool {
    QUEUED.with(|q| q.replace(false))
}

pub mod dispatch;
pub mod log;
pub mod outbox;
pub mod subscriptions;

use crate::error::{StoreError, StoreResult};
use dialogdesk_domain::WebhookEventType;

/// The webhook id (`webhook-id`, the envelope's `id`) of an event row.
pub fn event_key(id: i64) -> String {
    format!("evt_{id}")
}

/// The event row of a webhook id (`evt_42` → 42).
pub fn parse_event_key(key: &str) -> StoreResult<i64> {
    key.strip_prefix("evt_")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| StoreError::invalid("event_id", "an event id looks like `evt_42`"))
}

/// Event types as stored: space-separated.
fn events_to_db(events: &[WebhookEventType]) -> String {
    let mut names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(" ")
}

/// Event types as stored, read back (unknown names, from a newer version,
/// are skipped).
fn events_from_db(events: &str) -> Vec<WebhookEventType> {
    events
        .split_whitespace()
        .filter_map(|e| e.parse().ok())
        .collect()
}
