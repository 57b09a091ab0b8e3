//! Every change of a dialog: load it, ask the state machine, write the transition
//! (dialog row, message, tags, timeline, counters, live events) in the caller's transaction,
//! staged in a `Writes` with any other changes of its batch.

use super::dialog_state;
use super::rows::{DialogUpdate, MessageRow, TimelineRow};
use super::writes::{Ids, IdsWanted, Opened, Writes};
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::webhooks::outbox::Outbox;
use crate::{live, DbConnection};
use chrono::{DateTime, Utc};
use dialogdesk_domain::machine::TimelineChange;
use dialogdesk_domain::wire::{self};
use dialogdesk_domain::*;
use diesel::prelude::*;

/// A message to store with an event.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// The operator who wrote it, for operator messages.
    pub operator_id: Option<OperatorId>,
    /// What it carries.
    pub kind: MessageKind,
    /// Text or caption.
    pub text: String,
    /// Media location.
    pub media_url: Option<String>,
    /// The channel's message id.
    pub external_id: Option<String>,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
}

/// What a change did.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The decision of the state machine, as written.
    pub transition: Transition,
    /// The stored message, when the event carried one.
    pub message_id: Option<MessageId>,
}

/// The last-message columns of a dialog row.
struct LastMessage {
    at: chrono::NaiveDateTime,
    author: Option<String>,
    kind: Option<String>,
    text: Option<String>,
    awaiting_reply_since: Option<chrono::NaiveDateTime>,
}

/// Applies `event` to the dialog and writes the outcome. The message, when
/// given, must be the one the event describes.
pub fn apply_event(
    conn: &mut DbConnection,
    dialog_id: DialogId,
    event: &DialogEvent,
    message: Option<&NewMessage>,
) -> StoreResult<Applied> {
    // No row lock: write transactions take their turn one at a time
    // (`live::take_write_turn`), so nothing changes the dialog meanwhile.
    let (row, before) = dialog_state(conn, dialog_id)?;
    let decided = Decided::new(conn, row, before, event.clone(), message.cloned())?;
    let Opened {
        mut writes,
        mut ids,
        ..
    } = Writes::open(conn, decided.ids_wanted(), &[])?;
    let applied = decided.stage(&mut writes, &mut ids)?;
    writes.write(conn)?;
    Ok(applied)
}

/// A change the state machine has decided, not yet written.
pub struct Decided {
    /// The dialog row before the change.
    pub(super) row: DialogRow,
    before: DialogState,
    transition: Transition,
    event: DialogEvent,
    message: Option<NewMessage>,
    finished_by_name: String,
}

impl Decided {
    /// Asks the state machine what `event` does to the dialog in `row`
    /// (whose state is `before`).
    pub fn new(
        conn: &mut DbConnection,
        row: DialogRow,
        before: DialogState,
        event: DialogEvent,
        message: Option<NewMessage>,
    ) -> StoreResult<Decided> {
        let transition = apply(&before, &event)?;
        let writes_message = matches!(
            transition.timeline.last(),
            Some(TimelineChange::Message { .. })
        );
        if message.is_some() && !writes_message {
            return Err(StoreError::Database(anyhow::anyhow!(
                "a message was given with an event that writes none"
            )));
        }
        // The name the Dialog list sorts "finished by" on.
        let finished_by_name = if transition.after.finished_by == before.finished_by {
            row.finished_by_name.clone()
        } else {
            finisher_name(conn, transition.after.finished_by)?
        };
        Ok(Decided {
            row,
            before,
            transition,
            event,
            message,
            finished_by_name,
        })
    }

    /// The new rows it writes.
    pub fn ids_wanted(&self) -> IdsWanted {
        IdsWanted {
            messages: usize::from(self.message.is_some()),
            events: self.transition.timeline.len(),
            ..IdsWanted::default()
        }
    }

