//! A lead's message from a channel connector: find or create the client and the
//! dialog, store the message once (idempotent on the channel's message id).

use super::rows::{DialogUpdate, NewClientRow, NewDialogRow};
use super::writes::{IdsWanted, Opened, Writes};
use super::{Decided, NewMessage};
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use dialogdesk_domain::machine::DialogState;
use dialogdesk_domain::*;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{Array, BigInt, Nullable, Text, Untyped};
use diesel::PgConnection;
use std::collections::{BTreeSet, HashMap};

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

/// What is known of a lead that its chat id did not find.
enum ByPhone {
    /// Its dialog on this channel, and its client as the dialog keeps it.
    Dialog(i64, KnownClient),
    /// Its client, without a dialog on this channel yet.
    Client(ClientNames),
    /// Nothing: a new lead.
    Nobody,
}

/// Looks a lead up by phone: its client, and that client's dialog on the
/// channel. A lead first known by phone that now comes with a chat id
/// keeps the chat id on its dialog.
fn find_by_phone(
    conn: &mut DbConnection,
    channel_id: ChannelId,
    lead: &InboundClient,
) -> StoreResult<ByPhone> {
    let Some(phone) = &lead.phone else {
        return Ok(ByPhone::Nobody);
    };
    let client: Option<ClientNames> = clients::table
        .filter(clients::phone.eq(phone.as_str()))
        .select((clients::id, clients::name, clients::phone_digits))
        .order_by(clients::id)
        .first(conn)
        .optional()?
        .map(|(id, name, phone_digits)| ClientNames {
            id,
            name,
            phone_digits,
        });
    let Some(client) = client else {
        return Ok(ByPhone::Nobody);
    };
    let found: Option<(i64, Option<String>, String)> = dialogs::table
        .filter(dialogs::channel_id.eq(channel_id.0))
        .filter(dialogs::client_id.eq(client.id))
        .select((
            dialogs::id,
            dialogs::client_external_id,
            dialogs::client_name,
        ))
        .first(conn)
        .optional()?;
    let Some((id, stored_external, name)) = found else {
        return Ok(ByPhone::Client(client));
    };
    if stored_external.is_none() && lead.external_id.is_some() {
        diesel::update(dialogs::table.find(id))
            .set(dialogs::client_external_id.eq(&lead.external_id))
            .execute(conn)?;
    }
    Ok(ByPhone::Dialog(
        id,
        KnownClient {
            id: client.id,
            name,
        },
    ))
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
    let wanted = IdsWanted {
        dialogs: 1,
        ..IdsWanted::default()
    };
    let Opened {
        mut writes,
        mut ids,
        mut channel_names,
    } = Writes::open(conn, wanted, &[channel_id.0])?;
    let channel_name = channel_names
        .remove(&channel_id.0)
        .ok_or_else(|| StoreError::not_found("channel", channel_id.0))?;
    let row = start_row(ids.dialog()?, client, channel_id, external_id, at);
    stage_new_dialog(&mut writes, &row, client, channel_name);
    writes.write(conn)?;
    Ok(DialogId(row.id))
}

/// A new dialog's row, as the state machine then reads it.
fn start_row(
    id: i64,
    client: &ClientNames,
    channel_id: ChannelId,
    external_id: Option<&str>,
    at: chrono::NaiveDateTime,
) -> DialogRow {
    DialogRow {
        id,
        client_id: client.id,
        channel_id: channel_id.0,
        client_external_id: external_id.map(str::to_owned),
        status: Status::Start.as_str().to_owned(),
        flow_id: None,
        step_id: None,
        assignee_id: None,
        last_message_at: at,
        last_message_author: None,
        last_message_kind: None,
        last_message_text: None,
        message_count: 0,
        finished_at: None,
        finished_by: None,
        status_reason: None,
        version: 1,
        created_at: at,
        updated_at: at,
        client_name: client.name.clone(),
        finished_by_name: String::new(),
        awaiting_reply_since: None,
    }
}

