//! Saturation is a retryable "busy", never a server fault, and slow reports
//! cannot take the connections that logins, replies and writes need.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_store::db::PoolSettings;
use dialogdesk_store::listing::DialogListQuery;
use dialogdesk_store::{DbConnection, Store, StoreError};
use dialogdesk_testkit::TestDb;
use diesel::RunQueryDsl;
use std::sync::mpsc;
use std::time::Duration;

/// One report connection, waits of 200 ms, statements cut after 300 ms.
fn tight(db: &TestDb) -> Store {
    Store::open_with(
        &db.url,
        PoolSettings {
            size: Some(2),
            report_size: Some(1),
            wait: Duration::from_millis(200),
            statement_timeout: Duration::from_millis(300),
        },
    )
    .unwrap()
}

fn slow_reports_queue_among_themselves_and_answer_busy(db: &TestDb) {
    db.store.seed_demo().unwrap();
    let store = tight(db);
    let holder = store.clone();
    let (held, wait_held) = mpsc::channel();
    let (release, wait_release) = mpsc::channel::<()>();
    let report = std::thread::spawn(move || {
        holder
            .read_report("holding", |_conn: &mut DbConnection| {
                held.send(()).unwrap();
                wait_release.recv().unwrap();
                Ok(())
            })
            .unwrap();
    });
    wait_held.recv().unwrap();
    // The one report connection is taken: another list waits 200 ms, then
    // is told to come back, with when.
    match store.list_dialogs(
        None,
        &DialogListQuery {
            limit: 10,
            ..Default::default()
        },
    ) {
        Err(StoreError::Busy {
            retry_after_seconds,
            detail,
        }) => {
            assert!(retry_after_seconds >= 1);
            assert!(detail.contains("busy"), "{detail}");
        }
        other => panic!("expected busy, got {other:?}"),
    }
    // Meanwhile a login check and one dialog are served from their own pool.
    assert!(store.operators().unwrap().len() > 1);
    let first = db
        .store
        .list_dialogs(
            None,
            &DialogListQuery {
                limit: 1,
                ..Default::default()
            },
        )
        .unwrap()
        .items[0]
        .id;
    store.dialog(None, first).unwrap();
    release.send(()).unwrap();
    report.join().unwrap();
    assert_eq!(
        store
            .list_dialogs(
                None,
                &DialogListQuery {
                    limit: 10,
                    ..Default::default()
                }
            )
            .unwrap()
            .items
            .len(),
        10
    );
}

/// PostgreSQL cuts a report statement at its timeout; the caller gets
/// "busy", and the connection serves the next report.
#[test]
fn a_report_past_its_statement_timeout_is_stopped_and_answered_busy() {
    let Some(db) = TestDb::postgres() else { return };
    let store = tight(&db);
    let slow = store.read_report("sleeping", |conn| {
        diesel::sql_query("SELECT pg_sleep(2)").execute(conn)?;
        Ok(())
    });
    match slow {
        Err(StoreError::Busy { detail, .. }) => assert!(detail.contains("300 ms"), "{detail}"),
        other => panic!("expected busy, got {other:?}"),
    }
    // Ordinary connections have no such cut.
    store
        .read("sleeping_briefly", |conn| {
            diesel::sql_query("SELECT pg_sleep(0.4)").execute(conn)?;
            Ok(())
        })
        .unwrap();
    store
        .list_dialogs(
            None,
            &DialogListQuery {
                limit: 5,
                ..Default::default()
            },
        )
        .unwrap();
}

dialogdesk_testkit::on_both_backends!(db => slow_reports_queue_among_themselves_and_answer_busy);
