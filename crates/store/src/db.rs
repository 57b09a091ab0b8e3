//! Connections: one enum over PostgreSQL and SQLite, chosen by the scheme of
//! `DATABASE_URL`, pooled with r2d2, migrated at start.

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::PathBuf;
use std::time::Duration;

/// A connection to either backend. Queries written with diesel's DSL run on
/// both; the few backend-specific ones match on the variant.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, for scale.
    Pg(PgConnection),
    /// Embedded SQLite, the default.
    Sqlite(SqliteConnection),
}

/// Runs the same diesel expression on the concrete backend connection, for
/// the few statements `MultiBackend` cannot express (multi-row inserts).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Pg($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

/// `sql` with its `:name` parameters written as the backend wants them:
/// `$1…` on PostgreSQL, `?1…` on SQLite, numbered by their place in `names`,
/// which is the order they are bound in. A name may appear more than once
/// and is bound once.
pub(crate) fn numbered(sql: &str, names: &[&str], conn: &DbConnection) -> String {
    let mut sql = sql.to_owned();
    for (n, name) in names.iter().enumerate() {
        let mark = match conn {
            DbConnection::Pg(_) => format!("${}", n + 1),
            DbConnection::Sqlite(_) => format!("?{}", n + 1),
        };
        sql = sql.replace(name, &mark);
    }
    sql
}

/// Which database a URL names.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
    /// `sqlite://path/to/file.db` (relative paths are relative to the working directory).
    Sqlite(PathBuf),
}

/// Never the password: targets end up in error messages and logs (the pool's
/// "opening the database pool for …" among them).
impl std::fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseTarget::Postgres(url) => f.debug_tuple("Postgres").field(&redact(url)).finish(),
            DatabaseTarget::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
        }
    }
}

impl DatabaseTarget {
    /// Reads `DATABASE_URL`-style text. Anything else than the two schemes is
    /// refused, so a typo never silently creates a stray SQLite file.
    pub fn parse(url: &str) -> anyhow::Result<DatabaseTarget> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseTarget::Postgres(without_gss(url)))
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                bail!("`{url}` names no file: use sqlite://path/to/dialogdesk.db");
            }
            Ok(DatabaseTarget::Sqlite(PathBuf::from(path)))
        } else {
            bail!("DATABASE_URL must start with sqlite:// or postgres://, got `{url}`")
        }
    }

    /// Whether this is the embedded SQLite default.
    pub fn is_sqlite(&self) -> bool {
        matches!(self, DatabaseTarget::Sqlite(_))
    }
}

/// The URL with GSSAPI encryption off, unless it says otherwise. libpq
/// otherwise asks Kerberos for credentials on every connect, and Kerberos'
/// own exit handlers abort the process ("k5_mutex_lock: Assertion") when a
/// background thread (the webhook dispatcher, the live relay) is inside
/// libpq while the process exits. A deployment that wants GSSAPI names
/// `gssencmode` in its URL and gets it.
fn without_gss(url: &str) -> String {
    if url.contains("gssencmode=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}gssencmode=disable")
}

/// The embedded migrations, one folder per backend.
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// The migrations of the backend behind `conn`.
pub fn migrations_for(conn: &DbConnection) -> EmbeddedMigrations {
    match conn {
        DbConnection::Pg(_) => POSTGRES_MIGRATIONS,
        DbConnection::Sqlite(_) => SQLITE_MIGRATIONS,
    }
}

/// Runs every pending migration; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let migrations = migrations_for(conn);
    let ran = conn
        .run_pending_migrations(migrations)
        .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    Ok(ran.len())
}

/// Opens one connection, with SQLite's per-connection settings applied.
pub fn establish(target: &DatabaseTarget) -> anyhow::Result<DbConnection> {
    match target {
        DatabaseTarget::Postgres(url) => {
            let conn = PgConnection::establish(url)
                .with_context(|| format!("connecting to PostgreSQL at {}", redact(url)))?;
            Ok(DbConnection::Pg(conn))
        }
        DatabaseTarget::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating the data folder {}", dir.display()))?;
            }
            let text = path.to_str().context("the SQLite path is not UTF-8")?;
            let mut conn = SqliteConnection::establish(text)
                .with_context(|| format!("opening SQLite at {}", path.display()))?;
            // The busy timeout comes first: switching a new database to WAL
            // takes a lock that the pool's other first connections wait for.
            // WAL lets readers work while one writer commits; foreign keys
            // are off by default in SQLite and must be switched on per
            // connection. NORMAL sync with WAL: a commit is in the WAL file
            // (the OS's cache) before it is acknowledged, so a crash of the
            // process (kill -9, OOM, panic) loses nothing acknowledged —
            // `crates/cli/tests/crash.rs` kills the server twice under
            // 10,000 deliveries and finds every one. Only a crash of the OS
            // or power loss can take back the last commits (never corrupt
            // the file); where that matters, PostgreSQL (fsync per commit)
            // is the backend to run.
            conn.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                 PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
            )
            .context("configuring the SQLite connection")?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