    /// Stages the change's rows (dialog row, message, tags, timeline,
    /// counters, rollups, webhook and live events) in `writes`.
    pub fn stage(self, writes: &mut Writes, ids: &mut Ids) -> StoreResult<Applied> {
        let Decided {
            row,
            before,
            transition,
            event,
            message,
            finished_by_name,
        } = self;
        let dialog_id = DialogId(row.id);
        let after = &transition.after;
        let at = to_db(event.at);

        // What the row says of its last message: the new message's, if any.
        let mut last_message = LastMessage {
            at: row.last_message_at,
            author: row.last_message_author.clone(),
            kind: row.last_message_kind.clone(),
            text: row.last_message_text.clone(),
            awaiting_reply_since: row.awaiting_reply_since,
        };
        let stored = match (message, transition.timeline.last()) {
            (Some(m), Some(TimelineChange::Message { author, kind, .. })) => {
                let (awaiting_reply_since, response_seconds) = turn_after(
                    row.awaiting_reply_since,
                    *author,
                    m.operator_id,
                    to_db(m.sent_at),
                );
                // An operator's message waits for the channel connector to
                // report how far it got.
                let delivery = (*author == Author::Operator).then(|| Delivery {
                    status: DeliveryStatus::Pending,
                    updated_at: from_db(to_db(now())),
                    reason: None,
                });
                let id = ids.message()?;
                writes.message(MessageRow {
                    id,
                    dialog_id: dialog_id.0,
                    channel_id: row.channel_id,
                    author: author.as_str(),
                    operator_id: m.operator_id.map(|o| o.0),
                    kind: kind.as_str(),
                    text: m.text.clone(),
                    media_url: m.media_url.clone(),
                    external_id: m.external_id.clone(),
                    sent_at: to_db(m.sent_at),
                    created_at: to_db(now()),
                    response_seconds,
                    delivery_status: delivery.as_ref().map(|d| d.status.as_str()),
                    delivery_updated_at: delivery.as_ref().map(|d| to_db(d.updated_at)),
                });
                if let (Author::Operator, Some(operator)) = (author, m.operator_id) {
                    writes.reply(operator.0, to_db(m.sent_at), response_seconds);
                }
                last_message = LastMessage {
                    at: to_db(m.sent_at),
                    author: Some(author.as_str().to_owned()),
                    kind: Some(kind.as_str().to_owned()),
                    text: Some(m.text.clone()),
                    awaiting_reply_since,
                };
                Some(Message {
                    id: MessageId(id),
                    dialog_id,
                    author: *author,
                    operator_id: m.operator_id,
                    kind: *kind,
                    text: m.text,
                    media_url: m.media_url,
                    external_id: m.external_id,
                    // As stored: microsecond precision.
                    sent_at: from_db(to_db(m.sent_at)),
                    delivery,
                })
            }
            _ => None,
        };

        let message_id = stored.as_ref().map(|m| m.id);
        let last_message_at = stored
            .as_ref()
            .map_or(from_db(row.last_message_at), |m| m.sent_at);

        // One update of the row for the message and the transition.
        if stored.is_some() || !transition.is_noop() {
            writes.dialog(DialogUpdate {
                id: dialog_id.0,
                status: after.status.as_str(),
                flow_id: after.flow_id.map(|f| f.0),
                step_id: after.step_id.map(|s| s.0),
                assignee_id: after.assignee_id.map(|o| o.0),
                message_count: after.message_count,
                finished_at: after.finished_at.map(to_db),
                finished_by: after.finished_by.map(|o| o.0),
                finished_by_name,
                status_reason: after.status_reason.clone(),
                version: after.version,
                updated_at: to_db(now()),
                last_message_at: last_message.at,
                last_message_author: last_message.author,
                last_message_kind: last_message.kind,
                last_message_text: last_message.text,
                awaiting_reply_since: last_message.awaiting_reply_since,
            });
        }
        let mut written = Vec::with_capacity(transition.timeline.len());
        let (actor_kind, actor_id) = actor_columns(event.actor);
        for change in &transition.timeline {
            if let TimelineChange::Assignee { to: Some(to), .. } = change {
                writes.assignment(to.0, at);
            }
            if let TimelineChange::Tags { added, removed } = change {
                let ids_of = |tags: &[TagId]| tags.iter().map(|t| t.0).collect::<Vec<_>>();
                writes.tags(dialog_id.0, &ids_of(added), &ids_of(removed));
            }
            let (before_value, after_value) = stored_values(change, message_id);
            let entry = EventRow {
                id: ids.event()?,
                dialog_id: dialog_id.0,
                kind: change.kind().to_owned(),
                actor_kind: actor_kind.to_owned(),
                actor_id,
                reason: transition.reason.clone(),
                before_value,
                after_value,
                created_at: at,
            };
            writes.timeline(TimelineRow {
                id: entry.id,
                dialog_id: dialog_id.0,
                kind: change.kind(),
                actor_kind,
                actor_id,
                reason: entry.reason.clone(),
                before_value: entry.before_value.clone(),
                after_value: entry.after_value.clone(),
                created_at: at,
            });
            written.push(entry.into_event()?);
        }
        if let Some((from, to)) = transition.status_changed() {
            writes.move_status(Some(from), to);
        }
        writes.move_facets(row.channel_id, Some(&before), after);
        let webhooks = WebhookChange {
            dialog_id,
            channel_id: ChannelId(row.channel_id),
            client_external_id: row.client_external_id.as_deref(),
            actor: event.actor,
            at: event.at,
        };
        webhooks.stage(&mut writes.outbox, &transition, stored.as_ref())?;
        stage_live_events(
            &mut writes.live,
            dialog_id,
            &transition,
            stored,
            last_message_at,
            written,
        )?;
        Ok(Applied {
            dialog_id,
            transition,
            message_id,
        })
    }
}

/// What a new message does to the dialog's unanswered turn, for the
/// managers' first-response times: returns the turn's start afterwards and,
/// for an operator's reply that answers it, the response time in seconds
/// (to the millisecond).
///
/// A lead's message starts a turn unless one is already waiting; an
/// operator's message (from an operator) answers it. Bot messages and
/// operator messages without an operator (sent by an integration) change
/// nothing. Stored with each message, so the stats over a year read one
/// column instead of replaying every conversation.
pub fn turn_after(
    awaiting_since: Option<chrono::NaiveDateTime>,
    author: Author,
    operator: Option<OperatorId>,
    at: chrono::NaiveDateTime,
) -> (Option<chrono::NaiveDateTime>, Option<f64>) {
    match (author, operator) {
        (Author::Lead, _) => (Some(awaiting_since.unwrap_or(at)), None),
        (Author::Operator, Some(_)) => (
            None,
            awaiting_since.map(|since| (at - since).num_milliseconds() as f64 / 1000.0),
        ),
        _ => (awaiting_since, None),
    }
}

