//! Bodies of the operator operations.

use serde::Deserialize;
use utoipa::ToSchema;

/// A new operator.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Анна Смирнова", "email": "anna@example.com", "role": "operator", "password": "correct horse battery"}))]
pub struct CreateOperatorBody {
    /// Display name.
    pub name: String,
    /// Login e-mail (unique, case-insensitive).
    pub email: String,
    /// Role.
    pub role: dialogdesk_domain::Role,
    /// At least 8 characters.
    pub password: String,
}

/// A change; absent fields stay as they are. `active: false` deactivates:
/// the operator can no longer log in and their tokens stop working.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOperatorBody {
    /// Display name.
    pub name: Option<String>,
    /// Login e-mail.
    pub email: Option<String>,
    /// Role.
    pub role: Option<dialogdesk_domain::Role>,
    /// Whether the operator may log in.
    pub active: Option<bool>,
}

/// A new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// At least 8 characters.
    pub password: String,
}
