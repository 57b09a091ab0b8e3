//! Logging in, and who is logged in.

use crate::ids::OperatorId;
use crate::status::Role;
use serde::{Deserialize, Serialize};

/// Credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"email": "operator@demo.local", "password": "operator-demo"})))]
pub struct LoginRequest {
    /// Login e-mail (case-insensitive).
    pub email: String,
    /// Password.
    pub password: String,
}

/// A new access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// The JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    /// Who logged in.
    pub operator: Me,
}

/// The logged-in operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// Id.
    pub id: OperatorId,
    /// Display name.
    pub name: String,
    /// Login.
    pub email: String,
    /// Role.
    pub role: Role,
}
