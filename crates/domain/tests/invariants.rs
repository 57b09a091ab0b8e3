//! Property test: random sequences of events and operator saves over a few
//! dialogs; after every step the invariants of DESIGN.md §1 hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use chrono::{Duration, TimeZone, Utc};
use dialogdesk_domain::*;
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// Two flows: 1 with steps 10 (none), 11 (waiting), 12 (finished);
/// 2 with steps 20 (none), 21 (finished).
fn catalog() -> Vec<StepRef> {
    let s = |id, flow, f| StepRef {
        id: StepId(id),
        flow_id: FlowId(flow),
        finish_status: f,
    };
    vec![
        s(10, 1, FinishStatus::None),
        s(11, 1, FinishStatus::Waiting),
        s(12, 1, FinishStatus::Finished),
        s(20, 2, FinishStatus::None),
        s(21, 2, FinishStatus::Finished),
    ]
}

const DIALOGS: usize = 4;

#[derive(Debug, Clone)]
enum Action {
    Lead(MessageKind),
    Launch {
        flow: i64,
        step: usize,
    },
    Reach {
        step: usize,
    },
    Bot,
    AiError,
    Blocked,
    Refused,
    OperatorMessage(i64),
    Save {
        operator: i64,
        version_skew: i64,
        assignee: Option<Option<i64>>,
        status: Option<Status>,
        placement: Option<Option<(i64, usize)>>,
        tags: Option<Vec<i64>>,
    },
}

fn action() -> impl Strategy<Value = Action> {
    let kind = prop::sample::select(MessageKind::ALL.to_vec());
    let status = prop::sample::select(Status::ALL.to_vec());
    let save = (
        1..4i64,
        prop::sample::select(vec![0i64, 0, 0, 0, -1, 1]),
        prop::option::of(prop::option::of(1..4i64)),
        prop::option::of(status),
        prop::option::of(prop::option::of((1..3i64, 0..5usize))),
        prop::option::of(prop::collection::vec(1..5i64, 0..4)),
    )
        .prop_map(
            |(operator, version_skew, assignee, status, placement, tags)| Action::Save {
                operator,
                version_skew,
                assignee,
                status,
                placement,
                tags,
            },
        );
    prop_oneof![
        3 => kind.prop_map(Action::Lead),
        2 => (1..3i64, 0..5usize).prop_map(|(flow, step)| Action::Launch { flow, step }),
        2 => (0..5usize).prop_map(|step| Action::Reach { step }),
        2 => Just(Action::Bot),
        1 => Just(Action::AiError),
        1 => Just(Action::Blocked),
        1 => Just(Action::Refused),
        2 => (1..4i64).prop_map(Action::OperatorMessage),
        4 => save,
    ]
}

fn to_event(action: &Action, dialog: &DialogState, steps: &[StepRef]) -> EventKind {
    match action.clone() {
        Action::Lead(kind) => EventKind::LeadMessage { kind },
        Action::Launch { flow, step } => EventKind::FlowLaunched {
            flow_id: FlowId(flow),
            step: steps[step],
        },
        Action::Reach { step } => EventKind::StepReached { step: steps[step] },
        Action::Bot => EventKind::BotMessage,
        Action::AiError => EventKind::AiError {
            detail: "boom".into(),
        },
        Action::Blocked => EventKind::BlockedByLead,
        Action::Refused => EventKind::DeliveryRefused {
            detail: "cannot write first".into(),
        },
        Action::OperatorMessage(op) => EventKind::OperatorMessage {
            operator: OperatorId(op),
        },
        Action::Save {
            operator,
            version_skew,
            assignee,
            status,
            placement,
            tags,
        } => EventKind::Settings(SettingsChange {
            operator: OperatorId(operator),
            base_version: dialog.version + version_skew,
            assignee: assignee.map(|a| a.map(OperatorId)),
            status,
            placement: placement.map(|p| p.map(|(flow, step)| (FlowId(flow), steps[step]))),
            tags: tags.map(|t| t.into_iter().map(TagId).collect::<BTreeSet<_>>()),
        }),
    }
}

