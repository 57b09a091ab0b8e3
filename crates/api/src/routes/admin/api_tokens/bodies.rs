//! Bodies of the API token operations.

use dialogdesk_domain::{ApiTokenId, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A new token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "WhatsApp connector", "scopes": ["inbound"]}))]
pub struct CreateTokenBody {
    /// What it is for.
    pub name: String,
    /// What it may do: `inbound`, `bot`, `read`, `admin`.
    pub scopes: Vec<Scope>,
}

/// The new token with its secret: shown this once, never again.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
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
