//! The store's one error type. The API maps each variant to an HTTP status.

use dialogdesk_domain::DomainError;

/// Why a store operation did not happen. Nothing is written when one is
/// returned: every operation is one transaction.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The state machine refused the change.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A referenced row does not exist.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// What was looked for, e.g. "dialog".
        what: &'static str,
        /// The id looked for.
        id: i64,
    },
    /// A field of the input is not acceptable.
    #[error("{field}: {message}")]
    Invalid {
        /// The input field (wire name).
        field: &'static str,
        /// What is wrong, for a person.
        message: String,
    },
    /// The input clashes with what is stored (e.g. an e-mail already taken).
    #[error("{0}")]
    Conflict(String),
    /// The database is saturated: no connection came free in time, or a
    /// list, search or report query ran past its statement timeout. Worth
    /// retrying after `retry_after_seconds`; nothing was written.
    #[error("{detail}")]
    Busy {
        /// What was too busy, for a person.
        detail: String,
        /// When a retry may succeed.
        retry_after_seconds: u32,
    },
    /// The database failed; details are logged, never shown to clients.
    #[error("database error")]
    Database(#[source] anyhow::Error),
}

impl StoreError {
    /// A field error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Names the store operation in a database error (the others speak
    /// for themselves).
    pub fn in_operation(self, operation: &'static str) -> StoreError {
        match self {
            StoreError::Database(cause) => {
                StoreError::Database(cause.context(format!("store operation `{operation}`")))
            }
            other => other,
        }
    }

    /// Whether a unique constraint refused a write: a concurrent change got
    /// there first, and a retry will see it.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Database(cause) => cause
                .downcast_ref::<diesel::result::Error>()
                .is_some_and(is_unique_violation),
            _ => false,
        }
    }

    /// A missing row.
    pub fn not_found(what: &'static str, id: impl Into<i64>) -> StoreError {
        StoreError::NotFound {
            what,
            id: id.into(),
        }
    }
}

impl From<diesel::result::Error> for StoreError {
    fn from(e: diesel::result::Error) -> StoreError {
        StoreError::Database(anyhow::Error::new(e))
    }
}

/// Whether a diesel error is a unique-constraint violation (both backends
/// report it the same way through diesel).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;
