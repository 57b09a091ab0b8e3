//! Who may call what: a matrix of every route × every kind of caller, and
//! the ways a credential can be wrong.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dialogdesk_testkit::app::{TestApp, JWT_SECRET};
use jsonwebtoken::{encode, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Every operator; tokens with `read`.
    Reader,
    /// Operators only.
    Operator,
    /// Heads and admins; tokens with `read`.
    Head,
    /// Admins; tokens with `admin`.
    Admin,
    /// Admin operators only.
    AdminOperator,
    /// Tokens with `inbound`.
    Inbound,
    /// Tokens with `bot`.
    Bot,
}

/// Every `/api/v1` route but login, with a request that passes
/// authorization and then fails or succeeds harmlessly.
fn routes() -> Vec<(Method, &'static str, Option<Value>, Rule)> {
    use Rule::*;
    let m = |s: &str| Method::from_bytes(s.as_bytes()).unwrap();
    vec![
        (m("GET"), "/api/v1/me", None, Operator),
        (m("GET"), "/api/v1/dialogs", None, Reader),
        (m("GET"), "/api/v1/dialogs/counts", None, Reader),
        (m("GET"), "/api/v1/dialogs/999999", None, Reader),
        (
            m("PUT"),
            "/api/v1/dialogs/999999/settings",
            Some(json!({"version": 1})),
            Operator,
        ),
        (m("PUT"), "/api/v1/dialogs/999999/favourite", None, Operator),
        (
            m("DELETE"),
            "/api/v1/dialogs/999999/favourite",
            None,
            Operator,
        ),
        (m("GET"), "/api/v1/dialogs/999999/messages", None, Reader),
        (
            m("POST"),
            "/api/v1/dialogs/999999/messages",
            Some(json!({"text": "hi"})),
            Operator,
        ),
        (m("GET"), "/api/v1/dialogs/999999/events", None, Reader),
        (
            m("POST"),
            "/api/v1/dialogs/999999/bot",
            Some(json!({"type": "blocked_by_lead"})),
            Bot,
        ),
        (
            m("POST"),
            "/api/v1/inbound",
            Some(
                json!({"channel_id": 999999, "client": {"external_id": "x"}, "message": {"text": "x"}}),
            ),
            Inbound,
        ),
        (m("GET"), "/api/v1/stream", None, Reader),
        (m("GET"), "/api/v1/records/dialogs", None, Head),
        (m("GET"), "/api/v1/records/dialogs.csv", None, Head),
        (
            m("GET"),
            "/api/v1/analytics/finished/by-operator",
            None,
            Head,
        ),
        (
            m("GET"),
            "/api/v1/analytics/finished/by-channel",
            None,
            Head,
        ),
        (m("GET"), "/api/v1/analytics/finished/by-day", None, Head),
        (m("GET"), "/api/v1/analytics/managers", None, Head),
        (m("GET"), "/api/v1/operators", None, Reader),
        // Managing people is for admin people: an `admin`-scope token that
        // could create an admin or reset an admin's password could log in
        // as one and mint tokens.
        (
            m("POST"),
            "/api/v1/operators",
            Some(json!({})),
            AdminOperator,
        ),
        (
            m("PATCH"),
            "/api/v1/operators/999999",
            Some(json!({})),
            AdminOperator,
        ),
        (
            m("PUT"),
            "/api/v1/operators/999999/password",
            Some(json!({"password": "long-enough-1"})),
            AdminOperator,
        ),
        (m("GET"), "/api/v1/channels", None, Reader),
        (m("POST"), "/api/v1/channels", Some(json!({})), Admin),
        (
            m("PATCH"),
            "/api/v1/channels/999999",
            Some(json!({})),
            Admin,
        ),
        (m("DELETE"), "/api/v1/channels/999999", None, Admin),
        (m("GET"), "/api/v1/flows", None, Reader),
        (m("GET"), "/api/v1/flows/999999", None, Reader),
        (m("POST"), "/api/v1/flows", Some(json!({})), Admin),
        (
            m("PATCH"),
            "/api/v1/flows/999999",
            Some(json!({"name": "x"})),
            Admin,
        ),
        (
            m("POST"),
            "/api/v1/flows/999999/steps",
            Some(json!({"name": "x", "finish_status": "none"})),
            Admin,
        ),
        (
            m("PATCH"),
            "/api/v1/flows/999999/steps/999999",
            Some(json!({})),
            Admin,
        ),
        (
            m("DELETE"),
            "/api/v1/flows/999999/steps/999999",
            None,
            Admin,
        ),
        (
            m("PUT"),
            "/api/v1/flows/999999/steps/order",
            Some(json!({"step_ids": []})),
            Admin,
        ),
        (m("GET"), "/api/v1/tags", None, Reader),
        (m("POST"), "/api/v1/tags", Some(json!({})), Admin),
        (m("PATCH"), "/api/v1/tags/999999", Some(json!({})), Admin),
        (m("DELETE"), "/api/v1/tags/999999", None, Admin),
        (m("GET"), "/api/v1/api-tokens", None, AdminOperator),
        (
            m("POST"),
            "/api/v1/api-tokens",
            Some(json!({})),
            AdminOperator,
        ),
        (
            m("DELETE"),
            "/api/v1/api-tokens/999999",
            None,
            AdminOperator,
        ),
        (m("POST"), "/api/v1/stream/ticket", None, Reader),
        (
            m("POST"),
            "/api/v1/messages/999999/delivery",
            Some(json!({"status": "sent"})),
            Inbound,
        ),
        (m("POST"), "/api/v1/messages/999999/resend", None, Operator),
        // Webhooks: an integration with the `admin` scope may subscribe
        // itself.
        (m("GET"), "/api/v1/webhooks", None, Admin),
        (
            m("POST"),
            "/api/v1/webhooks",
            Some(json!({"url": "http://127.0.0.1:9/x", "events": []})),
            Admin,
        ),
        (
            m("PATCH"),
            "/api/v1/webhooks/999999",
            Some(json!({})),
            Admin,
        ),
        (m("DELETE"), "/api/v1/webhooks/999999", None, Admin),
        (m("POST"), "/api/v1/webhooks/999999/secret", None, Admin),
        (m("GET"), "/api/v1/webhooks/999999/deliveries", None, Admin),
        (
            m("POST"),
            "/api/v1/webhooks/999999/redeliver",
            Some(json!({"event_id": "evt_1"})),
            Admin,
        ),
        // Last: it ends the session of each operator who calls it.
        (m("POST"), "/api/v1/auth/logout", None, Operator),
    ]
}

