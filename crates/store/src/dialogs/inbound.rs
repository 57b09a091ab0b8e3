//! A lead's message from a channel connector: find or create the client and the
//! dialog, store the message once (idempotent on the channel's message id).

use super::{apply_event, bump_counters, dialog_row, facets, NewMessage};
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{live, DbConnection, Store};
use dialogdesk_domain::*;
use diesel::prelude::*;

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

/// Finds the dialog of a lead on a channel, creating client and dialog
/// when the lead is new. Returns the dialog and, when it was there
/// already, its client as the dialog keeps it.
pub(super) fn find_or_create_dialog(
    conn: &mut DbConnection,
    channel_id: ChannelId,
    lead: &InboundClient,
) -> StoreResult<(DialogId, Option<KnownClient>)> {
    if let Some(external) = &lead.external_id {
        let found: Option<(i64, i64, String)> = dialogs::table
            .filter(dialogs::channel_id.eq(channel_id.0))
            .filter(dialogs::client_external_id.eq(external))
            .select((dialogs::id, dialogs::client_id, dialogs::client_name))
            .first(conn)
            .optional()?;
        if let Some((id, client_id, name)) = found {
            return Ok((
                DialogId(id),
                Some(KnownClient {
                    id: client_id,
                    name,
                }),
            ));
        }
    }
    let known_client: Option<ClientNames> = match &lead.phone {
        Some(phone) => clients::table
            .filter(clients::phone.eq(phone.as_str()))
            .select((clients::id, clients::name, clients::phone_digits))
            .order_by(clients::id)
            .first(conn)
            .optional()?
            .map(|(id, name, phone_digits)| ClientNames {
                id,
                name,
                phone_digits,
            }),
        None => None,
    };
    if let Some(client) = &known_client {
        let client_id = client.id;
        let found: Option<(i64, Option<String>, String)> = dialogs::table
            .filter(dialogs::channel_id.eq(channel_id.0))
            .filter(dialogs::client_id.eq(client_id))
            .select((
                dialogs::id,
                dialogs::client_external_id,
                dialogs::client_name,
            ))
            .first(conn)
            .optional()?;
        if let Some((id, stored_external, name)) = found {
            // A lead first known by phone may later come with a chat id.
            if stored_external.is_none() && lead.external_id.is_some() {
                diesel::update(dialogs::table.find(id))
                    .set(dialogs::client_external_id.eq(&lead.external_id))
                    .execute(conn)?;
            }
            return Ok((
                DialogId(id),
                Some(KnownClient {
                    id: client_id,
                    name,
                }),
            ));
        }
    }
    // A new dialog: an unknown channel fails in `insert_dialog`, and the
    // delivery's transaction takes the new client back with it.
    let at = to_db(now());
    let client = match known_client {
        Some(client) => client,
        None => {
            let name = lead.name.clone().unwrap_or_default();
            let phone_digits = lead.phone.as_ref().map_or("", Phone::digits).to_owned();
            let id = diesel::insert_into(clients::table)
                .values((
                    clients::name.eq(&name),
                    clients::phone.eq(lead.phone.as_ref().map(Phone::as_str)),
                    clients::avatar_url.eq(&lead.avatar_url),
                    clients::custom_fields.eq("{}"),
                    clients::search_name.eq(name.to_lowercase()),
                    clients::phone_digits.eq(&phone_digits),
                    clients::created_at.eq(at),
                ))
                .returning(clients::id)
                .get_result(conn)?;
            ClientNames {
                id,
                name,
                phone_digits,
            }
        }
    };
    let dialog_id = insert_dialog(conn, &client, channel_id, lead.external_id.as_deref(), at)?;
    Ok((dialog_id, None))
}

/// A client as a new dialog keeps it: the names the lists sort and search
/// by.
pub struct ClientNames {
    /// The client.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The digits of its phone ('' without one).
    pub phone_digits: String,
}

