//! Several API processes on one PostgreSQL database: a change made through
//! one process reaches the stream clients of another (LISTEN/NOTIFY).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod common;

use common::{Launch, Server};
use dialogdesk_testkit::db::ThrowAway;
use dialogdesk_testkit::Backend;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::Duration;

fn serve(database_url: &str, demo: bool) -> Server {
    common::serve(&Launch {
        database_url,
        data_dir: &std::env::temp_dir(),
        demo,
        jwt_secret: Some("shared-by-both-processes-of-this-test-0123456789"),
        env: &[],
    })
}

/// Reads `event:`/`data:` pairs from a stream in a thread.
fn events(base: &str, token: &str) -> mpsc::Receiver<(String, Value)> {
    let response = reqwest::blocking::Client::builder()
        .timeout(None)
        .build()
        .unwrap()
        .get(format!("{base}/api/v1/stream"))
        .bearer_auth(token)
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut kind = String::new();
        for line in BufReader::new(response).lines().map_while(Result::ok) {
            if let Some(k) = line.strip_prefix("event: ") {
                kind = k.to_owned();
            } else if let Some(d) = line.strip_prefix("data: ") {
                if tx
                    .send((kind.clone(), serde_json::from_str(d).unwrap()))
                    .is_err()
                {
                    return;
                }
            }
        }
    });
    rx
}

#[test]
fn a_save_through_one_process_reaches_the_stream_of_another() {
    let Some(database) = ThrowAway::new(Backend::Postgres) else {
        return;
    };
    let url = database.url.clone();
    // The servers are declared after the database, so they stop first.
    {
        let a = serve(&url, true);
        let b = serve(&url, false);
        let http = reqwest::blocking::Client::new();
        let login: Value = http
            .post(format!("{}/api/v1/auth/login", a.base))
            .json(&json!({"email": "operator@demo.local", "password": "operator-demo"}))
            .send()
            .unwrap()
            .json()
            .unwrap();
        let token = login["access_token"].as_str().unwrap();
        let on_b = events(&b.base, token);
        std::thread::sleep(Duration::from_millis(300));

        let manual: Value = http
            .get(format!("{}/api/v1/dialogs?view=manual&limit=1", a.base))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let dialog = &manual["items"][0];
        let id = dialog["id"].as_i64().unwrap();
        let saved = http
            .put(format!("{}/api/v1/dialogs/{id}/settings", a.base))
            .bearer_auth(token)
            .json(&json!({"version": dialog["version"], "status": "finished"}))
            .send()
            .unwrap();
        assert_eq!(saved.status(), 200);

        let mut updated = None;
        let mut counts = None;
        while updated.is_none() || counts.is_none() {
            let (kind, data) = on_b
                .recv_timeout(Duration::from_secs(10))
                .expect("process B relays process A's change");
            match kind.as_str() {
                "dialog.updated" if data["id"] == id => updated = Some(data),
                "counts.changed" => counts = Some(data),
                _ => {}
            }
        }
        assert_eq!(updated.unwrap()["status"], "finished");
        let now: Value = http
            .get(format!("{}/api/v1/dialogs/counts", b.base))
            .bearer_auth(token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let counts = counts.unwrap();
        for key in ["all", "manual", "finished", "auto", "ignore"] {
            assert_eq!(counts["counts"][key], now[key], "{key}");
        }
        assert_eq!(now["finished"], 81);
    }
}
