//! The real server on a random port against a real SQLite file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

use dialogdesk_api::{ApiConfig, Application};
use dialogdesk_store::Store;

struct TestApp {
    base: String,
    _dir: tempfile::TempDir,
}

async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("api.db").display())).unwrap();
    let config = ApiConfig {
        bind: "127.0.0.1:0".into(),
        jwt_secret: "test-secret".into(),
    };
    let app = Application::build(&config, store).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp { base, _dir: dir }
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_checks_the_database() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/readyz", app.base)).await.unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "sqlite");
}

#[tokio::test]
async fn an_unknown_path_is_a_404_problem() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/nope", app.base)).await.unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert_eq!(body["title"], "Not Found");
    assert!(body["detail"].as_str().unwrap().contains("/nope"));
}
