//! The inbound writer writes a batch in rounds, one statement per table for
//! all of a round's deliveries. Here the same deliveries go once in batches
//! and once one at a time, into two databases that start alike: every
//! answer and every row written (dialogs, clients, messages, timeline,
//! tags, counters, facet counters, live events, webhook events and their
//! deliveries) must come out the same.
//!
//! The deliveries mix what a batch can hold: new leads, a lead's second
//! and third message in the same batch, repeats of a message id (within the
//! batch and of an earlier one), leads known by phone, a rename, media, a
//! dialog an operator took over, stopped and tagged, and an unknown channel (which
//! sends its batch down the savepoint path).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod fixtures;

use chrono::{Duration, TimeZone, Utc};
use dialogdesk_domain::wire::SettingsBody;
use dialogdesk_domain::*;
use dialogdesk_store::dialogs::{Inbound, InboundClient, InboundOutcome, NewMessage};
use dialogdesk_store::webhooks::subscriptions::NewWebhook;
use dialogdesk_store::{Store, StoreResult};
use dialogdesk_testkit::TestDb;
use diesel::prelude::*;
use fixtures::{catalog, Catalog};

/// One line per row, every column but the ones stamped with the time of
/// writing (`created_at`/`updated_at`; a timeline entry of the lead's message
/// is stamped with its `sent_at`, compared on the message).
const DUMPS: [(&str, &str); 11] = [
    ("dialogs", "SELECT id, client_id, channel_id, client_external_id, status, flow_id, step_id, assignee_id, last_message_at, last_message_author, last_message_kind, last_message_text, message_count, finished_at, finished_by, status_reason, version, client_name, client_phone_digits, channel_name, finished_by_name, awaiting_reply_since, client_search_name FROM dialogs ORDER BY id"),
    ("clients", "SELECT id, name, phone, avatar_url, custom_fields, search_name, phone_digits FROM clients ORDER BY id"),
    ("messages", "SELECT id, dialog_id, channel_id, author, operator_id, kind, text, media_url, external_id, sent_at, response_seconds, delivery_status, delivery_reason FROM messages ORDER BY id"),
    ("events", "SELECT id, dialog_id, kind, actor_kind, actor_id, reason, before_value, after_value FROM events ORDER BY id"),
    ("dialog_tags", "SELECT dialog_id, tag_id FROM dialog_tags ORDER BY dialog_id, tag_id"),
    ("status_counters", "SELECT status, count FROM status_counters ORDER BY status"),
    ("facet_counters", "SELECT facet, facet_id, status, count FROM facet_counters WHERE count <> 0 ORDER BY facet, facet_id, status"),
    // A batch announces changed counts once, not once per delivery.
    // (The settings save before the deliveries stamps its events with the
    // time of writing: only what the deliveries wrote is compared.)
    ("live_events", "SELECT kind, dialog_id, payload FROM live_events WHERE kind <> 'counts.changed' AND id > {live} ORDER BY id"),
    ("webhook_events", "SELECT id, kind, dialog_id, payload FROM webhook_events WHERE id > {webhook} ORDER BY id"),
    ("webhook_deliveries", "SELECT webhook_id, event_id, dialog_id, state, attempts FROM webhook_deliveries ORDER BY id"),
    ("reply_rollup", "SELECT day, operator_id, bucket, replies FROM reply_rollup ORDER BY day, operator_id, bucket"),
];

#[derive(QueryableByName, Debug, PartialEq)]
struct Line {
    #[diesel(sql_type = diesel::sql_types::Text)]
    line: String,
}

/// The last live event and webhook event before the deliveries.
#[derive(QueryableByName, Debug, PartialEq)]
struct Marks {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    live: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    webhook: i64,
}

fn marks(store: &Store) -> Marks {
    store
        .read("marks", |conn| -> StoreResult<Marks> {
            Ok(diesel::sql_query(
                "SELECT (SELECT COALESCE(MAX(id), 0) FROM live_events) AS live, \
                 (SELECT COALESCE(MAX(id), 0) FROM webhook_events) AS webhook",
            )
            .get_result(conn)?)
        })
        .unwrap()
}

