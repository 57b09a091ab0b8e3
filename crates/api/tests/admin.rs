//! Administration and analytics: every operation's happy path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_domain::wire::{BotEvent, SettingsBody};
use dialogdesk_domain::{FlowId, Status, StepId, TagId};
use dialogdesk_testkit::app::{lead_message, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn admins_manage_operators_channels_flows_tags_and_tokens(app: TestApp) {
    let a = app.admin.clone();
    // Operators.
    let (code, anna) = app.send(Method::POST, "/api/v1/operators", &a, json!({"name": "Анна", "email": "Anna@Example.com", "role": "operator", "password": "long-password"})).await;
    assert_eq!(code, StatusCode::CREATED, "{anna}");
    assert_eq!(anna["email"], "anna@example.com");
    let id = anna["id"].as_i64().unwrap();
    let (code, _) = app.send(Method::POST, "/api/v1/operators", &a, json!({"name": "Other", "email": "anna@example.com", "role": "operator", "password": "long-password"})).await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (code, p) = app
        .send(
            Method::POST,
            "/api/v1/operators",
            &a,
            json!({"name": "X", "email": "x@example.com", "role": "operator", "password": "short"}),
        )
        .await;
    assert_eq!(
        (code, p["errors"]["password"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true)
    );
    let (code, p) = app.send(Method::POST, "/api/v1/operators", &a, json!({"name": "X", "email": "not-an-email", "role": "operator", "password": "long-password"})).await;
    assert_eq!(
        (code, p["errors"]["email"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true)
    );
    let (code, updated) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/operators/{id}"),
            &a,
            json!({"role": "head", "name": "Анна Петровна"}),
        )
        .await;
    assert_eq!(
        (code, updated["role"].as_str(), updated["name"].as_str()),
        (StatusCode::OK, Some("head"), Some("Анна Петровна"))
    );
    let (code, _) = app
        .send(
            Method::PUT,
            &format!("/api/v1/operators/{id}/password"),
            &a,
            json!({"password": "another-password"}),
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let (code, login) = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": "anna@example.com", "password": "another-password"}),
        )
        .await;
    assert_eq!(
        (code, login["operator"]["role"].as_str()),
        (StatusCode::OK, Some("head"))
    );
    let me = app
        .get("/api/v1/me", login["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me["name"], "Анна Петровна");
    assert_eq!(
        app.get("/api/v1/operators", &app.operator).await["items"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    // Channels.
    let (code, ch) = app
        .send(
            Method::POST,
            "/api/v1/channels",
            &app.admin_token,
            json!({"kind": "vk", "name": "VK"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    let ch_id = ch["id"].as_i64().unwrap();
    let (_, ch) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/channels/{ch_id}"),
            &a,
            json!({"name": "ВКонтакте"}),
        )
        .await;
    assert_eq!(
        (ch["name"].as_str(), ch["kind"].as_str()),
        (Some("ВКонтакте"), Some("vk"))
    );
    let (code, _) = app
        .send(
            Method::POST,
            "/api/v1/channels",
            &a,
            json!({"kind": "pigeon", "name": "Post"}),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);

    // Flows and steps.
    let (code, flow) = app.send(Method::POST, "/api/v1/flows", &a, json!({"name": "Sales", "steps": [{"name": "Hello", "finish_status": "none"}, {"name": "Paid", "finish_status": "finished"}]})).await;
    assert_eq!(code, StatusCode::CREATED);
    let flow_id = flow["id"].as_i64().unwrap();
    let (code, flow) = app
        .send(
            Method::POST,
            &format!("/api/v1/flows/{flow_id}/steps"),
            &a,
            json!({"name": "Wait", "finish_status": "waiting"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    let steps: Vec<i64> = flow["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let (_, flow) = app
        .send(
            Method::PUT,
            &format!("/api/v1/flows/{flow_id}/steps/order"),
            &a,
            json!({"step_ids": [steps[0], steps[2], steps[1]]}),
        )
        .await;
    let names: Vec<&str> = flow["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Hello", "Wait", "Paid"]);
    let (code, _) = app
        .send(
            Method::PUT,
            &format!("/api/v1/flows/{flow_id}/steps/order"),
            &a,
            json!({"step_ids": [steps[0]]}),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, flow) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/flows/{flow_id}/steps/{}", steps[2]),
            &a,
            json!({"name": "Ждём", "finish_status": "waiting"}),
        )
        .await;
    assert_eq!(flow["steps"][1]["name"], "Ждём");
    let (_, flow) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/flows/{flow_id}"),
            &a,
            json!({"name": "Продажи"}),
        )
        .await;
    assert_eq!(flow["name"], "Продажи");
    assert_eq!(
        app.get(&format!("/api/v1/flows/{flow_id}"), &app.operator)
            .await["steps"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // A step with dialogs on it cannot go; a channel with dialogs neither.
    let (_, out) = app
        .inbound(lead_message(
            ch_id, "lead", "Lead", None, "text", "hi", None,
        ))
        .await;
    let dialog = out["dialog_id"].as_i64().unwrap();
    app.bot(
        dialog,
        BotEvent::FlowLaunched {
            flow_id: FlowId(flow_id),
            step_id: StepId(steps[0]),
        },
    )
    .await;
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/flows/{flow_id}/steps/{}", steps[0]),
            &a,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/channels/{ch_id}"),
            &a,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    let (code, flow) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/flows/{flow_id}/steps/{}", steps[1]),
            &a,
            None,
        )
        .await;
    assert_eq!(
        (code, flow["steps"].as_array().unwrap().len()),
        (StatusCode::OK, 2)
    );
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/flows/999/steps/{}", steps[0]),
            &a,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND, "a step of another flow's path");

    // Tags.
    let (code, tag) = app
        .send(
            Method::POST,
            "/api/v1/tags",
            &a,
            json!({"name": "VIP", "color": "#E53"}),
        )
        .await;
    assert_eq!(
        (code, tag["color"].as_str()),
        (StatusCode::CREATED, Some("#ee5533"))
    );
    let tag_id = tag["id"].as_i64().unwrap();
    let version = app.dialog(dialog).await["version"].as_i64();
    app.settings(
        dialog,
        SettingsBody {
            version,
            tag_ids: Some(vec![TagId(tag_id)]),
            ..SettingsBody::default()
        },
    )
    .await;
    let (_, tag) = app
        .send(
            Method::PATCH,
            &format!("/api/v1/tags/{tag_id}"),
            &a,
            json!({"color": "#000000"}),
        )
        .await;
    assert_eq!(tag["color"], "#000000");
    assert_eq!(app.dialog(dialog).await["tags"][0]["color"], "#000000");
    let (code, _) = app
        .call(Method::DELETE, &format!("/api/v1/tags/{tag_id}"), &a, None)
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    assert_eq!(app.dialog(dialog).await["tags"], json!([]));
    let (code, _) = app
        .send(
            Method::POST,
            "/api/v1/tags",
            &a,
            json!({"name": "", "color": "#fff"}),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);

    // API tokens: the secret once, never in lists.
    let (code, token) = app
        .send(
            Method::POST,
            "/api/v1/api-tokens",
            &a,
            json!({"name": "CRM", "scopes": ["read", "read"]}),
        )
        .await;
    assert_eq!(
        (code, token["scopes"].clone()),
        (StatusCode::CREATED, json!(["read"]))
    );
    assert!(token["token"].as_str().unwrap().starts_with("ddt_"));
    let list = app.get("/api/v1/api-tokens", &a).await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("token").is_none()));
    let (code, _) = app
        .send(
            Method::POST,
            "/api/v1/api-tokens",
            &a,
            json!({"name": "None", "scopes": []}),
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn analytics_count_finishes_per_employee_channel_and_day(app: TestApp) {
    let c = app.catalog().await;
    for i in 0..6 {
        let chat = format!("lead-{i}");
        let channel = if i < 4 { c.whatsapp } else { c.telegram };
        let (_, out) = app
            .inbound(lead_message(
                channel, &chat, "Lead", None, "text", "hi", None,
            ))
            .await;
        let id = out["dialog_id"].as_i64().unwrap();
        app.send(
            Method::POST,
            &format!("/api/v1/dialogs/{id}/messages"),
            &app.operator,
            json!({"text": "Здравствуйте"}),
        )
        .await;
        if i < 3 {
            let version = app.dialog(id).await["version"].as_i64();
            app.settings(
                id,
                SettingsBody {
                    version,
                    status: Some(Status::Finished),
                    ..SettingsBody::default()
                },
            )
            .await;
        } else if i < 5 {
            app.bot(
                id,
                BotEvent::FlowLaunched {
                    flow_id: FlowId(c.sales),
                    step_id: StepId(c.sales_steps[2]),
                },
            )
            .await;
        }
    }
    let today = chrono::Utc::now().date_naive();
    let by_op = app
        .get("/api/v1/analytics/finished/by-operator", &app.head)
        .await;
    assert_eq!(
        by_op["items"],
        json!([
            {"operator": {"id": app.operator_id, "name": "Оля Операторова"}, "finished": 3},
            {"operator": null, "finished": 2}
        ])
    );
    let by_channel = app
        .get("/api/v1/analytics/finished/by-channel", &app.read_token)
        .await;
    let counts: Vec<(String, i64)> = by_channel["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["channel"]["name"].as_str().unwrap().to_owned(),
                r["finished"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [("WhatsApp".to_owned(), 4), ("Telegram".to_owned(), 1)]
    );
    let by_day = app
        .get(
            &format!(
                "/api/v1/analytics/finished/by-day?from={}&to={today}",
                today - chrono::Duration::days(6)
            ),
            &app.head,
        )
        .await;
    let days = by_day["items"].as_array().unwrap();
    assert_eq!(days.len(), 7, "every day listed");
    assert_eq!(
        days.last().unwrap(),
        &json!({"day": today.to_string(), "finished": 5})
    );
    assert_eq!(
        days.iter()
            .map(|d| d["finished"].as_i64().unwrap())
            .sum::<i64>(),
        5
    );
    let managers = app.get("/api/v1/analytics/managers", &app.head).await;
    let me: &Value = managers["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["operator"]["id"] == app.operator_id)
        .unwrap();
    assert_eq!(me["messages_sent"], 6);
    assert_eq!(
        me["taken_per_day"][today.to_string()],
        6,
        "replying took each dialog"
    );
    assert!(me["median_first_response_seconds"].as_f64().unwrap() >= 0.0);
    let (code, _) = app
        .call(
            Method::GET,
            "/api/v1/analytics/finished/by-day?from=2026-02-01&to=2026-01-01",
            &app.head,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, _) = app
        .call(
            Method::GET,
            "/api/v1/analytics/finished/by-day?from=2020-01-01&to=2026-01-01",
            &app.head,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "too long a range");
}

dialogdesk_testkit::on_both_backends!(
    app =>
    admins_manage_operators_channels_flows_tags_and_tokens,
    analytics_count_finishes_per_employee_channel_and_day,
    an_admin_cannot_lock_themselves_out,
    a_wrong_method_on_a_known_path_is_405_with_allow,
);

async fn an_admin_cannot_lock_themselves_out(app: TestApp) {
    let me = format!("/api/v1/operators/{}", app.admin_id);
    for (body, field) in [
        (json!({"active": false}), "active"),
        (json!({"role": "head"}), "role"),
    ] {
        let (code, problem) = app.send(Method::PATCH, &me, &app.admin, body).await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert!(problem["errors"][field].is_string(), "{problem}");
    }
    assert_eq!(app.get("/api/v1/me", &app.admin).await["role"], "admin");
    // Another admin's account is theirs to change.
    assert_eq!(app.set_active(app.head_id, false).await, StatusCode::OK);
}

/// A path that exists with other methods answers 405 and lists them in
/// `Allow` (a client learns what it can do); an unknown path is a 404.
async fn a_wrong_method_on_a_known_path_is_405_with_allow(app: TestApp) {
    let cases = [
        ("TRACE", "/api/v1/tags", Some("GET, POST, HEAD")),
        ("GET", "/api/v1/inbound", Some("POST")),
        (
            "DELETE",
            "/api/v1/dialogs/7/messages",
            Some("GET, POST, HEAD"),
        ),
        // The order route, not a step whose id is "order".
        ("GET", "/api/v1/flows/1/steps/order", Some("PUT")),
        // Reaches the step route by its shape; still the order route's 405.
        ("PATCH", "/api/v1/flows/1/steps/order", Some("PUT")),
        ("GET", "/api/v1/no-such-thing", None),
        ("POST", "/api/v1/dialogs/7/nothing", None),
    ];
    for (method, path, allow) in cases {
        let response = app
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", app.base),
            )
            .bearer_auth(&app.admin)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let allowed = response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned());
        let problem: Value = response.json().await.unwrap();
        match allow {
            Some(allow) => {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
                assert_eq!(allowed.as_deref(), Some(allow), "{method} {path}");
            }
            None => assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}"),
        }
        assert_eq!(problem["status"], status.as_u16());
    }
}
