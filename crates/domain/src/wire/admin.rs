//! Administration: operators, channels, flows and steps, tags, API tokens.

use crate::ids::*;
use crate::status::{ChannelKind, FinishStatus, Role, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A new operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Анна Смирнова", "email": "anna@example.com", "role": "operator", "password": "correct horse battery"})))]
pub struct CreateOperatorBody {
    /// Display name.
    pub name: String,
    /// Login e-mail (unique, case-insensitive).
    pub email: String,
    /// Role.
    pub role: Role,
    /// At least 8 characters.
    pub password: String,
}

/// A change; absent fields stay as they are. `active: false` deactivates:
/// the operator can no longer log in and their tokens stop working.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOperatorBody {
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Login e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Whether the operator may log in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// At least 8 characters.
    pub password: String,
}

/// A new channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"kind": "whatsapp", "name": "WhatsApp продажи"})))]
pub struct CreateChannelBody {
    /// Messenger or platform.
    pub kind: ChannelKind,
    /// Display name.
    pub name: String,
}

/// A change; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelBody {
    /// Messenger or platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ChannelKind>,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A step of a new flow, or a new step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// Display name.
    pub name: String,
    /// What reaching it does: `none` (auto), `waiting`, `finished`.
    pub finish_status: FinishStatus,
}

/// A new flow with its steps in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Продажа курса", "steps": [
    {"name": "Приветствие", "finish_status": "none"},
    {"name": "Ожидание оплаты", "finish_status": "waiting"},
    {"name": "Оплата получена", "finish_status": "finished"}
]})))]
pub struct CreateFlowBody {
    /// Display name.
    pub name: String,
    /// The steps in order.
    #[serde(default)]
    pub steps: Vec<StepBody>,
}

/// A new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RenameBody {
    /// Display name.
    pub name: String,
}

/// A change of a step; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateStepBody {
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What reaching it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_status: Option<FinishStatus>,
}

/// The new order: every step of the flow, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepOrderBody {
    /// Step ids in the new order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<i64>))]
    pub step_ids: Vec<StepId>,
}

/// A new tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "VIP", "color": "#e53935"})))]
pub struct CreateTagBody {
    /// Display name (unique).
    pub name: String,
    /// `#rrggbb` or `#rgb`.
    pub color: String,
}

/// A change; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateTagBody {
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `#rrggbb` or `#rgb`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

/// A new API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "WhatsApp connector", "scopes": ["inbound"]})))]
pub struct CreateTokenBody {
    /// What it is for.
    pub name: String,
    /// What it may do: `inbound`, `bot`, `read`, `admin`.
    pub scopes: Vec<Scope>,
}

/// The new token with its secret: shown this once, never again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    /// Id.
    pub id: ApiTokenId,
    /// Name.
    pub name: String,
    /// Scopes.
    pub scopes: Vec<Scope>,
    /// The secret to send as `Authorization: Bearer …`.
    pub token: String,
}

/// A token as administrators see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    /// Id.
    pub id: ApiTokenId,
    /// What it is for, e.g. "WhatsApp connector".
    pub name: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// The operator who created it.
    pub created_by: Option<OperatorId>,
    /// When.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub created_at: DateTime<Utc>,
    /// Last request made with it (kept to the minute).
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked token is refused.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub revoked_at: Option<DateTime<Utc>>,
}
