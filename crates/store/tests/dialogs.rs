//! Dialog changes through the store: inbound, the AI engine, operators, the
//! settings save; bad input writes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod fixtures;

use dialogdesk_domain::wire::{BotEvent, SettingsBody};
use dialogdesk_domain::*;
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::{Store, StoreError};
use dialogdesk_testkit::TestDb;
use fixtures::{catalog, lead_says, lead_sends};

/// Everything a refused change must leave untouched.
#[derive(Debug, PartialEq)]
struct Snapshot {
    state: DialogState,
    timeline: usize,
    messages: usize,
    counts: wire::Counts,
}

fn snapshot(store: &Store, id: DialogId) -> Snapshot {
    Snapshot {
        state: store.dialog_state(id).unwrap(),
        timeline: store.timeline(id, None, 200).unwrap().items.len(),
        messages: store.messages(id, None, 200).unwrap().items.len(),
        counts: store
            .counts(None, &Default::default(), PhoneMatch::Fragment)
            .unwrap(),
    }
}

fn inbound_creates_client_and_dialog_in_start(db: &TestDb) {
    let c = catalog(&db.store);
    let out = lead_says(
        &db.store,
        c.whatsapp,
        "chat-1",
        "Анна",
        Some("+7 912 345-67-89"),
        "Здравствуйте",
    );
    assert!(out.created);
    assert!(!out.duplicate);
    assert_eq!(out.status, Status::Start);
    let dialog = db.store.dialog(None, out.dialog_id).unwrap();
    assert_eq!(dialog.client.name, "Анна");
    assert_eq!(dialog.client.phone.as_deref(), Some("+79123456789"));
    assert_eq!(dialog.message_count, 1);
    assert_eq!(dialog.last_message.unwrap().text, "Здравствуйте");
    let counts = db
        .store
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!((counts.statuses.all, counts.statuses.start), (1, 1));

    // The same lead again: the same dialog.
    let again = lead_says(&db.store, c.whatsapp, "chat-1", "Анна", None, "Ещё вопрос");
    assert_eq!(again.dialog_id, out.dialog_id);
    assert!(!again.created);
    // On another channel: another dialog for the same client (found by phone).
    let other = lead_says(
        &db.store,
        c.telegram,
        "tg-9",
        "Анна",
        Some("+79123456789"),
        "Привет",
    );
    assert_ne!(other.dialog_id, out.dialog_id);
    assert_eq!(
        db.store.dialog(None, other.dialog_id).unwrap().client.id,
        db.store.dialog(None, out.dialog_id).unwrap().client.id
    );
}

fn a_repeated_channel_message_id_returns_the_original_and_writes_nothing(db: &TestDb) {
    let c = catalog(&db.store);
    let first = lead_sends(
        &db.store,
        c.whatsapp,
        "chat-1",
        "Анна",
        None,
        MessageKind::Text,
        "hi",
        Some("wamid.1"),
    );
    let before = snapshot(&db.store, first.dialog_id);
    let repeat = lead_sends(
        &db.store,
        c.whatsapp,
        "chat-1",
        "Анна",
        None,
        MessageKind::Text,
        "hi",
        Some("wamid.1"),
    );
    assert!(repeat.duplicate);
    assert_eq!(
        (repeat.dialog_id, repeat.message_id),
        (first.dialog_id, first.message_id)
    );
    assert_eq!(snapshot(&db.store, first.dialog_id), before);
}

