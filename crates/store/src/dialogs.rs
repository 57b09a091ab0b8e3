//! Dialogs: inbound messages, AI-engine events, operator replies, the
//! chat-settings save, favourites, history and timeline.
//!
//! Every change goes through [`apply_event`]: load the dialog, ask the
//! domain's `apply`, write the transition (dialog row, message, tags,
//! timeline, counters) in the caller's transaction.

use crate::catalog::step_row;
use crate::cursor::{page_of, Cursor, CursorKey};
use crate::error::{is_unique_violation, StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::{live, DbConnection, Store};
use chrono::{DateTime, Utc};
use dialogdesk_domain::machine::TimelineChange;
use dialogdesk_domain::wire::{self, BotEvent, Page, SettingsBody};
use dialogdesk_domain::*;
use diesel::prelude::*;
use std::collections::BTreeSet;

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

/// The lead as a channel connector describes it.
#[derive(Debug, Clone, Default)]
pub struct InboundClient {
    /// The lead's id on the channel (chat id).
    pub external_id: Option<String>,
    /// The lead's phone.
    pub phone: Option<Phone>,
    /// The lead's name, when the channel tells it.
    pub name: Option<String>,
    /// Avatar picture.
    pub avatar_url: Option<String>,
}

/// A lead's message delivered by a channel connector.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The channel.
    pub channel_id: ChannelId,
    /// The lead.
    pub client: InboundClient,
    /// The message (its `operator_id` is ignored).
    pub message: NewMessage,
    /// The integration that delivered it.
    pub actor: Actor,
}

/// What an inbound delivery did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundOutcome {
    /// The dialog (created when new).
    pub dialog_id: DialogId,
    /// The stored message.
    pub message_id: MessageId,
    /// The dialog's status after the message.
    pub status: Status,
    /// Whether this message id was delivered before (nothing was written).
    pub duplicate: bool,
    /// Whether the dialog was created by this delivery.
    pub created: bool,
}

/// Locks the dialog row for the rest of the transaction on PostgreSQL, so
/// two concurrent changes of one dialog apply one after the other. (SQLite
/// transactions already run one at a time: see `Store::write`.)
fn lock_dialog(conn: &mut DbConnection, id: DialogId) -> StoreResult<()> {
    if let DbConnection::Pg(pg) = conn {
        dialogs::table
            .find(id.0)
            .select(dialogs::id)
            .for_update()
            .first::<i64>(pg)
            .optional()?;
    }
    Ok(())
}

/// The dialog row, or `NotFound`.
pub fn dialog_row(conn: &mut DbConnection, id: DialogId) -> StoreResult<DialogRow> {
    dialogs::table
        .find(id.0)
        .select(DialogRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("dialog", id.0))
}

