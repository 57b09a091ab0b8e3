//! The chats page: a dialog as lists show it, the per-tab counts, the
//! list's filters, the chat-settings save and the operator's reply.

use super::{present, DialogSort, Order};
use crate::entities::Client;
use crate::ids::*;
use crate::status::{Author, ChannelKind, FinishStatus, MessageKind, Status, View};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
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
    pub client: Client,
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
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub finished_at: Option<DateTime<Utc>>,
    /// Who finished it last.
    pub finished_by: Option<OperatorRef>,
    /// Why the status is what it is.
    pub status_reason: Option<String>,
    /// Created.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub created_at: DateTime<Utc>,
}

/// The nine status counts. `all` is their sum. Live `counts.changed` events
/// carry these: they go to every operator, while favourites are personal.
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

impl StatusCounts {
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

/// One count per tab of the chats page: the nine status counts and the
/// viewer's own `favourites`, in one flat object.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// The status tabs and `all`.
    #[serde(flatten)]
    pub statuses: StatusCounts,
    /// The viewer's favourites (0 for API tokens).
    pub favourites: i64,
    /// `true` when the counts are lower bounds: a search, or more than one
    /// filter at once, is counted over its first [`COUNT_CAP`] matching
    /// dialogs only (a count over every match would scan a million
    /// dialogs), and more matched. Show them as "1000+". One filter alone
    /// is always counted exactly (from counters).
    #[serde(default)]
    pub capped: bool,
}

/// How many matching dialogs a search-filtered count reads at most.
pub const COUNT_CAP: i64 = 1_000;

impl Counts {
    /// The count of a tab.
    pub fn of_view(&self, view: View) -> i64 {
        match (view, view.status()) {
            (_, Some(status)) => self.statuses.of(status),
            (View::Favourites, None) => self.favourites,
            (_, None) => self.statuses.all,
        }
    }
}

/// How long a search text (`q`) is, in characters after trimming.
///
/// At least 3: the trigram indexes that serve a search (SQLite FTS5
/// trigram, PostgreSQL `pg_trgm`) can only narrow a pattern of 3 or more
/// characters; a shorter one scans every client, which at a million dialogs
/// is a request anyone could repeat to load the database. That includes
/// two-letter Cyrillic names ("Ян", "Ли"): such a lead is found by the phone
/// or a longer part of the name, and the rule stays one rule.
pub mod search {
    /// The shortest search.
    pub const MIN: usize = 3;
    /// The longest search.
    pub const MAX: usize = 100;

    /// Why `q` is not a search the API takes, if it is not.
    pub fn refusal(q: &str) -> Option<String> {
        match q.trim().chars().count() {
            n if n < MIN => Some(format!("a search needs at least {MIN} characters")),
            n if n > MAX => Some(format!("a search is at most {MAX} characters")),
            _ => None,
        }
    }

    /// The search a search box's text asks for: trimmed, `None` when the
    /// API would refuse it (the web app then lists without searching).
    pub fn of_box(text: &str) -> Option<String> {
        let text = text.trim();
        refusal(text).is_none().then(|| text.to_owned())
    }
}

/// The filters the dialog list and the counts share (query parameters).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct DialogFilter {
    /// Client name, any part of it; or phone: for heads, admins and API
    /// tokens any part of its digits, for operators (who see phones masked)
    /// only the whole number, in any notation. 3 to 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(min_length = 3, max_length = 100))]
    pub q: Option<String>,
    /// Responsible manager.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub assignee_id: Option<OperatorId>,
    /// Channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub channel_id: Option<ChannelId>,
    /// Tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub tag_id: Option<TagId>,
    /// Flow.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub flow_id: Option<FlowId>,
    /// Step.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub step_id: Option<StepId>,
}

/// The dialog list's own parameters, beside [`DialogFilter`]: the tab, the
/// sort and the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct DialogListParams {
    /// The tab: `all` (default), `favourites`, or a status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    /// Sort key (default `last_message_at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<DialogSort>,
    /// Direction (default `desc`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// `next_cursor` of the previous page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::blank_as_none"
    )]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

/// The chat-settings save. An absent field is left as it is; `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"version": 4, "assignee_id": 3, "status": "waiting", "flow_id": 1, "step_id": 4, "tag_ids": [1, 2]})))]
pub struct SettingsBody {
    /// The dialog version the form was based on (or send `If-Match`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Responsible manager; `null` clears.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub assignee_id: Option<Option<OperatorId>>,
    /// Status by hand: any but `error`; `ignore` only when the lead wrote last;
    /// `auto` and `waiting` need a step; `start` clears flow and step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Flow; `null` takes the dialog out of its flow.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub flow_id: Option<Option<FlowId>>,
    /// Step of the flow. Chosen without `status`, its finish status applies.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>, nullable))]
    pub step_id: Option<Option<StepId>>,
    /// The complete set of tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<i64>>))]
    pub tag_ids: Option<Vec<TagId>>,
}

/// An operator's reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"text": "Здравствуйте! Я менеджер, помогу с оплатой."})))]
pub struct SendMessageBody {
    /// The text (not empty, at most 4096 characters).
    pub text: String,
}