/// Stages a new dialog (`row`, from [`start_row`]), counted in `start`.
fn stage_new_dialog(
    writes: &mut Writes,
    row: &DialogRow,
    client: &ClientNames,
    channel_name: String,
) {
    writes.new_dialog(
        NewDialogRow {
            client_id: client.id,
            client_name: client.name.clone(),
            client_phone_digits: client.phone_digits.clone(),
            client_search_name: client.name.to_lowercase(),
            channel_name,
            channel_id: row.channel_id,
            client_external_id: row.client_external_id.clone(),
            created_at: row.created_at,
            state: DialogUpdate {
                id: row.id,
                status: Status::Start.as_str(),
                flow_id: None,
                step_id: None,
                assignee_id: None,
                message_count: 0,
                finished_at: None,
                finished_by: None,
                finished_by_name: String::new(),
                status_reason: None,
                version: 1,
                updated_at: row.updated_at,
                last_message_at: row.last_message_at,
                last_message_author: None,
                last_message_kind: None,
                last_message_text: None,
                awaiting_reply_since: None,
            },
        },
        &DialogState::new(),
    );
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
        // Refused here too, so a bad delivery never costs its batch the
        // savepoint path.
        check_lead(&inbound.client)?;
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
            if let Some(settled) = settled(self.deliver_batched(inbound), attempts) {
                return settled;
            }
        }
    }

    /// [`Self::inbound`] for async callers (the API): the same writes,
    /// awaited without holding a thread.
    pub async fn inbound_async(&self, inbound: &Inbound) -> StoreResult<InboundOutcome> {
        check_lead(&inbound.client)?;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let outcome = self.deliver_batched_async(inbound).await;
            if let Some(settled) = settled(outcome, attempts) {
                return settled;
            }
        }
    }
}

/// A delivery's outcome, or `None` when it lost a race for a new lead and
/// is to be tried again (the retry finds the row the other delivery
/// wrote); after three tries, a conflict to retry later.
fn settled(
    outcome: StoreResult<InboundOutcome>,
    attempts: u32,
) -> Option<StoreResult<InboundOutcome>> {
    match outcome {
        Err(e) if e.is_unique_violation() && attempts < 3 => None,
        Err(e) if e.is_unique_violation() => Some(Err(StoreError::Conflict(
            "this delivery raced another one for the same lead; retry it".into(),
        ))),
        outcome => Some(outcome),
    }
}

/// A lead is found by its chat id on the channel or by its phone: it needs
/// one of them.
fn check_lead(lead: &InboundClient) -> StoreResult<()> {
    if lead.external_id.is_none() && lead.phone.is_none() {
        return Err(StoreError::invalid(
            "client",
            "give the lead's external_id (chat id on the channel) or phone",
        ));
    }
    Ok(())
}

/// Where a delivery of a round goes.
enum Target {
    /// Its message id was delivered before: nothing to write.
    Repeat { message_id: i64, dialog_id: i64 },
    /// A dialog that was there before the round.
    Existing { dialog_id: i64 },
    /// A new dialog, staged with the round: of a client known by phone, or
    /// of a new client.
    New { client: Option<ClientNames> },
}

/// A delivery of a round, decided: a repeat answered as it was, or a
/// change, with the new dialog (its channel's name, and its client when
/// the phone found one) when the lead had none.
enum Planned {
    Repeat(InboundOutcome),
    Change {
        one: Box<Decided>,
        /// A new lead's: its channel, and its client when known by phone.
        new: Option<(i64, Option<ClientNames>)>,
    },
}

