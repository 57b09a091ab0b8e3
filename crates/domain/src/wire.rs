//! The JSON shapes of DESIGN.md §5 that the API sends and the SPA reads.
//! Field names are the contract: add fields freely, never rename.

use crate::ids::*;
use crate::status::{Author, ChannelKind, FinishStatus, MessageKind, Role, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A client as lists show it. `phone` is masked for the `operator` role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientRef {
    /// Id.
    pub id: ClientId,
    /// Display name.
    pub name: String,
    /// E.164, or masked like `+7 *** ***-**-67`.
    pub phone: Option<String>,
    /// Avatar picture.
    pub avatar_url: Option<String>,
    /// Free-form fields integrations keep on the client (a JSON object).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom_fields: serde_json::Map<String, serde_json::Value>,
    /// When the client first wrote.
    pub created_at: DateTime<Utc>,
}

/// A channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelRef {
    /// Id.
    pub id: ChannelId,
    /// Messenger or platform.
    pub kind: ChannelKind,
    /// Display name.
    pub name: String,
}

/// An operator named in a dialog (assignee, who finished).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperatorRef {
    /// Id.
    pub id: OperatorId,
    /// Display name.
    pub name: String,
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

/// A flow named in a dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowRef {
    /// Id.
    pub id: FlowId,
    /// Display name.
    pub name: String,
}

/// A step named in a dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepInfo {
    /// Id.
    pub id: StepId,
    /// Display name.
    pub name: String,
    /// Order in the flow.
    pub position: i32,
    /// What reaching it does.
    pub finish_status: FinishStatus,
}

/// A tag on a dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagRef {
    /// Id.
    pub id: TagId,
    /// Display name.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
}

/// The last message of a dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LastMessageInfo {
    /// Who wrote it.
    pub author: Author,
    /// What it carries.
    pub kind: MessageKind,
    /// Text or caption.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One row of the chats page's dialog list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DialogListItem {
    /// Id.
    pub id: DialogId,
    /// Stored status.
    pub status: Status,
    /// The lead.
    pub client: ClientRef,
    /// Where.
    pub channel: ChannelRef,
    /// Responsible manager.
    pub assignee: Option<OperatorRef>,
    /// Flow.
    pub flow: Option<FlowRef>,
    /// Step.
    pub step: Option<StepInfo>,
    /// Tags.
    pub tags: Vec<TagRef>,
    /// Whether the viewing operator marked it.
    pub favourite: bool,
    /// Last message.
    pub last_message: Option<LastMessageInfo>,
    /// How many messages.
    pub message_count: i64,
    /// Optimistic-concurrency version for the settings save.
    pub version: i64,
    /// Last finish, kept when reopened.
    pub finished_at: Option<DateTime<Utc>>,
    /// Who finished it last.
    pub finished_by: Option<OperatorRef>,
    /// Why the status is what it is.
    pub status_reason: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// One count per tab of the chats page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Every dialog.
    pub all: i64,
    /// The viewer's favourites.
    pub favourites: i64,
    /// `auto`.
    pub auto: i64,
    /// `manual`.
    pub manual: i64,
    /// `ignore`.
    pub ignore: i64,
    /// `waiting`.
    pub waiting: i64,
    /// `start`.
    pub start: i64,
    /// `error`.
    pub error: i64,
    /// `blocked`.
    pub blocked: i64,
    /// `stopped`.
    pub stopped: i64,
    /// `finished`.
    pub finished: i64,
}

impl Counts {
    /// The count of one status tab.
    pub fn of(&self, status: Status) -> i64 {
        match status {
            Status::Start => self.start,
            Status::Auto => self.auto,
            Status::Manual => self.manual,
            Status::Waiting => self.waiting,
            Status::Ignore => self.ignore,
            Status::Error => self.error,
            Status::Blocked => self.blocked,
            Status::Stopped => self.stopped,
            Status::Finished => self.finished,
        }
    }

    /// Sets the count of one status tab.
    pub fn set(&mut self, status: Status, count: i64) {
        let slot = match status {
            Status::Start => &mut self.start,
            Status::Auto => &mut self.auto,
            Status::Manual => &mut self.manual,
            Status::Waiting => &mut self.waiting,
            Status::Ignore => &mut self.ignore,
            Status::Error => &mut self.error,
            Status::Blocked => &mut self.blocked,
            Status::Stopped => &mut self.stopped,
            Status::Finished => &mut self.finished,
        };
        *slot = count;
    }

    /// The sum of the nine status tabs (equals `all`).
    pub fn status_sum(&self) -> i64 {
        Status::ALL.iter().map(|s| self.of(*s)).sum()
    }
}

/// A client in the Dialog list (records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordClient {
    /// Display name.
    pub name: String,
    /// E.164, or masked for operators.
    pub phone: Option<String>,
    /// Avatar picture.
    pub avatar_url: Option<String>,
}

/// One row of the Dialog list of finished dialogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRow {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The client.
    pub client: RecordClient,
    /// The channel.
    pub channel: ChannelRef,
    /// The client's phone (masked for operators).
    pub number: Option<String>,
    /// Who finished it last (`null` when a step finished it).
    pub finished_by: Option<OperatorRef>,
    /// When it was finished last.
    pub finished_at: DateTime<Utc>,
    /// How many messages.
    pub message_count: i64,
}

/// A page of a keyset-paged list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

/// The nine status counts, without the personal `favourites` (live events
/// go to every operator; each client keeps its own favourites count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCounts {
    /// Every dialog.
    pub all: i64,
    /// `auto`.
    pub auto: i64,
    /// `manual`.
    pub manual: i64,
    /// `ignore`.
    pub ignore: i64,
    /// `waiting`.
    pub waiting: i64,
    /// `start`.
    pub start: i64,
    /// `error`.
    pub error: i64,
    /// `blocked`.
    pub blocked: i64,
    /// `stopped`.
    pub stopped: i64,
    /// `finished`.
    pub finished: i64,
}

impl From<Counts> for StatusCounts {
    fn from(c: Counts) -> StatusCounts {
        StatusCounts {
            all: c.all,
            auto: c.auto,
            manual: c.manual,
            ignore: c.ignore,
            waiting: c.waiting,
            start: c.start,
            error: c.error,
            blocked: c.blocked,
            stopped: c.stopped,
            finished: c.finished,
        }
    }
}

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
