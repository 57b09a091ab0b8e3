//! Sessions end when they should, and credentials stay out of URLs and out
//! of scripts' reach: logout, password reset and deactivation end every JWT
//! of the operator and close their live streams; the web app's cookie is
//! `HttpOnly` and guarded against CSRF; `?token=` is refused everywhere and
//! the stream opens with a single-use ticket; logins back off per (login,
//! address) and are counted before the password is checked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_testkit::app::{TestApp, CLIENT_IP_HEADER};
use dialogdesk_testkit::sse::SseClient;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

/// Longer than the stream's recheck interval (5 s), with room for a slow CI.
const STREAM_CLOSES_WITHIN: Duration = Duration::from_secs(12);

async fn login(app: &TestApp, role: &str) -> String {
    let (code, body) = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            "",
            json!({"email": format!("{role}@test.local"), "password": format!("{role}-password")}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body["access_token"].as_str().unwrap().to_owned()
}

async fn me_status(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.call(Method::GET, "/api/v1/me", token, None).await
}

async fn logout_ends_every_session_of_the_operator_and_its_streams(app: TestApp) {
    let first = app.operator.clone();
    let second = login(&app, "operator").await;
    let mut stream = SseClient::open(&app.base, &first, None).await;
    let head_stream_token = app.head.clone();
    let mut head_stream = SseClient::open(&app.base, &head_stream_token, None).await;

    let response = app
        .http
        .post(format!("{}/api/v1/auth/logout", app.base))
        .bearer_auth(&second)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cleared.starts_with("dialogdesk_session=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );
    for token in [&first, &second] {
        let (code, problem) = me_status(&app, token).await;
        assert_eq!(code, StatusCode::UNAUTHORIZED, "{problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("session has ended"),
            "{problem}"
        );
    }
    assert!(
        stream.closed_within(STREAM_CLOSES_WITHIN).await,
        "the logged-out operator's stream closes"
    );
    assert!(
        !head_stream.closed_within(Duration::from_secs(1)).await,
        "another operator's stream stays open"
    );
    assert_eq!(me_status(&app, &app.head).await.0, StatusCode::OK);
    // A new login works at once, in the new epoch.
    let again = login(&app, "operator").await;
    assert_eq!(me_status(&app, &again).await.0, StatusCode::OK);
    // An API token cannot log out (it is revoked instead).
    let (code, _) = app
        .call(Method::POST, "/api/v1/auth/logout", &app.read_token, None)
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
}

async fn a_password_reset_ends_the_sessions_and_a_revoked_token_its_stream(app: TestApp) {
    let mut stream = SseClient::open(&app.base, &app.head, None).await;
    let (code, body) = app
        .send(
            Method::PUT,
            &format!("/api/v1/operators/{}/password", app.head_id),
            &app.admin,
            json!({"password": "a-brand-new-password"}),
        )
        .await;
    assert!(code.is_success(), "{code} {body}");
    assert_eq!(me_status(&app, &app.head).await.0, StatusCode::UNAUTHORIZED);
    assert!(stream.closed_within(STREAM_CLOSES_WITHIN).await);
    assert_eq!(
        me_status(&app, &app.admin).await.0,
        StatusCode::OK,
        "the admin's own session lives on"
    );

    // Revoking an API token closes its open stream too.
    let mut token_stream = SseClient::open(&app.base, &app.read_token, None).await;
    let read_id = app.read_token_id;
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/api-tokens/{read_id}"),
            &app.admin,
            None,
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(token_stream.closed_within(STREAM_CLOSES_WITHIN).await);

    // Deactivation closes the stream of the deactivated operator.
    let mut operator_stream = SseClient::open(&app.base, &app.operator, None).await;
    assert_eq!(app.set_active(app.operator_id, false).await, StatusCode::OK);
    assert!(operator_stream.closed_within(STREAM_CLOSES_WITHIN).await);
    // Reactivated, the old token stays dead: only a new login works.
    assert_eq!(app.set_active(app.operator_id, true).await, StatusCode::OK);
    assert_eq!(
        me_status(&app, &app.operator).await.0,
        StatusCode::UNAUTHORIZED
    );
    let fresh = login(&app, "operator").await;
    assert_eq!(me_status(&app, &fresh).await.0, StatusCode::OK);
}

async fn the_web_apps_cookie_is_httponly_strict_and_guarded_against_csrf(app: TestApp) {
    let response = app
        .http
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"email": "admin@test.local", "password": "admin-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/api", "Max-Age=3600"] {
        assert!(set_cookie.contains(part), "{part} in {set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain HTTP on loopback: {set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let with_cookie = |method: Method, path: &str| {
        app.http
            .request(method, format!("{}{path}", app.base))
            .header("Cookie", cookie.clone())
    };
    let me = with_cookie(Method::GET, "/api/v1/me").send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    // A write with the cookie alone (what a cross-site form would send) is refused…
    let forged = with_cookie(Method::POST, "/api/v1/tags")
        .json(&json!({"name": "CSRF", "color": "#000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let problem: Value = forged.json().await.unwrap();
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("X-Requested-With"));
    // … and nothing was written; with the header the app sends, it works.
    assert_eq!(
        app.get("/api/v1/tags", &app.admin).await["items"],
        json!([])
    );
    let made = with_cookie(Method::POST, "/api/v1/tags")
        .header("X-Requested-With", "dialogdesk")
        .json(&json!({"name": "Cookie", "color": "#000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    // Logging out with the cookie ends it.
    let out = with_cookie(Method::POST, "/api/v1/auth/logout")
        .header("X-Requested-With", "dialogdesk")
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let me = with_cookie(Method::GET, "/api/v1/me").send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

async fn tokens_in_urls_are_refused_and_the_stream_takes_a_single_use_ticket(app: TestApp) {
    for path in [
        "/api/v1/dialogs",
        "/api/v1/records/dialogs.csv",
        "/api/v1/stream",
    ] {
        for token in [&app.head, &app.read_token] {
            let response = app
                .http
                .get(format!("{}{path}?token={token}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
            let problem: Value = response.json().await.unwrap();
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("not accepted in the URL"),
                "{problem}"
            );
        }
    }

    for (who, token) in [("operator", &app.operator), ("read token", &app.read_token)] {
        let (code, body) = app
            .call(Method::POST, "/api/v1/stream/ticket", token, None)
            .await;
        assert_eq!(code, StatusCode::CREATED, "{who}: {body}");
        assert_eq!(body["expires_in"], 30);
        let ticket = body["ticket"].as_str().unwrap().to_owned();
        assert!(ticket.starts_with("dst_"));
        // Not a credential anywhere but the stream.
        let elsewhere = app
            .http
            .get(format!("{}/api/v1/dialogs?ticket={ticket}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(elsewhere.status(), StatusCode::UNAUTHORIZED, "{who}");
        let stream_url = format!("{}/api/v1/stream?ticket={ticket}", app.base);
        let opened = app.http.get(&stream_url).send().await.unwrap();
        assert_eq!(opened.status(), StatusCode::OK, "{who}");
        assert_eq!(opened.headers()["content-type"], "text/event-stream");
        drop(opened);
        let again = app.http.get(&stream_url).send().await.unwrap();
        assert_eq!(
            again.status(),
            StatusCode::UNAUTHORIZED,
            "{who}: a ticket works once"
        );
    }

    // A masked caller's ticket opens a masked stream: the operator's rights ride along.
    let (_, body) = app
        .call(Method::POST, "/api/v1/stream/ticket", &app.operator, None)
        .await;
    let ticket = body["ticket"].as_str().unwrap().to_owned();
    // A ticket asked for before a logout is void after it.
    let (code, _) = app
        .call(Method::POST, "/api/v1/auth/logout", &app.operator, None)
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
    let late = app
        .http
        .get(format!("{}/api/v1/stream?ticket={ticket}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    // Unknown tickets are refused; anonymous callers cannot get one.
    let unknown = app
        .http
        .get(format!("{}/api/v1/stream?ticket=dst_00", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (code, _) = app
        .call(Method::POST, "/api/v1/stream/ticket", "", None)
        .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
}

async fn attempt(app: &TestApp, login: &str, password: &str, address: &str) -> reqwest::Response {
    app.http
        .post(format!("{}/api/v1/auth/login", app.base))
        .header(CLIENT_IP_HEADER, address)
        .json(&json!({"email": login, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn parallel_guesses_are_counted_before_checking_and_lock_out_nobody_else(app: TestApp) {
    // 20 guesses at once from one address: the first five are checked, the
    // rest wait their turn (429) although none had failed when they came.
    let passwords: Vec<String> = (0..20).map(|n| format!("guess-{n}")).collect();
    let guesses = passwords
        .iter()
        .map(|password| attempt(&app, "head@test.local", password, "203.0.113.7"));
    let answers = futures_util::future::join_all(guesses).await;
    let refused = answers
        .iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .count();
    let checked = answers
        .iter()
        .filter(|r| r.status() == StatusCode::UNAUTHORIZED)
        .count();
    assert_eq!((checked, refused), (5, 15));
    let waiting = &answers
        .iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    let retry: u64 = waiting.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    // Once the wait has passed, a failure doubles it; even the right
    // password then waits at that address…
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let wrong = attempt(&app, "head@test.local", "guess-again", "203.0.113.7").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = attempt(&app, "head@test.local", "head-password", "203.0.113.7").await;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    // 2 s less what the wrong attempt's check took, rounded up (that the
    // waits double is the limiter's unit test; no clock is asserted here).
    let retry: u64 = right.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    // … and only the last address of the proxy's header counts: a client
    // cannot pick a fresh address by sending its own value first.
    let spoofed = attempt(
        &app,
        "head@test.local",
        "head-password",
        "198.51.100.99, 203.0.113.7",
    )
    .await;
    assert_eq!(spoofed.status(), StatusCode::TOO_MANY_REQUESTS);
    // The head, from their own address, is not locked out.
    let own = attempt(&app, "head@test.local", "head-password", "198.51.100.20").await;
    assert_eq!(own.status(), StatusCode::OK);
}

dialogdesk_testkit::on_both_backends!(
    app =>
    logout_ends_every_session_of_the_operator_and_its_streams,
    a_password_reset_ends_the_sessions_and_a_revoked_token_its_stream,
    the_web_apps_cookie_is_httponly_strict_and_guarded_against_csrf,
    tokens_in_urls_are_refused_and_the_stream_takes_a_single_use_ticket,
    parallel_guesses_are_counted_before_checking_and_lock_out_nobody_else,
);
