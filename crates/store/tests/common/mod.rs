//! Test databases: a fresh SQLite file, or a fresh PostgreSQL database that
//! is dropped when the test ends. Every store test runs on both.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use dialogdesk_store::Store;
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// A store on a throw-away database.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin);
            }
        }
    }
}

/// A store on a new SQLite file.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    TestDb {
        store: Store::open(&url).expect("opening SQLite"),
        url,
        _cleanup: Cleanup::Sqlite(dir),
    }
}

/// The PostgreSQL server tests use: `DATABASE_URL_PG`, by default the local one.
pub fn postgres_admin_url() -> String {
    std::env::var("DATABASE_URL_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Whether PostgreSQL must be there (CI): then its absence fails the tests.
fn postgres_required() -> bool {
    std::env::var("DIALOGDESK_REQUIRE_PG").is_ok_and(|v| v == "1")
}

static SKIP_NOTICE: Once = Once::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on the PostgreSQL server, or `None` (with one printed
/// line) when the server is not reachable on a developer machine.
pub fn postgres() -> Option<TestDb> {
    let admin_url = postgres_admin_url();
    let mut admin = match PgConnection::establish(&admin_url) {
        Ok(conn) => conn,
        Err(e) if !postgres_required() => {
            SKIP_NOTICE.call_once(|| eprintln!("PostgreSQL is not reachable at {admin_url} ({e}): skipping the PostgreSQL half of the store tests"));
            return None;
        }
        Err(e) => panic!("PostgreSQL is required (DIALOGDESK_REQUIRE_PG=1) but not reachable at {admin_url}: {e}"),
    };
    let name = format!(
        "dd_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        rand_suffix()
    );
    diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .expect("creating a test database");
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let cleanup = Cleanup::Postgres {
        admin_url: admin_url.clone(),
        name,
    };
    let store = Store::open(&url).expect("opening PostgreSQL");
    Some(TestDb {
        store,
        url,
        _cleanup: cleanup,
    })
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos() as u64)
}

/// Runs each named `fn(&TestDb)` as two tests, `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let db = $crate::common::sqlite();
                    super::$name(&db);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(db) = $crate::common::postgres() else { return };
                    super::$name(&db);
                }
            )*
        }
    };
}
