//! Outbound webhooks: subscriptions, their delivery log, the events they
//! are sent, and connectors' delivery reports of operators' messages.

use crate::entities::Message;
use crate::ids::*;
use crate::machine::Actor;
use crate::status::{DeliveryStatus, Status, WebhookEventType};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A new subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"url": "https://connector.example.com/dialogdesk", "events": ["message.created", "dialog.finished"]})))]
pub struct CreateWebhookBody {
    /// Where to POST events: `http` or `https`, not a private, loopback or
    /// link-local address.
    pub url: String,
    /// The event types it wants (at least one).
    pub events: Vec<WebhookEventType>,
    /// Only events of dialogs on this channel; absent: every channel.
    #[serde(default)]
    pub channel_id: Option<ChannelId>,
}

/// A change of a subscription; absent fields stay as they are.
/// `enabled: true` also clears the reason it was disabled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookBody {
    /// Where to POST events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The event types it wants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<WebhookEventType>>,
    /// Only events of this channel's dialogs; `null`: every channel.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::present"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ChannelId>))]
    pub channel_id: Option<Option<ChannelId>>,
    /// Whether events are sent to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

/// A subscription as administrators see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Webhook {
    /// Id.
    pub id: WebhookId,
    /// Where events are POSTed.
    pub url: String,
    /// The event types it is sent.
    pub events: Vec<WebhookEventType>,
    /// Only this channel's dialogs; `null`: every channel.
    pub channel_id: Option<ChannelId>,
    /// Whether events are sent to it.
    pub enabled: bool,
    /// Why dialogdesk disabled it (it failed for a day), when it did.
    pub disabled_reason: Option<String>,
    /// Since when every attempt has failed; `null` after a success.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub failing_since: Option<DateTime<Utc>>,
    /// After a rotation, until when the previous secret still signs.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// When it was created.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub created_at: DateTime<Utc>,
}

/// A subscription just created, or its secret just rotated: the secret is
/// in this answer only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookWithSecret {
    /// Id.
    pub id: WebhookId,
    /// Where events are POSTed.
    pub url: String,
    /// The event types it is sent.
    pub events: Vec<WebhookEventType>,
    /// Only this channel's dialogs; `null`: every channel.
    pub channel_id: Option<ChannelId>,
    /// Whether events are sent to it.
    pub enabled: bool,
    /// The signing secret, `whsec_` and base64: verify `webhook-signature`
    /// with it (Standard Webhooks).
    pub secret: String,
    /// After a rotation, until when the previous secret still signs (each
    /// request then carries both signatures).
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub previous_secret_until: Option<DateTime<Utc>>,
}

/// Where a delivery of one event to one subscription stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WebhookDeliveryState {
    /// Not yet accepted: waiting for its first attempt or its next retry.
    Pending,
    /// The receiver answered 2xx.
    Succeeded,
    /// Every attempt failed (dead letter); redeliver it to try again.
    Failed,
}

/// One attempt of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAttempt {
    /// Id of the attempt.
    pub id: i64,
    /// The event (`webhook-id`).
    pub event_id: String,
    /// Its type.
    pub event_type: WebhookEventType,
    /// 1 for the first attempt.
    pub attempt: i32,
    /// The receiver's HTTP status; `null` when none came (timeout, refused).
    pub status_code: Option<i32>,
    /// From sending to the answer.
    pub latency_ms: i64,
    /// What went wrong, for a failed attempt.
    pub error: Option<String>,
    /// When.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub attempted_at: DateTime<Utc>,
    /// Where the delivery stands now.
    pub delivery_state: WebhookDeliveryState,
}

/// Send again one event, or every failed delivery since a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"event_id": "evt_42"})))]
pub struct RedeliverBody {
    /// One event (`webhook-id`), whatever its deliveries did.
    #[serde(default)]
    pub event_id: Option<String>,
    /// Every failed delivery of events created since then.
    #[serde(default)]
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339_option")
    )]
    pub since: Option<DateTime<Utc>>,
}

/// What a redelivery queued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redelivered {
    /// Deliveries queued again.
    pub queued: u64,
}

/// A channel connector's report of how far an operator's message got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"status": "delivered"})))]
pub struct DeliveryReport {
    /// `sent`, `delivered`, `read` or `failed`.
    pub status: DeliveryStatus,
    /// Why it failed (for `failed`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// The body of every webhook request (Standard Webhooks): the same `id`
/// as the `webhook-id` header, so receivers deduplicate on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookEnvelope {
    /// The event, e.g. `evt_42`; stable across retries.
    pub id: String,
    /// Its type; `data` has the schema of that type
    /// (`WebhookMessageCreated`, `MessageDeliveryUpdated`,
    /// `WebhookStatusChanged`, `WebhookAssigned`, `WebhookSettingsChanged`,
    /// `WebhookFinished`).
    #[serde(rename = "type")]
    pub event_type: WebhookEventType,
    /// When the change happened.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub created_at: DateTime<Utc>,
    /// What happened.
    pub data: serde_json::Value,
}

/// `message.created`: a message was stored. Subscriptions are integrations
/// and get full data (as an API token with the `read` scope does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookMessageCreated {
    /// The dialog.
    pub dialog_id: DialogId,
    /// Its channel.
    pub channel_id: ChannelId,
    /// The lead's id on the channel (chat id), when known: where a connector
    /// sends an operator's reply.
    pub client_external_id: Option<String>,
    /// The message (`author` says who wrote it).
    pub message: Message,
}

/// `dialog.status_changed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookStatusChanged {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The status before.
    pub before: Status,
    /// The status after.
    pub after: Status,
    /// Why (the state machine's reason, e.g. `operator_message`).
    pub reason: String,
    /// Who caused it.
    pub actor: Actor,
}

/// `dialog.assigned`: the dialog's manager changed (`after: null`: nobody).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookAssigned {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The manager before.
    pub before: Option<OperatorId>,
    /// The manager after.
    pub after: Option<OperatorId>,
    /// Who caused it.
    pub actor: Actor,
}

/// `dialog.settings_changed`: flow, step or tags; only what changed is
/// given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSettingsChanged {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The flow and step, before and after, when either changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepChange>,
    /// Tags added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_added: Vec<TagId>,
    /// Tags removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags_removed: Vec<TagId>,
    /// Who caused it.
    pub actor: Actor,
}

/// A change of flow and step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepChange {
    /// The flow before.
    pub flow_before: Option<FlowId>,
    /// The step before.
    pub step_before: Option<StepId>,
    /// The flow after.
    pub flow_after: Option<FlowId>,
    /// The step after.
    pub step_after: Option<StepId>,
}

/// `dialog.finished`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookFinished {
    /// The dialog.
    pub dialog_id: DialogId,
    /// When.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub finished_at: DateTime<Utc>,
    /// The operator who finished it; `null` when a flow's final step did.
    pub finished_by: Option<OperatorId>,
    /// Why (the state machine's reason).
    pub reason: String,
    /// Who caused it.
    pub actor: Actor,
}