/// Inserts a new dialog in `start` and counts it; `NotFound` for an unknown
/// channel.
pub fn insert_dialog(
    conn: &mut DbConnection,
    client: &ClientNames,
    channel_id: ChannelId,
    external_id: Option<&str>,
    at: chrono::NaiveDateTime,
) -> StoreResult<DialogId> {
    let channel_name: String = channels::table
        .find(channel_id.0)
        .select(channels::name)
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("channel", channel_id.0))?;
    let id: i64 = diesel::insert_into(dialogs::table)
        .values((
            dialogs::client_id.eq(client.id),
            dialogs::client_name.eq(&client.name),
            dialogs::client_phone_digits.eq(&client.phone_digits),
            dialogs::client_search_name.eq(client.name.to_lowercase()),
            dialogs::channel_name.eq(channel_name),
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
    facets::add(conn, ("channel", channel_id.0), Status::Start, 1)?;
    live::record(
        conn,
        live::kind::COUNTS_CHANGED,
        None,
        &serde_json::json!({}),
    )?;
    Ok(DialogId(id))
}

/// The client of a dialog that was there already, as the dialog keeps it.
pub(super) struct KnownClient {
    id: i64,
    name: String,
}

/// Keeps the client's name and avatar as the channel last described them.
/// Runs on every message of a known lead, so it writes only what changed:
/// connectors send the same name with every message, and a rename rewrites
/// the name kept on each of the client's dialogs (and their sort indexes).
pub(super) fn refresh_client(
    conn: &mut DbConnection,
    known: &KnownClient,
    lead: &InboundClient,
) -> StoreResult<()> {
    let (client_id, current_name) = (known.id, known.name.as_str());
    if let Some(name) = lead
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty() && *n != current_name)
    {
        diesel::update(clients::table.find(client_id))
            .set((
                clients::name.eq(name),
                clients::search_name.eq(name.to_lowercase()),
            ))
            .execute(conn)?;
        diesel::update(dialogs::table.filter(dialogs::client_id.eq(client_id)))
            .set((
                dialogs::client_name.eq(name),
                dialogs::client_search_name.eq(name.to_lowercase()),
            ))
            .execute(conn)?;
    }
    if let Some(avatar) = &lead.avatar_url {
        diesel::update(clients::table.find(client_id))
            .set(clients::avatar_url.eq(avatar))
            .filter(
                clients::avatar_url
                    .is_null()
                    .or(clients::avatar_url.ne(avatar)),
            )
            .execute(conn)?;
    }
    Ok(())
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
        // Two deliveries of one lead at once (a WhatsApp burst, a retry racing
        // the original) must not both create the lead, nor both store one
        // message: writes take their turn one at a time (in one batch, or
        // batches of two `serve` processes one after the other), so the
        // second sees what the first wrote. A unique violation that still
        // slips through (a lead known by phone meeting its chat id) is
        // retried: the retry finds the row the other delivery wrote.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.deliver_batched(inbound) {
                Err(e) if e.is_unique_violation() && attempts < 3 => continue,
                Err(e) if e.is_unique_violation() => {
                    return Err(StoreError::Conflict(
                        "this delivery raced another one for the same lead; retry it".into(),
                    ))
                }
                outcome => return outcome,
            }
        }
    }
}

/// One delivery in the caller's transaction (a savepoint of a batch: see
/// `ingest`).
pub(super) fn deliver_in(
    conn: &mut DbConnection,
    inbound: &Inbound,
) -> StoreResult<InboundOutcome> {
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
    let (dialog_id, known) = find_or_create_dialog(conn, inbound.channel_id, &inbound.client)?;
    if let Some(known) = &known {
        refresh_client(conn, known, &inbound.client)?;
    }
    let created = known.is_none();
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
        message_id: applied
            .message_id
            .ok_or_else(|| StoreError::Database(anyhow::anyhow!("inbound stored no message")))?,
        status: applied.transition.after.status,
        duplicate: false,
        created,
    })
}
