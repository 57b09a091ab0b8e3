//! Outbound webhooks against a real receiver on a loopback port: every
//! event type arrives signed by the Standard Webhooks scheme, retries keep
//! the `webhook-id`, failures end in the dead letter and disable a
//! subscription, private addresses and redirects are refused, and replies
//! carry a delivery status that only moves forward.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_api::outbound::signing::verify;
use dialogdesk_domain::wire::SettingsBody;
use dialogdesk_domain::{FlowId, Status, StepId, TagId};
use dialogdesk_testkit::app::{lead_message, spawn_app_with, test_webhook_settings, TestApp};
use dialogdesk_testkit::receiver::{Received, Receiver};
use dialogdesk_testkit::sse::SseClient;
use dialogdesk_testkit::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

const ALL_EVENTS: [&str; 6] = [
    "message.created",
    "message.delivery_updated",
    "dialog.status_changed",
    "dialog.assigned",
    "dialog.settings_changed",
    "dialog.finished",
];

/// Subscribes `url` to `events`; returns the subscription (with its secret).
async fn subscribe(app: &TestApp, url: &str, events: &[&str]) -> Value {
    let (code, body) = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &app.admin,
            Some(json!({"url": url, "events": events})),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    body
}

/// A lead writes; returns the dialog id.
async fn lead_writes(app: &TestApp, channel: i64, chat: &str) -> i64 {
    let (code, out) = app
        .inbound(lead_message(
            channel, chat, "Lead", None, "text", "hi", None,
        ))
        .await;
    assert_eq!(code, StatusCode::CREATED, "{out}");
    out["dialog_id"].as_i64().unwrap()
}

