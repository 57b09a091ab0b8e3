//! The dialog state machine: one pure function, [`apply`], decides every
//! change of a dialog (DESIGN.md §1, "Transitions").
//!
//! The store loads a [`DialogState`], calls [`apply`], and writes the
//! returned [`Transition`] in one transaction; nothing else changes a
//! dialog's status, step, assignee or tags.

use crate::ids::{ApiTokenId, FlowId, MessageId, OperatorId, StepId, TagId};
use crate::status::{Author, FinishStatus, MessageKind, Status};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The part of a dialog the state machine reads and writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialogState {
    /// The stored status.
    pub status: Status,
    /// The flow the dialog is in, if any.
    pub flow_id: Option<FlowId>,
    /// The step of that flow, if any.
    pub step_id: Option<StepId>,
    /// The responsible manager.
    pub assignee_id: Option<OperatorId>,
    /// The dialog's tags.
    pub tag_ids: BTreeSet<TagId>,
    /// Who wrote the last message; `None` before the first message.
    pub last_message_author: Option<Author>,
    /// How many messages the dialog has.
    pub message_count: i64,
    /// When the dialog last entered `finished`; kept when it reopens.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub finished_at: Option<DateTime<Utc>>,
    /// Who finished it last; `None` when a step finished it.
    pub finished_by: Option<OperatorId>,
    /// Why the status is what it is (machine-readable, e.g. `lead_media`).
    pub status_reason: Option<String>,
    /// Optimistic-concurrency version: grows by one with every change of
    /// status, flow/step, assignee or tags. Messages alone do not move it,
    /// so a manager's open chat settings are not made stale by chatter.
    pub version: i64,
}

impl DialogState {
    /// A dialog that was just created for a lead: `start`, no messages yet.
    pub fn new() -> DialogState {
        DialogState {
            status: Status::Start,
            flow_id: None,
            step_id: None,
            assignee_id: None,
            tag_ids: BTreeSet::new(),
            last_message_author: None,
            message_count: 0,
            finished_at: None,
            finished_by: None,
            status_reason: None,
            version: 1,
        }
    }
}

impl Default for DialogState {
    fn default() -> Self {
        DialogState::new()
    }
}

/// A step as the state machine needs it: which flow it belongs to and what
/// reaching it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    /// The step.
    pub id: StepId,
    /// The flow that owns it.
    pub flow_id: FlowId,
    /// What reaching it does to the status.
    pub finish_status: FinishStatus,
}

/// Who caused an event; written to the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// A logged-in operator.
    Operator(OperatorId),
    /// A channel connector or other integration (its token, when known).
    Integration(Option<ApiTokenId>),
    /// The AI engine (its token, when known).
    AiEngine(Option<ApiTokenId>),
    /// dialogdesk itself (seeding, migrations).
    System,
}

impl Actor {
    /// The operator behind this actor, if it is one.
    pub fn operator(self) -> Option<OperatorId> {
        match self {
            Actor::Operator(id) => Some(id),
            _ => None,
        }
    }
}

/// Something that happened to a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who caused it.
    pub actor: Actor,
    /// What happened.
    pub kind: EventKind,
}

/// What happened to a dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// The lead sent a message.
    LeadMessage {
        /// Text, or a kind of media.
        kind: MessageKind,
    },
    /// The AI engine launched the dialog into a flow at a step.
    FlowLaunched {
        /// The flow named by the engine.
        flow_id: FlowId,
        /// The step to start at; must belong to `flow_id`.
        step: StepRef,
    },
    /// The AI engine moved the dialog to a step of its current flow.
    StepReached {
        /// The step reached.
        step: StepRef,
    },
    /// The AI engine wrote to the lead.
    BotMessage,
    /// The AI engine failed technically.
    AiError {
        /// What failed, for the engineer.
        detail: String,
    },
    /// The lead blocked the bot.
    BlockedByLead,
    /// The platform refused to deliver our message.
    DeliveryRefused {
        /// The platform's words.
        detail: String,
    },
    /// An operator wrote to the lead.
    OperatorMessage {
        /// Who wrote.
        operator: OperatorId,
    },
    /// The chat-settings save of the User Data panel.
    Settings(SettingsChange),
}