fn a_dialog_lives_through_the_state_machine(db: &TestDb) {
    let c = catalog(&db.store);
    let s = &db.store;
    let id = lead_says(s, c.whatsapp, "chat-1", "Lead", None, "hello").dialog_id;
    let engine = Actor::AiEngine(None);
    let step = |i: usize| c.sales.steps[i].id;

    let d = s
        .bot_report(
            id,
            &BotEvent::FlowLaunched {
                flow_id: c.sales.id,
                step_id: step(0),
            },
            engine,
        )
        .unwrap();
    assert_eq!(d.transition.after.status, Status::Auto);
    s.bot_report(id, &BotEvent::BotMessage { text: "Hi!".into() }, engine)
        .unwrap();
    let voice = lead_sends(
        s,
        c.whatsapp,
        "chat-1",
        "Lead",
        None,
        MessageKind::Voice,
        "",
        None,
    );
    assert_eq!(voice.status, Status::Manual);
    // The AI never talks over a manager.
    let refused = s
        .bot_report(id, &BotEvent::BotMessage { text: "…".into() }, engine)
        .unwrap_err();
    assert!(matches!(
        refused,
        StoreError::Domain(DomainError::Refused {
            status: Status::Manual,
            ..
        })
    ));
    let reply = s
        .operator_message(id, c.alice, "Здравствуйте, я менеджер")
        .unwrap();
    assert_eq!(reply.transition.after.assignee_id, Some(c.alice));

    let version = s.dialog_state(id).unwrap().version;
    let saved = s
        .save_settings(
            id,
            c.alice,
            &SettingsBody {
                version: Some(version),
                step_id: Some(Some(step(1))),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(saved.transition.after.status, Status::Waiting);
    assert_eq!(
        lead_says(s, c.whatsapp, "chat-1", "Lead", None, "ok").status,
        Status::Auto
    );
    let finished = s
        .bot_report(id, &BotEvent::StepReached { step_id: step(2) }, engine)
        .unwrap();
    assert_eq!(finished.transition.after.status, Status::Finished);
    assert_eq!(finished.transition.after.finished_by, None);
    assert_eq!(
        lead_says(s, c.whatsapp, "chat-1", "Lead", None, "one more thing").status,
        Status::Ignore
    );
    assert_eq!(
        s.bot_report(
            id,
            &BotEvent::BotMessage {
                text: "Yes?".into()
            },
            engine
        )
        .unwrap()
        .transition
        .after
        .status,
        Status::Auto
    );
    assert_eq!(
        s.bot_report(id, &BotEvent::BlockedByLead, engine)
            .unwrap()
            .transition
            .after
            .status,
        Status::Blocked
    );

    let dialog = s.dialog(None, id).unwrap();
    assert_eq!(dialog.message_count, 7);
    assert!(
        dialog.finished_at.is_some(),
        "the last finish is kept after reopening"
    );
    let counts = s
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(
        (
            counts.statuses.all,
            counts.statuses.blocked,
            counts.statuses.finished
        ),
        (1, 1, 0)
    );
    let kinds: Vec<String> = s
        .timeline(id, None, 200)
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "message_added").count(), 7);
    assert_eq!(kinds.iter().filter(|k| *k == "status_changed").count(), 8);
}

fn bad_settings_are_refused_with_a_named_error_and_write_nothing(db: &TestDb) {
    let c = catalog(&db.store);
    let s = &db.store;
    let id = lead_says(s, c.whatsapp, "chat-1", "Lead", None, "hello").dialog_id;
    s.bot_report(
        id,
        &BotEvent::FlowLaunched {
            flow_id: c.sales.id,
            step_id: c.sales.steps[0].id,
        },
        Actor::AiEngine(None),
    )
    .unwrap();
    s.operator_message(id, c.alice, "Hi").unwrap();
    let before = snapshot(s, id);
    let version = before.state.version;
    let save = |input: SettingsBody| s.save_settings(id, c.bob, &input).unwrap_err();

    // A step of another flow.
    let err = save(SettingsBody {
        version: Some(version),
        flow_id: Some(Some(c.sales.id)),
        step_id: Some(Some(c.consult.steps[1].id)),
        tag_ids: Some(vec![c.vip]),
        ..Default::default()
    });
    assert!(
        matches!(err, StoreError::Domain(DomainError::StepNotInFlow { .. })),
        "{err}"
    );
    // `ignore` when the operator wrote last.
    let err = save(SettingsBody {
        version: Some(version),
        status: Some(Status::Ignore),
        assignee_id: Some(Some(c.bob)),
        ..Default::default()
    });
    assert!(
        matches!(err, StoreError::Domain(DomainError::IgnoreNeedsLeadLast)),
        "{err}"
    );
    // A stale version.
    let err = save(SettingsBody {
        version: Some(version - 1),
        status: Some(Status::Finished),
        ..Default::default()
    });
    assert!(
        matches!(err, StoreError::Domain(DomainError::StaleVersion { current, given }) if current == version && given == version - 1),
        "{err}"
    );
    // `error` by hand.
    let err = save(SettingsBody {
        version: Some(version),
        status: Some(Status::Error),
        ..Default::default()
    });
    assert!(
        matches!(
            err,
            StoreError::Domain(DomainError::NotSettableByHand {
                status: Status::Error
            })
        ),
        "{err}"
    );
    // Unknown tag, unknown step, unknown assignee: field errors.
    let err = save(SettingsBody {
        version: Some(version),
        tag_ids: Some(vec![c.vip, TagId(999)]),
        status: Some(Status::Finished),
        ..Default::default()
    });
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "tag_ids",
                ..
            }
        ),
        "{err}"
    );
    let err = save(SettingsBody {
        version: Some(version),
        step_id: Some(Some(StepId(999))),
        ..Default::default()
    });
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "step_id",
                ..
            }
        ),
        "{err}"
    );
    let err = save(SettingsBody {
        version: Some(version),
        assignee_id: Some(Some(OperatorId(999))),
        ..Default::default()
    });
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "assignee_id",
                ..
            }
        ),
        "{err}"
    );

    assert_eq!(snapshot(s, id), before, "a refused save writes nothing");

    // A good save of everything at once: one version, one entry per aspect.
    let ok = s
        .save_settings(
            id,
            c.bob,
            &SettingsBody {
                version: Some(version),
                assignee_id: Some(Some(c.bob)),
                status: Some(Status::Finished),
                flow_id: Some(Some(c.consult.id)),
                step_id: Some(Some(c.consult.steps[0].id)),
                tag_ids: Some(vec![c.vip, c.hot]),
            },
        )
        .unwrap();
    assert_eq!(ok.transition.after.version, version + 1);
    assert_eq!(ok.transition.after.finished_by, Some(c.bob));
    let after = snapshot(s, id);
    assert_eq!(after.timeline, before.timeline + 4);
    assert_eq!(
        (after.counts.statuses.finished, after.counts.statuses.manual),
        (1, 0)
    );
    let dialog = s.dialog(None, id).unwrap();
    assert_eq!(
        dialog.tags.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![c.hot, c.vip]
    );
    assert_eq!(dialog.assignee.unwrap().name, "Bob");
    assert_eq!(dialog.step.unwrap().name, "Hello");
}

