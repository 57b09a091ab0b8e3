//! Rows as diesel reads and writes them, and their conversion to domain types.

use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::from_db;
use chrono::NaiveDateTime;
use dialogdesk_domain::machine::DialogState;
use dialogdesk_domain::*;
use diesel::prelude::*;
use std::collections::BTreeSet;
use std::str::FromStr;

/// Parses a stored enum; a value the code does not know means the database
/// was written by something else, which is a server fault, not the client's.
pub fn parse_stored<T: FromStr<Err = UnknownName>>(text: &str) -> StoreResult<T> {
    text.parse()
        .map_err(|e: UnknownName| StoreError::Database(anyhow::anyhow!("stored value: {e}")))
}

/// A `dialogs` row.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = dialogs)]
pub struct DialogRow {
    pub id: i64,
    pub client_id: i64,
    pub channel_id: i64,
    pub client_external_id: Option<String>,
    pub status: String,
    pub flow_id: Option<i64>,
    pub step_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub last_message_at: NaiveDateTime,
    pub last_message_author: Option<String>,
    pub last_message_kind: Option<String>,
    pub last_message_text: Option<String>,
    pub message_count: i64,
    pub finished_at: Option<NaiveDateTime>,
    pub finished_by: Option<i64>,
    pub status_reason: Option<String>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub client_name: String,
    pub finished_by_name: String,
    pub awaiting_reply_since: Option<NaiveDateTime>,
}

impl DialogRow {
    /// The state machine's view of this row (tags are loaded separately).
    pub fn state(&self, tag_ids: BTreeSet<TagId>) -> StoreResult<DialogState> {
        Ok(DialogState {
            status: parse_stored(&self.status)?,
            flow_id: self.flow_id.map(FlowId),
            step_id: self.step_id.map(StepId),
            assignee_id: self.assignee_id.map(OperatorId),
            tag_ids,
            last_message_author: self
                .last_message_author
                .as_deref()
                .map(parse_stored)
                .transpose()?,
            message_count: self.message_count,
            finished_at: self.finished_at.map(from_db),
            finished_by: self.finished_by.map(OperatorId),
            status_reason: self.status_reason.clone(),
            version: self.version,
        })
    }

    /// The last message as lists show it.
    pub fn last_message(&self) -> StoreResult<Option<wire::LastMessageInfo>> {
        let (Some(author), Some(kind)) = (&self.last_message_author, &self.last_message_kind)
        else {
            return Ok(None);
        };
        Ok(Some(wire::LastMessageInfo {
            author: parse_stored(author)?,
            kind: parse_stored(kind)?,
            text: self.last_message_text.clone().unwrap_or_default(),
            at: from_db(self.last_message_at),
        }))
    }
}

/// A `clients` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub avatar_url: Option<String>,
    pub custom_fields: String,
    pub created_at: NaiveDateTime,
}

impl ClientRow {
    /// The client, as lists show it (unmasked: the API masks per role).
    pub fn to_client(&self) -> Client {
        Client {
            id: ClientId(self.id),
            name: self.name.clone(),
            phone: self.phone.clone(),
            avatar_url: self.avatar_url.clone(),
            custom_fields: custom_fields(&self.custom_fields),
            created_at: from_db(self.created_at),
        }
    }
}

/// The stored custom fields; anything but a JSON object reads as empty.
fn custom_fields(text: &str) -> serde_json::Map<String, serde_json::Value> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

/// A `channels` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = channels)]
pub struct ChannelRow {
    pub id: i64,
    pub kind: String,
    pub name: String,
}

impl ChannelRow {
    /// As the wire shows it.
    pub fn to_ref(&self) -> StoreResult<wire::ChannelRef> {
        Ok(wire::ChannelRef {
            id: ChannelId(self.id),
            kind: parse_stored(&self.kind)?,
            name: self.name.clone(),
        })
    }
}

/// An `operators` row without the password hash.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = operators)]
pub struct OperatorRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub active: bool,
}

