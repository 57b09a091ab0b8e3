//! Webhook subscriptions: create, list, change, delete, rotate the secret.

use super::{events_from_db, events_to_db};
use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::Store;
use base64::Engine;
use chrono::NaiveDateTime;
use dialogdesk_domain::wire::{UpdateWebhookBody, Webhook, WebhookWithSecret};
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::Rng;

/// A subscription to create (its URL already checked by the caller).
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// Where to POST.
    pub url: String,
    /// The event types.
    pub events: Vec<WebhookEventType>,
    /// Only this channel's dialogs.
    pub channel_id: Option<ChannelId>,
}

/// How long the previous secret keeps signing after a rotation, so
/// receivers can switch without losing events.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// A subscription row (without the previous secret, which only signs).
#[derive(Queryable, Selectable)]
#[diesel(table_name = webhooks)]
pub(super) struct WebhookRow {
    id: i64,
    url: String,
    events: String,
    channel_id: Option<i64>,
    enabled: bool,
    secret: String,
    previous_secret_until: Option<NaiveDateTime>,
    failing_since: Option<NaiveDateTime>,
    disabled_reason: Option<String>,
    created_at: NaiveDateTime,
}

impl WebhookRow {
    /// The previous secret signs until then; a past time is shown as none.
    fn previous_until(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.previous_secret_until
            .map(from_db)
            .filter(|until| *until > now())
    }

    fn into_wire(self) -> Webhook {
        Webhook {
            id: WebhookId(self.id),
            previous_secret_until: self.previous_until(),
            url: self.url,
            events: events_from_db(&self.events),
            channel_id: self.channel_id.map(ChannelId),
            enabled: self.enabled,
            disabled_reason: self.disabled_reason,
            failing_since: self.failing_since.map(from_db),
            created_at: from_db(self.created_at),
        }
    }

    fn into_with_secret(self) -> WebhookWithSecret {
        WebhookWithSecret {
            id: WebhookId(self.id),
            previous_secret_until: self.previous_until(),
            url: self.url,
            events: events_from_db(&self.events),
            channel_id: self.channel_id.map(ChannelId),
            enabled: self.enabled,
            secret: self.secret,
        }
    }
}

/// A new signing secret: `whsec_` and 32 random bytes in base64, the
/// Standard Webhooks form every verifying library reads.
fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn check_events(events: &[WebhookEventType]) -> StoreResult<()> {
    if events.is_empty() {
        return Err(StoreError::invalid(
            "events",
            "name at least one event type",
        ));
    }
    Ok(())
}

fn check_channel(conn: &mut crate::DbConnection, channel: Option<ChannelId>) -> StoreResult<()> {
    if let Some(channel) = channel {
        let found: Option<i64> = channels::table
            .find(channel.0)
            .select(channels::id)
            .first(conn)
            .optional()?;
        if found.is_none() {
            return Err(StoreError::invalid(
                "channel_id",
                format!("channel {channel} does not exist"),
            ));
        }
    }
    Ok(())
}

/// A change of a subscription: `None` leaves a column as it is.
#[derive(AsChangeset)]
#[diesel(table_name = webhooks)]
struct WebhookChange<'a> {
    url: Option<&'a str>,
    events: Option<String>,
    channel_id: Option<Option<i64>>,
    enabled: Option<bool>,
    disabled_reason: Option<Option<String>>,
    failing_since: Option<Option<NaiveDateTime>>,
    updated_at: NaiveDateTime,
}

/// A subscription's row, or `NotFound`.
pub(super) fn load(conn: &mut crate::DbConnection, id: WebhookId) -> StoreResult<WebhookRow> {
    webhooks::table
        .find(id.0)
        .select(WebhookRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("webhook", id.0))
}