/// Every row of `table` as one line of text.
fn dump(store: &Store, table: &str, select: &str, marks: &Marks) -> Vec<String> {
    let select = select
        .replace("{live}", &marks.live.to_string())
        .replace("{webhook}", &marks.webhook.to_string());
    let select = select.as_str();
    let (_, columns) = select
        .strip_prefix("SELECT ")
        .and_then(|s| s.split_once(" FROM "))
        .map(|(cols, rest)| (rest, cols))
        .unwrap();
    let joined = columns
        .split(", ")
        .map(|c| format!("COALESCE(CAST({c} AS TEXT), '∅')"))
        .collect::<Vec<_>>()
        .join(" || '|' || ");
    let rest = select.split_once(" FROM ").unwrap().1;
    let sql = format!("SELECT {joined} AS line FROM {rest}");
    store
        .read("dump", |conn| -> StoreResult<Vec<Line>> {
            Ok(diesel::sql_query(&sql).load(conn)?)
        })
        .unwrap_or_else(|e| panic!("dumping {table}: {e}"))
        .into_iter()
        .map(|l| l.line)
        .collect()
}

/// What both databases hold before the deliveries: the catalog, a webhook
/// subscription, and a lead an operator took over, stopped and tagged (its
/// next message moves it to `manual`, and its tags' facet counters with it:
/// a round that lost the tags it read would miscount them).
fn before_deliveries(store: &Store) -> Catalog {
    let c = catalog(store);
    store
        .create_webhook(&NewWebhook {
            url: "https://hooks.example.com/dialogdesk".into(),
            events: WebhookEventType::ALL.to_vec(),
            channel_id: None,
        })
        .unwrap();
    let first = store.inbound_batch(&[delivery(
        c.whatsapp,
        "taken",
        Some("Taken"),
        None,
        0,
        "m-taken-0",
    )]);
    let dialog = first[0].as_ref().unwrap().dialog_id;
    let version = store.dialog(None, dialog).unwrap().version;
    store
        .save_settings(
            dialog,
            c.admin,
            &SettingsBody {
                version: Some(version),
                assignee_id: Some(Some(c.alice)),
                status: Some(Status::Stopped),
                tag_ids: Some(vec![c.vip, c.hot]),
                ..Default::default()
            },
        )
        .unwrap();
    c
}

fn delivery(
    channel: ChannelId,
    chat: &str,
    name: Option<&str>,
    phone: Option<&str>,
    n: i64,
    message_id: &str,
) -> Inbound {
    let kind = match n % 7 {
        3 => MessageKind::Image,
        5 => MessageKind::Voice,
        _ => MessageKind::Text,
    };
    Inbound {
        channel_id: channel,
        client: InboundClient {
            external_id: (!chat.is_empty()).then(|| chat.to_owned()),
            phone: phone.map(|p| Phone::parse(p).unwrap()),
            name: name.map(str::to_owned),
            avatar_url: None,
        },
        message: NewMessage {
            operator_id: None,
            kind,
            text: format!("message {n}"),
            media_url: (kind != MessageKind::Text).then(|| format!("https://cdn.example.com/{n}")),
            external_id: Some(message_id.to_owned()),
            sent_at: Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::seconds(n),
        },
        actor: Actor::Integration(None),
    }
}

