//! Operators: people who log in (argon2 password hashes, roles, deactivation).

use super::unique_or;
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::sessions::Session;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use dialogdesk_domain::wire::CatalogPart;
use dialogdesk_domain::*;
use diesel::prelude::*;

/// A new operator, already validated.
#[derive(Debug, Clone)]
pub struct NewOperator {
    /// Display name.
    pub name: PersonName,
    /// Login.
    pub email: Email,
    /// Role.
    pub role: Role,
    /// The password in clear; only its argon2 hash is stored.
    pub password: String,
}

/// A change to an operator; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OperatorChange {
    /// New name.
    pub name: Option<PersonName>,
    /// New login.
    pub email: Option<Email>,
    /// New role.
    pub role: Option<Role>,
    /// Activate or deactivate.
    pub active: Option<bool>,
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> StoreResult<String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(StoreError::invalid(
            "password",
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Database(anyhow::anyhow!("hashing a password: {e}")))
}

pub(super) fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A real argon2 hash of nothing anyone types, made once, for timing
/// unknown logins like known ones.
fn unknown_login_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        hash_password("no operator has this password, it only takes time").unwrap_or_default()
    })
}

/// Loads one operator (active or not).
pub fn operator(conn: &mut DbConnection, id: OperatorId) -> StoreResult<Operator> {
    operators::table
        .find(id.0)
        .select(OperatorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("operator", id.0))?
        .into_operator()
}

impl Store {
    /// Creates an operator.
    pub fn create_operator(&self, new: NewOperator) -> StoreResult<Operator> {
        let hash = hash_password(&new.password)?;
        self.write_catalog("create_operator", CatalogPart::Operators, |conn| {
            let id: i64 = diesel::insert_into(operators::table)
                .values((
                    operators::name.eq(new.name.as_str()),
                    operators::email.eq(new.email.as_str()),
                    operators::role.eq(new.role.as_str()),
                    operators::password_hash.eq(&hash),
                    operators::active.eq(true),
                    operators::created_at.eq(to_db(now())),
                ))
                .returning(operators::id)
                .get_result(conn)
                .map_err(|e| {
                    unique_or(e, || {
                        format!(
                            "an operator with e-mail {} exists already",
                            new.email.as_str()
                        )
                    })
                })?;
            operator(conn, OperatorId(id))
        })
    }

    /// Every operator, by name.
    pub fn operators(&self) -> StoreResult<Vec<Operator>> {
        self.read("operators", |conn| {
            operators::table
                .select(OperatorRow::as_select())
                .order_by((operators::name, operators::id))
                .load(conn)?
                .into_iter()
                .map(OperatorRow::into_operator)
                .collect()
        })
    }

    /// One operator.
    pub fn operator(&self, id: OperatorId) -> StoreResult<Operator> {
        self.read("operator", |conn| operator(conn, id))
    }

    /// Changes an operator's name, login, role or active flag.
    pub fn update_operator(&self, id: OperatorId, change: OperatorChange) -> StoreResult<Operator> {
        let outcome = self.write_catalog("update_operator", CatalogPart::Operators, |conn| {
            let current = operator(conn, id)?;
            let email = change
                .email
                .as_ref()
                .map_or(current.email.as_str(), Email::as_str)
                .to_owned();
            diesel::update(operators::table.find(id.0))
                .set((
                    operators::name.eq(change
                        .name
                        .as_ref()
                        .map_or(current.name.as_str(), PersonName::as_str)),
                    operators::email.eq(&email),
                    operators::role.eq(change.role.unwrap_or(current.role).as_str()),
                    operators::active.eq(change.active.unwrap_or(current.active)),
                ))
                .execute(conn)
                .map_err(|e| {
                    unique_or(e, || {
                        format!("an operator with e-mail {email} exists already")
                    })
                })?;
            if let Some(name) = change.name.as_ref().filter(|n| n.as_str() != current.name) {
                // The Dialog list sorts by the finisher's name kept on each dialog.
                diesel::update(dialogs::table.filter(dialogs::finished_by.eq(id.0)))
                    .set(dialogs::finished_by_name.eq(name.as_str()))
                    .execute(conn)?;
            }
            // Deactivation ends the operator's sessions; reactivating them
            // later does not bring old tokens back.
            if change.active == Some(false) && current.active {
                crate::sessions::end_sessions(conn, id)?;
            }
            operator(conn, id)
        });
        // Sessions or tokens changed: no check may reuse an earlier answer.
        self.credentials.forget_all();
        outcome
    }

    /// Sets a new password and ends every session of the operator (a reset
    /// after a leak must lock the leaked token out too).
    pub fn set_password(&self, id: OperatorId, password: &str) -> StoreResult<()> {
        let hash = hash_password(password)?;
        let outcome = self.write("set_password", |conn| {
            let n = diesel::update(operators::table.find(id.0))
                .set(operators::password_hash.eq(&hash))
                .execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("operator", id.0));
            }
            crate::sessions::end_sessions(conn, id)
        });
        // Sessions or tokens changed: no check may reuse an earlier answer.
        self.credentials.forget_all();
        outcome
    }

    /// The active operator with this login and password, if any, with the
    /// token epoch a new JWT carries. The same
    /// `None` for an unknown login, a wrong password and an inactive
    /// operator, so the answer does not tell which logins exist.
    pub fn verify_login(&self, email: &str, password: &str) -> StoreResult<Option<Session>> {
        let email = email.trim().to_lowercase();
        let found: Option<(OperatorRow, String, i64)> = self.read("verify_login", |conn| {
            Ok(operators::table
                .filter(operators::email.eq(&email))
                .select((
                    OperatorRow::as_select(),
                    operators::password_hash,
                    operators::token_epoch,
                ))
                .first(conn)
                .optional()?)
        })?;
        match found {
            Some((row, hash, token_epoch)) => {
                let matches = password_matches(password, &hash);
                if row.active && matches {
                    Ok(Some(Session {
                        operator: row.into_operator()?,
                        token_epoch,
                    }))
                } else {
                    Ok(None)
                }
            }
            None => {
                // An unknown login costs one argon2 check like a known one,
                // so the answer's timing does not tell which logins exist.
                password_matches(password, unknown_login_hash());
                Ok(None)
            }
        }
    }
}