impl OperatorRow {
    /// As the domain knows it.
    pub fn into_operator(self) -> StoreResult<Operator> {
        Ok(Operator {
            id: OperatorId(self.id),
            name: self.name,
            email: self.email,
            role: parse_stored(&self.role)?,
            active: self.active,
        })
    }
}

/// A `steps` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = steps)]
pub struct StepRow {
    pub id: i64,
    pub flow_id: i64,
    pub name: String,
    pub position: i32,
    pub finish_status: String,
}

impl StepRow {
    /// As the domain knows it.
    pub fn to_step(&self) -> StoreResult<Step> {
        Ok(Step {
            id: StepId(self.id),
            flow_id: FlowId(self.flow_id),
            name: self.name.clone(),
            position: self.position,
            finish_status: parse_stored(&self.finish_status)?,
        })
    }

    /// As the state machine needs it.
    pub fn to_ref(&self) -> StoreResult<StepRef> {
        Ok(StepRef {
            id: StepId(self.id),
            flow_id: FlowId(self.flow_id),
            finish_status: parse_stored(&self.finish_status)?,
        })
    }

    /// As a dialog shows it.
    pub fn to_info(&self) -> StoreResult<wire::StepInfo> {
        Ok(wire::StepInfo {
            id: StepId(self.id),
            name: self.name.clone(),
            position: self.position,
            finish_status: parse_stored(&self.finish_status)?,
        })
    }
}

/// A `tags` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub id: i64,
    pub name: String,
    pub color: String,
}

impl TagRow {
    /// As the wire shows it.
    pub fn to_ref(&self) -> wire::TagRef {
        wire::TagRef {
            id: TagId(self.id),
            name: self.name.clone(),
            color: self.color.clone(),
        }
    }
}

/// A `messages` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: i64,
    pub dialog_id: i64,
    pub author: String,
    pub operator_id: Option<i64>,
    pub kind: String,
    pub text: String,
    pub media_url: Option<String>,
    pub external_id: Option<String>,
    pub sent_at: NaiveDateTime,
    pub delivery_status: Option<String>,
    pub delivery_updated_at: Option<NaiveDateTime>,
    pub delivery_reason: Option<String>,
}

impl MessageRow {
    /// As the domain knows it.
    pub fn into_message(self) -> StoreResult<Message> {
        Ok(Message {
            id: MessageId(self.id),
            dialog_id: DialogId(self.dialog_id),
            author: parse_stored(&self.author)?,
            operator_id: self.operator_id.map(OperatorId),
            kind: parse_stored(&self.kind)?,
            text: self.text,
            media_url: self.media_url,
            external_id: self.external_id,
            sent_at: from_db(self.sent_at),
            delivery: match (self.delivery_status, self.delivery_updated_at) {
                (Some(status), Some(at)) => Some(Delivery {
                    status: parse_stored(&status)?,
                    updated_at: from_db(at),
                    reason: self.delivery_reason,
                }),
                _ => None,
            },
        })
    }
}

/// An `events` row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: i64,
    pub dialog_id: i64,
    pub kind: String,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub reason: String,
    pub before_value: String,
    pub after_value: String,
    pub created_at: NaiveDateTime,
}

/// How an actor is stored: a kind and an optional id.
pub fn actor_columns(actor: Actor) -> (&'static str, Option<i64>) {
    match actor {
        Actor::Operator(id) => ("operator", Some(id.0)),
        Actor::Integration(token) => ("integration", token.map(|t| t.0)),
        Actor::AiEngine(token) => ("ai_engine", token.map(|t| t.0)),
        Actor::System => ("system", None),
    }
}

/// The actor back from its columns.
pub fn actor_from_columns(kind: &str, id: Option<i64>) -> StoreResult<Actor> {
    Ok(match (kind, id) {
        ("operator", Some(id)) => Actor::Operator(OperatorId(id)),
        ("integration", token) => Actor::Integration(token.map(ApiTokenId)),
        ("ai_engine", token) => Actor::AiEngine(token.map(ApiTokenId)),
        ("system", _) => Actor::System,
        _ => {
            return Err(StoreError::Database(anyhow::anyhow!(
                "stored actor `{kind}` without an id"
            )))
        }
    })
}