/// Deliveries written together, in the caller's transaction. No two of
/// them share a lead or a channel message id (`ingest` splits a batch into
/// such rounds), so each is decided on the database as the round found it
/// and every row waits for the end of the round. On PostgreSQL a round of
/// any size is three statements: one read ([`KnownQuery`]), one that opens
/// its writes (ids, channel names, webhook subscriptions: `Writes::open`)
/// and one write (`Writes::write`), where one delivery at a time took a
/// dozen statements each.
///
/// New clients and dialogs take their ids in the order the deliveries came,
/// as they would one at a time. The first delivery that fails fails the
/// round, since some rare paths (a rename, a lead known by phone that now
/// has a chat id) write at once; the caller then writes each delivery in a
/// savepoint of its own (a round of one).
pub(super) fn deliver_round(
    conn: &mut DbConnection,
    round: &[&Inbound],
) -> StoreResult<Vec<InboundOutcome>> {
    let Known {
        repeats,
        mut rows,
        mut tags,
    } = known(conn, round)?;
    let by_chat: HashMap<(i64, String), i64> = rows
        .values()
        .filter_map(|r| Some(((r.channel_id, r.client_external_id.clone()?), r.id)))
        .collect();
    let mut targets = Vec::with_capacity(round.len());
    for inbound in round {
        let (channel, lead) = (inbound.channel_id, &inbound.client);
        check_lead(lead)?;
        let repeat = inbound
            .message
            .external_id
            .as_ref()
            .and_then(|e| repeats.get(&(channel.0, e.clone())));
        let known = lead
            .external_id
            .as_ref()
            .and_then(|chat| by_chat.get(&(channel.0, chat.clone())))
            .and_then(|id| rows.get(id));
        targets.push(if let Some(&(message_id, dialog_id)) = repeat {
            Target::Repeat {
                message_id,
                dialog_id,
            }
        } else if let Some(row) = known {
            let client = KnownClient {
                id: row.client_id,
                name: row.client_name.clone(),
            };
            let dialog_id = row.id;
            refresh_client(conn, &client, lead)?;
            Target::Existing { dialog_id }
        } else {
            let client = match find_by_phone(conn, channel, lead)? {
                ByPhone::Dialog(dialog_id, known) => {
                    refresh_client(conn, &known, lead)?;
                    targets.push(Target::Existing { dialog_id });
                    continue;
                }
                ByPhone::Client(client) => Some(client),
                ByPhone::Nobody => None,
            };
            Target::New { client }
        });
    }
    // The rows the lookups did not bring: repeats' dialogs (for their
    // status) and dialogs of leads known by phone.
    let missing: Vec<i64> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Repeat { dialog_id, .. } | Target::Existing { dialog_id, .. } => {
                Some(*dialog_id)
            }
            Target::New { .. } => None,
        })
        .filter(|id| !rows.contains_key(id))
        .collect();
    if !missing.is_empty() {
        rows.extend(dialog_rows(conn, &missing)?);
    }
    // Tags of dialogs found another way than by chat id (by phone).
    let untagged: Vec<i64> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Existing { dialog_id } if !tags.contains_key(dialog_id) => Some(*dialog_id),
            _ => None,
        })
        .collect();
    if !untagged.is_empty() {
        tags.extend(tags_of(conn, &untagged)?);
    }

    // Decide every delivery; then take the ids of all the round's rows at once.
    let at = to_db(now());
    let mut planned = Vec::with_capacity(round.len());
    let mut wanted = IdsWanted::default();
    for (inbound, target) in round.iter().zip(targets) {
        let (row, new) = match target {
            Target::Repeat {
                message_id,
                dialog_id,
            } => {
                let row = rows
                    .get(&dialog_id)
                    .ok_or_else(|| StoreError::not_found("dialog", dialog_id))?;
                planned.push(Planned::Repeat(InboundOutcome {
                    dialog_id: DialogId(dialog_id),
                    message_id: MessageId(message_id),
                    status: parse_stored(&row.status)?,
                    duplicate: true,
                    created: false,
                }));
                continue;
            }
            Target::Existing { dialog_id } => (
                rows.get(&dialog_id)
                    .cloned()
                    .ok_or_else(|| StoreError::not_found("dialog", dialog_id))?,
                None,
            ),
            Target::New { client } => {
                // Its ids (and its channel's name) are given once the batch
                // is opened, below.
                wanted.clients += usize::from(client.is_none());
                wanted.dialogs += 1;
                let row = start_row(
                    0,
                    client.as_ref().unwrap_or(&new_client(inbound, 0)),
                    inbound.channel_id,
                    inbound.client.external_id.as_deref(),
                    at,
                );
                (row, Some((inbound.channel_id.0, client)))
            }
        };
        let state = row.state(tags.remove(&row.id).unwrap_or_default())?;
        let one = Decided::new(
            conn,
            row,
            state,
            lead_message_event(inbound),
            Some(lead_message(inbound)),
        )?;
        wanted += one.ids_wanted();
        planned.push(Planned::Change {
            one: Box::new(one),
            new,
        });
    }
    // The channels' names, for new dialogs only.
    let new_on: Vec<i64> = planned
        .iter()
        .filter_map(|plan| match plan {
            Planned::Change {
                new: Some((channel, _)),
                ..
            } => Some(*channel),
            _ => None,
        })
        .collect();
    let Opened {
        mut writes,
        mut ids,
        channel_names,
    } = Writes::open(conn, wanted, &new_on)?;
    let mut outcomes = Vec::with_capacity(round.len());
    for (inbound, plan) in round.iter().zip(planned) {
        let (mut one, new) = match plan {
            Planned::Repeat(outcome) => {
                outcomes.push(outcome);
                continue;
            }
            Planned::Change { one, new } => (*one, new),
        };
        let created = new.is_some();
        if let Some((channel, known)) = new {
            let channel_name = channel_names
                .get(&channel)
                .cloned()
                .ok_or_else(|| StoreError::not_found("channel", channel))?;
            let client = match known {
                Some(client) => client,
                None => {
                    let client = new_client(inbound, ids.client()?);
                    writes.new_client(NewClientRow {
                        id: client.id,
                        name: client.name.clone(),
                        phone: inbound.client.phone.as_ref().map(|p| p.as_str().to_owned()),
                        avatar_url: inbound.client.avatar_url.clone(),
                        custom_fields: "{}",
                        search_name: client.name.to_lowercase(),
                        phone_digits: client.phone_digits.clone(),
                        created_at: at,
                    });
                    client
                }
            };
            one.row.id = ids.dialog()?;
            one.row.client_id = client.id;
            stage_new_dialog(&mut writes, &one.row, &client, channel_name);
        }
        let applied = one.stage(&mut writes, &mut ids)?;
        outcomes.push(InboundOutcome {
            dialog_id: applied.dialog_id,
            message_id: applied.message_id.ok_or_else(|| {
                StoreError::Database(anyhow::anyhow!("inbound stored no message"))
            })?,
            status: applied.transition.after.status,
            duplicate: false,
            created,
        });
    }
    writes.write(conn)?;
    Ok(outcomes)
}

