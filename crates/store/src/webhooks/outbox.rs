//! Webhook events of one change, or of a batch of changes, written in
//! their transaction.

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
    /// Only this channel's events, when set.
    channel_id: Option<i64>,
    events: Vec<WebhookEventType>,
}

impl Subscriber {
    fn wants(&self, channel: ChannelId, event_type: WebhookEventType) -> bool {
        self.channel_id.is_none_or(|c| c == channel.0) && self.events.contains(&event_type)
    }
}

/// One event waiting to be written.
struct Pending {
    dialog_id: Option<DialogId>,
    channel: ChannelId,
    event_type: WebhookEventType,
    payload: String,
}

/// The webhook events of changes: collected while the changes are
/// written, stored with one delivery per subscription that wants each.
/// The enabled subscriptions are read once, however many dialogs the
/// changes touch.
pub struct Outbox {
    subscribers: Vec<Subscriber>,
    /// The dialog and channel [`Outbox::add`] writes for.
    current: (Option<DialogId>, ChannelId),
    events: Vec<Pending>,
}

impl Outbox {
    /// The outbox of a change of a dialog on `channel`: reads the enabled
    /// subscriptions.
    pub fn open(
        conn: &mut DbConnection,
        dialog_id: Option<DialogId>,
        channel: ChannelId,
    ) -> StoreResult<Outbox> {
        let rows: Vec<(i64, Option<i64>, String)> = webhooks::table
            .filter(webhooks::enabled.eq(true))
            .select((webhooks::id, webhooks::channel_id, webhooks::events))
            .load(conn)?;
        Ok(Outbox::with_subscriptions(rows, dialog_id, channel))
    }

    /// [`Outbox::open`] with the enabled subscriptions read by the caller,
    /// as (id, channel, events as stored).
    pub fn with_subscriptions(
        rows: Vec<(i64, Option<i64>, String)>,
        dialog_id: Option<DialogId>,
        channel: ChannelId,
    ) -> Outbox {
        Outbox {
            subscribers: rows
                .into_iter()
                .map(|(id, channel_id, events)| Subscriber {
                    id,
                    channel_id,
                    events: super::events_from_db(&events),
                })
                .collect(),
            current: (dialog_id, channel),
            events: Vec::new(),
        }
    }

    /// From now on, [`Outbox::add`] writes events of this dialog.
    pub fn switch_to(&mut self, dialog_id: DialogId, channel: ChannelId) {
        self.current = (Some(dialog_id), channel);
    }

    /// Whether any subscription wants events of this type from the current
    /// dialog's channel (so building the payload is worth it).
    pub fn wants(&self, event_type: WebhookEventType) -> bool {
        self.subscribers
            .iter()
            .any(|s| s.wants(self.current.1, event_type))
    }

    /// Adds an event of the current dialog, when a subscription wants it.
    pub fn add(&mut self, event_type: WebhookEventType, data: &impl Serialize) -> StoreResult<()> {
        if self.wants(event_type) {
            let payload =
                serde_json::to_string(data).map_err(|e| StoreError::Database(e.into()))?;
            let (dialog_id, channel) = self.current;
            self.events.push(Pending {
                dialog_id,
                channel,
                event_type,
                payload,
            });
        }
        Ok(())
    }

    /// Writes the events and their deliveries, in the order added (and
    /// forgets them).
    pub fn write(&mut self, conn: &mut DbConnection) -> StoreResult<()> {
        if self.events.is_empty() {
            return Ok(());
        }
        let at = to_db(now());
        for event in std::mem::take(&mut self.events) {
            let dialog = event.dialog_id.map(|d| d.0);
            let event_id: i64 = diesel::insert_into(webhook_events::table)
                .values((
                    webhook_events::kind.eq(event.event_type.as_str()),
                    webhook_events::dialog_id.eq(dialog),
                    webhook_events::payload.eq(event.payload),
                    webhook_events::created_at.eq(at),
                ))
                .returning(webhook_events::id)
                .get_result(conn)?;
            let deliveries: Vec<_> = self
                .subscribers
                .iter()
                .filter(|s| s.wants(event.channel, event.event_type))
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
            super::mark_queued();
        }
        Ok(())
    }
}
