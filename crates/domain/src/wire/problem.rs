//! The body of every error response (`application/problem+json`, RFC 9457).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "https://dialogdesk.dev/problems/conflict",
    "title": "Conflict",
    "status": 409,
    "detail": "the dialog changed since you opened it: you saved version 4, it is now at version 5",
    "conflict": {"code": "stale_version", "current": 5, "given": 4}
})))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened this time, for a person.
    pub detail: String,
    /// Field → message, for validation failures (`client.phone`, `status`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
    /// For refused transitions and stale saves: the machine-readable reason,
    /// e.g. `{"code": "refused", "status": "manual", "event": "bot_message"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub conflict: Option<serde_json::Value>,
}

/// The sentence for a person ([`Problem::message`]); a `Problem` is an
/// error, so a client can hand it to whatever collects errors.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Problem {}

impl Problem {
    /// The detail and every field error, as one sentence for a person.
    pub fn message(&self) -> String {
        let mut message = self.detail.clone();
        for (field, error) in &self.errors {
            message.push_str(&format!(" ({field}: {error})"));
        }
        message
    }
}