/// A new lead's client.
fn new_client(inbound: &Inbound, id: i64) -> ClientNames {
    ClientNames {
        id,
        name: inbound.client.name.clone().unwrap_or_default(),
        phone_digits: inbound
            .client
            .phone
            .as_ref()
            .map_or("", Phone::digits)
            .to_owned(),
    }
}

/// The event of a lead's message.
fn lead_message_event(inbound: &Inbound) -> DialogEvent {
    DialogEvent {
        at: inbound.message.sent_at,
        actor: inbound.actor,
        kind: EventKind::LeadMessage {
            kind: inbound.message.kind,
        },
    }
}

/// A lead's message as stored (never an operator's).
fn lead_message(inbound: &Inbound) -> NewMessage {
    NewMessage {
        operator_id: None,
        ..inbound.message.clone()
    }
}

/// The messages already stored under the round's channel message ids, one
/// query each.
fn stored_messages(
    conn: &mut DbConnection,
    round: &[&Inbound],
) -> StoreResult<HashMap<(i64, String), (i64, i64)>> {
    let mut found = HashMap::new();
    for inbound in round {
        let (channel, Some(external)) =
            (inbound.channel_id.0, inbound.message.external_id.as_deref())
        else {
            continue;
        };
        let stored: Option<(i64, i64)> = messages::table
            .filter(messages::channel_id.eq(channel))
            .filter(messages::external_id.eq(external))
            .select((messages::id, messages::dialog_id))
            .first(conn)
            .optional()?;
        if let Some(stored) = stored {
            found.insert((channel, external.to_owned()), stored);
        }
    }
    Ok(found)
}

/// What a round reads before it decides: the messages already stored
/// under its channel message ids, (channel, message id on the channel) →
/// (message, dialog); the dialogs of its leads known by chat id and of
/// those repeats, by dialog id; and the tags of those dialogs.
#[derive(Default)]
struct Known {
    repeats: HashMap<(i64, String), (i64, i64)>,
    rows: HashMap<i64, DialogRow>,
    tags: HashMap<i64, BTreeSet<TagId>>,
}

/// Reads what the round knows. On PostgreSQL each statement is a round
/// trip, so a round is read with one statement ([`KnownQuery`]). SQLite
/// runs in the process: a query per key costs microseconds and its
/// prepared statement is kept, while its planner may scan a table joined
/// to a list instead of searching the partial unique index.
fn known(conn: &mut DbConnection, round: &[&Inbound]) -> StoreResult<Known> {
    if let DbConnection::Pg(pg) = conn {
        return known_in_one_statement(pg, round);
    }
    let repeats = stored_messages(conn, round)?;
    let rows = dialogs_by_chat(conn, round)?;
    let ids: Vec<i64> = rows.keys().copied().collect();
    let mut tags = tags_of(conn, &ids)?;
    for id in ids {
        tags.entry(id).or_default();
    }
    Ok(Known {
        repeats,
        rows,
        tags,
    })
}

fn known_in_one_statement(pg: &mut PgConnection, round: &[&Inbound]) -> StoreResult<Known> {
    let query = KnownQuery {
        channels: round.iter().map(|d| d.channel_id.0).collect(),
        chats: round
            .iter()
            .map(|d| d.client.external_id.as_deref())
            .collect(),
        message_keys: round
            .iter()
            .map(|d| d.message.external_id.as_deref())
            .collect(),
    };
    let mut known = Known::default();
    for found in query.load::<KnownRow>(pg)? {
        let id = found.dialog.id;
        if let (Some(message), Some(channel), Some(key)) =
            (found.message_id, found.message_channel, found.message_key)
        {
            known.repeats.insert((channel, key), (message, id));
        }
        known
            .tags
            .insert(id, found.tag_ids.into_iter().map(TagId).collect());
        known.rows.insert(id, found.dialog);
    }
    Ok(known)
}