/// The event names of the transition table, used in refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventName {
    /// A lead's text message.
    LeadText,
    /// A lead's message of any other kind.
    LeadMedia,
    /// The bot launched a flow.
    FlowLaunched,
    /// The bot reached a step.
    StepReached,
    /// A bot message.
    BotMessage,
    /// An AI error.
    AiError,
    /// The lead blocked the bot.
    BlockedByLead,
    /// The platform refused delivery.
    DeliveryRefused,
    /// An operator message.
    OperatorMessage,
    /// A chat-settings save.
    Settings,
}

impl EventName {
    /// Every row of the transition table (the settings save is not one).
    pub const TABLE_ROWS: [EventName; 9] = [
        EventName::LeadText,
        EventName::LeadMedia,
        EventName::FlowLaunched,
        EventName::StepReached,
        EventName::BotMessage,
        EventName::AiError,
        EventName::BlockedByLead,
        EventName::DeliveryRefused,
        EventName::OperatorMessage,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EventName::LeadText => "lead_text",
            EventName::LeadMedia => "lead_media",
            EventName::FlowLaunched => "flow_launched",
            EventName::StepReached => "step_reached",
            EventName::BotMessage => "bot_message",
            EventName::AiError => "ai_error",
            EventName::BlockedByLead => "blocked_by_lead",
            EventName::DeliveryRefused => "delivery_refused",
            EventName::OperatorMessage => "operator_message",
            EventName::Settings => "settings",
        }
    }

    /// How a person would say it, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            EventName::LeadText => "a lead's text message",
            EventName::LeadMedia => "a lead's media message",
            EventName::FlowLaunched => "launching a flow",
            EventName::StepReached => "reaching a step",
            EventName::BotMessage => "a bot message",
            EventName::AiError => "an AI error",
            EventName::BlockedByLead => "the lead blocking the bot",
            EventName::DeliveryRefused => "a refused delivery",
            EventName::OperatorMessage => "an operator message",
            EventName::Settings => "a chat-settings save",
        }
    }
}

impl std::fmt::Display for EventName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl EventKind {
    /// The row of the transition table this event uses.
    pub fn name(&self) -> EventName {
        match self {
            EventKind::LeadMessage {
                kind: MessageKind::Text,
            } => EventName::LeadText,
            EventKind::LeadMessage { .. } => EventName::LeadMedia,
            EventKind::FlowLaunched { .. } => EventName::FlowLaunched,
            EventKind::StepReached { .. } => EventName::StepReached,
            EventKind::BotMessage => EventName::BotMessage,
            EventKind::AiError { .. } => EventName::AiError,
            EventKind::BlockedByLead => EventName::BlockedByLead,
            EventKind::DeliveryRefused { .. } => EventName::DeliveryRefused,
            EventKind::OperatorMessage { .. } => EventName::OperatorMessage,
            EventKind::Settings(_) => EventName::Settings,
        }
    }
}

/// The chat-settings save: every field `None` is left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsChange {
    /// The operator who saves.
    pub operator: OperatorId,
    /// The dialog version the operator's form was based on.
    pub base_version: i64,
    /// `Some(None)` clears the responsible manager.
    pub assignee: Option<Option<OperatorId>>,
    /// The status chosen by hand.
    pub status: Option<Status>,
    /// `Some(None)` takes the dialog out of its flow; `Some(Some(..))` puts it
    /// on a step, which must belong to the flow.
    pub placement: Option<Option<(FlowId, StepRef)>>,
    /// The complete new set of tags.
    pub tags: Option<BTreeSet<TagId>>,
}

impl SettingsChange {
    /// A save that changes nothing yet, based on `base_version`.
    pub fn by(operator: OperatorId, base_version: i64) -> SettingsChange {
        SettingsChange {
            operator,
            base_version,
            assignee: None,
            status: None,
            placement: None,
            tags: None,
        }
    }
}

