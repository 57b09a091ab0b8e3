//! `make bench`: how fast a change reaches 100 connected stream clients.
//!
//! The real server on a random port (SQLite, and PostgreSQL when reachable),
//! 100 SSE clients, 100 chat-settings saves one after another. For each
//! save: the time from sending the request to its `dialog.updated` event
//! arriving at each client, and — as the baseline measured in the same run —
//! the save's own round trip (request to response, which includes the
//! commit). Figures are printed as p50/p99 and as ratios to the baseline.
//! In one process the relay wakes on the commit signal; other processes on
//! the same PostgreSQL hear `NOTIFY`, polled every 10 ms (see the relay).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark program: a panic is its failure report"
)]

mod common;

use common::percentile;
use dialogdesk_domain::{Label, MessageKind, Phone};
use dialogdesk_store::dialogs::{Inbound, InboundClient, NewMessage};
use dialogdesk_store::Store;
use dialogdesk_testkit::db::ThrowAway;
use dialogdesk_testkit::Backend;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 100;
const SAVES: i64 = 100;

type Arrivals = Arc<Mutex<HashMap<i64, Vec<Instant>>>>;

async fn run(label: &str, url: &str) {
    let store = Store::open(url).unwrap();
    let channel = common::admin_and_channel(&store);
    let tag = store
        .create_tag(
            &Label::parse("VIP").unwrap(),
            &dialogdesk_domain::Color::parse("#fff").unwrap(),
        )
        .unwrap();
    let dialog = store
        .inbound(&Inbound {
            channel_id: channel.id,
            client: InboundClient {
                external_id: Some("lead".into()),
                phone: Some(Phone::parse("+79120000000").unwrap()),
                name: Some("Lead".into()),
                avatar_url: None,
            },
            message: NewMessage {
                operator_id: None,
                kind: MessageKind::Text,
                text: "hi".into(),
                media_url: None,
                external_id: None,
                sent_at: chrono::Utc::now(),
            },
            actor: dialogdesk_domain::Actor::System,
        })
        .unwrap()
        .dialog_id;
    let base = common::serve(
        store,
        dialogdesk_api::live::slots::StreamCaps {
            per_caller: 100_000,
            total: 100_000,
        },
    );
    let http = reqwest::Client::new();
    let token = common::login(&http, &base, "bench@bench.local", "bench-password").await;

    let arrivals: Arrivals = Arc::default();
    for _ in 0..CLIENTS {
        let mut response = http
            .get(format!("{base}/api/v1/stream"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                let at = Instant::now();
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let frame: String = buffer.drain(..end + 2).collect();
                    if frame.contains("event: dialog.updated") {
                        if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                            let version = serde_json::from_str::<Value>(data).unwrap()["version"]
                                .as_i64()
                                .unwrap();
                            arrivals
                                .lock()
                                .unwrap()
                                .entry(version)
                                .or_default()
                                .push(at);
                        }
                    }
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let mut round_trips = Vec::new();
    let mut delivery = Vec::new();
    for n in 0..SAVES {
        let version = n + 1;
        let tags = if n % 2 == 0 { vec![tag.id.0] } else { vec![] };
        let started = Instant::now();
        let response = http
            .put(format!("{base}/api/v1/dialogs/{}/settings", dialog.0))
            .bearer_auth(&token)
            .json(&json!({"version": version, "tag_ids": tags}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        round_trips.push(started.elapsed().as_secs_f64() * 1000.0);
        // Wait until every client has the event, then take their times.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = arrivals
                .lock()
                .unwrap()
                .get(&(version + 1))
                .map_or(0, Vec::len);
            if got == CLIENTS {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "only {got} of {CLIENTS} clients got version {}",
                version + 1
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let times = arrivals.lock().unwrap().remove(&(version + 1)).unwrap();
        delivery.extend(
            times
                .iter()
                .map(|t| t.duration_since(started).as_secs_f64() * 1000.0),
        );
    }
    round_trips.sort_by(f64::total_cmp);
    delivery.sort_by(f64::total_cmp);
    let (rt50, rt99) = (
        percentile(&round_trips, 0.5),
        percentile(&round_trips, 0.99),
    );
    let (d50, d99) = (percentile(&delivery, 0.5), percentile(&delivery, 0.99));
    println!(
        "{label}: {SAVES} saves, each delivered to {CLIENTS} streams ({} deliveries)",
        delivery.len()
    );
    println!("  baseline, the save's own round trip:    p50 {rt50:7.2} ms   p99 {rt99:7.2} ms");
    println!("  request → event on every stream:        p50 {d50:7.2} ms   p99 {d99:7.2} ms");
    println!(
        "  ratio to the baseline:                  p50 {:7.2}×     p99 {:7.2}×",
        d50 / rt50,
        d99 / rt99
    );
}

#[tokio::main]
async fn main() {
    for (name, backend) in [
        ("SQLite", Backend::Sqlite),
        ("PostgreSQL", Backend::Postgres),
    ] {
        // `None`: PostgreSQL is not reachable here; the line saying so is printed.
        if let Some(database) = ThrowAway::new(backend) {
            run(name, &database.url).await;
        }
    }
}
