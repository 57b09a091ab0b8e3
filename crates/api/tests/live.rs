//! The live event stream on one process: changes arrive in order, a client
//! that reconnects with `Last-Event-ID` gets exactly what it missed, a
//! client that never reads delays nobody.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_domain::wire::{BotEvent, SettingsBody};
use dialogdesk_domain::{FlowId, Status, StepId, TagId};
use dialogdesk_testkit::app::{lead_message, TestApp, METRICS_TOKEN};
use dialogdesk_testkit::sse::SseClient;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

async fn a_settings_save_streams_its_changes_in_order(app: TestApp) {
    let c = app.catalog().await;
    let (_, out) = app
        .inbound(lead_message(
            c.whatsapp,
            "chat",
            "Lead",
            Some("+79123456767"),
            "text",
            "hi",
            None,
        ))
        .await;
    let id = out["dialog_id"].as_i64().unwrap();
    let mut stream = SseClient::open(&app.base, &app.operator, None).await;
    let (code, _) = app
        .settings(
            id,
            SettingsBody {
                version: Some(1),
                status: Some(Status::Manual),
                tag_ids: Some(vec![TagId(c.vip)]),
                ..SettingsBody::default()
            },
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let events = stream.until(WAIT, |e| e.kind == "counts.changed").await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["dialog.updated", "timeline.appended", "counts.changed"]
    );
    assert!(events.windows(2).all(|w| w[0].id < w[1].id), "ids increase");
    assert_eq!(events[0].data["id"], id);
    assert_eq!(
        (
            events[0].data["status"].as_str(),
            events[0].data["version"].as_i64()
        ),
        (Some("manual"), Some(2))
    );
    let timeline = events[1].data["events"].as_array().unwrap();
    assert_eq!(
        timeline
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["status_changed", "tags_changed"]
    );
    let counts = app.get("/api/v1/dialogs/counts", &app.operator).await;
    for key in ["all", "start", "manual"] {
        assert_eq!(events[2].data["counts"][key], counts[key], "{key}");
    }
    // A message shows up with its body.
    app.inbound(lead_message(
        c.whatsapp,
        "chat",
        "Lead",
        None,
        "text",
        "Когда старт?",
        None,
    ))
    .await;
    let events = stream.until(WAIT, |e| e.kind == "timeline.appended").await;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["dialog.updated", "message.created", "timeline.appended"]
    );
    let message = &events[1].data;
    assert_eq!(
        (
            message["dialog_id"].as_i64(),
            message["message"]["text"].as_str()
        ),
        (Some(id), Some("Когда старт?"))
    );
    // A refused change emits nothing.
    let (code, _) = app
        .bot(id, BotEvent::BotMessage { text: "no".into() })
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    app.send(
        reqwest::Method::PUT,
        &format!("/api/v1/dialogs/{id}/favourite"),
        &app.operator,
        json!(null),
    )
    .await;
    assert_eq!(
        stream.next(Duration::from_millis(600)).await,
        None,
        "nothing for a refusal or a favourite"
    );
}