/// One entry of the dialog's timeline produced by a transition: what
/// changed, from what to what. Served as the timeline entry's `change`,
/// tagged by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineChange {
    /// The status changed.
    Status {
        /// Before.
        from: Status,
        /// After.
        to: Status,
    },
    /// The flow and/or step changed.
    Step {
        /// Flow before.
        from_flow: Option<FlowId>,
        /// Step before.
        from_step: Option<StepId>,
        /// Flow after.
        to_flow: Option<FlowId>,
        /// Step after.
        to_step: Option<StepId>,
    },
    /// The responsible manager changed.
    Assignee {
        /// Before.
        from: Option<OperatorId>,
        /// After.
        to: Option<OperatorId>,
    },
    /// Tags were added or removed.
    Tags {
        /// Added tags.
        added: Vec<TagId>,
        /// Removed tags.
        removed: Vec<TagId>,
    },
    /// A message was added.
    Message {
        /// Who wrote it.
        author: Author,
        /// What it carries.
        kind: MessageKind,
        /// The stored message (the machine decides before it is stored, so
        /// its own entries carry none; the store fills it in).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_id: Option<MessageId>,
    },
}

impl TimelineChange {
    /// The stored kind of the timeline entry.
    pub fn kind(&self) -> &'static str {
        match self {
            TimelineChange::Status { .. } => "status_changed",
            TimelineChange::Step { .. } => "step_changed",
            TimelineChange::Assignee { .. } => "assignee_changed",
            TimelineChange::Tags { .. } => "tags_changed",
            TimelineChange::Message { .. } => "message_added",
        }
    }
}

/// What [`apply`] decided: the dialog after the event and the timeline
/// entries to write. A transition with no timeline entries changes nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The dialog after the event.
    pub after: DialogState,
    /// Why (machine-readable); also kept as the dialog's status reason when
    /// the status changed.
    pub reason: String,
    /// One entry per changed aspect, in a stable order.
    pub timeline: Vec<TimelineChange>,
}

impl Transition {
    /// Whether the status changed.
    pub fn status_changed(&self) -> Option<(Status, Status)> {
        self.timeline.iter().find_map(|c| match c {
            TimelineChange::Status { from, to } => Some((*from, *to)),
            _ => None,
        })
    }

    /// Whether anything at all changes.
    pub fn is_noop(&self) -> bool {
        self.timeline.is_empty()
    }
}

/// Why an event or a save was refused. Each names what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DomainError {
    /// The transition table refuses this event in this status.
    #[error("{} is refused while the dialog is `{status}`", event.describe())]
    Refused {
        /// The dialog's current status.
        status: Status,
        /// The refused event.
        event: EventName,
    },
    /// The save was based on an older version of the dialog.
    #[error("the dialog changed since you opened it: you saved version {given}, it is now at version {current}")]
    StaleVersion {
        /// The dialog's version now.
        current: i64,
        /// The version the save was based on.
        given: i64,
    },
    /// The step does not belong to the flow.
    #[error("step {step_id} does not belong to flow {flow_id:?}")]
    StepNotInFlow {
        /// The step.
        step_id: StepId,
        /// The flow it should have belonged to (`None`: the dialog is in no flow).
        flow_id: Option<FlowId>,
    },
    /// `auto` and `waiting` need the dialog to stand on a step.
    #[error("status `{status}` needs a flow and a step; choose a step")]
    NeedsStep {
        /// The status that needs a step.
        status: Status,
    },
    /// `ignore` is only for dialogs whose last message is from the lead.
    #[error("status `ignore` is only for dialogs whose last message is from the lead")]
    IgnoreNeedsLeadLast,
    /// `error` is set by the AI engine only.
    #[error("status `error` is set only by the AI engine, not by hand")]
    NotSettableByHand {
        /// The status.
        status: Status,
    },
    /// `start` takes the dialog out of its flow, so a step cannot be chosen with it.
    #[error("status `start` takes the dialog out of its flow: do not choose a step with it")]
    StartWithStep,
}

/// What the transition table says for a status and an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// `=`: the status stays.
    Keep,
    /// The dialog moves to this status.
    To(Status),
    /// "by step": the step's finish status decides.
    ByStep,
    /// `✗`: refused with a conflict.
    Refuse,
}