fn allowed(rule: Rule, caller: &str) -> bool {
    use Rule::*;
    match (rule, caller) {
        (_, "anonymous") => false,
        (Reader, c) => matches!(c, "operator" | "head" | "admin" | "token:read"),
        (Operator, c) => matches!(c, "operator" | "head" | "admin"),
        (Head, c) => matches!(c, "head" | "admin" | "token:read"),
        (Admin, c) => matches!(c, "admin" | "token:admin"),
        (AdminOperator, c) => c == "admin",
        (Inbound, c) => c == "token:inbound",
        (Bot, c) => c == "token:bot",
    }
}

async fn every_route_answers_each_kind_of_caller_as_its_role_allows(app: TestApp) {
    let callers = [
        ("anonymous", String::new()),
        ("operator", app.operator.clone()),
        ("head", app.head.clone()),
        ("admin", app.admin.clone()),
        ("token:inbound", app.inbound_token.clone()),
        ("token:bot", app.bot_token.clone()),
        ("token:read", app.read_token.clone()),
        ("token:admin", app.admin_token.clone()),
    ];
    let routes = routes();
    // Every operation of the spec is in the matrix (login is the public one).
    let spec = app.get("/api/openapi.json", "").await;
    let operations: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        routes.len() + 1,
        operations,
        "the matrix covers every operation"
    );
    let mut cells = 0;
    for (method, path, body, rule) in &routes {
        for (caller, token) in &callers {
            let (status, problem) = if *path == "/api/v1/stream" {
                // The stream never ends: look at the status, then hang up.
                let mut request = app.http.get(format!("{}{path}", app.base));
                if !token.is_empty() {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.unwrap();
                let status = response.status();
                let body = if status.is_success() {
                    Value::Null
                } else {
                    response.json().await.unwrap()
                };
                (status, body)
            } else {
                app.call(method.clone(), path, token, body.clone()).await
            };
            let context = format!("{method} {path} as {caller}: {status} {problem}");
            if allowed(*rule, caller) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{context}"
                );
            } else if *caller == "anonymous" {
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{context}");
            } else {
                assert_eq!(status, StatusCode::FORBIDDEN, "{context}");
            }
            if !status.is_success() {
                assert!(
                    problem["type"].is_string() && problem["status"] == status.as_u16(),
                    "problem+json: {context}"
                );
            }
            cells += 1;
        }
    }
    assert_eq!(cells, 53 * 8);
}