async fn a_reconnecting_client_gets_exactly_what_it_missed(app: TestApp) {
    let c = app.catalog().await;
    let (_, out) = app
        .inbound(lead_message(
            c.whatsapp, "chat", "Lead", None, "text", "hi", None,
        ))
        .await;
    let id = out["dialog_id"].as_i64().unwrap();
    let mut first = SseClient::open(&app.base, &app.admin, None).await;
    app.bot(
        id,
        BotEvent::FlowLaunched {
            flow_id: FlowId(c.sales),
            step_id: StepId(c.sales_steps[0]),
        },
    )
    .await;
    let seen = first.until(WAIT, |e| e.kind == "counts.changed").await;
    let last_seen = seen.last().unwrap().id.unwrap();
    drop(first);

    // Missed while away: three changes.
    app.bot(
        id,
        BotEvent::BotMessage {
            text: "Здравствуйте".into(),
        },
    )
    .await;
    app.inbound(lead_message(
        c.whatsapp, "chat", "Lead", None, "voice", "", None,
    ))
    .await;
    app.send(
        reqwest::Method::POST,
        &format!("/api/v1/dialogs/{id}/messages"),
        &app.operator,
        json!({"text": "Слушаю"}),
    )
    .await;
    let mut again = SseClient::open(&app.base, &app.admin, Some(last_seen)).await;
    let replayed = again.drain(Duration::from_millis(700)).await;
    // What was written while the client was away, straight from the outbox.
    let expected: Vec<i64> = app
        .store
        .live_events_after(last_seen, 100)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        replayed.iter().map(|e| e.id.unwrap()).collect::<Vec<_>>(),
        expected
    );
    assert!(
        replayed[0].id.unwrap() == last_seen + 1,
        "starts right after the last seen event"
    );
    assert!(
        replayed
            .windows(2)
            .all(|w| w[0].id.unwrap() + 1 == w[1].id.unwrap()),
        "in order, none twice, none missing"
    );
    let kinds: Vec<&str> = replayed.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "message.created").count(), 3);
    // Then live events follow, not repeated.
    app.bot(id, BotEvent::BlockedByLead).await;
    let next = again.next(WAIT).await.unwrap();
    assert_eq!(
        (next.kind.as_str(), next.id),
        (
            "dialog.updated",
            Some(replayed.last().unwrap().id.unwrap() + 1)
        )
    );

    // Away longer: more events than one replay page (200), replayed page by
    // page, still exactly what was missed, in order.
    let away_from = next.id.unwrap();
    drop(again);
    app.new_leads_say_hi(c.telegram, "lead", 120).await;
    let expected: Vec<i64> = app
        .store
        .live_events_after(away_from, 10_000)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(expected.len() > 400, "{} events", expected.len());
    let mut back = SseClient::open(&app.base, &app.admin, Some(away_from)).await;
    let last = *expected.last().unwrap();
    let replayed = back
        .until(Duration::from_secs(20), |e| e.id == Some(last))
        .await;
    assert_eq!(
        replayed.iter().filter_map(|e| e.id).collect::<Vec<_>>(),
        expected
    );
}

async fn a_client_asking_for_pruned_events_is_told_to_resync(app: TestApp) {
    let c = app.catalog().await;
    app.new_leads_say_hi(c.whatsapp, "chat", 3).await;
    // Keep only the newest event.
    app.store
        .prune_live_events(1, chrono::Duration::minutes(5))
        .unwrap();
    let mut stream = SseClient::open(&app.base, &app.admin, Some(1)).await;
    let event = stream.next(WAIT).await.unwrap();
    assert_eq!(event.kind, "resync");
    assert!(event.data["reason"].is_string());
    // Without Last-Event-ID there is nothing to replay: only new events.
    let mut fresh = SseClient::open(&app.base, &app.admin, None).await;
    assert_eq!(fresh.next(Duration::from_millis(500)).await, None);
}