impl EventRow {
    /// As the domain knows it.
    pub fn into_event(self) -> StoreResult<TimelineEvent> {
        Ok(TimelineEvent {
            change: stored_change(&self.kind, &self.before_value, &self.after_value)?,
            id: EventId(self.id),
            dialog_id: DialogId(self.dialog_id),
            kind: self.kind,
            actor: actor_from_columns(&self.actor_kind, self.actor_id)?,
            reason: self.reason,
            before: self.before_value,
            after: self.after_value,
            at: from_db(self.created_at),
        })
    }
}

/// How a timeline change is stored: its before and after as JSON texts in
/// `events.before_value` / `after_value` (the shapes the API served as
/// `before`/`after` before `change` existed). [`stored_change`] reads them back.
pub fn stored_values(change: &TimelineChange, message_id: Option<MessageId>) -> (String, String) {
    use serde_json::json;
    let (before, after) = match change {
        TimelineChange::Status { from, to } => (json!(from), json!(to)),
        TimelineChange::Step {
            from_flow,
            from_step,
            to_flow,
            to_step,
        } => (
            json!({"flow_id": from_flow, "step_id": from_step}),
            json!({"flow_id": to_flow, "step_id": to_step}),
        ),
        TimelineChange::Assignee { from, to } => (json!(from), json!(to)),
        TimelineChange::Tags { added, removed } => {
            (json!({"removed": removed}), json!({"added": added}))
        }
        TimelineChange::Message { author, kind, .. } => (
            serde_json::Value::Null,
            json!({"message_id": message_id, "author": author, "kind": kind}),
        ),
    };
    (before.to_string(), after.to_string())
}

/// The stored flow and step of a `step_changed` entry.
#[derive(serde::Deserialize)]
struct StoredPlacement {
    flow_id: Option<FlowId>,
    step_id: Option<StepId>,
}

#[derive(serde::Deserialize)]
struct StoredRemoved {
    removed: Vec<TagId>,
}

#[derive(serde::Deserialize)]
struct StoredAdded {
    added: Vec<TagId>,
}

#[derive(serde::Deserialize)]
struct StoredMessage {
    message_id: Option<MessageId>,
    author: Author,
    kind: MessageKind,
}

/// A timeline change back from its stored columns.
pub fn stored_change(kind: &str, before: &str, after: &str) -> StoreResult<TimelineChange> {
    fn parse<T: serde::de::DeserializeOwned>(kind: &str, text: &str) -> StoreResult<T> {
        serde_json::from_str(text).map_err(|e| {
            StoreError::Database(anyhow::anyhow!(
                "stored `{kind}` timeline value `{text}`: {e}"
            ))
        })
    }
    Ok(match kind {
        "status_changed" => TimelineChange::Status {
            from: parse(kind, before)?,
            to: parse(kind, after)?,
        },
        "step_changed" => {
            let (from, to): (StoredPlacement, StoredPlacement) =
                (parse(kind, before)?, parse(kind, after)?);
            TimelineChange::Step {
                from_flow: from.flow_id,
                from_step: from.step_id,
                to_flow: to.flow_id,
                to_step: to.step_id,
            }
        }
        "assignee_changed" => TimelineChange::Assignee {
            from: parse(kind, before)?,
            to: parse(kind, after)?,
        },
        "tags_changed" => TimelineChange::Tags {
            added: parse::<StoredAdded>(kind, after)?.added,
            removed: parse::<StoredRemoved>(kind, before)?.removed,
        },
        "message_added" => {
            let m: StoredMessage = parse(kind, after)?;
            TimelineChange::Message {
                author: m.author,
                kind: m.kind,
                message_id: m.message_id,
            }
        }
        other => {
            return Err(StoreError::Database(anyhow::anyhow!(
                "stored timeline kind `{other}` is unknown"
            )))
        }
    })
}
