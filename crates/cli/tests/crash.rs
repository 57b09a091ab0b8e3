//! Durability: `kill -9` the server while a connector streams 10,000
//! inbound messages and retries whatever was not acknowledged; after each
//! restart on the same database every acknowledged message is stored, and
//! every message exactly once — on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod common;

use common::{run, serve, Launch};
use dialogdesk_store::db::{establish, DatabaseTarget};
use dialogdesk_testkit::db::ThrowAway;
use dialogdesk_testkit::Backend;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MESSAGES: usize = 10_000;
const WORKERS: usize = 16;
/// Crash the server when this many messages are acknowledged.
const CRASH_AT: [usize; 2] = [2_500, 6_500];

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = BigInt)]
    total: i64,
    #[diesel(sql_type = BigInt)]
    distinct_ids: i64,
}

fn crash_while_messages_stream_in(backend: Backend) {
    let Some(database) = ThrowAway::new(backend) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let launch = Launch {
        database_url: &database.url,
        data_dir: data.path(),
        demo: true,
        jwt_secret: None,
        env: &[],
    };
    let mut server = serve(&launch);
    let token = run(
        &database.url,
        data.path(),
        &["token", "--name", "crash connector", "--scope", "inbound"],
    )
    .trim()
    .to_owned();
    let base = Arc::new(Mutex::new(server.base.clone()));
    let next = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (base, next, acknowledged, token) =
                (base.clone(), next.clone(), acknowledged.clone(), token.clone());
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let mut retries = 0usize;
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= MESSAGES {
                        return retries;
                    }
                    // 400 leads, 25 messages each, interleaved across workers.
                    let body = json!({
                        "channel_id": 1,
                        "client": {"external_id": format!("crash-lead-{}", n % 400), "name": "Крашлид Тестов"},
                        "message": {"external_id": format!("crash-{n}"), "text": format!("message {n}")},
                    });
                    // A connector retries until it gets an answer: 201 stored,
                    // 200 already stored (a retry of one that was stored
                    // before the answer got lost).
                    loop {
                        let url = format!("{}/api/v1/inbound", base.lock().unwrap());
                        let sent = http.post(url).bearer_auth(&token).json(&body).send();
                        match sent.map(|r| r.status().as_u16()) {
                            Ok(200 | 201) => break,
                            Ok(status) if status < 500 => panic!("message {n}: {status}"),
                            _ => {
                                retries += 1;
                                std::thread::sleep(Duration::from_millis(50));
                            }
                        }
                    }
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for at in CRASH_AT {
        while acknowledged.load(Ordering::SeqCst) < at {
            std::thread::sleep(Duration::from_millis(5));
        }
        server.crash();
        std::thread::sleep(Duration::from_millis(300));
        server = serve(&launch);
        *base.lock().unwrap() = server.base.clone();
    }
    let retries: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(acknowledged.load(Ordering::SeqCst), MESSAGES);
    assert!(retries > 0, "the crashes interrupted deliveries");

    let mut conn = establish(&DatabaseTarget::parse(&database.url).unwrap()).unwrap();
    let stored: Stored = diesel::sql_query(
        "SELECT COUNT(*) AS total, COUNT(DISTINCT external_id) AS distinct_ids \
         FROM messages WHERE external_id LIKE 'crash-%'",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(
        (stored.total, stored.distinct_ids),
        (MESSAGES as i64, MESSAGES as i64),
        "every acknowledged message stored, each once ({retries} retries)"
    );
    // And the server still serves them: one lead's dialog has its 25.
    let admin = reqwest::blocking::Client::new()
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&json!({"email": "admin@demo.local", "password": "admin-demo"}))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let counts: Value = reqwest::blocking::Client::new()
        .get(format!("{}/api/v1/dialogs/counts", server.base))
        .query(&[("q", "Крашлид")])
        .bearer_auth(&admin)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(counts["all"], 400, "{counts}");
}

#[test]
fn sqlite_keeps_every_acknowledged_message_through_kill_9() {
    crash_while_messages_stream_in(Backend::Sqlite);
}

#[test]
fn postgres_keeps_every_acknowledged_message_through_kill_9() {
    crash_while_messages_stream_in(Backend::Postgres);
}
