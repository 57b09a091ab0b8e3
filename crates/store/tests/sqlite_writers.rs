//! Several writers on one SQLite file — two `serve` processes, or `seed`
//! beside `serve` — each with its own in-process write queue: no write may
//! fail with "database is locked" (SQLITE_BUSY); each waits its turn.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod fixtures;

use chrono::{Duration, Utc};
use dialogdesk_domain::*;
use dialogdesk_store::dialogs::{Inbound, InboundClient, NewMessage};
use dialogdesk_store::listing::PhoneMatch;
use dialogdesk_store::Store;
use dialogdesk_testkit::TestDb;
use fixtures::catalog;

#[test]
fn sixteen_inbound_streams_from_two_processes_never_see_busy() {
    let db = TestDb::sqlite();
    let c = catalog(&db.store);
    // The second handle has its own pool and its own write queue, as a
    // second process would.
    let other = Store::open(&db.url).unwrap();
    const STREAMS: usize = 16;
    const MESSAGES: usize = 40;
    let outcomes: Vec<Result<DialogId, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..STREAMS)
            .map(|stream| {
                let store = if stream % 2 == 0 { &db.store } else { &other };
                let channel = c.whatsapp;
                scope.spawn(move || {
                    let mut outcomes = Vec::new();
                    for n in 0..MESSAGES {
                        // Half the streams share leads, so transactions read
                        // what another process is about to write.
                        let chat = format!("lead-{}", stream % 4);
                        let outcome = store.inbound(&Inbound {
                            channel_id: channel,
                            client: InboundClient {
                                external_id: Some(chat),
                                phone: None,
                                name: Some("Лид".into()),
                                avatar_url: None,
                            },
                            message: NewMessage {
                                operator_id: None,
                                kind: MessageKind::Text,
                                text: format!("stream {stream} message {n}"),
                                media_url: None,
                                external_id: Some(format!("s{stream}-m{n}")),
                                sent_at: Utc::now() - Duration::seconds(1),
                            },
                            actor: Actor::Integration(None),
                        });
                        outcomes.push(outcome.map(|o| o.dialog_id).map_err(|e| format!("{e:#}")));
                    }
                    outcomes
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} deliveries failed, e.g. {}",
        failures.len(),
        STREAMS * MESSAGES,
        failures[0]
    );
    let counts = db
        .store
        .counts(None, &Default::default(), PhoneMatch::Fragment)
        .unwrap();
    assert_eq!(counts.statuses.status_sum(), 4, "one dialog per lead");
    let mut dialogs: Vec<DialogId> = outcomes.into_iter().flatten().collect();
    dialogs.sort();
    dialogs.dedup();
    assert_eq!(dialogs.len(), 4);
    let stored: usize = dialogs
        .iter()
        .map(|id| db.store.messages(*id, None, 1000).unwrap().items.len())
        .sum();
    assert_eq!(stored, STREAMS * MESSAGES, "every message stored once");
}
