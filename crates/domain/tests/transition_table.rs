//! Walks every cell of the transition table in DESIGN.md §1, refused ones
//! included. The table below is a literal copy of the design's, so a change
//! to `machine::cell` that drifts from the contract fails here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use chrono::{TimeZone, Utc};
use dialogdesk_domain::*;
use std::collections::BTreeSet;

const COLUMNS: [Status; 9] = [
    Status::Start,
    Status::Auto,
    Status::Manual,
    Status::Waiting,
    Status::Ignore,
    Status::Error,
    Status::Blocked,
    Status::Stopped,
    Status::Finished,
];

/// event ↓ / status → start auto manual waiting ignore error blocked stopped finished
const TABLE: [(EventName, [&str; 9]); 9] = [
    (
        EventName::LeadText,
        [
            "=", "=", "=", "auto", "=", "=", "manual", "manual", "ignore",
        ],
    ),
    (
        EventName::LeadMedia,
        [
            "manual", "manual", "=", "manual", "=", "=", "manual", "manual", "ignore",
        ],
    ),
    (
        EventName::FlowLaunched,
        [
            "step", "step", "step", "step", "step", "step", "✗", "✗", "step",
        ],
    ),
    (
        EventName::StepReached,
        ["✗", "step", "✗", "step", "✗", "✗", "✗", "✗", "✗"],
    ),
    (
        EventName::BotMessage,
        ["✗", "=", "✗", "=", "auto", "✗", "✗", "✗", "✗"],
    ),
    (
        EventName::AiError,
        ["error", "error", "=", "error", "=", "=", "=", "=", "="],
    ),
    (
        EventName::BlockedByLead,
        [
            "blocked", "blocked", "blocked", "blocked", "blocked", "blocked", "=", "blocked",
            "blocked",
        ],
    ),
    (
        EventName::DeliveryRefused,
        [
            "stopped", "stopped", "stopped", "stopped", "stopped", "stopped", "=", "=", "stopped",
        ],
    ),
    (
        EventName::OperatorMessage,
        [
            "manual", "manual", "=", "manual", "manual", "manual", "✗", "✗", "manual",
        ],
    ),
];

const FLOW: FlowId = FlowId(1);
const ALICE: OperatorId = OperatorId(7);

fn step(id: i64, finish_status: FinishStatus) -> StepRef {
    StepRef {
        id: StepId(id),
        flow_id: FLOW,
        finish_status,
    }
}

/// A dialog in `status` that stands on a step of FLOW, so that every cell of
/// the table can be reached; the lead wrote last (as `ignore` requires).
fn dialog_in(status: Status) -> DialogState {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap();
    DialogState {
        status,
        flow_id: Some(FLOW),
        step_id: Some(StepId(10)),
        assignee_id: None,
        tag_ids: BTreeSet::new(),
        last_message_author: Some(Author::Lead),
        message_count: 3,
        finished_at: (status == Status::Finished).then_some(at),
        finished_by: None,
        status_reason: None,
        version: 5,
    }
}

fn event_for(name: EventName, target_step: StepRef) -> EventKind {
    match name {
        EventName::LeadText => EventKind::LeadMessage {
            kind: MessageKind::Text,
        },
        EventName::LeadMedia => EventKind::LeadMessage {
            kind: MessageKind::Voice,
        },
        EventName::FlowLaunched => EventKind::FlowLaunched {
            flow_id: FLOW,
            step: target_step,
        },
        EventName::StepReached => EventKind::StepReached { step: target_step },
        EventName::BotMessage => EventKind::BotMessage,
        EventName::AiError => EventKind::AiError {
            detail: "token generation failed".into(),
        },
        EventName::BlockedByLead => EventKind::BlockedByLead,
        EventName::DeliveryRefused => EventKind::DeliveryRefused {
            detail: "cannot write first".into(),
        },
        EventName::OperatorMessage => EventKind::OperatorMessage { operator: ALICE },
        EventName::Settings => unreachable!("the settings save is not a row of the table"),
    }
}

fn run(status: Status, kind: EventKind) -> Result<Transition, DomainError> {
    let event = DialogEvent {
        at: Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).unwrap(),
        actor: Actor::AiEngine(None),
        kind,
    };
    apply(&dialog_in(status), &event)
}

#[test]
fn every_cell_of_the_transition_table_does_what_the_design_says() {
    let mut cells = 0;
    for (name, row) in TABLE {
        for (status, expected) in COLUMNS.into_iter().zip(row) {
            // "by step" cells are walked once per finish status.
            let finish_statuses: &[FinishStatus] = if expected == "step" {
                FinishStatus::ALL
            } else {
                &[FinishStatus::None]
            };
            for &finish in finish_statuses {
                cells += 1;
                let outcome = run(status, event_for(name, step(11, finish)));
                let context = format!("{name} in {status} (step finishing {finish})");
                match expected {
                    "✗" => assert_eq!(
                        outcome,
                        Err(DomainError::Refused {
                            status,
                            event: name
                        }),
                        "{context}"
                    ),
                    "=" => assert_eq!(outcome.expect(&context).after.status, status, "{context}"),
                    "step" => assert_eq!(
                        outcome.expect(&context).after.status,
                        finish.status(),
                        "{context}"
                    ),
                    to => assert_eq!(
                        outcome.expect(&context).after.status.as_str(),
                        to,
                        "{context}"
                    ),
                }
            }
        }
    }
    // 9 rows × 9 statuses, with the 9 "by step" cells walked 3 times each.
    assert_eq!(cells, 81 + 9 * 2);
}

