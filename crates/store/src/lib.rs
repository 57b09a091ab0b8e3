//! dialogdesk storage: diesel over SQLite (embedded default) and PostgreSQL,
//! chosen by the scheme of `DATABASE_URL`.
//!
//! Every public operation is one transaction: it either writes everything
//! (dialog, messages, tags, timeline, counters) or nothing.

pub mod analytics;
pub mod api_tokens;
pub mod auth_cache;
pub mod catalog;
pub mod cursor;
#[expect(
    missing_docs,
    reason = "diesel's MultiConnection derive generates undocumented items"
)]
pub mod db;
pub mod dialogs;
pub mod error;
pub mod listing;
pub mod live;
#[expect(
    missing_docs,
    reason = "row structs mirror the columns of schema.rs one to one"
)]
pub mod models;
pub mod records;
pub mod rollups;
#[expect(
    missing_docs,
    reason = "diesel's table! macro generates the modules; columns are described in the migrations"
)]
pub mod schema;
pub mod seed;
pub mod sessions;
pub mod status_counts;
pub mod time;
pub mod webhooks;

pub use db::{DatabaseTarget, DbConnection};
pub use error::{StoreError, StoreResult};

use anyhow::Context;
use diesel::Connection;
use std::sync::{Arc, Mutex};

/// The handle the API holds: a connection pool and what it needs to use it
/// well. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: db::DbPool,
    /// Lists, searches, CSV and analytics: see [`db::PoolSettings::report_size`].
    reports: db::DbPool,
    settings: db::PoolSettings,
    target: DatabaseTarget,
    /// SQLite allows one writer at a time. Taking this lock before a write
    /// transaction turns would-be `SQLITE_BUSY` failures (a reader upgrading
    /// to a writer) into an orderly queue inside this process.
    write_lock: Arc<Mutex<()>>,
    /// Wakes the live-event relay after each commit.
    commit_signal: Arc<live::CommitSignal>,
    /// Wakes the webhook dispatcher after a commit that queued deliveries.
    webhook_signal: Arc<live::CommitSignal>,
    /// The batch writer of inbound deliveries, started on first use.
    ingest: Arc<dialogs::ingest::IngestQueue>,
    /// Recent credential checks (see [`auth_cache`]).
    credentials: Arc<Credentials>,
}

/// The kept answers of credential checks.
#[derive(Default)]
struct Credentials {
    sessions: auth_cache::Recent<dialogdesk_domain::OperatorId, sessions::Session>,
    /// By secret hash.
    tokens: auth_cache::Recent<String, api_tokens::TokenIdentity>,
    token_ids: auth_cache::Recent<dialogdesk_domain::ApiTokenId, api_tokens::TokenIdentity>,
}

impl Credentials {
    /// After a change of an operator or a token.
    fn forget_all(&self) {
        self.sessions.forget_all();
        self.tokens.forget_all();
        self.token_ids.forget_all();
    }
}

impl Store {
    /// Opens the database named by `url`, creating (SQLite) and migrating it,
    /// with the default pool settings.
    pub fn open(url: &str) -> anyhow::Result<Store> {
        Store::open_with(url, db::PoolSettings::default())
    }

    /// Opens the database named by `url` with these pool settings.
    pub fn open_with(url: &str, settings: db::PoolSettings) -> anyhow::Result<Store> {
        let target = DatabaseTarget::parse(url)?;
        // SQLite: one process, one writer at a time (see `write`), several
        // readers thanks to WAL.
        let size = settings
            .size
            .unwrap_or(if target.is_sqlite() { 8 } else { 16 });
        let pool = db::pool(&target, size, settings.wait, None)?;
        let reports = db::pool(
            &target,
            settings.report_size.unwrap_or(4),
            settings.wait,
            Some(settings.statement_timeout),
        )?;
        let store = Store {
            pool,
            reports,
            settings,
            target,
            write_lock: Arc::new(Mutex::new(())),
            commit_signal: Arc::default(),
            webhook_signal: Arc::default(),
            ingest: Arc::default(),
            credentials: Arc::default(),
        };
        store.migrate()?;
        Ok(store)
    }