/// What a round knows, in one PostgreSQL statement. The first half finds
/// leads by chat id; the second, messages already stored, each with its
/// dialog (a repeat's answer names the dialog's status). Each dialog comes
/// with its tags, as an array.
///
/// The round's deliveries go as three arrays (channel, lead's chat id,
/// message id on the channel), so the statement's text is the same for any
/// round: diesel keeps it prepared on the connection, and PostgreSQL
/// parses it once per connection and plans it once (see `ingest::PLANS`).
///
/// Joining a table to the deliveries looks each up by its whole key:
/// `channel_id = ANY(…) AND external_id = ANY(…)` let PostgreSQL search the
/// unique index by the channel alone and filter forty thousand rows.
struct KnownQuery<'a> {
    channels: Vec<i64>,
    chats: Vec<Option<&'a str>>,
    message_keys: Vec<Option<&'a str>>,
}

impl QueryFragment<Pg> for KnownQuery<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH v (channel_id, chat, message_key) AS (SELECT * FROM unnest(");
        out.push_bind_param::<Array<BigInt>, _>(&self.channels)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.chats)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.message_keys)?;
        out.push_sql(
            ")) \
             SELECT found.*, \
             ARRAY(SELECT t.tag_id FROM dialog_tags t WHERE t.dialog_id = found.id) AS tag_ids \
             FROM (\
             SELECT d.*, NULL::bigint AS message_id, NULL::bigint AS message_channel, \
             NULL::text AS message_key \
             FROM dialogs d JOIN v ON d.channel_id = v.channel_id AND d.client_external_id = v.chat \
             UNION ALL \
             SELECT d.*, m.id, m.channel_id, m.external_id \
             FROM messages m JOIN v ON m.channel_id = v.channel_id AND m.external_id = v.message_key \
             JOIN dialogs d ON d.id = m.dialog_id\
             ) found",
        );
        Ok(())
    }
}

/// Its prepared statement is cached by its text.
impl QueryId for KnownQuery<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for KnownQuery<'_> {
    type SqlType = Untyped;
}

impl RunQueryDsl<PgConnection> for KnownQuery<'_> {}

/// A row of [`KnownQuery`]: a dialog, its tags' ids, and for the second
/// half the stored message that found it.
#[derive(QueryableByName)]
struct KnownRow {
    #[diesel(embed)]
    dialog: DialogRow,
    #[diesel(sql_type = Array<BigInt>)]
    tag_ids: Vec<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    message_id: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    message_channel: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    message_key: Option<String>,
}

/// The dialogs of the round's leads known by chat id, by dialog id.
fn dialogs_by_chat(
    conn: &mut DbConnection,
    round: &[&Inbound],
) -> StoreResult<HashMap<i64, DialogRow>> {
    let mut rows = HashMap::new();
    for inbound in round {
        let Some(chat) = inbound.client.external_id.as_deref() else {
            continue;
        };
        let found: Option<DialogRow> = dialogs::table
            .filter(dialogs::channel_id.eq(inbound.channel_id.0))
            .filter(dialogs::client_external_id.eq(chat))
            .select(DialogRow::as_select())
            .first(conn)
            .optional()?;
        if let Some(row) = found {
            rows.insert(row.id, row);
        }
    }
    Ok(rows)
}

/// These dialogs' rows, by id.
fn dialog_rows(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<HashMap<i64, DialogRow>> {
    Ok(dialogs::table
        .filter(dialogs::id.eq_any(ids))
        .select(DialogRow::as_select())
        .load::<DialogRow>(conn)?
        .into_iter()
        .map(|row| (row.id, row))
        .collect())
}

/// These dialogs' tags, by dialog id.
fn tags_of(conn: &mut DbConnection, ids: &[i64]) -> StoreResult<HashMap<i64, BTreeSet<TagId>>> {
    let mut tags: HashMap<i64, BTreeSet<TagId>> = HashMap::new();
    if ids.is_empty() {
        return Ok(tags);
    }
    let rows: Vec<(i64, i64)> = dialog_tags::table
        .filter(dialog_tags::dialog_id.eq_any(ids))
        .select((dialog_tags::dialog_id, dialog_tags::tag_id))
        .load(conn)?;
    for (dialog, tag) in rows {
        tags.entry(dialog).or_default().insert(TagId(tag));
    }
    Ok(tags)
}
