//! Delivery status of operators' messages: what the channel connector
//! reports, and an operator's resend of a reply that failed.

use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::webhooks::outbox::Outbox;
use crate::{live, DbConnection, Store};
use dialogdesk_domain::wire::{self, DeliveryReport};
use dialogdesk_domain::*;
use diesel::prelude::*;

/// An operator's message with its dialog's channel and the lead's chat id.
fn operator_message(
    conn: &mut DbConnection,
    id: MessageId,
) -> StoreResult<(Message, ChannelId, Option<String>)> {
    let found: Option<(MessageRow, i64, Option<String>)> = messages::table
        .inner_join(dialogs::table)
        .filter(messages::id.eq(id.0))
        .select((
            MessageRow::as_select(),
            dialogs::channel_id,
            dialogs::client_external_id,
        ))
        .first(conn)
        .optional()?;
    let (row, channel, chat) = found.ok_or_else(|| StoreError::not_found("message", id.0))?;
    let message = row.into_message()?;
    if message.author != Author::Operator {
        return Err(StoreError::Conflict(format!(
            "message {id} is a {}'s: only operators' messages have a delivery status",
            message.author
        )));
    }
    Ok((message, ChannelId(channel), chat))
}

/// Writes a message's new delivery status with its live event, and adds
/// its webhook event to `outbox` (which the caller writes).
fn set_delivery(
    conn: &mut DbConnection,
    message: &Message,
    delivery: &Delivery,
    outbox: &mut Outbox,
) -> StoreResult<()> {
    diesel::update(messages::table.find(message.id.0))
        .set((
            messages::delivery_status.eq(delivery.status.as_str()),
            messages::delivery_updated_at.eq(to_db(delivery.updated_at)),
            messages::delivery_reason.eq(&delivery.reason),
        ))
        .execute(conn)?;
    let update = wire::MessageDeliveryUpdated {
        dialog_id: message.dialog_id,
        message_id: message.id,
        delivery: delivery.clone(),
    };
    let mut events = live::Batch::default();
    events.add(
        live::kind::MESSAGE_DELIVERY_UPDATED,
        Some(message.dialog_id),
        &update,
    )?;
    events.write(conn)?;
    outbox.add(WebhookEventType::MessageDeliveryUpdated, &update)
}

impl Store {
    /// A channel connector's report of how far an operator's message got.
    /// Idempotent and never backwards: a report that would not move the
    /// status (a repeat, a late `sent` after `read`) changes nothing and
    /// returns the message as it is.
    pub fn report_delivery(&self, id: MessageId, report: &DeliveryReport) -> StoreResult<Message> {
        if report.status == DeliveryStatus::Pending {
            return Err(StoreError::invalid(
                "status",
                "report `sent`, `delivered`, `read` or `failed`; a message starts `pending`",
            ));
        }
        let reason = report
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned);
        self.write("report_delivery", |conn| {
            let (mut message, channel, _) = operator_message(conn, id)?;
            // Replies stored before delivery status was kept count as pending.
            let current = message
                .delivery
                .as_ref()
                .map_or(DeliveryStatus::Pending, |d| d.status);
            if !current.moves_to(report.status) {
                return Ok(message);
            }
            let delivery = Delivery {
                status: report.status,
                updated_at: from_db(to_db(now())),
                reason: (report.status == DeliveryStatus::Failed)
                    .then_some(reason)
                    .flatten(),
            };
            let mut outbox = Outbox::open(conn, Some(message.dialog_id), channel)?;
            set_delivery(conn, &message, &delivery, &mut outbox)?;
            outbox.write(conn)?;
            message.delivery = Some(delivery);
            Ok(message)
        })
    }

    /// An operator's "Retry" of a reply the channel refused: the message is
    /// `pending` again and `message.created` is sent to the subscriptions
    /// once more, so the connector tries again.
    pub fn resend_message(&self, id: MessageId) -> StoreResult<Message> {
        self.write("resend_message", |conn| {
            let (mut message, channel, chat) = operator_message(conn, id)?;
            if message.delivery.as_ref().map(|d| d.status) != Some(DeliveryStatus::Failed) {
                return Err(StoreError::Conflict(format!(
                    "message {id} has not failed: only a failed reply is sent again"
                )));
            }
            let delivery = Delivery {
                status: DeliveryStatus::Pending,
                updated_at: from_db(to_db(now())),
                reason: None,
            };
            let mut outbox = Outbox::open(conn, Some(message.dialog_id), channel)?;
            set_delivery(conn, &message, &delivery, &mut outbox)?;
            message.delivery = Some(delivery);
            outbox.add(
                WebhookEventType::MessageCreated,
                &wire::WebhookMessageCreated {
                    dialog_id: message.dialog_id,
                    channel_id: channel,
                    client_external_id: chat,
                    message: message.clone(),
                },
            )?;
            outbox.write(conn)?;
            Ok(message)
        })
    }
}