#[test]
fn the_table_function_matches_the_design_table() {
    for (name, row) in TABLE {
        for (status, expected) in COLUMNS.into_iter().zip(row) {
            let got = match cell(status, name) {
                Cell::Keep => "=".to_owned(),
                Cell::Refuse => "✗".to_owned(),
                Cell::ByStep => "step".to_owned(),
                Cell::To(s) => s.as_str().to_owned(),
            };
            assert_eq!(got, expected, "{name} in {status}");
        }
    }
}

#[test]
fn a_refusal_names_the_status_and_the_event() {
    let err = run(Status::Manual, EventKind::BotMessage).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a bot message is refused while the dialog is `manual`"
    );
}

#[test]
fn messages_count_and_record_their_author() {
    let t = run(Status::Auto, EventKind::BotMessage).unwrap();
    assert_eq!(t.after.message_count, 4);
    assert_eq!(t.after.last_message_author, Some(Author::Bot));
    assert_eq!(
        t.timeline,
        vec![TimelineChange::Message {
            author: Author::Bot,
            kind: MessageKind::Text,
            message_id: None,
        }]
    );
    // A message alone does not move the settings version.
    assert_eq!(t.after.version, 5);
}

#[test]
fn a_bot_answer_to_a_parked_dialog_outside_any_flow_needs_a_launch_first() {
    let mut parked = dialog_in(Status::Ignore);
    parked.flow_id = None;
    parked.step_id = None;
    let event = DialogEvent {
        at: Utc::now(),
        actor: Actor::AiEngine(None),
        kind: EventKind::BotMessage,
    };
    assert_eq!(
        apply(&parked, &event),
        Err(DomainError::NeedsStep {
            status: Status::Auto
        })
    );
}

#[test]
fn launching_at_a_step_of_another_flow_is_refused() {
    let foreign = StepRef {
        id: StepId(99),
        flow_id: FlowId(2),
        finish_status: FinishStatus::None,
    };
    let err = run(
        Status::Start,
        EventKind::FlowLaunched {
            flow_id: FLOW,
            step: foreign,
        },
    )
    .unwrap_err();
    assert_eq!(
        err,
        DomainError::StepNotInFlow {
            step_id: StepId(99),
            flow_id: Some(FLOW)
        }
    );
    let err = run(Status::Auto, EventKind::StepReached { step: foreign }).unwrap_err();
    assert!(matches!(err, DomainError::StepNotInFlow { .. }));
}

#[test]
fn an_operator_message_assigns_an_unassigned_dialog_to_its_author() {
    let t = run(Status::Auto, EventKind::OperatorMessage { operator: ALICE }).unwrap();
    assert_eq!(t.after.assignee_id, Some(ALICE));
    assert_eq!(t.after.status, Status::Manual);
    let kinds: Vec<_> = t.timeline.iter().map(TimelineChange::kind).collect();
    assert_eq!(
        kinds,
        ["status_changed", "assignee_changed", "message_added"]
    );

    let mut held = dialog_in(Status::Manual);
    held.assignee_id = Some(OperatorId(8));
    let event = DialogEvent {
        at: Utc::now(),
        actor: Actor::Operator(ALICE),
        kind: EventKind::OperatorMessage { operator: ALICE },
    };
    assert_eq!(
        apply(&held, &event).unwrap().after.assignee_id,
        Some(OperatorId(8))
    );
}

#[test]
fn a_step_that_finishes_records_the_finish_without_an_operator() {
    let t = run(
        Status::Auto,
        EventKind::StepReached {
            step: step(12, FinishStatus::Finished),
        },
    )
    .unwrap();
    assert_eq!(t.after.status, Status::Finished);
    assert_eq!(
        t.after.finished_at,
        Some(Utc.with_ymd_and_hms(2026, 2, 1, 12, 0, 0).unwrap())
    );
    assert_eq!(t.after.finished_by, None);
    assert_eq!(t.after.version, 6);
}

#[test]
fn a_reopened_dialog_keeps_its_last_finish() {
    let finished = dialog_in(Status::Finished);
    let event = DialogEvent {
        at: Utc::now(),
        actor: Actor::Integration(None),
        kind: EventKind::LeadMessage {
            kind: MessageKind::Text,
        },
    };
    let t = apply(&finished, &event).unwrap();
    assert_eq!(t.after.status, Status::Ignore);
    assert_eq!(t.after.finished_at, finished.finished_at);
}

#[test]
fn an_ai_error_keeps_its_detail_as_the_reason() {
    let t = run(
        Status::Auto,
        EventKind::AiError {
            detail: "token generation failed".into(),
        },
    )
    .unwrap();
    assert_eq!(t.after.status, Status::Error);
    assert_eq!(
        t.after.status_reason.as_deref(),
        Some("ai_error: token generation failed")
    );
}