/// The dialog's tags.
pub fn tag_ids(conn: &mut DbConnection, id: DialogId) -> StoreResult<BTreeSet<TagId>> {
    Ok(dialog_tags::table
        .filter(dialog_tags::dialog_id.eq(id.0))
        .select(dialog_tags::tag_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(TagId)
        .collect())
}

/// Loads the dialog's state as the state machine sees it.
pub fn dialog_state(
    conn: &mut DbConnection,
    id: DialogId,
) -> StoreResult<(DialogRow, DialogState)> {
    let row = dialog_row(conn, id)?;
    let tags = tag_ids(conn, id)?;
    let state = row.state(tags)?;
    Ok((row, state))
}

/// Moves one dialog from one status counter to another (or into one, for a
/// new dialog), in the caller's transaction.
pub fn bump_counters(conn: &mut DbConnection, from: Option<Status>, to: Status) -> StoreResult<()> {
    if let Some(from) = from {
        diesel::update(status_counters::table.find(from.as_str()))
            .set(status_counters::count.eq(status_counters::count - 1))
            .execute(conn)?;
    }
    diesel::update(status_counters::table.find(to.as_str()))
        .set(status_counters::count.eq(status_counters::count + 1))
        .execute(conn)?;
    Ok(())
}

/// Applies `event` to the dialog and writes the outcome. The message, when
/// given, must be the one the event describes.
pub fn apply_event(
    conn: &mut DbConnection,
    dialog_id: DialogId,
    event: &DialogEvent,
    message: Option<&NewMessage>,
) -> StoreResult<Applied> {
    lock_dialog(conn, dialog_id)?;
    let (row, before) = dialog_state(conn, dialog_id)?;
    let transition = apply(&before, event)?;
    let after = &transition.after;
    let at = to_db(event.at);

    let stored = match (message, &transition.timeline.last()) {
        (Some(m), Some(TimelineChange::Message { author, kind, .. })) => {
            let id: i64 = diesel::insert_into(messages::table)
                .values((
                    messages::dialog_id.eq(dialog_id.0),
                    messages::channel_id.eq(row.channel_id),
                    messages::author.eq(author.as_str()),
                    messages::operator_id.eq(m.operator_id.map(|o| o.0)),
                    messages::kind.eq(kind.as_str()),
                    messages::text.eq(&m.text),
                    messages::media_url.eq(&m.media_url),
                    messages::external_id.eq(&m.external_id),
                    messages::sent_at.eq(to_db(m.sent_at)),
                    messages::created_at.eq(to_db(now())),
                ))
                .returning(messages::id)
                .get_result(conn)
                .map_err(|e| {
                    if is_unique_violation(&e) {
                        StoreError::Conflict("this channel message id was delivered before".into())
                    } else {
                        e.into()
                    }
                })?;
            diesel::update(dialogs::table.find(dialog_id.0))
                .set((
                    dialogs::last_message_at.eq(to_db(m.sent_at)),
                    dialogs::last_message_author.eq(author.as_str()),
                    dialogs::last_message_kind.eq(kind.as_str()),
                    dialogs::last_message_text.eq(&m.text),
                ))
                .execute(conn)?;
            Some(Message {
                id: MessageId(id),
                dialog_id,
                author: *author,
                operator_id: m.operator_id,
                kind: *kind,
                text: m.text.clone(),
                media_url: m.media_url.clone(),
                external_id: m.external_id.clone(),
                // As stored: microsecond precision.
                sent_at: from_db(to_db(m.sent_at)),
            })
        }
        (None, _) => None,
        (Some(_), _) => {
            return Err(StoreError::Database(anyhow::anyhow!(
                "a message was given with an event that writes none"
            )))
        }
    };

    let message_id = stored.as_ref().map(|m| m.id);
    let last_message_at = stored
        .as_ref()
        .map_or(from_db(row.last_message_at), |m| m.sent_at);

    if !transition.is_noop() {
        diesel::update(dialogs::table.find(dialog_id.0))
            .set((
                dialogs::status.eq(after.status.as_str()),
                dialogs::flow_id.eq(after.flow_id.map(|f| f.0)),
                dialogs::step_id.eq(after.step_id.map(|s| s.0)),
                dialogs::assignee_id.eq(after.assignee_id.map(|o| o.0)),
                dialogs::message_count.eq(after.message_count),
                dialogs::finished_at.eq(after.finished_at.map(to_db)),
                dialogs::finished_by.eq(after.finished_by.map(|o| o.0)),
                dialogs::status_reason.eq(&after.status_reason),
                dialogs::version.eq(after.version),
                dialogs::updated_at.eq(to_db(now())),
            ))
            .execute(conn)?;
    }
    let mut written = Vec::with_capacity(transition.timeline.len());
    for change in &transition.timeline {
        if let TimelineChange::Tags { added, removed } = change {
            for tag in added {
                diesel::insert_into(dialog_tags::table)
                    .values((
                        dialog_tags::dialog_id.eq(dialog_id.0),
                        dialog_tags::tag_id.eq(tag.0),
                    ))
                    .execute(conn)?;
            }
            if !removed.is_empty() {
                diesel::delete(
                    dialog_tags::table
                        .filter(dialog_tags::dialog_id.eq(dialog_id.0))
                        .filter(
                            dialog_tags::tag_id
                                .eq_any(removed.iter().map(|t| t.0).collect::<Vec<_>>()),
                        ),
                )
                .execute(conn)?;
            }
        }
        let (before_value, after_value) = stored_values(change, message_id);
        let (actor_kind, actor_id) = actor_columns(event.actor);
        let id: i64 = diesel::insert_into(events::table)
            .values((
                events::dialog_id.eq(dialog_id.0),
                events::kind.eq(change.kind()),
                events::actor_kind.eq(actor_kind),
                events::actor_id.eq(actor_id),
                events::reason.eq(&transition.reason),
                events::before_value.eq(&before_value),
                events::after_value.eq(&after_value),
                events::created_at.eq(at),
            ))
            .returning(events::id)
            .get_result(conn)?;
        let row = EventRow {
            id,
            dialog_id: dialog_id.0,
            kind: change.kind().to_owned(),
            actor_kind: actor_kind.to_owned(),
            actor_id,
            reason: transition.reason.clone(),
            before_value,
            after_value,
            created_at: at,
        };
        written.push(row.into_event()?);
    }
    if let Some((from, to)) = transition.status_changed() {
        bump_counters(conn, Some(from), to)?;
    }
    record_live_events(
        conn,
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

/// The live events of one applied change, in its transaction.
fn record_live_events(
    conn: &mut DbConnection,
    dialog_id: DialogId,
    transition: &Transition,
    message: Option<Message>,
    last_message_at: chrono::DateTime<chrono::Utc>,
    written: Vec<TimelineEvent>,
) -> StoreResult<()> {
    if written.is_empty() {
        return Ok(());
    }
    live::begin_events(conn)?;
    let after = &transition.after;
    live::record(
        conn,
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
        live::record(
            conn,
            live::kind::MESSAGE_CREATED,
            Some(dialog_id),
            &wire::MessageCreated { dialog_id, message },
        )?;
    }
    live::record(
        conn,
        live::kind::TIMELINE_APPENDED,
        Some(dialog_id),
        &wire::TimelineAppended {
            dialog_id,
            events: written,
        },
    )?;
    if transition.status_changed().is_some() {
        live::record(
            conn,
            live::kind::COUNTS_CHANGED,
            None,
            &serde_json::json!({}),
        )?;
    }
    Ok(())
}

/// Finds the dialog of a lead on a channel, creating client and dialog
/// when the lead is new. Returns the dialog and whether it was created.
fn find_or_create_dialog(
    conn: &mut DbConnection,
    channel_id: ChannelId,
    lead: &InboundClient,
) -> StoreResult<(DialogId, bool)> {
    if let Some(external) = &lead.external_id {
        let found: Option<i64> = dialogs::table
            .filter(dialogs::channel_id.eq(channel_id.0))
            .filter(dialogs::client_external_id.eq(external))
            .select(dialogs::id)
            .first(conn)
            .optional()?;
        if let Some(id) = found {
            return Ok((DialogId(id), false));
        }
    }
    let known_client: Option<i64> = match &lead.phone {
        Some(phone) => clients::table
            .filter(clients::phone.eq(phone.as_str()))
            .select(clients::id)
            .order_by(clients::id)
            .first(conn)
            .optional()?,
        None => None,
    };
    if let Some(client_id) = known_client {
        let found: Option<(i64, Option<String>)> = dialogs::table
            .filter(dialogs::channel_id.eq(channel_id.0))
            .filter(dialogs::client_id.eq(client_id))
            .select((dialogs::id, dialogs::client_external_id))
            .first(conn)
            .optional()?;
        if let Some((id, stored_external)) = found {
            // A lead first known by phone may later come with a chat id.
            if stored_external.is_none() && lead.external_id.is_some() {
                diesel::update(dialogs::table.find(id))
                    .set(dialogs::client_external_id.eq(&lead.external_id))
                    .execute(conn)?;
            }
            return Ok((DialogId(id), false));
        }
    }
    let at = to_db(now());
    let client_id = match known_client {
        Some(id) => id,
        None => {
            let name = lead.name.clone().unwrap_or_default();
            diesel::insert_into(clients::table)
                .values((
                    clients::name.eq(&name),
                    clients::phone.eq(lead.phone.as_ref().map(Phone::as_str)),
                    clients::avatar_url.eq(&lead.avatar_url),
                    clients::custom_fields.eq("{}"),
                    clients::search_name.eq(name.to_lowercase()),
                    clients::phone_digits.eq(lead.phone.as_ref().map_or("", Phone::digits)),
                    clients::created_at.eq(at),
                ))
                .returning(clients::id)
                .get_result(conn)?
        }
    };
    let dialog_id = insert_dialog(conn, client_id, channel_id, lead.external_id.as_deref(), at)?;
    Ok((dialog_id, true))
}

/// Inserts a new dialog in `start` and counts it.
pub fn insert_dialog(
    conn: &mut DbConnection,
    client_id: i64,
    channel_id: ChannelId,
    external_id: Option<&str>,
    at: chrono::NaiveDateTime,
) -> StoreResult<DialogId> {
    let id: i64 = diesel::insert_into(dialogs::table)
        .values((
            dialogs::client_id.eq(client_id),
            dialogs::channel_id.eq(channel_id.0),
            dialogs::client_external_id.eq(external_id),
            dialogs::status.eq(Status::Start.as_str()),
            dialogs::last_message_at.eq(at),
            dialogs::message_count.eq(0),
            dialogs::version.eq(1),
            dialogs::created_at.eq(at),
            dialogs::updated_at.eq(at),
        ))
        .returning(dialogs::id)
        .get_result(conn)?;
    bump_counters(conn, None, Status::Start)?;
    live::begin_events(conn)?;
    live::record(
        conn,
        live::kind::COUNTS_CHANGED,
        None,
        &serde_json::json!({}),
    )?;
    Ok(DialogId(id))
}

fn channel_exists(conn: &mut DbConnection, id: ChannelId) -> StoreResult<()> {
    let found: Option<i64> = channels::table
        .find(id.0)
        .select(channels::id)
        .first(conn)
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| StoreError::not_found("channel", id.0))
}

fn operator_is_active(
    conn: &mut DbConnection,
    id: OperatorId,
    field: &'static str,
) -> StoreResult<()> {
    let active: Option<bool> = operators::table
        .find(id.0)
        .select(operators::active)
        .first(conn)
        .optional()?;
    match active {
        Some(true) => Ok(()),
        Some(false) => Err(StoreError::invalid(
            field,
            format!("operator {id} is deactivated"),
        )),
        None => Err(StoreError::invalid(
            field,
            format!("operator {id} does not exist"),
        )),
    }
}

impl Store {
    /// A lead's message from a channel connector. Creates client and dialog
    /// when new; a repeated channel message id returns the original result
    /// and writes nothing.
    pub fn inbound(&self, inbound: &Inbound) -> StoreResult<InboundOutcome> {
        if inbound.client.external_id.is_none() && inbound.client.phone.is_none() {
            return Err(StoreError::invalid(
                "client",
                "give the lead's external_id (chat id on the channel) or phone",
            ));
        }
        self.write(|conn| {
            channel_exists(conn, inbound.channel_id)?;
            if let Some(external) = &inbound.message.external_id {
                let seen: Option<(i64, i64)> = messages::table
                    .filter(messages::channel_id.eq(inbound.channel_id.0))
                    .filter(messages::external_id.eq(external))
                    .select((messages::id, messages::dialog_id))
                    .first(conn)
                    .optional()?;
                if let Some((message_id, dialog_id)) = seen {
                    let row = dialog_row(conn, DialogId(dialog_id))?;
                    return Ok(InboundOutcome {
                        dialog_id: DialogId(dialog_id),
                        message_id: MessageId(message_id),
                        status: parse_stored(&row.status)?,
                        duplicate: true,
                        created: false,
                    });
                }
            }
            let (dialog_id, created) =
                find_or_create_dialog(conn, inbound.channel_id, &inbound.client)?;
            if !created {
                refresh_client(conn, dialog_id, &inbound.client)?;
            }
            let event = DialogEvent {
                at: inbound.message.sent_at,
                actor: inbound.actor,
                kind: EventKind::LeadMessage {
                    kind: inbound.message.kind,
                },
            };
            let mut message = inbound.message.clone();
            message.operator_id = None;
            let applied = apply_event(conn, dialog_id, &event, Some(&message))?;
            Ok(InboundOutcome {
                dialog_id,
                message_id: applied.message_id.ok_or_else(|| {
                    StoreError::Database(anyhow::anyhow!("inbound stored no message"))
                })?,
                status: applied.transition.after.status,
                duplicate: false,
                created,
            })
        })
    }

    /// What the AI engine reports about a dialog.
    pub fn bot_report(
        &self,
        dialog_id: DialogId,
        report: &BotEvent,
        actor: Actor,
    ) -> StoreResult<Applied> {
        self.write(|conn| {
            let at = now();
            let (kind, message) = match report {
                BotEvent::FlowLaunched { flow_id, step_id } => (
                    EventKind::FlowLaunched {
                        flow_id: *flow_id,
                        step: step_ref(conn, *step_id, "step_id")?,
                    },
                    None,
                ),
                BotEvent::StepReached { step_id } => (
                    EventKind::StepReached {
                        step: step_ref(conn, *step_id, "step_id")?,
                    },
                    None,
                ),
                BotEvent::BotMessage { text } => (
                    EventKind::BotMessage,
                    Some(NewMessage {
                        operator_id: None,
                        kind: MessageKind::Text,
                        text: text.clone(),
                        media_url: None,
                        external_id: None,
                        sent_at: at,
                    }),
                ),
                BotEvent::AiError { detail } => (
                    EventKind::AiError {
                        detail: detail.clone(),
                    },
                    None,
                ),
                BotEvent::BlockedByLead => (EventKind::BlockedByLead, None),
                BotEvent::DeliveryRefused { detail } => (
                    EventKind::DeliveryRefused {
                        detail: detail.clone(),
                    },
                    None,
                ),
            };
            let event = DialogEvent { at, actor, kind };
            apply_event(conn, dialog_id, &event, message.as_ref())
        })
    }

    /// An operator's reply to the lead.
    pub fn operator_message(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        text: &str,
    ) -> StoreResult<Applied> {
        if text.trim().is_empty() {
            return Err(StoreError::invalid("text", "must not be empty"));
        }
        self.write(|conn| {
            let at = now();
            let event = DialogEvent {
                at,
                actor: Actor::Operator(operator),
                kind: EventKind::OperatorMessage { operator },
            };
            let message = NewMessage {
                operator_id: Some(operator),
                kind: MessageKind::Text,
                text: text.to_owned(),
                media_url: None,
                external_id: None,
                sent_at: at,
            };
            apply_event(conn, dialog_id, &event, Some(&message))
        })
    }

    /// The chat-settings save: assignee, status, flow and step, and tags in
    /// one transaction, refused whole when anything is wrong.
    pub fn save_settings(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        input: &SettingsBody,
    ) -> StoreResult<Applied> {
        let version = input.version.ok_or_else(|| {
            StoreError::invalid("version", "send the version the form was based on")
        })?;
        self.write(|conn| {
            lock_dialog(conn, dialog_id)?;
            let (row, _) = dialog_state(conn, dialog_id)?;
            let mut change = SettingsChange::by(operator, version);
            change.status = input.status;
            if let Some(assignee) = input.assignee_id {
                if let Some(id) = assignee {
                    operator_is_active(conn, id, "assignee_id")?;
                }
                change.assignee = Some(assignee);
            }
            if let Some(tag_ids) = &input.tag_ids {
                let wanted: BTreeSet<TagId> = tag_ids.iter().copied().collect();
                let raw: Vec<i64> = wanted.iter().map(|t| t.0).collect();
                let found: Vec<i64> = tags::table
                    .filter(tags::id.eq_any(&raw))
                    .select(tags::id)
                    .load(conn)?;
                if let Some(missing) = raw.iter().find(|id| !found.contains(id)) {
                    return Err(StoreError::invalid(
                        "tag_ids",
                        format!("tag {missing} does not exist"),
                    ));
                }
                change.tags = Some(wanted);
            }
            change.placement = placement(conn, &row, input)?;
            let event = DialogEvent {
                at: now(),
                actor: Actor::Operator(operator),
                kind: EventKind::Settings(change),
            };
            apply_event(conn, dialog_id, &event, None)
        })
    }

    /// Marks or unmarks a dialog as the operator's favourite (idempotent).
    pub fn set_favourite(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        favourite: bool,
    ) -> StoreResult<()> {
        self.write(|conn| {
            dialog_row(conn, dialog_id)?;
            let existing = favourites::table
                .find((operator.0, dialog_id.0))
                .select(favourites::dialog_id)
                .first::<i64>(conn)
                .optional()?;
            match (favourite, existing) {
                (true, None) => {
                    diesel::insert_into(favourites::table)
                        .values((
                            favourites::operator_id.eq(operator.0),
                            favourites::dialog_id.eq(dialog_id.0),
                            favourites::created_at.eq(to_db(now())),
                        ))
                        .execute(conn)?;
                }
                (false, Some(_)) => {
                    diesel::delete(favourites::table.find((operator.0, dialog_id.0)))
                        .execute(conn)?;
                }
                _ => {}
            }
            Ok(())
        })
    }

    /// A page of the dialog's messages, newest last; `next_cursor` leads to
    /// older messages.
    pub fn messages(
        &self,
        dialog_id: DialogId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Message>> {
        const SORT: &str = "messages";
        let before = cursor.map(|c| Cursor::decode(c, SORT)).transpose()?;
        self.read(|conn| {
            dialog_row(conn, dialog_id)?;
            let mut query = messages::table
                .filter(messages::dialog_id.eq(dialog_id.0))
                .select(MessageRow::as_select())
                .order_by(messages::id.desc())
                .limit(limit as i64 + 1)
                .into_boxed();
            if let Some(c) = before {
                query = query.filter(messages::id.lt(c.id));
            }
            let rows: Vec<MessageRow> = query.load(conn)?;
            let (mut rows, next) = page_of(rows, limit, |m| Cursor {
                sort: SORT.into(),
                key: CursorKey::Int(m.id),
                id: m.id,
            });
            rows.reverse();
            Ok(Page {
                items: rows
                    .into_iter()
                    .map(MessageRow::into_message)
                    .collect::<StoreResult<_>>()?,
                next_cursor: next,
            })
        })
    }

    /// A page of the dialog's timeline, oldest first.
    pub fn timeline(
        &self,
        dialog_id: DialogId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<TimelineEvent>> {
        const SORT: &str = "events";
        let after = cursor.map(|c| Cursor::decode(c, SORT)).transpose()?;
        self.read(|conn| {
            dialog_row(conn, dialog_id)?;
            let mut query = events::table
                .filter(events::dialog_id.eq(dialog_id.0))
                .select(EventRow::as_select())
                .order_by(events::id.asc())
                .limit(limit as i64 + 1)
                .into_boxed();
            if let Some(c) = after {
                query = query.filter(events::id.gt(c.id));
            }
            let rows: Vec<EventRow> = query.load(conn)?;
            let (rows, next) = page_of(rows, limit, |e| Cursor {
                sort: SORT.into(),
                key: CursorKey::Int(e.id),
                id: e.id,
            });
            Ok(Page {
                items: rows
                    .into_iter()
                    .map(EventRow::into_event)
                    .collect::<StoreResult<_>>()?,
                next_cursor: next,
            })
        })
    }

    /// One stored message.
    pub fn message(&self, id: MessageId) -> StoreResult<Message> {
        self.read(|conn| {
            messages::table
                .find(id.0)
                .select(MessageRow::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| StoreError::not_found("message", id.0))?
                .into_message()
        })
    }

    /// The client of a dialog, whole.
    pub fn dialog_client(&self, dialog_id: DialogId) -> StoreResult<Client> {
        self.read(|conn| {
            let row = dialog_row(conn, dialog_id)?;
            clients::table
                .find(row.client_id)
                .select(ClientRow::as_select())
                .first(conn)?
                .into_client()
        })
    }

    /// The dialog's state as the state machine sees it.
    pub fn dialog_state(&self, dialog_id: DialogId) -> StoreResult<DialogState> {
        self.read(|conn| dialog_state(conn, dialog_id).map(|(_, state)| state))
    }
}

/// Keeps the client's name and avatar as the channel last described them.
fn refresh_client(
    conn: &mut DbConnection,
    dialog_id: DialogId,
    lead: &InboundClient,
) -> StoreResult<()> {
    let client_id: i64 = dialogs::table
        .find(dialog_id.0)
        .select(dialogs::client_id)
        .first(conn)?;
    if let Some(name) = lead
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        diesel::update(clients::table.find(client_id))
            .set((
                clients::name.eq(name),
                clients::search_name.eq(name.to_lowercase()),
            ))
            .execute(conn)?;
    }
    if let Some(avatar) = &lead.avatar_url {
        diesel::update(clients::table.find(client_id))
            .set(clients::avatar_url.eq(avatar))
            .execute(conn)?;
    }
    Ok(())
}

/// A step as the state machine needs it; a missing step is a field error.
fn step_ref(conn: &mut DbConnection, id: StepId, field: &'static str) -> StoreResult<StepRef> {
    match step_row(conn, id) {
        Ok(row) => row.to_ref(),
        Err(StoreError::NotFound { .. }) => Err(StoreError::invalid(
            field,
            format!("step {id} does not exist"),
        )),
        Err(e) => Err(e),
    }
}

/// Turns the flow and step fields of a save into the domain's placement.
fn placement(
    conn: &mut DbConnection,
    row: &DialogRow,
    input: &SettingsBody,
) -> StoreResult<Option<Option<(FlowId, StepRef)>>> {
    if let Some(Some(flow_id)) = input.flow_id {
        let exists: Option<i64> = flows::table
            .find(flow_id.0)
            .select(flows::id)
            .first(conn)
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::invalid(
                "flow_id",
                format!("flow {flow_id} does not exist"),
            ));
        }
    }
    match (input.flow_id, input.step_id) {
        (_, Some(Some(step_id))) => {
            let step = step_ref(conn, step_id, "step_id")?;
            let flow_id = match input.flow_id {
                Some(Some(flow)) => flow,
                Some(None) => {
                    return Err(StoreError::invalid(
                        "flow_id",
                        "a step needs its flow; do not clear the flow",
                    ))
                }
                None => row.flow_id.map_or(step.flow_id, FlowId),
            };
            Ok(Some(Some((flow_id, step))))
        }
        (Some(None), _) | (_, Some(None)) => Ok(Some(None)),
        (Some(Some(flow_id)), None) if row.flow_id == Some(flow_id.0) => Ok(None),
        (Some(Some(_)), None) => Err(StoreError::invalid(
            "step_id",
            "choose a step of the new flow",
        )),
        (None, None) => Ok(None),
    }
}