/// Hides the password of a database URL in messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// How the store uses its connections. Every field has a default that fits
/// two cores; `dialogdesk serve` reads them from its options.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    /// Connections for everything but lists, searches and reports (logins,
    /// one dialog, messages, every write). `None`: 8 on SQLite, 16 on
    /// PostgreSQL.
    pub size: Option<u32>,
    /// Connections for lists, searches, CSV and analytics: a separate,
    /// smaller pool, so slow reports queue among themselves and never take
    /// the connections a login or a reply needs. `None`: 4.
    pub report_size: Option<u32>,
    /// How long a request waits for a free connection before it is
    /// answered 503 with `Retry-After`.
    pub wait: Duration,
    /// How long one list, search or report statement may run (PostgreSQL
    /// `statement_timeout` on the report connections) before it is
    /// cancelled and answered 503. SQLite has no such cut here: diesel does
    /// not expose its progress handler, and its report pool bounds how many
    /// run at once instead.
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            size: None,
            report_size: None,
            wait: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(5),
        }
    }
}

/// The r2d2 manager: connects by target rather than by trying each backend
/// on the URL in turn (which would let SQLite accept any string as a path).
#[derive(Debug, Clone)]
pub struct Manager {
    target: DatabaseTarget,
    /// PostgreSQL `statement_timeout` for this pool's connections.
    statement_timeout: Option<Duration>,
}

/// Why a pooled connection could not be made.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct ConnectError(anyhow::Error);

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectError;

    fn connect(&self) -> Result<DbConnection, ConnectError> {
        let mut conn = establish(&self.target).map_err(ConnectError)?;
        if let (DbConnection::Pg(pg), Some(limit)) = (&mut conn, self.statement_timeout) {
            pg.batch_execute(&format!("SET statement_timeout = {}", limit.as_millis()))
                .map_err(|e| ConnectError(anyhow::Error::new(e)))?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectError> {
        conn.ping()
            .map(|_| ())
            .map_err(|e| ConnectError(anyhow::Error::new(e)))
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// The connection pool.
pub type DbPool = Pool<Manager>;
/// A connection taken from the pool.
pub type PooledConn = PooledConnection<Manager>;

/// Builds a pool of `max_size` connections that waits `wait` for a free
/// one; `statement_timeout` cuts long statements on PostgreSQL.
pub fn pool(
    target: &DatabaseTarget,
    max_size: u32,
    wait: Duration,
    statement_timeout: Option<Duration>,
) -> anyhow::Result<DbPool> {
    Pool::builder()
        .max_size(max_size.max(1))
        .min_idle(Some(max_size.clamp(1, 2)))
        .connection_timeout(wait)
        .build(Manager {
            target: target.clone(),
            statement_timeout,
        })
        .with_context(|| format!("opening the database pool for {target:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_never_prints_its_password() {
        let target =
            DatabaseTarget::parse("postgres://dd:s3cret-pass@db.internal:5432/dd").unwrap();
        for text in [format!("{target:?}"), format!("{target:#?}")] {
            assert!(!text.contains("s3cret-pass"), "{text}");
            assert!(text.contains("db.internal"), "{text}");
        }
    }

    #[test]
    fn urls_choose_the_backend_by_scheme() {
        assert_eq!(
            DatabaseTarget::parse("sqlite://data/dialogdesk.db").unwrap(),
            DatabaseTarget::Sqlite(PathBuf::from("data/dialogdesk.db"))
        );
        assert!(matches!(
            DatabaseTarget::parse("postgres://u@h/db").unwrap(),
            DatabaseTarget::Postgres(_)
        ));
        assert!(DatabaseTarget::parse("mysql://x").is_err());
        assert!(DatabaseTarget::parse("data/dialogdesk.db").is_err());
        assert!(DatabaseTarget::parse("sqlite://").is_err());
    }

    #[test]
    fn gssapi_is_off_unless_the_url_asks_for_it() {
        let url = |u: &str| match DatabaseTarget::parse(u).unwrap() {
            DatabaseTarget::Postgres(url) => url,
            DatabaseTarget::Sqlite(_) => unreachable!(),
        };
        assert_eq!(
            url("postgres://u@h/db"),
            "postgres://u@h/db?gssencmode=disable"
        );
        assert_eq!(
            url("postgres://u@h/db?sslmode=require"),
            "postgres://u@h/db?sslmode=require&gssencmode=disable"
        );
        assert_eq!(
            url("postgres://u@h/db?gssencmode=prefer"),
            "postgres://u@h/db?gssencmode=prefer"
        );
    }

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
    }
}
