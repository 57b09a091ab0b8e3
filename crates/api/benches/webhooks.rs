//! `make bench`: how fast the dispatcher delivers webhooks.
//!
//! The real server on a random port (SQLite, and PostgreSQL when
//! reachable) and a real receiver on loopback that answers 200.
//! - Throughput: 4,000 deliveries queued while no server runs (lead
//!   messages, `message.created` for 1 or 16 subscriptions), then the
//!   server starts and its dispatcher drains them; deliveries/s from start
//!   to the last arrival. Baseline in the same run: the same number of
//!   POSTs of the same size sent straight to the receiver, 64 at a time
//!   (what the receiver and loopback allow).
//! - Latency: 200 lead messages one after another; from the event's
//!   `created_at` (written in the change's transaction) to its arrival.
//!   Baseline: the change's own round trip through the store.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark program: a panic is its failure report"
)]

mod common;

use common::percentile;
use dialogdesk_domain::{MessageKind, WebhookEventType};
use dialogdesk_store::dialogs::{Inbound, InboundClient, NewMessage};
use dialogdesk_store::webhooks::subscriptions::NewWebhook;
use dialogdesk_store::Store;
use dialogdesk_testkit::db::ThrowAway;
use dialogdesk_testkit::receiver::Receiver;
use dialogdesk_testkit::Backend;
use futures_util::future::join_all;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const DELIVERIES: usize = 4_000;
const LATENCY_EVENTS: usize = 200;

fn lead_message(channel: dialogdesk_domain::ChannelId, n: usize, prefix: &str) -> Inbound {
    Inbound {
        channel_id: channel,
        client: InboundClient {
            external_id: Some(format!("{prefix}-{n}")),
            ..Default::default()
        },
        message: NewMessage {
            operator_id: None,
            kind: MessageKind::Text,
            text: format!("message {n}"),
            media_url: None,
            external_id: None,
            sent_at: chrono::Utc::now(),
        },
        actor: dialogdesk_domain::Actor::Integration(None),
    }
}

async fn wait_for(receiver: &Receiver, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while receiver.count() < n {
        assert!(
            Instant::now() < deadline,
            "only {} of {n} arrived",
            receiver.count()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// The receiver's own capacity: `n` POSTs of `body`, 64 at a time.
async fn baseline(body: &str, n: usize) -> f64 {
    let receiver = Receiver::start(&[]);
    let http = reqwest::Client::new();
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(64) {
        join_all(
            chunk
                .iter()
                .map(|_| http.post(&receiver.url).body(body.to_owned()).send()),
        )
        .await;
    }
    wait_for(&receiver, n).await;
    n as f64 / started.elapsed().as_secs_f64()
}

async fn run(label: &str, backend: Backend, subscriptions: usize, report: &mut String) {
    let Some(database) = ThrowAway::new(backend) else {
        return;
    };
    let store = Store::open(&database.url).unwrap();
    let channel = common::admin_and_channel(&store).id;
    let receiver = Receiver::start(&[]);
    for _ in 0..subscriptions {
        store
            .create_webhook(&NewWebhook {
                url: receiver.url.clone(),
                events: vec![WebhookEventType::MessageCreated],
                channel_id: None,
            })
            .unwrap();
    }
    // The backlog, written before any dispatcher runs.
    let events = DELIVERIES / subscriptions;
    for n in 0..events {
        store.inbound(&lead_message(channel, n, "backlog")).unwrap();
    }
    let started = Instant::now();
    let _base = common::serve(store.clone(), Default::default());
    wait_for(&receiver, DELIVERIES).await;
    let throughput = DELIVERIES as f64 / started.elapsed().as_secs_f64();
    let body = receiver.received()[0].body.clone();
    let direct = baseline(&body, DELIVERIES).await;

    // Latency, one change at a time.
    let mut round_trips = Vec::new();
    for n in 0..LATENCY_EVENTS {
        let sent = Instant::now();
        store.inbound(&lead_message(channel, n, "latency")).unwrap();
        round_trips.push(sent.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let all = DELIVERIES + LATENCY_EVENTS * subscriptions;
    wait_for(&receiver, all).await;
    let mut latency: Vec<f64> = receiver.received()[DELIVERIES..]
        .iter()
        .map(|r| {
            let created: chrono::DateTime<chrono::Utc> =
                r.envelope["created_at"].as_str().unwrap().parse().unwrap();
            let arrived: chrono::DateTime<chrono::Utc> = r.arrived.into();
            (arrived - created).num_microseconds().unwrap() as f64 / 1000.0
        })
        .collect();
    latency.sort_by(f64::total_cmp);
    round_trips.sort_by(f64::total_cmp);
    let (l50, l99) = (percentile(&latency, 0.5), percentile(&latency, 0.99));
    let (r50, r99) = (
        percentile(&round_trips, 0.5),
        percentile(&round_trips, 0.99),
    );
    let line = format!(
        "| {label} | {subscriptions} | {throughput:.0} | {direct:.0} | {:.2} | {l50:.1} / {l99:.1} | {r50:.1} / {r99:.1} |",
        throughput / direct
    );
    println!("{line}");
    writeln!(report, "{line}").unwrap();
}

#[tokio::main]
async fn main() {
    let mut report = String::from(
        "| backend | subscriptions | deliveries/s | baseline: straight POSTs/s | ratio | commit → receiver p50 / p99 ms | baseline: the change's round trip p50 / p99 ms |\n|---|---|---|---|---|---|---|\n",
    );
    print!("{report}");
    for (label, backend) in [
        ("SQLite", Backend::Sqlite),
        ("PostgreSQL", Backend::Postgres),
    ] {
        for subscriptions in [1, 16] {
            run(label, backend, subscriptions, &mut report).await;
        }
    }
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let dirty = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    let heading = format!(
        "\n## {} — webhooks, commit {commit}{}, {} cores, loopback\n\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        if dirty { " + uncommitted changes" } else { "" },
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../BENCHMARKS.md");
    let mut text = std::fs::read_to_string(path).unwrap_or_default();
    text.push_str(&heading);
    text.push_str(&report);
    std::fs::write(path, text).unwrap();
}