impl Store {
    /// Creates a subscription with a new secret (shown in this answer only).
    pub fn create_webhook(&self, new: &NewWebhook) -> StoreResult<WebhookWithSecret> {
        check_events(&new.events)?;
        self.write("create_webhook", |conn| {
            check_channel(conn, new.channel_id)?;
            let at = to_db(now());
            let id: i64 = diesel::insert_into(webhooks::table)
                .values((
                    webhooks::url.eq(&new.url),
                    webhooks::events.eq(events_to_db(&new.events)),
                    webhooks::channel_id.eq(new.channel_id.map(|c| c.0)),
                    webhooks::enabled.eq(true),
                    webhooks::secret.eq(new_secret()),
                    webhooks::created_at.eq(at),
                    webhooks::updated_at.eq(at),
                ))
                .returning(webhooks::id)
                .get_result(conn)?;
            Ok(load(conn, WebhookId(id))?.into_with_secret())
        })
    }

    /// Every subscription, oldest first.
    pub fn webhooks(&self) -> StoreResult<Vec<Webhook>> {
        self.read("webhooks", |conn| {
            let rows: Vec<WebhookRow> = webhooks::table
                .order_by(webhooks::id)
                .select(WebhookRow::as_select())
                .load(conn)?;
            Ok(rows.into_iter().map(WebhookRow::into_wire).collect())
        })
    }

    /// Changes a subscription; `url`, when given, already checked by the
    /// caller. Enabling it clears why it was disabled and its failing
    /// streak.
    pub fn update_webhook(
        &self,
        id: WebhookId,
        change: &UpdateWebhookBody,
    ) -> StoreResult<Webhook> {
        if let Some(events) = &change.events {
            check_events(events)?;
        }
        self.write("update_webhook", |conn| {
            load(conn, id)?;
            if let Some(channel) = change.channel_id {
                check_channel(conn, channel)?;
            }
            // Enabling clears why it was disabled and its failing streak.
            let enabling = change.enabled == Some(true);
            diesel::update(webhooks::table.find(id.0))
                .set(WebhookChange {
                    url: change.url.as_deref(),
                    events: change.events.as_deref().map(events_to_db),
                    channel_id: change.channel_id.map(|c| c.map(|c| c.0)),
                    enabled: change.enabled,
                    disabled_reason: enabling.then_some(None),
                    failing_since: enabling.then_some(None),
                    updated_at: to_db(now()),
                })
                .execute(conn)?;
            Ok(load(conn, id)?.into_wire())
        })
    }

    /// Deletes a subscription with its deliveries and log.
    pub fn delete_webhook(&self, id: WebhookId) -> StoreResult<()> {
        self.write("delete_webhook", |conn| {
            // SQLite enforces ON DELETE CASCADE too, but the log goes first
            // so a large one is one statement per table on both.
            diesel::delete(webhook_attempts::table.filter(webhook_attempts::webhook_id.eq(id.0)))
                .execute(conn)?;
            diesel::delete(
                webhook_deliveries::table.filter(webhook_deliveries::webhook_id.eq(id.0)),
            )
            .execute(conn)?;
            let gone = diesel::delete(webhooks::table.find(id.0)).execute(conn)?;
            if gone == 0 {
                return Err(StoreError::not_found("webhook", id.0));
            }
            Ok(())
        })
    }

    /// Gives a subscription a new secret; the previous one keeps signing for
    /// [`ROTATION_OVERLAP_HOURS`].
    pub fn rotate_webhook_secret(&self, id: WebhookId) -> StoreResult<WebhookWithSecret> {
        self.write("rotate_webhook_secret", |conn| {
            let row = load(conn, id)?;
            let at = now();
            diesel::update(webhooks::table.find(id.0))
                .set((
                    webhooks::previous_secret.eq(Some(row.secret)),
                    webhooks::previous_secret_until.eq(Some(to_db(
                        at + chrono::Duration::hours(ROTATION_OVERLAP_HOURS),
                    ))),
                    webhooks::secret.eq(new_secret()),
                    webhooks::updated_at.eq(to_db(at)),
                ))
                .execute(conn)?;
            Ok(load(conn, id)?.into_with_secret())
        })
    }
}
