//! Bodies of the channel operations.

use serde::Deserialize;
use utoipa::ToSchema;

/// A new channel.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "whatsapp", "name": "WhatsApp продажи"}))]
pub struct CreateChannelBody {
    /// Messenger or platform.
    pub kind: dialogdesk_domain::ChannelKind,
    /// Display name.
    pub name: String,
}

/// A change; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChannelBody {
    /// Messenger or platform.
    pub kind: Option<dialogdesk_domain::ChannelKind>,
    /// Display name.
    pub name: Option<String>,
}
