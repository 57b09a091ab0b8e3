//! Bodies of the tag operations.

use serde::Deserialize;
use utoipa::ToSchema;

/// A new tag.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "VIP", "color": "#e53935"}))]
pub struct CreateTagBody {
    /// Display name (unique).
    pub name: String,
    /// `#rrggbb` or `#rgb`.
    pub color: String,
}

/// A change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTagBody {
    /// Display name.
    pub name: Option<String>,
    /// `#rrggbb` or `#rgb`.
    pub color: Option<String>,
}
