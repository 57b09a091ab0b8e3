//! The entities of DESIGN.md §1 as the rest of the system sees them.

use crate::ids::*;
use crate::machine::{Actor, TimelineChange};
use crate::status::{Author, ChannelKind, FinishStatus, MessageKind, Role};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A person who logs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Operator {
    /// Id.
    pub id: OperatorId,
    /// Display name.
    pub name: String,
    /// Login, lower-case.
    pub email: String,
    /// What the operator may do.
    pub role: Role,
    /// Inactive operators cannot log in and are not offered as assignees.
    pub active: bool,
}

/// Where dialogs happen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Channel {
    /// Id.
    pub id: ChannelId,
    /// Messenger or platform.
    pub kind: ChannelKind,
    /// Display name, e.g. "WhatsApp sales".
    pub name: String,
}

/// The lead. `phone` is masked like `+7 *** ***-**-67` for the `operator` role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Client {
    /// Id.
    pub id: ClientId,
    /// Display name (may be empty when the channel did not tell).
    pub name: String,
    /// E.164 phone, when known.
    pub phone: Option<String>,
    /// Avatar picture.
    pub avatar_url: Option<String>,
    /// Free-form fields an integration keeps on the client (a JSON object).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    /// When the client first wrote.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub created_at: DateTime<Utc>,
}

/// A step of a sales flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// Id.
    pub id: StepId,
    /// The flow it belongs to.
    pub flow_id: FlowId,
    /// Display name.
    pub name: String,
    /// Order inside the flow, from 0.
    pub position: i32,
    /// What reaching it does to the status.
    pub finish_status: FinishStatus,
}

/// A sales flow: an ordered list of steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flow {
    /// Id.
    pub id: FlowId,
    /// Display name.
    pub name: String,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// A tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    /// Id.
    pub id: TagId,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

/// A message of a dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    /// Id.
    pub id: MessageId,
    /// The dialog.
    pub dialog_id: DialogId,
    /// Who wrote it.
    pub author: Author,
    /// The operator who wrote it, for operator messages.
    pub operator_id: Option<OperatorId>,
    /// What it carries.
    pub kind: MessageKind,
    /// Text or caption.
    pub text: String,
    /// Media location, for media kinds.
    pub media_url: Option<String>,
    /// The channel's own id of the message (idempotency key). Always `null`
    /// for the `operator` role: a channel's ids can hold the lead's number.
    pub external_id: Option<String>,
    /// When it was sent.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub sent_at: DateTime<Utc>,
    /// How far the channel got with it: operators' messages only (`null`
    /// for the others, and for replies stored before delivery status was
    /// kept).
    #[serde(default)]
    pub delivery: Option<Delivery>,
}

/// The delivery status of an operator's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Where it is.
    pub status: crate::DeliveryStatus,
    /// When it got there.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub updated_at: DateTime<Utc>,
    /// Why it failed, for `failed`.
    pub reason: Option<String>,
}

/// An entry of a dialog's activity timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    /// Id.
    pub id: EventId,
    /// The dialog.
    pub dialog_id: DialogId,
    /// `status_changed`, `step_changed`, `assignee_changed`, `tags_changed`, `message_added`.
    pub kind: String,
    /// Who caused it.
    pub actor: Actor,
    /// Why (machine-readable).
    pub reason: String,
    /// What changed, from what to what, tagged by `type`.
    pub change: TimelineChange,
    /// The aspect before, as JSON text. Deprecated: read `change`; kept
    /// for one release for clients written against it.
    #[cfg_attr(feature = "openapi", schema(deprecated))]
    pub before: String,
    /// The aspect after, as JSON text. Deprecated: read `change`.
    #[cfg_attr(feature = "openapi", schema(deprecated))]
    pub after: String,
    /// When.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub at: DateTime<Utc>,
}