/// The invariants that hold for one dialog on its own.
fn check_dialog(d: &DialogState, messages: i64, steps: &[StepRef]) -> Result<(), TestCaseError> {
    if d.status == Status::Ignore {
        prop_assert_eq!(
            d.last_message_author,
            Some(Author::Lead),
            "ignore ⇒ lead wrote last"
        );
    }
    if d.status == Status::Finished {
        prop_assert!(d.finished_at.is_some(), "finished ⇒ finished_at");
    }
    if d.status.needs_step() {
        prop_assert!(d.step_id.is_some(), "{} ⇒ a step", d.status);
    }
    if let Some(step_id) = d.step_id {
        let step = steps.iter().find(|s| s.id == step_id);
        prop_assert_eq!(
            step.map(|s| s.flow_id),
            d.flow_id,
            "the step belongs to the flow"
        );
    }
    prop_assert_eq!(
        d.message_count,
        messages,
        "message count equals the messages"
    );
    Ok(())
}

/// Every change of status, step, assignee or tags writes exactly one entry,
/// and every message one more.
fn check_timeline(before: &DialogState, t: &Transition) -> Result<(), TestCaseError> {
    let after = &t.after;
    let count = |kind: &str| t.timeline.iter().filter(|c| c.kind() == kind).count();
    prop_assert_eq!(
        count("status_changed"),
        usize::from(before.status != after.status)
    );
    prop_assert_eq!(
        count("step_changed"),
        usize::from((before.flow_id, before.step_id) != (after.flow_id, after.step_id))
    );
    prop_assert_eq!(
        count("assignee_changed"),
        usize::from(before.assignee_id != after.assignee_id)
    );
    prop_assert_eq!(
        count("tags_changed"),
        usize::from(before.tag_ids != after.tag_ids)
    );
    prop_assert_eq!(
        count("message_added") as i64,
        after.message_count - before.message_count
    );
    let settings_changed = count("message_added") < t.timeline.len();
    prop_assert_eq!(after.version, before.version + i64::from(settings_changed));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn invariants_hold_after_every_event_and_save(
        script in prop::collection::vec((0..DIALOGS, action()), 1..80)
    ) {
        let steps = catalog();
        let mut dialogs = vec![DialogState::new(); DIALOGS];
        let mut messages = [0i64; DIALOGS];
        // Per-status counters kept from the transitions alone, as the store does.
        let mut counts: HashMap<Status, i64> = HashMap::from([(Status::Start, DIALOGS as i64)]);
        let start = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();

        for (i, (n, action)) in script.iter().enumerate() {
            let before = dialogs[*n].clone();
            let event = DialogEvent {
                at: start + Duration::minutes(i as i64),
                actor: Actor::Integration(None),
                kind: to_event(action, &before, &steps),
            };
            match apply(&before, &event) {
                Ok(t) => {
                    check_timeline(&before, &t)?;
                    if let Some((from, to)) = t.status_changed() {
                        *counts.entry(from).or_default() -= 1;
                        *counts.entry(to).or_default() += 1;
                    }
                    messages[*n] = t.after.message_count;
                    dialogs[*n] = t.after;
                }
                Err(DomainError::StaleVersion { current, given }) => {
                    prop_assert_eq!(current, before.version);
                    prop_assert_ne!(given, before.version);
                }
                Err(DomainError::Refused { status, event: name }) => {
                    prop_assert_eq!(status, before.status);
                    prop_assert_eq!(cell(status, name), Cell::Refuse);
                }
                Err(_) => {}
            }
            for (d, m) in dialogs.iter().zip(messages) {
                check_dialog(d, m, &steps)?;
            }
            let mut recount: HashMap<Status, i64> = HashMap::new();
            for d in &dialogs {
                *recount.entry(d.status).or_default() += 1;
            }
            counts.retain(|_, c| *c != 0);
            prop_assert_eq!(&counts, &recount, "counters follow the transitions");
            prop_assert_eq!(counts.values().sum::<i64>(), DIALOGS as i64, "counts sum to All");
        }
    }
}
