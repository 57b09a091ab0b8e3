//! The real `dialogdesk` binary: `serve --demo` seeds an empty database once
//! and answers `/healthz` and `/readyz`, on SQLite and on PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a panic is how a test reports a failure"
)]

mod common;

use common::{Launch, Server};
use dialogdesk_testkit::db::ThrowAway;
use dialogdesk_testkit::Backend;
use std::process::{Command, Stdio};
use std::time::Duration;

fn serve(database_url: &str, data_dir: &std::path::Path) -> Server {
    common::serve(&Launch {
        database_url,
        data_dir,
        demo: true,
        jwt_secret: None,
        env: &[],
    })
}

fn check_serves_with_demo_data(database_url: &str) {
    let data = tempfile::tempdir().unwrap();
    let first = serve(database_url, data.path());
    assert!(
        first
            .output
            .iter()
            .any(|l| l.starts_with("seeded 300 demo dialogs")),
        "{:?}",
        first.output
    );
    assert!(first
        .output
        .iter()
        .any(|l| l.contains("admin@demo.local") && l.contains("admin-demo")));
    let health = reqwest::blocking::get(format!("{}/healthz", first.base)).unwrap();
    assert_eq!(health.status(), 200);
    let ready: serde_json::Value = reqwest::blocking::get(format!("{}/readyz", first.base))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(ready["status"], "ready");
    drop(first);
    assert!(
        data.path().join("jwt-secret").exists(),
        "a JWT secret was generated and kept"
    );

    // The second start finds the data and does not seed again.
    let second = serve(database_url, data.path());
    assert!(
        !second.output.iter().any(|l| l.starts_with("seeded")),
        "{:?}",
        second.output
    );
}

#[test]
fn serve_seeds_sqlite_once_and_answers_health_checks() {
    let database = ThrowAway::new(Backend::Sqlite).unwrap();
    check_serves_with_demo_data(&database.url);
}

#[test]
fn serve_seeds_postgres_once_and_answers_health_checks() {
    let Some(database) = ThrowAway::new(Backend::Postgres) else {
        return;
    };
    check_serves_with_demo_data(&database.url);
}

#[test]
fn a_bad_database_url_is_refused_with_a_clear_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_dialogdesk"))
        .args(["migrate"])
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("DATABASE_URL must start with sqlite:// or postgres://"),
        "{err}"
    );
}

/// What `serve` refuses before it listens, with the reason on stderr.
fn refused(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_dialogdesk"));
    command
        .args(args)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("dd.db").display()),
        )
        .env("DIALOGDESK_DATA_DIR", dir.path())
        .env_remove("DIALOGDESK_JWT_SECRET");
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Refused means it exits by itself; one that starts serving is killed.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} was accepted: the server started");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "{args:?} was accepted");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn demo_data_is_never_served_beyond_this_machine() {
    let err = refused(&["serve", "--demo", "--bind", "0.0.0.0:0"], &[]);
    assert!(err.contains("--demo"), "{err}");
    assert!(err.contains("loopback"), "{err}");
}

#[test]
fn a_short_jwt_secret_is_refused() {
    let err = refused(
        &["serve", "--bind", "127.0.0.1:0"],
        &[("DIALOGDESK_JWT_SECRET", "short")],
    );
    assert!(err.contains("at least 32 bytes"), "{err}");
}