/// The operator replies; returns the message.
async fn operator_replies(app: &TestApp, dialog: i64) -> Value {
    let (code, message) = app
        .call(
            Method::POST,
            &format!("/api/v1/dialogs/{dialog}/messages"),
            &app.operator,
            Some(json!({"text": "Здравствуйте!"})),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{message}");
    message
}

fn types(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.envelope["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn every_event_type_arrives_signed_and_in_order(app: TestApp) {
    let c = app.catalog().await;
    let receiver = Receiver::start(&[]);
    let hook = subscribe(&app, &receiver.url, &ALL_EVENTS).await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    // The secret is shown once: the list has none.
    let listed = app.get("/api/v1/webhooks", &app.admin).await;
    assert!(!listed.to_string().contains(&secret[6..]), "{listed}");

    let dialog = lead_writes(&app, c.whatsapp, "chat-1").await;
    let reply = operator_replies(&app, dialog).await;
    assert_eq!(reply["delivery"]["status"], "pending", "{reply}");
    let version = app.dialog(dialog).await["version"].as_i64();
    let (code, _body) = app
        .settings(
            dialog,
            SettingsBody {
                version,
                flow_id: Some(Some(FlowId(c.sales))),
                step_id: Some(Some(StepId(c.sales_steps[0]))),
                tag_ids: Some(vec![TagId(c.vip)]),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{_body}");
    let version = app.dialog(dialog).await["version"].as_i64();
    let (code, _) = app
        .settings(
            dialog,
            SettingsBody {
                version,
                status: Some(Status::Finished),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let (code, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/messages/{}/delivery", reply["id"]),
            &app.inbound_token,
            Some(json!({"status": "delivered"})),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");

    let received = receiver
        .until(WAIT, |r| {
            let seen = types(r);
            ALL_EVENTS.iter().all(|t| seen.iter().any(|s| s == t))
        })
        .await;
    let seen = types(&received);
    for event_type in ALL_EVENTS {
        assert!(
            seen.iter().any(|s| s == event_type),
            "{event_type} missing from {seen:?}"
        );
    }
    let mut ids = Vec::new();
    for r in &received {
        // Verifiable with the secret, by its id and timestamp; a wrong
        // secret or a changed body fails.
        assert!(
            verify(&secret, &r.id, r.timestamp, &r.body, &r.signature),
            "{r:?}"
        );
        assert!(!verify(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &r.id,
            r.timestamp,
            &r.body,
            &r.signature
        ));
        assert!(!verify(
            &secret,
            &r.id,
            r.timestamp,
            &format!("{} ", r.body),
            &r.signature
        ));
        assert_eq!(r.envelope["id"], json!(r.id));
        assert!(r.envelope["created_at"].is_string());
        assert_eq!(r.envelope["data"]["dialog_id"], json!(dialog), "{}", r.body);
        ids.push(r.id.trim_start_matches("evt_").parse::<i64>().unwrap());
    }
    // One dialog: its events arrive in the order they happened, once each.
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(ids, sorted, "{seen:?}");

    let by_type = |t: &str| {
        received
            .iter()
            .filter(|r| r.envelope["type"] == t)
            .map(|r| r.envelope["data"].clone())
            .collect::<Vec<_>>()
    };
    let created = by_type("message.created");
    assert_eq!(created[0]["message"]["author"], "lead");
    assert_eq!(created[0]["client_external_id"], "chat-1");
    assert_eq!(created[1]["message"]["author"], "operator");
    assert_eq!(created[1]["message"]["id"], reply["id"]);
    let status = by_type("dialog.status_changed");
    assert_eq!(status[0]["before"], "start");
    assert_eq!(status[0]["after"], "manual");
    assert_eq!(status[0]["actor"]["kind"], "operator");
    assert_eq!(
        by_type("dialog.assigned")[0]["after"],
        json!(app.operator_id)
    );
    let settings = by_type("dialog.settings_changed");
    assert_eq!(settings[0]["step"]["flow_after"], json!(c.sales));
    assert_eq!(settings[0]["tags_added"], json!([c.vip]));
    assert_eq!(
        by_type("dialog.finished")[0]["finished_by"],
        json!(app.operator_id)
    );
    assert_eq!(
        by_type("message.delivery_updated")[0]["delivery"]["status"],
        "delivered"
    );
    // The log has one successful attempt per event. An attempt is logged
    // after the receiver has answered, so the log may trail what the
    // receiver saw by a moment: read it until it holds as many (or WAIT
    // passes, and the assertion below says what is missing).
    let deadline = std::time::Instant::now() + WAIT;
    let log = loop {
        let log = app
            .get(
                &format!("/api/v1/webhooks/{}/deliveries?limit=200", hook["id"]),
                &app.admin,
            )
            .await;
        let logged = log["items"].as_array().map_or(0, Vec::len);
        if logged >= received.len() || std::time::Instant::now() >= deadline {
            break log;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let attempts = log["items"].as_array().unwrap();
    assert_eq!(attempts.len(), received.len(), "{log}");
    assert!(attempts
        .iter()
        .all(|a| a["status_code"] == 200 && a["delivery_state"] == "succeeded"));
}

async fn a_failing_receiver_gets_the_same_id_until_it_succeeds(app: TestApp) {
    let c = app.catalog().await;
    let receiver = Receiver::start(&[500, 500, 500]);
    let hook = subscribe(&app, &receiver.url, &["message.created"]).await;
    lead_writes(&app, c.whatsapp, "chat-retry").await;
    let received = receiver.until(WAIT, |r| r.len() >= 4).await;
    assert_eq!(received.len(), 4, "{received:?}");
    assert!(received.iter().all(|r| r.id == received[0].id));
    // Nothing more comes once it succeeded.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(receiver.received().len(), 4);
    let log = app
        .get(
            &format!("/api/v1/webhooks/{}/deliveries", hook["id"]),
            &app.admin,
        )
        .await;
    let attempts = log["items"].as_array().unwrap();
    assert_eq!(attempts.len(), 4, "{log}");
    // Newest first.
    let numbers: Vec<_> = attempts
        .iter()
        .map(|a| a["attempt"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [4, 3, 2, 1]);
    let codes: Vec<_> = attempts
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [200, 500, 500, 500]);
    assert_eq!(attempts[1]["error"], "HTTP 500");
    assert!(attempts.iter().all(|a| a["delivery_state"] == "succeeded"));
    assert!(attempts
        .iter()
        .all(|a| a["event_id"] == json!(received[0].id)));
    // Redelivering the event sends it once more, with the same id.
    let (code, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{}/redeliver", hook["id"]),
            &app.admin,
            Some(json!({"event_id": received[0].id})),
        )
        .await;
    assert_eq!(code, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["queued"], 1);
    let again = receiver.until(WAIT, |r| r.len() >= 5).await;
    assert_eq!(again[4].id, received[0].id);
}

async fn a_dead_receiver_ends_in_the_dead_letter_and_is_disabled(app: TestApp) {
    let c = app.catalog().await;
    let receiver = Receiver::start(&[503; 40]);
    let hook = subscribe(&app, &receiver.url, &["message.created"]).await;
    let id = hook["id"].as_i64().unwrap();
    lead_writes(&app, c.whatsapp, "chat-dead").await;
    // 8 attempts, then the delivery fails for good.
    let received = receiver.until(WAIT, |r| r.len() >= 8).await;
    assert_eq!(received.len(), 8);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(receiver.received().len(), 8, "no ninth attempt");
    let log = app
        .get(&format!("/api/v1/webhooks/{id}/deliveries"), &app.admin)
        .await;
    assert!(log["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["delivery_state"] == "failed"));
    // Failing past `disable_after` (3 s in tests): the next failure
    // disables the subscription, and the admin sees why.
    tokio::time::sleep(Duration::from_millis(2_600)).await;
    lead_writes(&app, c.whatsapp, "chat-dead-2").await;
    let mut hook = Value::Null;
    for _ in 0..100 {
        let listed = app.get("/api/v1/webhooks", &app.admin).await;
        hook = listed["items"][0].clone();
        if hook["enabled"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(hook["enabled"], false, "{hook}");
    let reason = hook["disabled_reason"].as_str().unwrap();
    assert!(reason.contains("HTTP 503"), "{reason}");
    // Disabled: nothing more is sent, and nothing is queued for it.
    let before = receiver.received().len();
    lead_writes(&app, c.whatsapp, "chat-dead-3").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(receiver.received().len(), before);
    // Fixed and enabled again: the failed delivery is redelivered and the
    // one that was waiting for its retry goes.
    receiver.answer(&[]);
    let (code, body) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/webhooks/{id}"),
            &app.admin,
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["disabled_reason"], Value::Null);
    let (code, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{id}/redeliver"),
            &app.admin,
            Some(json!({"since": "2020-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(code, StatusCode::ACCEPTED, "{body}");
    assert!(body["queued"].as_u64().unwrap() >= 1, "{body}");
    let all = receiver
        .until(WAIT, |r| {
            let mut ids: Vec<&str> = r[before..].iter().map(|x| x.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len() >= 2
        })
        .await;
    let mut later: Vec<&str> = all[before..].iter().map(|x| x.id.as_str()).collect();
    later.sort_unstable();
    later.dedup();
    assert_eq!(later, ["evt_1", "evt_2"], "the first two messages' events");
}

async fn redirects_are_not_followed(app: TestApp) {
    let c = app.catalog().await;
    let receiver = Receiver::start(&[307; 8]);
    let hook = subscribe(&app, &receiver.url, &["message.created"]).await;
    lead_writes(&app, c.whatsapp, "chat-redirect").await;
    let received = receiver.until(WAIT, |r| r.len() >= 2).await;
    assert!(received.iter().all(|r| r.path == "/hook"), "{received:?}");
    let log = app
        .get(
            &format!("/api/v1/webhooks/{}/deliveries", hook["id"]),
            &app.admin,
        )
        .await;
    let last = &log["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["status_code"], 307);
    assert!(
        last["error"].as_str().unwrap().contains("redirect"),
        "{last}"
    );
}

async fn a_rotated_secret_signs_beside_the_old_one(app: TestApp) {
    let c = app.catalog().await;
    let receiver = Receiver::start(&[]);
    let hook = subscribe(&app, &receiver.url, &["message.created"]).await;
    let old = hook["secret"].as_str().unwrap().to_owned();
    let (code, rotated) = app
        .call(
            Method::POST,
            &format!("/api/v1/webhooks/{}/secret", hook["id"]),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert!(rotated["previous_secret_until"].is_string());
    lead_writes(&app, c.whatsapp, "chat-rotate").await;
    let received = receiver.until(WAIT, |r| !r.is_empty()).await;
    let r = &received[0];
    assert_eq!(r.signature.split(' ').count(), 2, "{}", r.signature);
    assert!(verify(&new, &r.id, r.timestamp, &r.body, &r.signature));
    assert!(verify(&old, &r.id, r.timestamp, &r.body, &r.signature));
}

async fn replies_carry_a_delivery_status_that_only_moves_forward(app: TestApp) {
    let c = app.catalog().await;
    let dialog = lead_writes(&app, c.whatsapp, "chat-ticks").await;
    let reply = operator_replies(&app, dialog).await;
    let path = format!("/api/v1/messages/{}/delivery", reply["id"]);
    let mut stream = SseClient::open(&app.base, &app.operator, None).await;
    let report = |status: &str| json!({"status": status});
    for (status, expected) in [
        ("sent", "sent"),
        ("read", "read"),
        // A late report changes nothing.
        ("delivered", "read"),
        ("sent", "read"),
        ("read", "read"),
    ] {
        let (code, body) = app
            .call(
                Method::POST,
                &path,
                &app.inbound_token,
                Some(report(status)),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{body}");
        assert_eq!(
            body["delivery"]["status"], expected,
            "after {status}: {body}"
        );
    }
    // The chat shows it, and the stream told it (twice: sent, read).
    let messages = app
        .get(&format!("/api/v1/dialogs/{dialog}/messages"), &app.operator)
        .await;
    let shown = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == reply["id"])
        .unwrap()
        .clone();
    assert_eq!(shown["delivery"]["status"], "read");
    assert_eq!(
        messages["items"][0]["delivery"],
        Value::Null,
        "a lead's message has none"
    );
    let updates = stream
        .until(WAIT, |e| {
            e.kind == "message.delivery_updated" && e.data["delivery"]["status"] == "read"
        })
        .await;
    let ticks: Vec<_> = updates
        .iter()
        .filter(|e| e.kind == "message.delivery_updated")
        .map(|e| e.data["delivery"]["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ticks, ["sent", "read"]);
    // Who may report, and what.
    for (token, body, code) in [
        (&app.bot_token, report("sent"), StatusCode::FORBIDDEN),
        (&app.operator, report("sent"), StatusCode::FORBIDDEN),
        (
            &app.inbound_token,
            report("pending"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &app.inbound_token,
            json!({"status": "lost"}),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let (got, problem) = app.call(Method::POST, &path, token, Some(body)).await;
        assert_eq!(got, code, "{problem}");
    }
    let lead_message = messages["items"][0]["id"].as_i64().unwrap();
    let (code, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/messages/{lead_message}/delivery"),
            &app.inbound_token,
            Some(report("sent")),
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (code, _) = app
        .call(
            Method::POST,
            "/api/v1/messages/999999/delivery",
            &app.inbound_token,
            Some(report("sent")),
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);

    // A failed reply: the reason shows, and Retry makes it pending again
    // and sends `message.created` to the connector once more.
    let receiver = Receiver::start(&[]);
    subscribe(&app, &receiver.url, &["message.created"]).await;
    let second = operator_replies(&app, dialog).await;
    let (code, failed) = app
        .call(
            Method::POST,
            &format!("/api/v1/messages/{}/delivery", second["id"]),
            &app.inbound_token,
            Some(json!({"status": "failed", "reason": "24-hour window closed"})),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(failed["delivery"]["reason"], "24-hour window closed");
    let resend = format!("/api/v1/messages/{}/resend", second["id"]);
    let (code, resent) = app.call(Method::POST, &resend, &app.operator, None).await;
    assert_eq!(code, StatusCode::OK, "{resent}");
    assert_eq!(resent["delivery"]["status"], "pending");
    let (code, _) = app.call(Method::POST, &resend, &app.operator, None).await;
    assert_eq!(
        code,
        StatusCode::CONFLICT,
        "only a failed reply is sent again"
    );
    let sent = receiver
        .until(WAIT, |r| {
            r.iter()
                .filter(|x| x.envelope["data"]["message"]["id"] == second["id"])
                .count()
                >= 2
        })
        .await;
    let for_second: Vec<_> = sent
        .iter()
        .filter(|x| x.envelope["data"]["message"]["id"] == second["id"])
        .collect();
    assert_eq!(for_second.len(), 2);
    assert_ne!(
        for_second[0].id, for_second[1].id,
        "a resend is a new event"
    );
}

async fn bad_subscriptions_are_refused(app: TestApp) {
    let c = app.catalog().await;
    for (body, field) in [
        (
            json!({"url": "ftp://example.com/x", "events": ["message.created"]}),
            "url",
        ),
        (
            json!({"url": "not a url", "events": ["message.created"]}),
            "url",
        ),
        (
            json!({"url": "http://u:p@example.com/x", "events": ["message.created"]}),
            "url",
        ),
        (
            json!({"url": "http://127.0.0.1:9/x", "events": []}),
            "events",
        ),
        (
            json!({"url": "http://127.0.0.1:9/x", "events": ["message.created"], "channel_id": 999_999}),
            "channel_id",
        ),
    ] {
        let (code, problem) = app
            .call(
                Method::POST,
                "/api/v1/webhooks",
                &app.admin,
                Some(body.clone()),
            )
            .await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
        assert!(problem["errors"][field].is_string(), "{problem}");
    }
    let (code, _) = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &app.admin,
            Some(json!({"url": "http://127.0.0.1:9/x", "events": ["dialog.exploded"]})),
        )
        .await;
    assert!(code.is_client_error());
    // Operators and heads may not; an admin-scope token may.
    for token in [&app.operator, &app.head, &app.read_token] {
        let (code, _) = app.call(Method::GET, "/api/v1/webhooks", token, None).await;
        assert_eq!(code, StatusCode::FORBIDDEN);
    }
    let (code, body) = app
        .call(
            Method::POST,
            "/api/v1/webhooks",
            &app.admin_token,
            Some(json!({"url": "http://127.0.0.1:9/x", "events": ["message.created"], "channel_id": c.telegram})),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
    // Its channel filter: a WhatsApp dialog's events are not queued for it.
    lead_writes(&app, c.whatsapp, "chat-filter").await;
    let log = app
        .get(
            &format!("/api/v1/webhooks/{}/deliveries", body["id"]),
            &app.admin,
        )
        .await;
    assert_eq!(log["items"], json!([]));
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{}", body["id"]),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{}", body["id"]),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
}

/// Without `DIALOGDESK_WEBHOOK_ALLOW_PRIVATE`, a URL on this machine or a
/// private network is refused with a 422 that says why.
#[tokio::test]
async fn private_addresses_are_refused_by_default() {
    let settings = dialogdesk_api::outbound::WebhookSettings {
        allow_private: false,
        ..test_webhook_settings()
    };
    let app = spawn_app_with(Backend::Sqlite, settings).await.unwrap();
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
    ] {
        let (code, problem) = app
            .call(
                Method::POST,
                "/api/v1/webhooks",
                &app.admin,
                Some(json!({"url": url, "events": ["message.created"]})),
            )
            .await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {problem}");
        let detail = problem["errors"]["url"].as_str().unwrap();
        assert!(
            detail.contains("private") || detail.contains("loopback"),
            "{detail}"
        );
    }
}

dialogdesk_testkit::on_both_backends!(
    app =>
    every_event_type_arrives_signed_and_in_order,
    a_failing_receiver_gets_the_same_id_until_it_succeeds,
    a_dead_receiver_ends_in_the_dead_letter_and_is_disabled,
    redirects_are_not_followed,
    a_rotated_secret_signs_beside_the_old_one,
    replies_carry_a_delivery_status_that_only_moves_forward,
    bad_subscriptions_are_refused,
);