fn a_refused_bot_event_writes_nothing(db: &TestDb) {
    let c = catalog(&db.store);
    let s = &db.store;
    let id = lead_says(s, c.whatsapp, "chat-1", "Lead", None, "hello").dialog_id;
    let before = snapshot(s, id);
    // Reaching a step before any launch, and a bot message in `start`.
    assert!(s
        .bot_report(
            id,
            &BotEvent::StepReached {
                step_id: c.sales.steps[1].id
            },
            Actor::AiEngine(None)
        )
        .is_err());
    assert!(s
        .bot_report(
            id,
            &BotEvent::BotMessage { text: "x".into() },
            Actor::AiEngine(None)
        )
        .is_err());
    assert!(s
        .bot_report(
            id,
            &BotEvent::FlowLaunched {
                flow_id: c.sales.id,
                step_id: c.consult.steps[0].id
            },
            Actor::AiEngine(None)
        )
        .is_err());
    assert!(matches!(
        s.bot_report(
            DialogId(999),
            &BotEvent::BlockedByLead,
            Actor::AiEngine(None)
        ),
        Err(StoreError::NotFound {
            what: "dialog",
            id: 999
        })
    ));
    assert_eq!(snapshot(s, id), before);
}

fn favourites_are_personal(db: &TestDb) {
    let c = catalog(&db.store);
    let s = &db.store;
    let id = lead_says(s, c.whatsapp, "chat-1", "Lead", None, "hello").dialog_id;
    s.set_favourite(id, c.alice, true).unwrap();
    s.set_favourite(id, c.alice, true).unwrap();
    assert!(s.dialog(Some(c.alice), id).unwrap().favourite);
    assert!(!s.dialog(Some(c.bob), id).unwrap().favourite);
    assert_eq!(
        s.counts(Some(c.alice), &Default::default(), PhoneMatch::Fragment)
            .unwrap()
            .favourites,
        1
    );
    assert_eq!(
        s.counts(Some(c.bob), &Default::default(), PhoneMatch::Fragment)
            .unwrap()
            .favourites,
        0
    );
    // Favourites stay out of the timeline.
    assert_eq!(s.timeline(id, None, 50).unwrap().items.len(), 1);
    s.set_favourite(id, c.alice, false).unwrap();
    assert_eq!(
        s.counts(Some(c.alice), &Default::default(), PhoneMatch::Fragment)
            .unwrap()
            .favourites,
        0
    );
}

fn history_pages_newest_last(db: &TestDb) {
    let c = catalog(&db.store);
    let s = &db.store;
    let mut id = None;
    for n in 0..7 {
        id = Some(lead_says(s, c.whatsapp, "chat-1", "Lead", None, &format!("m{n}")).dialog_id);
    }
    let id = id.unwrap();
    let first = s.messages(id, None, 3).unwrap();
    let texts: Vec<_> = first.items.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["m4", "m5", "m6"]);
    let second = s.messages(id, first.next_cursor.as_deref(), 3).unwrap();
    let texts: Vec<_> = second.items.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["m1", "m2", "m3"]);
    let last = s.messages(id, second.next_cursor.as_deref(), 3).unwrap();
    assert_eq!(last.items.len(), 1);
    assert_eq!(last.next_cursor, None);
    assert!(matches!(
        s.messages(id, Some("nonsense"), 3),
        Err(StoreError::Invalid {
            field: "cursor",
            ..
        })
    ));
}

