//! Test support shared by the store, API and CLI tests (a dev-dependency
//! only): a throw-away database on SQLite or PostgreSQL, the policy for when
//! PostgreSQL is missing, [`on_both_backends!`], and — with the `app`
//! feature — the real server on a random port with typed request helpers.

#![allow(
    clippy::expect_used,
    reason = "test support: a panic is how a test reports that it cannot run"
)]

#[cfg(feature = "app")]
pub mod app;
pub mod db;
#[cfg(feature = "app")]
pub mod receiver;
#[cfg(feature = "app")]
pub mod sse;

pub use db::{Backend, TestDb};

/// Runs each named test on both databases, as `sqlite::name` and
/// `postgres::name`. The PostgreSQL half is skipped (with one printed line)
/// where the server is not reachable, unless `DIALOGDESK_REQUIRE_PG=1`.
///
/// - `on_both_backends!(db => a, b)`: each `fn(&TestDb)` on a fresh database;
/// - `on_both_backends!(app => a, b)`: each `async fn(TestApp)` against a
///   freshly spawned server (needs the `app` feature and tokio).
#[macro_export]
macro_rules! on_both_backends {
    (db => $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let db = $crate::TestDb::sqlite();
                    super::$name(&db);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(db) = $crate::TestDb::postgres() else { return };
                    super::$name(&db);
                }
            )*
        }
    };
    (app => $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[::tokio::test]
                async fn $name() {
                    let Some(app) = $crate::app::spawn_app($crate::Backend::Sqlite).await else { return };
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[::tokio::test]
                async fn $name() {
                    let Some(app) = $crate::app::spawn_app($crate::Backend::Postgres).await else { return };
                    super::$name(app).await;
                }
            )*
        }
    };
}