    /// Runs the pending migrations; returns how many ran.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get().context("taking a connection to migrate")?;
        db::run_migrations(&mut conn)
    }

    /// Which database this store uses.
    pub fn target(&self) -> &DatabaseTarget {
        &self.target
    }

    /// Connections in use and idle, for metrics.
    pub fn pool_state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (
            state.connections - state.idle_connections,
            state.idle_connections,
        )
    }

    /// Runs `f` on a pooled connection, without a transaction. `operation`
    /// names it in every database error, so a 500 in the log says which
    /// operation failed.
    pub fn read<T>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut conn = self.connection(operation)?;
        f(&mut conn).map_err(|e| e.in_operation(operation))
    }

    /// Like [`Store::read`], for a list, a search, a CSV page or a report: on
    /// the report connections (their own pool, their statement timeout), so
    /// however many run, logins, replies and writes keep their connections.
    /// A statement cut by the timeout is [`StoreError::Busy`].
    pub fn read_report<T>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut conn = self
            .reports
            .get()
            .map_err(|e| self.no_connection(operation, e))?;
        f(&mut conn).map_err(|e| {
            if is_statement_timeout(&e) {
                StoreError::Busy {
                    detail: format!(
                        "`{operation}` took longer than {} ms and was stopped; narrow the filter or retry later",
                        self.settings.statement_timeout.as_millis()
                    ),
                    retry_after_seconds: 5,
                }
            } else {
                e.in_operation(operation)
            }
        })
    }

    /// Runs `f` in one transaction: committed when it returns `Ok`, rolled
    /// back otherwise. `operation` names it in every database error.
    pub fn write<T>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut pooled = self.connection(operation)?;
        self.write_on(&mut pooled, operation, Plans::Chosen, f)
    }

    /// [`Store::write`] on a connection the caller holds (the inbound
    /// writer keeps one while deliveries keep coming), with `plans` for its
    /// prepared statements.
    pub(crate) fn write_on<T>(
        &self,
        conn: &mut DbConnection,
        operation: &'static str,
        plans: Plans,
        f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let _guard = if self.target.is_sqlite() {
            // A poisoned lock only means another write panicked; the database
            // rolled that transaction back, so carrying on is safe.
            Some(self.write_lock.lock().unwrap_or_else(|p| p.into_inner()))
        } else {
            None
        };
        // Start clean: the mark is this write's alone (a statement that
        // queued deliveries outside `write` would leave one behind).
        webhooks::take_queued_mark();
        let outcome = write_transaction(conn, plans, f);
        let queued = webhooks::take_queued_mark();
        if outcome.is_ok() {
            self.commit_signal.notify();
            if queued {
                self.webhook_signal.notify();
            }
        }
        outcome.map_err(|e| e.in_operation(operation))
    }

    /// Whether the database answers (for `/readyz`).
    pub fn ping(&self) -> StoreResult<()> {
        use diesel::r2d2::R2D2Connection;
        let mut conn = self.connection("ping")?;
        conn.ping()?;
        Ok(())
    }

    pub(crate) fn connection(&self, operation: &'static str) -> StoreResult<db::PooledConn> {
        self.pool
            .get()
            .map_err(|e| self.no_connection(operation, e))
    }

    /// No connection came free within the wait: the database is saturated,
    /// which a client may retry (503), not a server fault (500). The cause
    /// is logged: a pool that cannot connect at all says why there.
    fn no_connection(&self, operation: &'static str, e: diesel::r2d2::PoolError) -> StoreError {
        tracing::warn!(operation, error = %e, "no database connection came free");
        StoreError::Busy {
            detail: format!(
                "the database is busy: no connection came free within {} ms; retry shortly",
                self.settings.wait.as_millis()
            ),
            retry_after_seconds: 1,
        }
    }
}

/// Whether PostgreSQL cancelled the statement for its `statement_timeout`
/// (SQLSTATE 57014; diesel passes the message only).
fn is_statement_timeout(e: &StoreError) -> bool {
    match e {
        StoreError::Database(cause) => cause
            .downcast_ref::<diesel::result::Error>()
            .is_some_and(|e| e.to_string().contains("statement timeout")),
        _ => false,
    }
}

/// How PostgreSQL plans a write transaction's prepared statements.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Plans {
    /// As it chooses (its default): a statement's first five runs get plans
    /// of their own; after that, the generic plan unless it looks costlier.
    Chosen,
    /// Always the generic plan (`SET LOCAL plan_cache_mode =
    /// force_generic_plan`, sent with the `BEGIN`): for statements whose
    /// fresh plans always look cheaper, though the generic one is as good,
    /// so PostgreSQL would plan them anew on every run.
    Generic,
}

/// One write transaction. On SQLite it starts with `BEGIN IMMEDIATE`: a
/// deferred transaction begins as a reader and, when it first writes while
/// another connection (another process, or `dialogdesk seed` beside
/// `serve`) holds the write lock, SQLite answers `SQLITE_BUSY` at once
/// instead of waiting out the busy timeout (waiting could deadlock). Taking
/// the write lock up front makes every writer wait its turn instead.
/// On PostgreSQL it starts with the write turn (`live::begin_write_turn_sql`)
/// and, for `Plans::Generic`, the plan setting, in one round trip.
fn write_transaction<T>(
    conn: &mut DbConnection,
    plans: Plans,
    f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
) -> StoreResult<T> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    match &mut *conn {
        DbConnection::Pg(pg) => {
            let begin = match plans {
                Plans::Chosen => live::begin_write_turn_sql(),
                Plans::Generic => format!(
                    "{}; SET LOCAL plan_cache_mode = force_generic_plan",
                    live::begin_write_turn_sql()
                ),
            };
            if let Err(e) = AnsiTransactionManager::begin_transaction_sql(pg, &begin) {
                // The statements run in one go: when BEGIN passed and a later
                // one failed, the transaction is open (and aborted), though
                // diesel does not count it. Close it, so the connection goes
                // back to the pool clean.
                let _ = diesel::connection::SimpleConnection::batch_execute(pg, "ROLLBACK");
                return Err(e.into());
            }
        }
        DbConnection::Sqlite(sqlite) => {
            AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?
        }
    }
    match f(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                // diesel's own `transaction` does the same: a failed COMMIT
                // leaves the transaction open, so roll it back.
                let _ = Manager::rollback_transaction(conn);
                Err(e.into())
            }
        },
        Err(e) => {
            Manager::rollback_transaction(conn)?;
            Err(e)
        }
    }
}