fn operators_log_in_with_their_password_only_while_active(db: &TestDb) {
    let c = catalog(&db.store);
    let s = &db.store;
    assert_eq!(
        s.verify_login("ALICE@test.local", "password-123")
            .unwrap()
            .map(|s| s.operator.id),
        Some(c.alice)
    );
    assert!(s
        .verify_login("alice@test.local", "wrong")
        .unwrap()
        .is_none());
    assert!(s
        .verify_login("nobody@test.local", "password-123")
        .unwrap()
        .is_none());
    s.update_operator(
        c.alice,
        dialogdesk_store::catalog::OperatorChange {
            active: Some(false),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(s
        .verify_login("alice@test.local", "password-123")
        .unwrap()
        .is_none());
    let dup = s.create_operator(dialogdesk_store::catalog::NewOperator {
        name: PersonName::parse("Other").unwrap(),
        email: Email::parse("alice@test.local").unwrap(),
        role: Role::Operator,
        password: "password-123".into(),
    });
    assert!(matches!(dup, Err(StoreError::Conflict(_))));
}

/// Deliveries that arrive together are written in one transaction, each in
/// a savepoint: pairs racing on one lead and one message id store it once
/// (the other is a duplicate of it), and a delivery to an unknown channel
/// fails alone, leaving nothing behind, while the rest commit.
fn deliveries_at_once_commit_together_and_a_bad_one_fails_alone(db: &TestDb) {
    use dialogdesk_store::dialogs::{Inbound, InboundClient, NewMessage};
    use std::sync::{Arc, Barrier};
    let c = catalog(&db.store);
    const PAIRS: usize = 20;
    const UNKNOWN: usize = 8;
    let barrier = Arc::new(Barrier::new(2 * PAIRS + UNKNOWN));
    let threads: Vec<_> = (0..2 * PAIRS + UNKNOWN)
        .map(|i| {
            let (store, barrier) = (db.store.clone(), barrier.clone());
            let channel = if i < 2 * PAIRS {
                c.whatsapp
            } else {
                ChannelId(9_999)
            };
            std::thread::spawn(move || {
                let lead = i / 2;
                let inbound = Inbound {
                    channel_id: channel,
                    client: InboundClient {
                        external_id: Some(format!("lead-{lead}")),
                        phone: None,
                        name: Some(format!("Lead {lead}")),
                        avatar_url: None,
                    },
                    message: NewMessage {
                        operator_id: None,
                        kind: MessageKind::Text,
                        text: "hello".into(),
                        media_url: None,
                        external_id: Some(format!("m-{lead}")),
                        sent_at: chrono::Utc::now(),
                    },
                    actor: Actor::Integration(None),
                };
                barrier.wait();
                (i, store.inbound(&inbound))
            })
        })
        .collect();
    let mut outcomes: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    outcomes.sort_by_key(|(i, _)| *i);
    for pair in outcomes[..2 * PAIRS].chunks(2) {
        let a = pair[0].1.as_ref().unwrap();
        let b = pair[1].1.as_ref().unwrap();
        assert_eq!((a.dialog_id, a.message_id), (b.dialog_id, b.message_id));
        assert!(a.duplicate != b.duplicate, "stored once: {a:?} {b:?}");
    }
    for (_, outcome) in &outcomes[2 * PAIRS..] {
        assert!(
            matches!(outcome, Err(StoreError::NotFound { .. })),
            "{outcome:?}"
        );
    }
    let counts = db
        .store
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(counts.statuses.all, PAIRS as i64);
    let (clients, messages): (i64, i64) = db
        .store
        .read("test_rows", |conn| {
            use dialogdesk_store::schema::{clients, messages};
            use diesel::prelude::*;
            Ok((
                clients::table.count().get_result(conn)?,
                messages::table.count().get_result(conn)?,
            ))
        })
        .unwrap();
    assert_eq!((clients, messages), (PAIRS as i64, PAIRS as i64));
}

dialogdesk_testkit::on_both_backends!(
    db =>
    deliveries_at_once_commit_together_and_a_bad_one_fails_alone,
    inbound_creates_client_and_dialog_in_start,
    a_repeated_channel_message_id_returns_the_original_and_writes_nothing,
    a_dialog_lives_through_the_state_machine,
    bad_settings_are_refused_with_a_named_error_and_write_nothing,
    a_refused_bot_event_writes_nothing,
    favourites_are_personal,
    history_pages_newest_last,
    operators_log_in_with_their_password_only_while_active,
);
