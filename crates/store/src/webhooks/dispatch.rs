//! What the dispatcher asks of the database: claim due deliveries, record
//! how their attempts went.
//!
//! A claim is a lease: the claimed deliveries stay `pending` with
//! `leased_until` set, so no other dispatcher (another `serve` on the same
//! PostgreSQL) takes them, and a dispatcher killed mid-flight loses them
//! when the lease runs out: they are sent again, never lost (at least once;
//! receivers deduplicate on `webhook-id`).

use super::event_key;
use crate::error::StoreResult;
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::{DbConnection, Store};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

/// A delivery claimed for one attempt.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// The delivery.
    pub delivery_id: i64,
    /// Its subscription.
    pub webhook_id: i64,
    /// Where to POST.
    pub url: String,
    /// The secrets that sign it: the current one, and the previous one
    /// while a rotation's overlap lasts.
    pub secrets: Vec<String>,
    /// `webhook-id`.
    pub event_key: String,
    /// The body: the envelope `{id, type, created_at, data}`.
    pub body: String,
    /// This attempt's number, 1 for the first.
    pub attempt: i32,
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    /// The delivery.
    pub delivery_id: i64,
    /// Its subscription.
    pub webhook_id: i64,
    /// Its number.
    pub attempt: i32,
    /// The receiver's status, when it answered.
    pub status_code: Option<i32>,
    /// From sending to the answer.
    pub latency_ms: i64,
    /// What went wrong; `None` for a 2xx.
    pub error: Option<String>,
}

/// When to try again, and when to give up on a subscription.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The wait before each retry: the delivery fails for good after
    /// `retry_delays.len() + 1` attempts.
    pub retry_delays: Vec<std::time::Duration>,
    /// A subscription whose every attempt failed for this long is disabled.
    pub disable_after: std::time::Duration,
}

impl Default for RetryPolicy {
    /// 8 attempts: at once, then after ≈ 5 s, 30 s, 2 min, 5 min, 15 min,
    /// 30 min and 1 h (each ±10 %, so receivers that failed together are
    /// not retried together); a subscription failing for 24 h is disabled.
    fn default() -> RetryPolicy {
        let s = std::time::Duration::from_secs;
        RetryPolicy {
            retry_delays: vec![s(5), s(30), s(120), s(300), s(900), s(1_800), s(3_600)],
            disable_after: s(24 * 3_600),
        }
    }
}

impl RetryPolicy {
    /// The wait before the retry after failed attempt `attempt`, jittered;
    /// `None` when that was the last attempt.
    fn retry_after(&self, attempt: i32) -> Option<Duration> {
        let base = self
            .retry_delays
            .get(usize::try_from(attempt).ok()?.checked_sub(1)?)?;
        let jitter = rand::rng().random_range(0.9..1.1);
        Duration::from_std(base.mul_f64(jitter)).ok()
    }
}

