//! The chat-settings save of DESIGN.md §1: one atomic change of assignee,
//! status, flow and step, and tags, with optimistic concurrency.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use chrono::Utc;
use dialogdesk_domain::*;
use std::collections::BTreeSet;

const SALES: FlowId = FlowId(1);
const OTHER: FlowId = FlowId(2);
const BOB: OperatorId = OperatorId(3);

fn step(id: i64, flow_id: FlowId, finish_status: FinishStatus) -> StepRef {
    StepRef {
        id: StepId(id),
        flow_id,
        finish_status,
    }
}

fn manual_dialog() -> DialogState {
    DialogState {
        status: Status::Manual,
        flow_id: Some(SALES),
        step_id: Some(StepId(10)),
        last_message_author: Some(Author::Operator),
        message_count: 2,
        version: 4,
        ..DialogState::new()
    }
}

fn save(dialog: &DialogState, change: SettingsChange) -> Result<Transition, DomainError> {
    apply(
        dialog,
        &DialogEvent {
            at: Utc::now(),
            actor: Actor::Operator(change.operator),
            kind: EventKind::Settings(change),
        },
    )
}

#[test]
fn settings_save_is_refused_when_the_version_is_stale() {
    let mut change = SettingsChange::by(BOB, 3);
    change.status = Some(Status::Finished);
    assert_eq!(
        save(&manual_dialog(), change),
        Err(DomainError::StaleVersion {
            current: 4,
            given: 3
        })
    );
}

#[test]
fn error_cannot_be_set_by_hand() {
    let mut change = SettingsChange::by(BOB, 4);
    change.status = Some(Status::Error);
    let err = save(&manual_dialog(), change).unwrap_err();
    assert_eq!(
        err,
        DomainError::NotSettableByHand {
            status: Status::Error
        }
    );
    assert!(err.to_string().contains("only by the AI engine"));
}

#[test]
fn ignore_needs_the_lead_to_have_written_last() {
    let mut change = SettingsChange::by(BOB, 4);
    change.status = Some(Status::Ignore);
    assert_eq!(
        save(&manual_dialog(), change.clone()),
        Err(DomainError::IgnoreNeedsLeadLast)
    );
    let mut lead_last = manual_dialog();
    lead_last.last_message_author = Some(Author::Lead);
    assert_eq!(
        save(&lead_last, change).unwrap().after.status,
        Status::Ignore
    );
}

#[test]
fn a_step_of_another_flow_is_refused() {
    let mut change = SettingsChange::by(BOB, 4);
    change.placement = Some(Some((SALES, step(20, OTHER, FinishStatus::None))));
    assert_eq!(
        save(&manual_dialog(), change),
        Err(DomainError::StepNotInFlow {
            step_id: StepId(20),
            flow_id: Some(SALES)
        })
    );
}

#[test]
fn a_step_chosen_without_a_status_applies_its_finish_status() {
    for (finish, status) in [
        (FinishStatus::None, Status::Auto),
        (FinishStatus::Waiting, Status::Waiting),
        (FinishStatus::Finished, Status::Finished),
    ] {
        let mut change = SettingsChange::by(BOB, 4);
        change.placement = Some(Some((OTHER, step(21, OTHER, finish))));
        let t = save(&manual_dialog(), change).unwrap();
        assert_eq!(t.after.status, status);
        assert_eq!(t.after.step_id, Some(StepId(21)));
    }
}

#[test]
fn a_status_chosen_in_the_same_save_wins_over_the_step() {
    let mut change = SettingsChange::by(BOB, 4);
    change.placement = Some(Some((OTHER, step(21, OTHER, FinishStatus::Finished))));
    change.status = Some(Status::Manual);
    let t = save(&manual_dialog(), change).unwrap();
    assert_eq!(t.after.status, Status::Manual);
    assert_eq!(t.after.finished_at, None);
}

#[test]
fn finishing_by_hand_records_who_finished() {
    let mut change = SettingsChange::by(BOB, 4);
    change.status = Some(Status::Finished);
    let t = save(&manual_dialog(), change).unwrap();
    assert_eq!(t.after.finished_by, Some(BOB));
    assert!(t.after.finished_at.is_some());
}

#[test]
fn start_clears_flow_and_step_and_refuses_a_chosen_step() {
    let mut change = SettingsChange::by(BOB, 4);
    change.status = Some(Status::Start);
    let t = save(&manual_dialog(), change.clone()).unwrap();
    assert_eq!((t.after.flow_id, t.after.step_id), (None, None));

    change.placement = Some(Some((SALES, step(11, SALES, FinishStatus::None))));
    assert_eq!(
        save(&manual_dialog(), change),
        Err(DomainError::StartWithStep)
    );
}

#[test]
fn auto_and_waiting_need_a_step() {
    let mut outside = manual_dialog();
    outside.flow_id = None;
    outside.step_id = None;
    for status in [Status::Auto, Status::Waiting] {
        let mut change = SettingsChange::by(BOB, 4);
        change.status = Some(status);
        assert_eq!(
            save(&outside, change),
            Err(DomainError::NeedsStep { status })
        );
    }
    // Leaving the flow while the AI works is refused too.
    let mut auto = manual_dialog();
    auto.status = Status::Auto;
    let mut change = SettingsChange::by(BOB, 4);
    change.placement = Some(None);
    assert_eq!(
        save(&auto, change),
        Err(DomainError::NeedsStep {
            status: Status::Auto
        })
    );
}

#[test]
fn one_save_writes_one_timeline_entry_per_changed_aspect_and_one_version() {
    let mut change = SettingsChange::by(BOB, 4);
    change.assignee = Some(Some(BOB));
    change.status = Some(Status::Waiting);
    change.placement = Some(Some((SALES, step(11, SALES, FinishStatus::None))));
    change.tags = Some(BTreeSet::from([TagId(1), TagId(2)]));
    let t = save(&manual_dialog(), change).unwrap();
    let kinds: Vec<_> = t.timeline.iter().map(TimelineChange::kind).collect();
    assert_eq!(
        kinds,
        [
            "status_changed",
            "step_changed",
            "assignee_changed",
            "tags_changed"
        ]
    );
    assert_eq!(t.after.version, 5);
}

#[test]
fn a_save_that_changes_nothing_writes_nothing() {
    let mut change = SettingsChange::by(BOB, 4);
    change.status = Some(Status::Manual);
    change.tags = Some(BTreeSet::new());
    let t = save(&manual_dialog(), change).unwrap();
    assert!(t.is_noop());
    assert_eq!(t.after, manual_dialog());
}