fn forged(claims: Value, secret: &str) -> String {
    encode(
        &Header::default(),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn bad_credentials_get_401(app: TestApp) {
    let now = chrono::Utc::now().timestamp();
    let sub = app.admin_id.to_string();
    let good = forged(
        json!({"sub": sub, "role": "admin", "iat": now, "exp": now + 600, "iss": "dialogdesk"}),
        JWT_SECRET,
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &good, None).await.0,
        StatusCode::OK,
        "a well-made token works"
    );

    let expired = forged(
        json!({"sub": sub, "role": "admin", "iat": now - 7200, "exp": now - 3600, "iss": "dialogdesk"}),
        JWT_SECRET,
    );
    let wrong_key = forged(
        json!({"sub": sub, "role": "admin", "iat": now, "exp": now + 600, "iss": "dialogdesk"}),
        "not-the-secret",
    );
    let wrong_issuer = forged(
        json!({"sub": sub, "role": "admin", "iat": now, "exp": now + 600, "iss": "evil"}),
        JWT_SECRET,
    );
    let no_expiry = forged(
        json!({"sub": sub, "role": "admin", "iat": now, "iss": "dialogdesk"}),
        JWT_SECRET,
    );
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(
        json!({"sub": sub, "role": "admin", "iat": now, "exp": now + 600, "iss": "dialogdesk"})
            .to_string(),
    );
    let alg_none = format!("{header}.{payload}.");
    let unknown_operator = forged(
        json!({"sub": "999999", "role": "admin", "iat": now, "exp": now + 600, "iss": "dialogdesk"}),
        JWT_SECRET,
    );

    // A revoked API token.
    let read_id = app.read_token_id;
    assert_eq!(
        app.call(Method::GET, "/api/v1/dialogs", &app.read_token, None)
            .await
            .0,
        StatusCode::OK
    );
    let (code, revoked) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-tokens/{read_id}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    assert!(revoked["last_used_at"].is_string(), "use is recorded");

    for (what, token) in [
        ("expired", expired),
        ("wrong signature", wrong_key),
        ("wrong issuer", wrong_issuer),
        ("no expiry", no_expiry),
        ("alg none", alg_none),
        ("unknown operator", unknown_operator),
        ("garbage", "not-a-token".to_owned()),
        ("revoked API token", app.read_token.clone()),
        ("unknown API token", "ddt_0000".to_owned()),
    ] {
        let response = app
            .http
            .get(format!("{}/api/v1/dialogs", app.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{what}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{what}"
        );
    }

    // A deactivated operator's token stops working at once.
    assert_eq!(app.set_active(app.operator_id, false).await, StatusCode::OK);
    assert_eq!(
        app.call(Method::GET, "/api/v1/me", &app.operator, None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (code, _) = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": "operator@test.local", "password": "operator-password"}),
        )
        .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
}

async fn logins_are_throttled_after_repeated_failures(app: TestApp) {
    let (code, body) = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": "HEAD@test.local", "password": "head-password"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        (
            body["token_type"].as_str(),
            body["operator"]["role"].as_str()
        ),
        (Some("Bearer"), Some("head"))
    );
    assert_eq!(body["expires_in"], 3600);
    for _ in 0..5 {
        let (code, _) = app
            .send(
                Method::POST,
                "/api/v1/auth/login",
                "",
                json!({"email": "head@test.local", "password": "guess"}),
            )
            .await;
        assert_eq!(code, StatusCode::UNAUTHORIZED);
    }
    let response = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"email": "head@test.local", "password": "head-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    // Another login is not locked.
    let (code, _) = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": "admin@test.local", "password": "admin-password"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
}

async fn malformed_requests_get_clear_problems(app: TestApp) {
    let url = format!("{}/api/v1/tags", app.base);
    let send = |body: Vec<u8>, content_type: &'static str| {
        let app = &app;
        let url = url.clone();
        async move {
            let r = app
                .http
                .post(url)
                .bearer_auth(&app.admin)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = r.status();
            let ct = r.headers()["content-type"].to_str().unwrap().to_owned();
            (status, ct, r.json::<Value>().await.unwrap())
        }
    };
    let (code, ct, p) = send(b"{\"name\": ".to_vec(), "application/json").await;
    assert_eq!(
        (code, ct.as_str()),
        (StatusCode::BAD_REQUEST, "application/problem+json")
    );
    assert!(p["detail"].as_str().unwrap().contains("malformed JSON"));
    let (code, _, p) = send(br#"{"name": "X", "color": 5}"#.to_vec(), "application/json").await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p["errors"]["color"].is_string(), "{p}");
    let (code, _, p) = send(
        br#"{"name": "X", "color": "red"}"#.to_vec(),
        "application/json",
    )
    .await;
    assert_eq!(
        (code, p["errors"]["color"].is_string()),
        (StatusCode::UNPROCESSABLE_ENTITY, true)
    );
    let (code, _, _) = send(b"name=X".to_vec(), "application/x-www-form-urlencoded").await;
    assert_eq!(code, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = json!({"name": "x".repeat(300 * 1024), "color": "#fff"}).to_string();
    let (code, _, _) = send(big.into_bytes(), "application/json").await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);
    let (code, p) = app
        .call(Method::GET, "/api/v1/dialogs?limit=abc", &app.admin, None)
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST, "{p}");
    let (code, _) = app
        .call(Method::GET, "/api/v1/dialogs?view=closed", &app.admin, None)
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let (code, _) = app
        .call(
            Method::GET,
            "/api/v1/dialogs?cursor=nonsense",
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    let (code, _) = app
        .call(Method::GET, "/api/v1/dialogs/abc", &app.admin, None)
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    let (code, p) = app
        .call(Method::GET, "/api/v1/no-such-thing", &app.admin, None)
        .await;
    assert_eq!(
        (code, p["status"].as_u64()),
        (StatusCode::NOT_FOUND, Some(404))
    );
    assert_eq!(
        app.get("/api/v1/tags", &app.admin).await["items"],
        json!([]),
        "nothing was written"
    );
}

dialogdesk_testkit::on_both_backends!(
    app =>
    every_route_answers_each_kind_of_caller_as_its_role_allows,
    bad_credentials_get_401,
    logins_are_throttled_after_repeated_failures,
    malformed_requests_get_clear_problems,
);
