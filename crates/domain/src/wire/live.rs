//! The payloads of the live stream (`GET /api/v1/stream`), one per SSE
//! event name.

use super::StatusCounts;
use crate::ids::*;
use crate::status::Status;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Live event `dialog.updated`: a dialog's state after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DialogUpdated {
    /// The dialog.
    pub id: DialogId,
    /// Its status.
    pub status: Status,
    /// Its manager.
    pub assignee_id: Option<OperatorId>,
    /// Its flow.
    pub flow_id: Option<FlowId>,
    /// Its step.
    pub step_id: Option<StepId>,
    /// Its version (for the settings save).
    pub version: i64,
    /// When the last message was sent.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub last_message_at: DateTime<Utc>,
    /// How many messages.
    pub message_count: i64,
}

/// Live event `message.created`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageCreated {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The message.
    pub message: crate::entities::Message,
}

/// Live event and webhook `message.delivery_updated`: a channel connector
/// reported how far an operator's message got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageDeliveryUpdated {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The message.
    pub message_id: crate::ids::MessageId,
    /// Where it is now.
    pub delivery: crate::entities::Delivery,
}

/// Live event `timeline.appended`: the entries one change wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineAppended {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The new entries, oldest first.
    pub events: Vec<crate::entities::TimelineEvent>,
}

/// Live event `counts.changed`: the status counts after a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountsChanged {
    /// The counts now.
    pub counts: StatusCounts,
}

/// Live event `resync`: the stream cannot replay what the client missed
/// (too old, or the client fell behind); refetch lists and counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resync {
    /// Why.
    pub reason: String,
}

/// What part of the catalog a `catalog.changed` event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CatalogPart {
    /// Operators (a new one, a rename, a deactivation).
    Operators,
    /// Channels.
    Channels,
    /// Flows and their steps.
    Flows,
    /// Tags.
    Tags,
}

/// Live event `catalog.changed`: an admin changed operators, channels,
/// flows or tags; clients that offer them (filters, the User Data panel)
/// read that part again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogChanged {
    /// Which part.
    pub part: CatalogPart,
}

/// A ticket that opens the live stream once (`?ticket=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"ticket": "dst_9f2c…", "expires_in": 30})))]
pub struct StreamTicket {
    /// The ticket: `GET /api/v1/stream?ticket=…`.
    pub ticket: String,
    /// Seconds within which it must be used.
    pub expires_in: i64,
}

/// The stream's parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct StreamParams {
    /// A single-use ticket from `POST /api/v1/stream/ticket`, for browsers'
    /// `EventSource`, which cannot set an `Authorization` header. It opens
    /// one stream within 30 seconds and is void after: a URL may end up in a
    /// log, so it never carries a reusable credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Resume after this event id; the same as the `Last-Event-ID` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_event_id: Option<i64>,
}

/// Every payload of the stream, for the OpenAPI components and for clients
/// that decode by event name ([`LiveEventBody::decode`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LiveEventBody {
    /// `dialog.updated`.
    DialogUpdated(DialogUpdated),
    /// `message.created`.
    MessageCreated(MessageCreated),
    /// `message.delivery_updated`.
    MessageDeliveryUpdated(MessageDeliveryUpdated),
    /// `counts.changed`.
    CountsChanged(CountsChanged),
    /// `timeline.appended`.
    TimelineAppended(TimelineAppended),
    /// `catalog.changed`.
    CatalogChanged(CatalogChanged),
    /// `resync`.
    Resync(Resync),
}

/// The SSE event names, as the stream sends them.
pub mod live_event {
    /// A dialog's state changed.
    pub const DIALOG_UPDATED: &str = "dialog.updated";
    /// A message was stored.
    pub const MESSAGE_CREATED: &str = "message.created";
    /// A connector reported how far an operator's message got.
    pub const MESSAGE_DELIVERY_UPDATED: &str = "message.delivery_updated";
    /// Timeline entries were written.
    pub const TIMELINE_APPENDED: &str = "timeline.appended";
    /// The status counts changed.
    pub const COUNTS_CHANGED: &str = "counts.changed";
    /// Operators, channels, flows or tags changed.
    pub const CATALOG_CHANGED: &str = "catalog.changed";
    /// The client must refetch.
    pub const RESYNC: &str = "resync";
}

impl LiveEventBody {
    /// Decodes the `data` of an SSE event by its name; `None` for a name
    /// this version does not know (clients ignore those) or a body that
    /// does not parse.
    pub fn decode(name: &str, data: &str) -> Option<LiveEventBody> {
        use serde_json::from_str;
        Some(match name {
            live_event::DIALOG_UPDATED => LiveEventBody::DialogUpdated(from_str(data).ok()?),
            live_event::MESSAGE_CREATED => LiveEventBody::MessageCreated(from_str(data).ok()?),
            live_event::MESSAGE_DELIVERY_UPDATED => {
                LiveEventBody::MessageDeliveryUpdated(from_str(data).ok()?)
            }
            live_event::TIMELINE_APPENDED => LiveEventBody::TimelineAppended(from_str(data).ok()?),
            live_event::COUNTS_CHANGED => LiveEventBody::CountsChanged(from_str(data).ok()?),
            live_event::CATALOG_CHANGED => LiveEventBody::CatalogChanged(from_str(data).ok()?),
            live_event::RESYNC => LiveEventBody::Resync(from_str(data).ok()?),
            _ => return None,
        })
    }
}