/// The transition table of DESIGN.md §1, cell by cell.
pub fn cell(status: Status, event: EventName) -> Cell {
    use Cell::{ByStep, Keep, Refuse, To};
    use Status::*;
    match event {
        EventName::LeadText => match status {
            Waiting => To(Auto),
            Blocked | Stopped => To(Manual),
            Finished => To(Ignore),
            _ => Keep,
        },
        EventName::LeadMedia => match status {
            Start | Auto | Waiting | Blocked | Stopped => To(Manual),
            Finished => To(Ignore),
            Manual | Ignore | Error => Keep,
        },
        EventName::FlowLaunched => match status {
            Blocked | Stopped => Refuse,
            _ => ByStep,
        },
        EventName::StepReached => match status {
            Auto | Waiting => ByStep,
            _ => Refuse,
        },
        EventName::BotMessage => match status {
            Auto | Waiting => Keep,
            Ignore => To(Auto),
            _ => Refuse,
        },
        EventName::AiError => match status {
            Start | Auto | Waiting => To(Error),
            _ => Keep,
        },
        EventName::BlockedByLead => match status {
            Blocked => Keep,
            _ => To(Blocked),
        },
        EventName::DeliveryRefused => match status {
            Blocked | Stopped => Keep,
            _ => To(Stopped),
        },
        EventName::OperatorMessage => match status {
            Manual => Keep,
            Blocked | Stopped => Refuse,
            _ => To(Manual),
        },
        // The settings save follows its own rules (`apply_settings`).
        EventName::Settings => Keep,
    }
}

/// Decides what `event` does to `dialog`. Pure: no clock, no I/O.
pub fn apply(dialog: &DialogState, event: &DialogEvent) -> Result<Transition, DomainError> {
    if let EventKind::Settings(change) = &event.kind {
        return apply_settings(dialog, change, event.at);
    }
    let name = event.kind.name();
    let mut after = dialog.clone();

    // Where the dialog stands after the event (flow launches and steps move it).
    let step = match &event.kind {
        EventKind::FlowLaunched { flow_id, step } => {
            if step.flow_id != *flow_id {
                return Err(DomainError::StepNotInFlow {
                    step_id: step.id,
                    flow_id: Some(*flow_id),
                });
            }
            Some(*step)
        }
        EventKind::StepReached { step } => Some(*step),
        _ => None,
    };

    let target = match cell(dialog.status, name) {
        Cell::Refuse => {
            return Err(DomainError::Refused {
                status: dialog.status,
                event: name,
            })
        }
        Cell::Keep => dialog.status,
        Cell::To(status) => status,
        Cell::ByStep => step.map_or(dialog.status, |s| s.finish_status.status()),
    };

    if let EventKind::StepReached { step } = &event.kind {
        if dialog.flow_id != Some(step.flow_id) {
            return Err(DomainError::StepNotInFlow {
                step_id: step.id,
                flow_id: dialog.flow_id,
            });
        }
    }
    if let Some(step) = step {
        after.flow_id = Some(step.flow_id);
        after.step_id = Some(step.id);
    }
    // A parked dialog that the bot answers goes back to `auto`, which needs a
    // step: a dialog that was never in a flow must be launched first.
    if target.needs_step() && after.step_id.is_none() {
        return Err(DomainError::NeedsStep { status: target });
    }

    let message = match &event.kind {
        EventKind::LeadMessage { kind } => Some((Author::Lead, *kind)),
        EventKind::BotMessage => Some((Author::Bot, MessageKind::Text)),
        EventKind::OperatorMessage { .. } => Some((Author::Operator, MessageKind::Text)),
        _ => None,
    };
    if let Some((author, _)) = message {
        after.last_message_author = Some(author);
        after.message_count += 1;
    }
    if let EventKind::OperatorMessage { operator } = &event.kind {
        if after.assignee_id.is_none() {
            after.assignee_id = Some(*operator);
        }
    }

    let reason = match &event.kind {
        EventKind::AiError { detail } => format!("ai_error: {detail}"),
        EventKind::DeliveryRefused { detail } => format!("delivery_refused: {detail}"),
        _ => name.as_str().to_owned(),
    };
    set_status(&mut after, target, &reason, None, event.at);
    let mut timeline = changes(dialog, &mut after);
    if let Some((author, kind)) = message {
        timeline.push(TimelineChange::Message {
            author,
            kind,
            message_id: None,
        });
    }
    Ok(Transition {
        after,
        reason,
        timeline,
    })
}

