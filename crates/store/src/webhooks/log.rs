//! The delivery log of a subscription, redelivery, and keeping the log to
//! its last 30 days.

use super::{event_key, parse_event_key};
use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::Store;
use chrono::NaiveDateTime;
use dialogdesk_domain::wire::{WebhookAttempt, WebhookDeliveryState};
use dialogdesk_domain::*;
use diesel::prelude::*;

/// How long attempts, finished deliveries and their events are kept.
pub const LOG_DAYS: i64 = 30;

/// What to send again.
#[derive(Debug, Clone)]
pub enum Redeliver {
    /// One event (`evt_…`), whatever its delivery did.
    Event(String),
    /// Every failed delivery of events created since then.
    FailedSince(chrono::DateTime<chrono::Utc>),
}

type AttemptRow = (
    i64,
    i64,
    String,
    i32,
    Option<i32>,
    i64,
    Option<String>,
    NaiveDateTime,
    String,
);

fn delivery_state(state: &str) -> WebhookDeliveryState {
    match state {
        "succeeded" => WebhookDeliveryState::Succeeded,
        "failed" => WebhookDeliveryState::Failed,
        _ => WebhookDeliveryState::Pending,
    }
}

impl Store {
    /// A page of a subscription's attempts, newest first; `before`: the
    /// last id of the previous page. Returns the page and whether more
    /// follow.
    pub fn webhook_attempts(
        &self,
        webhook: WebhookId,
        before: Option<i64>,
        limit: i64,
    ) -> StoreResult<(Vec<WebhookAttempt>, bool)> {
        self.read("webhook_attempts", |conn| {
            super::subscriptions::load(conn, webhook)?;
            let mut query = webhook_attempts::table
                .inner_join(webhook_deliveries::table.inner_join(webhook_events::table))
                .filter(webhook_attempts::webhook_id.eq(webhook.0))
                .order_by(webhook_attempts::id.desc())
                .limit(limit + 1)
                .select((
                    webhook_attempts::id,
                    webhook_events::id,
                    webhook_events::kind,
                    webhook_attempts::attempt,
                    webhook_attempts::status_code,
                    webhook_attempts::latency_ms,
                    webhook_attempts::error,
                    webhook_attempts::attempted_at,
                    webhook_deliveries::state,
                ))
                .into_boxed();
            if let Some(before) = before {
                query = query.filter(webhook_attempts::id.lt(before));
            }
            let mut rows: Vec<AttemptRow> = query.load(conn)?;
            let more = rows.len() as i64 > limit;
            rows.truncate(usize::try_from(limit).unwrap_or(0));
            let items = rows
                .into_iter()
                .map(
                    |(id, event, kind, attempt, status_code, latency_ms, error, at, state)| {
                        Ok(WebhookAttempt {
                            id,
                            event_id: event_key(event),
                            event_type: kind.parse().map_err(|e: UnknownName| {
                                StoreError::Database(anyhow::anyhow!("{e}"))
                            })?,
                            attempt,
                            status_code,
                            latency_ms,
                            error,
                            attempted_at: from_db(at),
                            delivery_state: delivery_state(&state),
                        })
                    },
                )
                .collect::<StoreResult<Vec<_>>>()?;
            Ok((items, more))
        })
    }

    /// Queues deliveries of a subscription again, at once, with a fresh
    /// count of attempts. Returns how many.
    pub fn redeliver_webhook(&self, webhook: WebhookId, what: &Redeliver) -> StoreResult<u64> {
        self.write("redeliver_webhook", |conn| {
            super::subscriptions::load(conn, webhook)?;
            let at = to_db(now());
            let ids: Vec<i64> = match what {
                Redeliver::Event(key) => {
                    let event = parse_event_key(key)?;
                    let ids: Vec<i64> = webhook_deliveries::table
                        .filter(webhook_deliveries::webhook_id.eq(webhook.0))
                        .filter(webhook_deliveries::event_id.eq(event))
                        .select(webhook_deliveries::id)
                        .load(conn)?;
                    if ids.is_empty() {
                        return Err(StoreError::invalid(
                            "event_id",
                            format!("{key} was not sent to this webhook (or is older than {LOG_DAYS} days)"),
                        ));
                    }
                    ids
                }
                Redeliver::FailedSince(since) => webhook_deliveries::table
                    .filter(webhook_deliveries::webhook_id.eq(webhook.0))
                    .filter(webhook_deliveries::state.eq("failed"))
                    .filter(webhook_deliveries::created_at.ge(to_db(*since)))
                    .select(webhook_deliveries::id)
                    .load(conn)?,
            };
            let queued = diesel::update(
                webhook_deliveries::table
                    .filter(webhook_deliveries::id.eq_any(&ids))
                    // One in flight is left to finish; it is sent anyway.
                    .filter(
                        webhook_deliveries::state
                            .ne("pending")
                            .or(webhook_deliveries::leased_until.is_null()),
                    ),
            )
            .set((
                webhook_deliveries::state.eq("pending"),
                webhook_deliveries::attempts.eq(0),
                webhook_deliveries::next_attempt_at.eq(at),
                webhook_deliveries::finished_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
            if queued > 0 {
                super::mark_queued();
            }
            Ok(queued as u64)
        })
    }

    /// Forgets attempts, finished deliveries and unreferenced events older
    /// than [`LOG_DAYS`]. Returns the attempts removed.
    pub fn prune_webhook_log(&self) -> StoreResult<usize> {
        self.write("prune_webhook_log", |conn| {
            let before = to_db(now() - chrono::Duration::days(LOG_DAYS));
            let attempts = diesel::delete(
                webhook_attempts::table.filter(webhook_attempts::attempted_at.lt(before)),
            )
            .execute(conn)?;
            let old_finished = webhook_deliveries::table
                .filter(webhook_deliveries::state.ne("pending"))
                .filter(webhook_deliveries::created_at.lt(before))
                .select(webhook_deliveries::id);
            diesel::delete(
                webhook_attempts::table.filter(webhook_attempts::delivery_id.eq_any(old_finished)),
            )
            .execute(conn)?;
            diesel::delete(
                webhook_deliveries::table
                    .filter(webhook_deliveries::state.ne("pending"))
                    .filter(webhook_deliveries::created_at.lt(before)),
            )
            .execute(conn)?;
            let referenced = webhook_deliveries::table.select(webhook_deliveries::event_id);
            diesel::delete(
                webhook_events::table
                    .filter(webhook_events::created_at.lt(before))
                    .filter(webhook_events::id.ne_all(referenced)),
            )
            .execute(conn)?;
            Ok(attempts)
        })
    }
}
