//! 1,000 random events through the store, then the tab counters must equal
//! a `COUNT(*)` over the dialogs, per status (and per manager, channel,
//! flow, step and tag: the facet counters), and every dialog's message
//! count must equal its stored messages.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod fixtures;

use dialogdesk_domain::wire::{BotEvent, SettingsBody};
use dialogdesk_domain::*;
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::StoreError;
use dialogdesk_testkit::TestDb;
use fixtures::{catalog, lead_sends};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

const EVENTS: usize = 1_000;
const LEADS: usize = 25;

fn counters_equal_a_count_over_the_dialogs_after_1000_random_events(db: &TestDb) {
    let s = &db.store;
    let c = catalog(s);
    let mut rng = StdRng::seed_from_u64(7);
    let steps: Vec<(FlowId, StepId)> = c
        .sales
        .steps
        .iter()
        .chain(&c.consult.steps)
        .map(|st| (st.flow_id, st.id))
        .collect();
    let operators = [c.admin, c.alice, c.bob];
    let kinds = MessageKind::ALL;
    let mut dialogs: Vec<DialogId> = Vec::new();
    let (mut applied, mut refused) = (0, 0);

    for n in 0..EVENTS {
        let lead = rng.random_range(0..LEADS);
        let channel = if lead % 2 == 0 {
            c.whatsapp
        } else {
            c.telegram
        };
        let chat = format!("lead-{lead}");
        let existing = dialogs.choose(&mut rng).copied();
        let choice = if existing.is_none() {
            0
        } else {
            rng.random_range(0..10)
        };
        let result: Result<(), StoreError> = match (choice, existing) {
            (0..=2, _) | (_, None) => {
                let kind = *kinds.choose(&mut rng).unwrap_or(&MessageKind::Text);
                let kind = if rng.random_bool(0.7) {
                    MessageKind::Text
                } else {
                    kind
                };
                let message_id = format!("m-{}", rng.random_range(0..EVENTS)); // some repeat: duplicates
                let out = lead_sends(
                    s,
                    channel,
                    &chat,
                    "Lead",
                    None,
                    kind,
                    "text",
                    Some(&message_id),
                );
                if !dialogs.contains(&out.dialog_id) {
                    dialogs.push(out.dialog_id);
                }
                Ok(())
            }
            (3, Some(id)) => {
                let (flow_id, step_id) = *steps.choose(&mut rng).unwrap_or(&steps[0]);
                s.bot_report(
                    id,
                    &BotEvent::FlowLaunched { flow_id, step_id },
                    Actor::AiEngine(None),
                )
                .map(|_| ())
            }
            (4, Some(id)) => {
                let (_, step_id) = *steps.choose(&mut rng).unwrap_or(&steps[0]);
                s.bot_report(
                    id,
                    &BotEvent::StepReached { step_id },
                    Actor::AiEngine(None),
                )
                .map(|_| ())
            }
            (5, Some(id)) => s
                .bot_report(
                    id,
                    &BotEvent::BotMessage {
                        text: format!("bot {n}"),
                    },
                    Actor::AiEngine(None),
                )
                .map(|_| ()),
            (6, Some(id)) => {
                let report = [
                    BotEvent::AiError {
                        detail: "boom".into(),
                    },
                    BotEvent::BlockedByLead,
                    BotEvent::DeliveryRefused {
                        detail: "no".into(),
                    },
                ]
                .choose(&mut rng)
                .cloned()
                .unwrap_or(BotEvent::BlockedByLead);
                s.bot_report(id, &report, Actor::AiEngine(None)).map(|_| ())
            }
            (7, Some(id)) => {
                let op = *operators.choose(&mut rng).unwrap_or(&c.alice);
                s.operator_message(id, op, "reply").map(|_| ())
            }
            (_, Some(id)) => {
                let op = *operators.choose(&mut rng).unwrap_or(&c.alice);
                let state = s.dialog_state(id).unwrap();
                let version = if rng.random_bool(0.9) {
                    state.version
                } else {
                    state.version - 1
                };
                let status = if rng.random_bool(0.6) {
                    Some(*Status::ALL.choose(&mut rng).unwrap_or(&Status::Manual))
                } else {
                    None
                };
                let step = rng
                    .random_bool(0.4)
                    .then(|| *steps.choose(&mut rng).unwrap_or(&steps[0]));
                let input = SettingsBody {
                    version: Some(version),
                    status,
                    flow_id: step.map(|(f, _)| Some(f)),
                    step_id: step.map(|(_, st)| Some(st)),
                    assignee_id: rng.random_bool(0.3).then_some(Some(op)),
                    tag_ids: rng.random_bool(0.3).then(|| {
                        if rng.random_bool(0.5) {
                            vec![c.vip]
                        } else {
                            vec![c.vip, c.hot]
                        }
                    }),
                };
                s.save_settings(id, op, &input).map(|_| ())
            }
        };
        match result {
            Ok(()) => applied += 1,
            Err(StoreError::Domain(_)) => refused += 1,
            Err(other) => panic!("event {n}: unexpected {other:?}"),
        }
    }
    assert!(
        applied > 500 && refused > 50,
        "a meaningful mix: {applied} applied, {refused} refused"
    );

    let counters = s
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap()
        .statuses;
    let recount = s.recount_statuses().unwrap();
    for status in Status::ALL {
        assert_eq!(counters.of(*status), recount.of(*status), "{status}");
    }
    assert_eq!(counters.all, recount.all);
    assert_eq!(counters.all, dialogs.len() as i64);
    let (kept, fresh) = s.facet_counters_and_recount().unwrap();
    assert!(
        fresh.iter().any(|c| c.facet == "tag") && fresh.iter().any(|c| c.facet == "assignee"),
        "the events must move dialogs between facets"
    );
    assert_eq!(kept, fresh, "facet counters kept one change at a time");
    for id in &dialogs {
        let stored = s.messages(*id, None, 200).unwrap();
        assert!(stored.next_cursor.is_none());
        assert_eq!(
            s.dialog_state(*id).unwrap().message_count,
            stored.items.len() as i64,
            "dialog {id}"
        );
    }
}

dialogdesk_testkit::on_both_backends!(db => counters_equal_a_count_over_the_dialogs_after_1000_random_events);