/// The deliveries, in the order they arrive.
fn deliveries(c: &Catalog) -> Vec<Inbound> {
    let mut out = Vec::new();
    let mut n = 1;
    let mut next = |channel, chat: &str, name: &str, phone: Option<&str>, id: &str| {
        n += 1;
        delivery(channel, chat, Some(name), phone, n, id)
    };
    // Lead `lead` is known by chat id, on one of the two channels.
    let lead_of = |lead: usize| {
        let channel = if lead.is_multiple_of(3) {
            c.telegram
        } else {
            c.whatsapp
        };
        (channel, format!("lead-{lead}"), format!("Lead {lead}"))
    };
    // A channel that does not exist: the first batch takes the savepoint path.
    out.push(next(ChannelId(999), "nowhere", "Nobody", None, "m-nowhere"));
    for lead in 0..40 {
        let (channel, chat, name) = lead_of(lead);
        out.push(next(channel, &chat, &name, None, &format!("m-{lead}-1")));
        if lead % 4 == 0 {
            // The same lead again in the same batch, and a repeat of its message.
            out.push(next(channel, &chat, &name, None, &format!("m-{lead}-2")));
            out.push(next(channel, &chat, &name, None, &format!("m-{lead}-1")));
        }
        if lead % 10 == 7 {
            let phone = format!("+7 900 000-00-{lead:02}");
            let chat = format!("chat-of-{lead}");
            out.push(next(
                c.whatsapp,
                "",
                "By phone",
                Some(&phone),
                &format!("m-phone-{lead}"),
            ));
            out.push(next(
                c.whatsapp,
                &chat,
                "By phone",
                Some(&phone),
                &format!("m-phone-{lead}-b"),
            ));
        }
    }
    // The lead taken over before, renamed, and a repeat of its first message.
    out.push(next(
        c.whatsapp,
        "taken",
        "Taken Renamed",
        None,
        "m-taken-1",
    ));
    out.push(next(
        c.whatsapp,
        "taken",
        "Taken Renamed",
        None,
        "m-taken-0",
    ));
    for lead in 0..40 {
        let (channel, chat, name) = lead_of(lead);
        out.push(next(channel, &chat, &name, None, &format!("m-{lead}-3")));
    }
    out
}

/// An outcome without its error's wording.
fn summary(outcome: &StoreResult<InboundOutcome>) -> String {
    match outcome {
        Ok(o) => format!("{o:?}"),
        Err(e) => format!(
            "error: {}",
            e.to_string().split(':').next().unwrap_or_default()
        ),
    }
}

fn a_batch_writes_what_the_same_deliveries_write_one_at_a_time(
    backend: dialogdesk_testkit::Backend,
) {
    let (Some(batched), Some(single)) = (TestDb::on(backend), TestDb::on(backend)) else {
        return;
    };
    let c = before_deliveries(&batched.store);
    before_deliveries(&single.store);
    let (batched_marks, single_marks) = (marks(&batched.store), marks(&single.store));
    assert_eq!(batched_marks, single_marks);
    let all = deliveries(&c);

    let mut in_batches = Vec::new();
    for batch in all.chunks(48) {
        in_batches.extend(batched.store.inbound_batch(batch).iter().map(summary));
    }
    let one_by_one: Vec<String> = all
        .iter()
        .map(|d| summary(&single.store.inbound_batch(std::slice::from_ref(d))[0]))
        .collect();
    assert_eq!(in_batches, one_by_one, "the answers differ");
    assert!(in_batches[0].starts_with("error"), "{}", in_batches[0]);
    assert!(
        in_batches
            .iter()
            .filter(|o| o.contains("duplicate: true"))
            .count()
            >= 11
    );
    assert!(
        in_batches
            .iter()
            .filter(|o| o.contains("created: true"))
            .count()
            >= 44
    );

    for (table, select) in DUMPS {
        let b = dump(&batched.store, table, select, &batched_marks);
        let s = dump(&single.store, table, select, &single_marks);
        assert!(!b.is_empty() || table == "reply_rollup", "{table} is empty");
        assert_eq!(b, s, "{table} differs");
    }
    // And what was kept agrees with a count over the dialogs.
    let (kept, fresh) = batched.store.facet_counters_and_recount().unwrap();
    assert_eq!(kept, fresh);
}

#[test]
fn sqlite_batch_equals_one_at_a_time() {
    a_batch_writes_what_the_same_deliveries_write_one_at_a_time(
        dialogdesk_testkit::Backend::Sqlite,
    );
}

#[test]
fn postgres_batch_equals_one_at_a_time() {
    a_batch_writes_what_the_same_deliveries_write_one_at_a_time(
        dialogdesk_testkit::Backend::Postgres,
    );
}