async fn a_client_that_never_reads_delays_nobody(app: TestApp) {
    use tokio::io::AsyncWriteExt;
    let c = app.catalog().await;
    // A client that asks for the stream and never reads a byte.
    let addr = app.base.trim_start_matches("http://").to_owned();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stuck = socket.connect(addr.parse().unwrap()).await.unwrap();
    stuck
        .write_all(
            format!(
                "GET /api/v1/stream HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\r\n",
                app.admin
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut reader = SseClient::open(&app.base, &app.admin, None).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    // Each inbound message makes 3 events, one carrying its text: 4,096
    // characters (the longest allowed) of a 4-byte emoji, 16 KB; 600 make
    // ~9.8 MB, beyond the socket buffers between the server and the stuck
    // client (Linux lets a send buffer grow to 4 MB; 1.5 MB was measured on
    // loopback) plus its event buffer (LIVE_CLIENT_BUFFER events).
    let changes = 600;
    let text = "😀".repeat(dialogdesk_domain::wire::limits::TEXT);
    let writer = {
        let (base, token) = (app.base.clone(), app.inbound_token.clone());
        let whatsapp = c.whatsapp;
        let text = text.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::new();
            for n in 0..changes {
                let body = json!({"channel_id": whatsapp, "client": {"external_id": format!("lead-{}", n % 20)}, "message": {"text": text}});
                let r = http
                    .post(format!("{base}/api/v1/inbound"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
            }
        })
    };
    let mut messages = 0;
    while messages < changes {
        let event = reader
            .next(Duration::from_secs(30))
            .await
            .expect("the reading client keeps receiving");
        if event.kind == "message.created" {
            messages += 1;
        }
    }
    writer.await.unwrap();
    assert_eq!(
        messages, changes,
        "the reader got every message while the other client read nothing"
    );

    // The stuck client was dropped, not served forever: when it finally
    // reads, its stream ends well short of everything.
    use tokio::io::AsyncReadExt;
    // The response is chunked over a kept-alive connection: its end is the
    // final empty chunk.
    let mut received = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        let mut chunk = [0u8; 65536];
        loop {
            let n = stuck.read(&mut chunk).await.unwrap();
            received.extend_from_slice(&chunk[..n]);
            if n == 0 || received.ends_with(b"\r\n0\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the server ended the stuck client's stream");
    let text = String::from_utf8_lossy(&received);
    let got = text.matches("event: message.created").count();
    assert!(
        got < changes,
        "the stuck client was cut off after {got} messages"
    );
    let metrics = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("dialogdesk_stream_clients 1"),
        "only the reader is still connected:\n{metrics}"
    );
}

async fn metrics_count_requests_streams_and_events(app: TestApp) {
    let c = app.catalog().await;
    let _stream = SseClient::open(&app.base, &app.admin, None).await;
    app.inbound(lead_message(
        c.whatsapp, "chat", "Lead", None, "text", "hi", None,
    ))
    .await;
    app.get("/api/v1/dialogs/1", &app.admin).await;
    // A made-up method must not become a label of its own.
    let odd = reqwest::Method::from_bytes(b"BREW").unwrap();
    app.http
        .request(odd, format!("{}/api/v1/dialogs", app.base))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Without the metrics token: refused (the test server has one set).
    let refused = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    let response = app
        .http
        .get(format!("{}/metrics", app.base))
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4"
    );
    let text = response.text().await.unwrap();
    assert!(text.contains(r#"dialogdesk_http_requests_seconds_count{route="/api/v1/dialogs/{id}",method="GET",status="200"} 1"#), "{text}");
    assert!(text.contains(r#"route="/api/v1/inbound",method="POST",status="201""#));
    assert!(text.contains("dialogdesk_stream_clients 1"));
    assert!(
        text.contains(r#"method="other""#) && !text.contains("BREW"),
        "{text}"
    );
    let published: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("dialogdesk_live_events_published_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(published >= 3, "{published}");
    assert!(text.contains("dialogdesk_db_pool_connections{state=\"in_use\"}"));
}

async fn a_catalog_change_streams_catalog_changed(app: TestApp) {
    let c = app.catalog().await;
    let mut stream = SseClient::open(&app.base, &app.operator, None).await;
    let (code, body) = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/tags/{}", c.vip),
            &app.admin,
            json!({"name": "VIP клиент"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let events = stream.until(WAIT, |e| e.kind == "catalog.changed").await;
    assert_eq!(
        (events.len(), &events[0].data),
        (1, &json!({"part": "tags"}))
    );
    let (code, _) = app
        .send(
            reqwest::Method::POST,
            "/api/v1/channels",
            &app.admin,
            json!({"kind": "telegram", "name": "Второй бот"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    let events = stream.until(WAIT, |e| e.kind == "catalog.changed").await;
    assert_eq!(events.last().unwrap().data, json!({"part": "channels"}));
    // A change that fails emits nothing.
    let (code, _) = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/tags/999999",
            &app.admin,
            json!(null),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    assert_eq!(stream.next(Duration::from_millis(600)).await, None);
}

dialogdesk_testkit::on_both_backends!(
    app =>
    a_catalog_change_streams_catalog_changed,
    channel_ids_do_not_reach_operators,
    a_settings_save_streams_its_changes_in_order,
    a_reconnecting_client_gets_exactly_what_it_missed,
    a_client_asking_for_pruned_events_is_told_to_resync,
    a_client_that_never_reads_delays_nobody,
    metrics_count_requests_streams_and_events,
    streams_are_bounded_per_caller_and_per_process,
);

async fn stream_status(app: &TestApp, token: &str) -> (reqwest::Response, u16) {
    let response = app
        .http
        .get(format!("{}/api/v1/stream", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (response, status)
}

/// One caller cannot hold every stream of the server, and the server holds
/// a bounded number: beyond either bound, 429 with `Retry-After`; a place
/// comes back when a client leaves.
async fn streams_are_bounded_per_caller_and_per_process(app: TestApp) {
    let caps = dialogdesk_testkit::app::STREAM_CAPS;
    let mut open = Vec::new();
    for _ in 0..caps.per_caller {
        let (response, status) = stream_status(&app, &app.head).await;
        assert_eq!(status, 200);
        open.push(response);
    }
    let (refused, status) = stream_status(&app, &app.head).await;
    assert_eq!(status, 429);
    assert_eq!(refused.headers()["retry-after"], "5");
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("one caller"),
        "{problem}"
    );
    // Others still get theirs, up to the process's bound.
    for _ in caps.per_caller..caps.total {
        let (response, status) = stream_status(&app, &app.admin).await;
        assert_eq!(status, 200);
        open.push(response);
    }
    let (refused, status) = stream_status(&app, &app.read_token).await;
    assert_eq!(status, 429);
    let problem: serde_json::Value = refused.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("the server"),
        "{problem}"
    );
    // A client that leaves gives its place back, once a heartbeat (5 s)
    // finds it gone: the first write after it left may still succeed.
    drop(open.remove(0));
    let mut reopened = false;
    for _ in 0..200 {
        if stream_status(&app, &app.head).await.1 == 200 {
            reopened = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened, "the place of a closed stream is given back");
}

/// A WhatsApp chat id or message id can hold the lead's number: the masked
/// role never sees channel ids, in REST or on the stream; others do.
async fn channel_ids_do_not_reach_operators(app: TestApp) {
    let c = app.catalog().await;
    let mut operator = SseClient::open(&app.base, &app.operator, None).await;
    let mut head = SseClient::open(&app.base, &app.head, None).await;
    let (code, out) = app
        .inbound(lead_message(
            c.whatsapp,
            "79123456767@c.us",
            "Анна",
            Some("+79123456767"),
            "text",
            "Здравствуйте",
            Some("wamid.79123456767"),
        ))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{out}");
    let id = out["dialog_id"].as_i64().unwrap();
    let is_message = |e: &dialogdesk_testkit::sse::Sse| e.kind == "message.created";
    let seen_by_operator = operator.until(Duration::from_secs(10), is_message).await;
    let seen_by_head = head.until(Duration::from_secs(10), is_message).await;
    let external = |events: &[dialogdesk_testkit::sse::Sse]| {
        events.last().unwrap().data["message"]["external_id"].clone()
    };
    assert_eq!(external(&seen_by_operator), json!(null));
    assert_eq!(external(&seen_by_head), json!("wamid.79123456767"));
    let path = format!("/api/v1/dialogs/{id}/messages");
    let as_operator = app.get(&path, &app.operator).await;
    let as_head = app.get(&path, &app.head).await;
    assert_eq!(as_operator["items"][0]["external_id"], json!(null));
    assert_eq!(
        as_head["items"][0]["external_id"],
        json!("wamid.79123456767")
    );
    // Nothing else of the served JSON carries the number's digits.
    for body in [
        as_operator.to_string(),
        seen_by_operator.last().unwrap().data.to_string(),
    ] {
        assert!(!body.contains("9123456767"), "{body}");
    }
}