/// The name the Dialog list sorts "finished by" on: the operator's, or ''
/// when a step finished the dialog.
fn finisher_name(conn: &mut DbConnection, finisher: Option<OperatorId>) -> StoreResult<String> {
    Ok(match finisher {
        Some(id) => operators::table
            .find(id.0)
            .select(operators::name)
            .first(conn)
            .optional()?
            .unwrap_or_default(),
        None => String::new(),
    })
}

/// The live events of one applied change (the counts' event is added
/// once for the whole batch, by `Writes::write`).
fn stage_live_events(
    events: &mut live::Batch,
    dialog_id: DialogId,
    transition: &Transition,
    message: Option<Message>,
    last_message_at: chrono::DateTime<chrono::Utc>,
    written: Vec<TimelineEvent>,
) -> StoreResult<()> {
    if written.is_empty() {
        return Ok(());
    }
    let after = &transition.after;
    events.add(
        live::kind::DIALOG_UPDATED,
        Some(dialog_id),
        &wire::DialogUpdated {
            id: dialog_id,
            status: after.status,
            assignee_id: after.assignee_id,
            flow_id: after.flow_id,
            step_id: after.step_id,
            version: after.version,
            last_message_at,
            message_count: after.message_count,
        },
    )?;
    if let Some(message) = message {
        events.add(
            live::kind::MESSAGE_CREATED,
            Some(dialog_id),
            &wire::MessageCreated { dialog_id, message },
        )?;
    }
    events.add(
        live::kind::TIMELINE_APPENDED,
        Some(dialog_id),
        &wire::TimelineAppended {
            dialog_id,
            events: written,
        },
    )?;
    Ok(())
}

/// What a change's webhook events say of it.
struct WebhookChange<'a> {
    dialog_id: DialogId,
    channel_id: ChannelId,
    client_external_id: Option<&'a str>,
    actor: Actor,
    at: DateTime<Utc>,
}

impl WebhookChange<'_> {
    /// The webhook events of an applied change: one per kind of change,
    /// for the subscriptions that want it.
    fn stage(
        &self,
        outbox: &mut Outbox,
        transition: &Transition,
        message: Option<&Message>,
    ) -> StoreResult<()> {
        outbox.switch_to(self.dialog_id, self.channel_id);
        let dialog_id = self.dialog_id;
        let actor = self.actor;
        if let Some(message) = message {
            outbox.add(
                WebhookEventType::MessageCreated,
                &wire::WebhookMessageCreated {
                    dialog_id,
                    channel_id: self.channel_id,
                    client_external_id: self.client_external_id.map(str::to_owned),
                    message: message.clone(),
                },
            )?;
        }
        let mut settings = wire::WebhookSettingsChanged {
            dialog_id,
            step: None,
            tags_added: Vec::new(),
            tags_removed: Vec::new(),
            actor,
        };
        for change in &transition.timeline {
            match change {
                TimelineChange::Status { from, to } => {
                    outbox.add(
                        WebhookEventType::DialogStatusChanged,
                        &wire::WebhookStatusChanged {
                            dialog_id,
                            before: *from,
                            after: *to,
                            reason: transition.reason.clone(),
                            actor,
                        },
                    )?;
                    if *to == Status::Finished {
                        outbox.add(
                            WebhookEventType::DialogFinished,
                            &wire::WebhookFinished {
                                dialog_id,
                                finished_at: transition.after.finished_at.unwrap_or(self.at),
                                finished_by: transition.after.finished_by,
                                reason: transition.reason.clone(),
                                actor,
                            },
                        )?;
                    }
                }
                TimelineChange::Assignee { from, to } => outbox.add(
                    WebhookEventType::DialogAssigned,
                    &wire::WebhookAssigned {
                        dialog_id,
                        before: *from,
                        after: *to,
                        actor,
                    },
                )?,
                TimelineChange::Step {
                    from_flow,
                    from_step,
                    to_flow,
                    to_step,
                } => {
                    settings.step = Some(wire::StepChange {
                        flow_before: *from_flow,
                        step_before: *from_step,
                        flow_after: *to_flow,
                        step_after: *to_step,
                    });
                }
                TimelineChange::Tags { added, removed } => {
                    settings.tags_added.clone_from(added);
                    settings.tags_removed.clone_from(removed);
                }
                TimelineChange::Message { .. } => {}
            }
        }
        if settings.step.is_some()
            || !settings.tags_added.is_empty()
            || !settings.tags_removed.is_empty()
        {
            outbox.add(WebhookEventType::DialogSettingsChanged, &settings)?;
        }
        Ok(())
    }
}
