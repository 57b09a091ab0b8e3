//! A channel connector delivers a lead's message.

use crate::ids::*;
use crate::status::{MessageKind, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long what integrations send may be, in characters. Longer input is
/// refused with a 422 naming the field, before anything is written.
pub mod limits {
    /// A lead's name.
    pub const NAME: usize = 200;
    /// A message's text or caption (also the bot's and an operator's).
    pub const TEXT: usize = 4096;
    /// A channel's id of a lead or a message.
    pub const EXTERNAL_ID: usize = 256;
    /// A media, avatar or webhook URL (http or https only).
    pub const URL: usize = 2048;
    /// Why a channel refused a message (a delivery report).
    pub const DELIVERY_REASON: usize = 500;
}

/// Reads a text that may be absent or `null` as empty: a voice note or a
/// picture has no caption, and connectors say so either way.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(d).map(Option::unwrap_or_default)
}

/// The lead as the channel knows it. Give `external_id`, `phone`, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InboundClientBody {
    /// The lead's id on the channel (chat id, user id).
    pub external_id: Option<String>,
    /// The lead's phone, any common notation; stored in E.164.
    pub phone: Option<String>,
    /// The lead's name, when the channel tells it.
    pub name: Option<String>,
    /// Avatar picture: an `http` or `https` URL.
    pub avatar_url: Option<String>,
}

/// The message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InboundMessageBody {
    /// The channel's message id: a repeat with the same id is recognised.
    pub external_id: Option<String>,
    /// `text` (default) or a kind of media; media moves the dialog to `manual`.
    pub kind: Option<MessageKind>,
    /// Text or caption (`null` or absent for media without a caption).
    #[serde(default, deserialize_with = "null_as_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable))]
    pub text: String,
    /// Where the media is: an `http` or `https` URL.
    pub media_url: Option<String>,
    /// When the lead sent it (default: now; a time in the future counts as now,
    /// so a lead cannot pin a dialog to the top of every list).
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "channel_id": 1,
    "client": {"external_id": "79123456789@c.us", "phone": "+7 912 345-67-89", "name": "Анна", "avatar_url": null},
    "message": {"external_id": "wamid.HBgL", "kind": "text", "text": "Здравствуйте! Сколько стоит курс?", "media_url": null, "sent_at": "2026-11-21T09:30:00Z"}
})))]
pub struct InboundBody {
    /// The channel the message came through.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub channel_id: ChannelId,
    /// The lead.
    pub client: InboundClientBody,
    /// The message.
    pub message: InboundMessageBody,
}

/// What the delivery did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboundResponse {
    /// The dialog (created when new).
    pub dialog_id: DialogId,
    /// The stored message.
    pub message_id: MessageId,
    /// The dialog's status after the message.
    pub status: Status,
    /// `true` when this channel message id was delivered before: nothing was written.
    pub duplicate: bool,
}
