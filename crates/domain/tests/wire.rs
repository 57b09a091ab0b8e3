//! The wire contract's shapes: what the types serialise to is what the API
//! has always served (DESIGN.md §5), whatever Rust structure is behind it.

#![allow(
    clippy::unwrap_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_domain::wire::{
    live_event, BotEvent, Counts, DialogSort, LiveEventBody, Order, SettingsBody, StatusCounts,
};
use dialogdesk_domain::{Author, FlowId, MessageId, MessageKind, Status, StepId, TimelineChange};
use serde_json::json;

#[test]
fn counts_are_one_flat_object_with_a_key_per_tab() {
    let mut statuses = StatusCounts::default();
    statuses.set(Status::Manual, 3);
    statuses.all = 3;
    let counts = Counts {
        statuses,
        favourites: 1,
        capped: false,
    };
    let value = serde_json::to_value(counts).unwrap();
    let object = value.as_object().unwrap();
    assert_eq!(object.len(), 12, "{value}: tabs, favourites and capped");
    assert_eq!(
        (value["manual"].clone(), value["favourites"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(serde_json::from_value::<Counts>(value).unwrap(), counts);
}

#[test]
fn a_settings_save_tells_absent_from_null() {
    let save: SettingsBody =
        serde_json::from_value(json!({"version": 4, "assignee_id": null, "step_id": 7})).unwrap();
    assert_eq!(save.assignee_id, Some(None), "null clears");
    assert_eq!(save.step_id, Some(Some(StepId(7))));
    assert_eq!(save.flow_id, None, "absent leaves it");
    // And back: absent stays absent, a clear stays null.
    let value = serde_json::to_value(&save).unwrap();
    assert_eq!(
        value,
        json!({"version": 4, "assignee_id": null, "step_id": 7})
    );
    assert!(
        serde_json::from_value::<SettingsBody>(json!({"version": 1, "colour": "red"})).is_err()
    );
}

#[test]
fn bot_events_are_tagged_by_type() {
    let event = BotEvent::FlowLaunched {
        flow_id: FlowId(1),
        step_id: StepId(2),
    };
    assert_eq!(
        serde_json::to_value(&event).unwrap(),
        json!({"type": "flow_launched", "flow_id": 1, "step_id": 2})
    );
    assert_eq!(
        serde_json::from_value::<BotEvent>(json!({"type": "blocked_by_lead"})).unwrap(),
        BotEvent::BlockedByLead
    );
    assert!(serde_json::from_value::<BotEvent>(json!({"type": "sing"})).is_err());
}

#[test]
fn a_timeline_change_is_tagged_by_type() {
    let change = TimelineChange::Message {
        author: Author::Lead,
        kind: MessageKind::Voice,
        message_id: Some(MessageId(9)),
    };
    let value = serde_json::to_value(&change).unwrap();
    assert_eq!(
        value,
        json!({"type": "message", "author": "lead", "kind": "voice", "message_id": 9})
    );
    assert_eq!(
        serde_json::from_value::<TimelineChange>(value).unwrap(),
        change
    );
}

#[test]
fn sort_keys_and_directions_use_their_wire_names() {
    assert_eq!(DialogSort::default().as_str(), "last_message_at");
    assert_eq!(Order::default(), Order::Desc);
    assert_eq!(Order::Asc.reversed(), Order::Desc);
    for sort in DialogSort::ALL {
        assert_eq!(sort.as_str().parse::<DialogSort>().unwrap(), *sort);
        assert_eq!(serde_json::to_value(sort).unwrap(), json!(sort.as_str()));
    }
}

#[test]
fn live_events_decode_by_their_name() {
    let counts = LiveEventBody::decode(
        live_event::COUNTS_CHANGED,
        r#"{"counts": {"all": 1, "auto": 1, "manual": 0, "ignore": 0, "waiting": 0, "start": 0,
             "error": 0, "blocked": 0, "stopped": 0, "finished": 0}}"#,
    );
    assert!(matches!(counts, Some(LiveEventBody::CountsChanged(c)) if c.counts.auto == 1));
    assert_eq!(
        LiveEventBody::decode(live_event::CATALOG_CHANGED, r#"{"part": "flows"}"#),
        Some(LiveEventBody::CatalogChanged(
            dialogdesk_domain::wire::CatalogChanged {
                part: dialogdesk_domain::wire::CatalogPart::Flows
            }
        ))
    );
    assert_eq!(
        LiveEventBody::decode("dialog.renamed", "{}"),
        None,
        "unknown name"
    );
    assert_eq!(LiveEventBody::decode(live_event::RESYNC, "not json"), None);
}