/// The chat-settings save: assignee, status, flow and step, and tags at once.
fn apply_settings(
    dialog: &DialogState,
    change: &SettingsChange,
    at: DateTime<Utc>,
) -> Result<Transition, DomainError> {
    if change.base_version != dialog.version {
        return Err(DomainError::StaleVersion {
            current: dialog.version,
            given: change.base_version,
        });
    }
    let mut after = dialog.clone();
    if let Some(assignee) = change.assignee {
        after.assignee_id = assignee;
    }
    if let Some(tags) = &change.tags {
        after.tag_ids = tags.clone();
    }
    let mut chosen_step = None;
    match change.placement {
        None => {}
        Some(None) => {
            after.flow_id = None;
            after.step_id = None;
        }
        Some(Some((flow_id, step))) => {
            if step.flow_id != flow_id {
                return Err(DomainError::StepNotInFlow {
                    step_id: step.id,
                    flow_id: Some(flow_id),
                });
            }
            after.flow_id = Some(flow_id);
            after.step_id = Some(step.id);
            chosen_step = Some(step);
        }
    }

    let target = match change.status {
        Some(status) if !status.settable_by_hand() => {
            return Err(DomainError::NotSettableByHand { status })
        }
        Some(Status::Start) => {
            if chosen_step.is_some() {
                return Err(DomainError::StartWithStep);
            }
            after.flow_id = None;
            after.step_id = None;
            Status::Start
        }
        Some(Status::Ignore) => {
            if dialog.last_message_author != Some(Author::Lead) {
                return Err(DomainError::IgnoreNeedsLeadLast);
            }
            Status::Ignore
        }
        Some(status) => status,
        // A step chosen without a status applies the step's finish status.
        None => chosen_step.map_or(dialog.status, |s| s.finish_status.status()),
    };
    if target.needs_step() && after.step_id.is_none() {
        return Err(DomainError::NeedsStep { status: target });
    }

    let reason = "set_by_hand".to_owned();
    set_status(&mut after, target, &reason, Some(change.operator), at);
    let timeline = changes(dialog, &mut after);
    Ok(Transition {
        after,
        reason,
        timeline,
    })
}

/// Moves `dialog` to `status`, finishing it when it enters `finished`.
fn set_status(
    dialog: &mut DialogState,
    status: Status,
    reason: &str,
    finished_by: Option<OperatorId>,
    at: DateTime<Utc>,
) {
    if dialog.status == status {
        return;
    }
    if status == Status::Finished {
        dialog.finished_at = Some(at);
        dialog.finished_by = finished_by;
    }
    dialog.status = status;
    dialog.status_reason = Some(reason.to_owned());
}

/// One timeline entry per aspect that differs, and the version bump.
fn changes(before: &DialogState, after: &mut DialogState) -> Vec<TimelineChange> {
    let mut timeline = Vec::new();
    if before.status != after.status {
        timeline.push(TimelineChange::Status {
            from: before.status,
            to: after.status,
        });
    }
    if (before.flow_id, before.step_id) != (after.flow_id, after.step_id) {
        timeline.push(TimelineChange::Step {
            from_flow: before.flow_id,
            from_step: before.step_id,
            to_flow: after.flow_id,
            to_step: after.step_id,
        });
    }
    if before.assignee_id != after.assignee_id {
        timeline.push(TimelineChange::Assignee {
            from: before.assignee_id,
            to: after.assignee_id,
        });
    }
    if before.tag_ids != after.tag_ids {
        timeline.push(TimelineChange::Tags {
            added: after.tag_ids.difference(&before.tag_ids).copied().collect(),
            removed: before.tag_ids.difference(&after.tag_ids).copied().collect(),
        });
    }
    if !timeline.is_empty() {
        after.version = before.version + 1;
    }
    timeline
}
