//! Throw-away databases: a fresh SQLite file in a temporary folder, or a
//! fresh database on the PostgreSQL server (`DATABASE_URL_PG`, by default
//! the local one) that is dropped when the test ends.

use dialogdesk_store::Store;
use diesel::{Connection, PgConnection, RunQueryDsl};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// For scale.
    Postgres,
}

/// A database that disappears with the value: the folder of a SQLite file,
/// or a PostgreSQL database dropped (with its connections) on drop.
#[derive(Debug)]
pub struct ThrowAway {
    /// Its URL, for `Store::open` or `DATABASE_URL`.
    pub url: String,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Sqlite(
        #[expect(
            dead_code,
            reason = "held only so the folder lives as long as the database"
        )]
        tempfile::TempDir,
    ),
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Drop for ThrowAway {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin);
            }
        }
    }
}

/// The PostgreSQL server tests create databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("DATABASE_URL_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Whether PostgreSQL must be there (CI sets `DIALOGDESK_REQUIRE_PG=1`):
/// then its absence fails the test instead of skipping it.
pub fn postgres_required() -> bool {
    std::env::var("DIALOGDESK_REQUIRE_PG").is_ok_and(|v| v == "1")
}

static SKIP_NOTICE: Once = Once::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl ThrowAway {
    /// A new, empty database on `backend`; `None` when PostgreSQL is not
    /// reachable and not required (one line says so, once per test binary).
    ///
    /// # Panics
    /// When PostgreSQL is required but not reachable, or a database cannot
    /// be created: a test cannot run without one.
    pub fn new(backend: Backend) -> Option<ThrowAway> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                Some(ThrowAway {
                    url,
                    cleanup: Cleanup::Sqlite(dir),
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let mut admin = match PgConnection::establish(&admin_url) {
                    Ok(conn) => conn,
                    Err(e) if !postgres_required() => {
                        SKIP_NOTICE.call_once(|| {
                            eprintln!("PostgreSQL is not reachable at {admin_url} ({e}): skipping the PostgreSQL half of these tests");
                        });
                        return None;
                    }
                    Err(e) => panic!("PostgreSQL is required (DIALOGDESK_REQUIRE_PG=1) but not reachable at {admin_url}: {e}"),
                };
                // Unique across concurrently running test binaries too.
                let name = format!(
                    "dd_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .expect("dropping a leftover test database");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .expect("creating a test database");
                let base = admin_url
                    .rsplit_once('/')
                    .map_or(admin_url.as_str(), |(base, _)| base);
                // Loopback needs no TLS, and without it no OpenSSL state is
                // torn down by the exit handlers while a server thread of a
                // finished test still reads from its connection (seen once as
                // a SIGSEGV at the exit of a test binary).
                Some(ThrowAway {
                    url: format!("{base}/{name}?sslmode=disable"),
                    cleanup: Cleanup::Postgres {
                        admin_url: admin_url.clone(),
                        name,
                    },
                })
            }
        }
    }
}

/// A store on a throw-away database, migrated.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// Its URL (to open it a second time).
    pub url: String,
    _database: ThrowAway,
}

impl TestDb {
    /// A store on `backend`; `None` when PostgreSQL is skipped.
    ///
    /// # Panics
    /// When the database cannot be opened.
    pub fn on(backend: Backend) -> Option<TestDb> {
        let database = ThrowAway::new(backend)?;
        let store = Store::open(&database.url).expect("opening the test database");
        Some(TestDb {
            store,
            url: database.url.clone(),
            _database: database,
        })
    }

    /// A store on a new SQLite file.
    ///
    /// # Panics
    /// When the file cannot be created.
    pub fn sqlite() -> TestDb {
        TestDb::on(Backend::Sqlite).expect("SQLite is always available")
    }

    /// A store on a new PostgreSQL database, or `None` when skipped.
    pub fn postgres() -> Option<TestDb> {
        TestDb::on(Backend::Postgres)
    }
}
