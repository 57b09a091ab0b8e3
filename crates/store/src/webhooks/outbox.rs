//! Webhook events of one change, written in its transaction.

use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{now, to_db};
use crate::DbConnection;
use dialogdesk_domain::*;
use diesel::prelude::*;
use serde::Serialize;

/// An enabled subscription, as the outbox needs it.
struct Subscriber {
    id: i64,
    events: Vec<WebhookEventType>,
}

/// The webhook events of one change: collected while the change is
/// written, stored with one delivery per subscription that wants each.
pub struct Outbox {
    subscribers: Vec<Subscriber>,
    dialog_id: Option<DialogId>,
    events: Vec<(WebhookEventType, String)>,
}

impl Outbox {
    /// The outbox of a change of a dialog on `channel`: reads which enabled
    /// subscriptions would get its events.
    pub fn open(
        conn: &mut DbConnection,
        dialog_id: Option<DialogId>,
        channel: ChannelId,
    ) -> StoreResult<Outbox> {
        let rows: Vec<(i64, String)> = webhooks::table
            .filter(webhooks::enabled.eq(true))
            .filter(
                webhooks::channel_id
                    .is_null()
                    .or(webhooks::channel_id.eq(channel.0)),
            )
            .select((webhooks::id, webhooks::events))
            .load(conn)?;
        Ok(Outbox {
            subscribers: rows
                .into_iter()
                .map(|(id, events)| Subscriber {
                    id,
                    events: super::events_from_db(&events),
                })
                .collect(),
            dialog_id,
            events: Vec::new(),
        })
    }

    /// Whether any subscription wants events of this type (so building the
    /// payload is worth it).
    pub fn wants(&self, event_type: WebhookEventType) -> bool {
        self.subscribers
            .iter()
            .any(|s| s.events.contains(&event_type))
    }

    /// Adds an event, when a subscription wants it.
    pub fn add(&mut self, event_type: WebhookEventType, data: &impl Serialize) -> StoreResult<()> {
        if self.wants(event_type) {
            let payload =
                serde_json::to_string(data).map_err(|e| StoreError::Database(e.into()))?;
            self.events.push((event_type, payload));
        }
        Ok(())
    }

    /// Writes the events and their deliveries, in the order added.
    pub fn write(self, conn: &mut DbConnection) -> StoreResult<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let at = to_db(now());
        let dialog = self.dialog_id.map(|d| d.0);
        for (event_type, payload) in self.events {
            let event_id: i64 = diesel::insert_into(webhook_events::table)
                .values((
                    webhook_events::kind.eq(event_type.as_str()),
                    webhook_events::dialog_id.eq(dialog),
                    webhook_events::payload.eq(payload),
                    webhook_events::created_at.eq(at),
                ))
                .returning(webhook_events::id)
                .get_result(conn)?;
            let deliveries: Vec<_> = self
                .subscribers
                .iter()
                .filter(|s| s.events.contains(&event_type))
                .map(|s| {
                    (
                        webhook_deliveries::webhook_id.eq(s.id),
                        webhook_deliveries::event_id.eq(event_id),
                        webhook_deliveries::dialog_id.eq(dialog),
                        webhook_deliveries::state.eq("pending"),
                        webhook_deliveries::attempts.eq(0),
                        webhook_deliveries::next_attempt_at.eq(at),
                        webhook_deliveries::created_at.eq(at),
                    )
                })
                .collect();
            crate::on_backend!(conn, |c| diesel::insert_into(webhook_deliveries::table)
                .values(&deliveries)
                .execute(c))?;
        }
        Ok(())
    }
}
