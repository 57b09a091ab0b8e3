//! Webhooks across processes: a `kill -9` with a thousand events not yet
//! delivered loses none of them, and two `serve` processes on one
//! PostgreSQL deliver each event once. The receiver is `dialogdesk
//! webhook-receiver`, which prints each event it verified.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod common;

use common::{run, Launch, Server};
use dialogdesk_testkit::db::ThrowAway;
use dialogdesk_testkit::Backend;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const EVENTS: usize = 1_000;

/// The server's environment in these tests: a receiver on loopback, and
/// quick retries.
const WEBHOOK_ENV: &[(&str, &str)] = &[
    ("DIALOGDESK_WEBHOOK_ALLOW_PRIVATE", "1"),
    ("DIALOGDESK_WEBHOOK_RETRY_DELAYS", "3s,3s,3s,3s,3s,3s,3s"),
];

/// `dialogdesk webhook-receiver` on `port`, counting the events it verified
/// by id.
struct Receiver {
    child: Child,
    seen: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Receiver {
    fn start(port: u16, secret: &str) -> Receiver {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dialogdesk"))
            .args([
                "webhook-receiver",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--secret",
                secret,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let seen = Arc::new(Mutex::new(HashMap::new()));
        let counted = seen.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let event: Value = serde_json::from_str(&line).unwrap();
                let id = event["id"].as_str().unwrap().to_owned();
                *counted.lock().unwrap().entry(id).or_insert(0) += 1;
            }
        });
        Receiver { child, seen }
    }

    /// Waits until `n` distinct events arrived (or a minute went by);
    /// returns how often each arrived.
    fn until(&self, n: usize) -> HashMap<String, usize> {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            let seen = self.seen.lock().unwrap().clone();
            if seen.len() >= n || Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn admin_login(base: &str) -> String {
    reqwest::blocking::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "admin@demo.local", "password": "admin-demo"}))
        .send()
        .unwrap()
        .json::<Value>()
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Subscribes `port` to `message.created`; returns the secret.
fn subscribe(base: &str, port: u16) -> String {
    let created: Value = reqwest::blocking::Client::new()
        .post(format!("{base}/api/v1/webhooks"))
        .bearer_auth(admin_login(base))
        .json(
            &json!({"url": format!("http://127.0.0.1:{port}/hook"), "events": ["message.created"]}),
        )
        .send()
        .unwrap()
        .json()
        .unwrap();
    created["secret"].as_str().unwrap().to_owned()
}

/// `EVENTS` new leads' messages, each through the next of `bases` in turn.
fn leads_write(bases: &[&str], token: &str, prefix: &str) {
    let http = reqwest::blocking::Client::new();
    for n in 0..EVENTS {
        let base = bases[n % bases.len()];
        let status = http
            .post(format!("{base}/api/v1/inbound"))
            .bearer_auth(token)
            .json(&json!({
                "channel_id": 1,
                "client": {"external_id": format!("{prefix}-{n}")},
                "message": {"text": format!("message {n}")},
            }))
            .send()
            .unwrap()
            .status();
        assert_eq!(status, 201);
    }
}

fn serve(database_url: &str, data_dir: &std::path::Path, demo: bool) -> Server {
    common::serve(&Launch {
        database_url,
        data_dir,
        demo,
        jwt_secret: Some("shared-by-the-processes-of-this-test-0123456789"),
        env: WEBHOOK_ENV,
    })
}

fn kill_9_with_undelivered_events(backend: Backend) {
    let Some(database) = ThrowAway::new(backend) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let mut server = serve(&database.url, data.path(), true);
    let token = run(
        &database.url,
        data.path(),
        &["token", "--name", "connector", "--scope", "inbound"],
    )
    .trim()
    .to_owned();
    // Nothing listens there yet: every attempt fails and is retried.
    let port = free_port();
    let secret = subscribe(&server.base, port);
    leads_write(&[&server.base], &token, "crash");
    server.crash();
    let receiver = Receiver::start(port, &secret);
    let _server = serve(&database.url, data.path(), false);
    let seen = receiver.until(EVENTS);
    assert_eq!(seen.len(), EVENTS, "every event delivered after the crash");
}

#[test]
fn sqlite_delivers_every_event_through_kill_9() {
    kill_9_with_undelivered_events(Backend::Sqlite);
}

#[test]
fn postgres_delivers_every_event_through_kill_9() {
    kill_9_with_undelivered_events(Backend::Postgres);
}

#[test]
fn two_processes_on_one_postgres_deliver_each_event_once() {
    let Some(database) = ThrowAway::new(Backend::Postgres) else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let first = serve(&database.url, data.path(), true);
    let second = serve(&database.url, data.path(), false);
    let token = run(
        &database.url,
        data.path(),
        &["token", "--name", "connector", "--scope", "inbound"],
    )
    .trim()
    .to_owned();
    let port = free_port();
    let secret = subscribe(&first.base, port);
    let receiver = Receiver::start(port, &secret);
    leads_write(&[&first.base, &second.base], &token, "twice");
    let seen = receiver.until(EVENTS);
    assert_eq!(seen.len(), EVENTS);
    // Both dispatchers had time for a second delivery of anything.
    std::thread::sleep(Duration::from_secs(3));
    let seen = receiver.seen.lock().unwrap().clone();
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
}