#[derive(QueryableByName)]
struct Due {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// The ids of the deliveries due now that may go: pending, not leased, of
/// an enabled subscription, and the first pending one of their dialog for
/// that subscription (a dialog's events arrive in order). PostgreSQL locks
/// the rows it returns and skips rows another transaction holds.
fn due_ids(conn: &mut DbConnection, at: NaiveDateTime, max: i64) -> StoreResult<Vec<i64>> {
    const DUE: &str = "SELECT d.id FROM webhook_deliveries d \
        JOIN webhooks w ON w.id = d.webhook_id \
        WHERE d.state = 'pending' AND w.enabled AND d.next_attempt_at <= :at \
          AND (d.leased_until IS NULL OR d.leased_until < :at) \
          AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e \
              WHERE e.state = 'pending' AND e.webhook_id = d.webhook_id \
                AND e.dialog_id = d.dialog_id AND e.id < d.id) \
        ORDER BY d.next_attempt_at, d.id LIMIT :max";
    // Rows another dispatcher holds are skipped, not waited for.
    let lock = if matches!(conn, DbConnection::Pg(_)) {
        " FOR UPDATE OF d SKIP LOCKED"
    } else {
        ""
    };
    let sql = crate::db::numbered(&format!("{DUE}{lock}"), &[":at", ":max"], conn);
    let query = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Timestamp, _>(at)
        .bind::<diesel::sql_types::BigInt, _>(max);
    let rows: Vec<Due> = crate::on_backend!(conn, |c| query.load(c))?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// One claimed delivery as read back.
#[derive(Queryable)]
struct ClaimRow {
    delivery_id: i64,
    webhook_id: i64,
    attempts: i32,
    url: String,
    secret: String,
    previous_secret: Option<String>,
    previous_secret_until: Option<NaiveDateTime>,
    event_id: i64,
    kind: String,
    payload: String,
    created_at: NaiveDateTime,
}

impl Store {
    /// When the next delivery may be claimed: the earliest pending one of
    /// an enabled subscription, at its next attempt or when its lease runs
    /// out, whichever is later (`None`: nothing pending). A cheap read, so
    /// an idle dispatcher neither writes to find out nor spins on
    /// deliveries another dispatcher holds.
    pub fn next_webhook_delivery_at(&self) -> StoreResult<Option<chrono::DateTime<chrono::Utc>>> {
        self.read("next_webhook_delivery_at", |conn| {
            let pending: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = webhook_deliveries::table
                .inner_join(webhooks::table)
                .filter(webhook_deliveries::state.eq("pending"))
                .filter(webhooks::enabled.eq(true))
                .order_by(webhook_deliveries::next_attempt_at)
                .limit(256)
                .select((
                    webhook_deliveries::next_attempt_at,
                    webhook_deliveries::leased_until,
                ))
                .load(conn)?;
            Ok(pending
                .into_iter()
                .map(|(next, lease)| lease.map_or(next, |lease| lease.max(next)))
                .min()
                .map(from_db))
        })
    }

    /// Claims up to `max` due deliveries for `lease`, counting the attempt.
    pub fn claim_webhook_deliveries(
        &self,
        max: usize,
        lease: std::time::Duration,
    ) -> StoreResult<Vec<Claimed>> {
        self.write("claim_webhook_deliveries", |conn| {
            let at = now();
            let ids = due_ids(conn, to_db(at), i64::try_from(max).unwrap_or(i64::MAX))?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let until = at + Duration::from_std(lease).unwrap_or(Duration::seconds(30));
            diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
                .set((
                    webhook_deliveries::leased_until.eq(Some(to_db(until))),
                    webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                ))
                .execute(conn)?;
            let rows: Vec<ClaimRow> = webhook_deliveries::table
                .inner_join(webhooks::table)
                .inner_join(webhook_events::table)
                .filter(webhook_deliveries::id.eq_any(&ids))
                .order_by(webhook_deliveries::id)
                .select((
                    webhook_deliveries::id,
                    webhook_deliveries::webhook_id,
                    webhook_deliveries::attempts,
                    webhooks::url,
                    webhooks::secret,
                    webhooks::previous_secret,
                    webhooks::previous_secret_until,
                    webhook_events::id,
                    webhook_events::kind,
                    webhook_events::payload,
                    webhook_events::created_at,
                ))
                .load(conn)?;
            let at = to_db(at);
            Ok(rows
                .into_iter()
                .map(|row| {
                    let mut secrets = vec![row.secret];
                    if let (Some(previous), Some(until)) =
                        (row.previous_secret, row.previous_secret_until)
                    {
                        if until > at {
                            secrets.push(previous);
                        }
                    }
                    let key = event_key(row.event_id);
                    // The envelope around the stored data, written as text:
                    // the data is JSON already, and the kind a fixed name.
                    let body = format!(
                        r#"{{"id":"{key}","type":"{}","created_at":"{}","data":{}}}"#,
                        row.kind,
                        from_db(row.created_at)
                            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                        row.payload
                    );
                    Claimed {
                        delivery_id: row.delivery_id,
                        webhook_id: row.webhook_id,
                        url: row.url,
                        secrets,
                        event_key: key,
                        body,
                        attempt: row.attempts,
                    }
                })
                .collect())
        })
    }

    /// Records attempts: a 2xx finishes the delivery; a failure schedules
    /// the next retry, or fails the delivery after the last; a subscription
    /// whose every attempt failed for `disable_after` is disabled, with the
    /// reason. Returns the subscriptions it disabled.
    pub fn record_webhook_attempts(
        &self,
        outcomes: &[AttemptOutcome],
        policy: &RetryPolicy,
    ) -> StoreResult<Vec<i64>> {
        if outcomes.is_empty() {
            return Ok(Vec::new());
        }
        self.write("record_webhook_attempts", |conn| {
            let at = now();
            let at_db = to_db(at);
            let mut disabled = Vec::new();
            // A subscription deleted while its deliveries were in flight
            // took them with it: their outcomes have nowhere to go.
            let ids: Vec<i64> = outcomes.iter().map(|o| o.delivery_id).collect();
            let still_there: Vec<i64> = webhook_deliveries::table
                .filter(webhook_deliveries::id.eq_any(&ids))
                .select(webhook_deliveries::id)
                .load(conn)?;
            let outcomes: Vec<&AttemptOutcome> = outcomes
                .iter()
                .filter(|o| still_there.contains(&o.delivery_id))
                .collect();
            if outcomes.is_empty() {
                return Ok(disabled);
            }
            let attempts: Vec<_> = outcomes
                .iter()
                .map(|o| {
                    (
                        webhook_attempts::delivery_id.eq(o.delivery_id),
                        webhook_attempts::webhook_id.eq(o.webhook_id),
                        webhook_attempts::attempt.eq(o.attempt),
                        webhook_attempts::status_code.eq(o.status_code),
                        webhook_attempts::latency_ms.eq(o.latency_ms),
                        webhook_attempts::error.eq(&o.error),
                        webhook_attempts::attempted_at.eq(at_db),
                    )
                })
                .collect();
            crate::on_backend!(conn, |c| diesel::insert_into(webhook_attempts::table)
                .values(&attempts)
                .execute(c))?;
            let succeeded: Vec<i64> = outcomes
                .iter()
                .filter(|o| o.error.is_none())
                .map(|o| o.delivery_id)
                .collect();
            if !succeeded.is_empty() {
                diesel::update(
                    webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&succeeded)),
                )
                .set((
                    webhook_deliveries::state.eq("succeeded"),
                    webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
                    webhook_deliveries::finished_at.eq(Some(at_db)),
                ))
                .execute(conn)?;
                let mut healthy: Vec<i64> = outcomes
                    .iter()
                    .filter(|o| o.error.is_none())
                    .map(|o| o.webhook_id)
                    .collect();
                healthy.sort_unstable();
                healthy.dedup();
                diesel::update(
                    webhooks::table
                        .filter(webhooks::id.eq_any(&healthy))
                        .filter(webhooks::failing_since.is_not_null()),
                )
                .set(webhooks::failing_since.eq(None::<NaiveDateTime>))
                .execute(conn)?;
            }
            for failed in outcomes.iter().copied().filter(|o| o.error.is_some()) {
                let target = webhook_deliveries::table.find(failed.delivery_id);
                match policy.retry_after(failed.attempt) {
                    Some(wait) => diesel::update(target)
                        .set((
                            webhook_deliveries::next_attempt_at.eq(to_db(at + wait)),
                            webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
                        ))
                        .execute(conn)?,
                    None => diesel::update(target)
                        .set((
                            webhook_deliveries::state.eq("failed"),
                            webhook_deliveries::leased_until.eq(None::<NaiveDateTime>),
                            webhook_deliveries::finished_at.eq(Some(at_db)),
                        ))
                        .execute(conn)?,
                };
                // A success in this same batch keeps the subscription
                // healthy.
                if succeeded_for(&outcomes, failed.webhook_id) {
                    continue;
                }
                let since: Option<Option<NaiveDateTime>> = webhooks::table
                    .find(failed.webhook_id)
                    .filter(webhooks::enabled.eq(true))
                    .select(webhooks::failing_since)
                    .first(conn)
                    .optional()?;
                let Some(since) = since else { continue };
                let since = match since {
                    Some(since) => since,
                    None => {
                        diesel::update(webhooks::table.find(failed.webhook_id))
                            .set(webhooks::failing_since.eq(Some(at_db)))
                            .execute(conn)?;
                        at_db
                    }
                };
                let failing_for = (at_db - since).to_std().unwrap_or_default();
                if failing_for >= policy.disable_after {
                    let reason = format!(
                        "disabled on {}: every delivery failed since {} (last: {})",
                        at.format("%Y-%m-%d %H:%M UTC"),
                        from_db(since).format("%Y-%m-%d %H:%M UTC"),
                        failed.error.as_deref().unwrap_or_default()
                    );
                    diesel::update(webhooks::table.find(failed.webhook_id))
                        .set((
                            webhooks::enabled.eq(false),
                            webhooks::disabled_reason.eq(Some(reason)),
                            webhooks::updated_at.eq(at_db),
                        ))
                        .execute(conn)?;
                    disabled.push(failed.webhook_id);
                }
            }
            Ok(disabled)
        })
    }
}

fn succeeded_for(outcomes: &[&AttemptOutcome], webhook: i64) -> bool {
    outcomes
        .iter()
        .any(|o| o.webhook_id == webhook && o.error.is_none())
}
