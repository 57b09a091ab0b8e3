//! Integrations' API tokens: long random bearer secrets, stored as SHA-256,
//! with scopes, revocable, `last_used_at` kept.

use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{from_db, now, to_db};
use crate::Store;
use chrono::{Duration, NaiveDateTime};
use dialogdesk_domain::wire::ApiToken;
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::Rng;
use sha2::{Digest, Sha256};

/// Every token starts with this, so a bearer value is recognised as an API
/// token (a JWT never does) and secret scanners can spot leaked ones.
pub const TOKEN_PREFIX: &str = "ddt_";

/// A token a request presented, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenIdentity {
    /// Id.
    pub id: ApiTokenId,
    /// Its scopes.
    pub scopes: Vec<Scope>,
}

type TokenRow = (
    i64,
    String,
    String,
    Option<i64>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// How secrets (API tokens, stream tickets) are kept: their SHA-256, in hex.
pub(crate) fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parse_scopes(text: &str) -> StoreResult<Vec<Scope>> {
    text.split_whitespace()
        .map(crate::models::parse_stored)
        .collect()
}

fn to_token(row: TokenRow) -> StoreResult<ApiToken> {
    let (id, name, scopes, created_by, created_at, last_used_at, revoked_at) = row;
    Ok(ApiToken {
        id: ApiTokenId(id),
        name,
        scopes: parse_scopes(&scopes)?,
        created_by: created_by.map(OperatorId),
        created_at: from_db(created_at),
        last_used_at: last_used_at.map(from_db),
        revoked_at: revoked_at.map(from_db),
    })
}

const COLUMNS: (
    api_tokens::id,
    api_tokens::name,
    api_tokens::scopes,
    api_tokens::created_by,
    api_tokens::created_at,
    api_tokens::last_used_at,
    api_tokens::revoked_at,
) = (
    api_tokens::id,
    api_tokens::name,
    api_tokens::scopes,
    api_tokens::created_by,
    api_tokens::created_at,
    api_tokens::last_used_at,
    api_tokens::revoked_at,
);

impl Store {
    /// Creates a token; returns it with its secret, which is not kept and
    /// cannot be shown again.
    pub fn create_api_token(
        &self,
        name: &Label,
        scopes: &[Scope],
        created_by: Option<OperatorId>,
    ) -> StoreResult<(ApiToken, String)> {
        if scopes.is_empty() {
            return Err(StoreError::invalid("scopes", "give at least one scope"));
        }
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let bytes: [u8; 24] = rand::rng().random();
        let secret = format!(
            "{TOKEN_PREFIX}{}",
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
        );
        let scope_text = scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let token = self.write("create_api_token", |conn| {
            let row: TokenRow = diesel::insert_into(api_tokens::table)
                .values((
                    api_tokens::name.eq(name.as_str()),
                    api_tokens::scopes.eq(&scope_text),
                    api_tokens::secret_hash.eq(secret_hash(&secret)),
                    api_tokens::created_by.eq(created_by.map(|o| o.0)),
                    api_tokens::created_at.eq(to_db(now())),
                ))
                .returning(COLUMNS)
                .get_result(conn)?;
            to_token(row)
        })?;
        Ok((token, secret))
    }

    /// Every token, newest first.
    pub fn api_tokens(&self) -> StoreResult<Vec<ApiToken>> {
        self.read("api_tokens", |conn| {
            api_tokens::table
                .select(COLUMNS)
                .order_by(api_tokens::id.desc())
                .load::<TokenRow>(conn)?
                .into_iter()
                .map(to_token)
                .collect()
        })
    }

    /// Revokes a token (idempotent); it is refused from then on.
    pub fn revoke_api_token(&self, id: ApiTokenId) -> StoreResult<ApiToken> {
        let outcome = self.write("revoke_api_token", |conn| {
            let n = diesel::update(
                api_tokens::table
                    .find(id.0)
                    .filter(api_tokens::revoked_at.is_null()),
            )
            .set(api_tokens::revoked_at.eq(to_db(now())))
            .execute(conn)?;
            let row: Option<TokenRow> = api_tokens::table
                .find(id.0)
                .select(COLUMNS)
                .first(conn)
                .optional()?;
            match row {
                Some(row) => to_token(row),
                None if n == 0 => Err(StoreError::not_found("API token", id.0)),
                None => Err(StoreError::Database(anyhow::anyhow!("token {id} vanished"))),
            }
        });
        // Sessions or tokens changed: no check may reuse an earlier answer.
        self.credentials.forget_all();
        outcome
    }

    /// The identity of a token that is not revoked (for a stream ticket the
    /// token asked for: revoking the token voids its tickets).
    pub fn api_token_identity(&self, id: ApiTokenId) -> StoreResult<Option<TokenIdentity>> {
        crate::auth_cache::cached(&self.credentials.token_ids, id, || {
            let scopes: Option<String> = self.read("api_token_identity", |conn| {
                Ok(api_tokens::table
                    .find(id.0)
                    .filter(api_tokens::revoked_at.is_null())
                    .select(api_tokens::scopes)
                    .first(conn)
                    .optional()?)
            })?;
            scopes
                .map(|scopes| {
                    Ok(TokenIdentity {
                        id,
                        scopes: parse_scopes(&scopes)?,
                    })
                })
                .transpose()
        })
    }

    /// The token with this secret if a check of it within the cache's TTL
    /// is kept (see `auth_cache`): no database read, so a caller may ask
    /// on its own thread before it hands [`Store::authenticate_token`] to
    /// a blocking one. `None` means "not known here", not "refused".
    pub fn recently_authenticated_token(&self, secret: &str) -> Option<TokenIdentity> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return None;
        }
        self.credentials.tokens.get(&secret_hash(secret))
    }

    /// The live token with this secret, if any; notes its use (at most once
    /// a minute, so busy integrations do not write on every request).
    pub fn authenticate_token(&self, secret: &str) -> StoreResult<Option<TokenIdentity>> {
        if !secret.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = secret_hash(secret);
        crate::auth_cache::cached(&self.credentials.tokens, hash.clone(), || {
            let found: Option<(i64, String, Option<NaiveDateTime>)> =
                self.read("authenticate_token", |conn| {
                    Ok(api_tokens::table
                        .filter(api_tokens::secret_hash.eq(&hash))
                        .filter(api_tokens::revoked_at.is_null())
                        .select((api_tokens::id, api_tokens::scopes, api_tokens::last_used_at))
                        .first(conn)
                        .optional()?)
                })?;
            let Some((id, scopes, last_used)) = found else {
                return Ok(None);
            };
            let at = now();
            if last_used.is_none_or(|t| from_db(t) < at - Duration::minutes(1)) {
                self.write("authenticate_token", |conn| {
                    diesel::update(api_tokens::table.find(id))
                        .set(api_tokens::last_used_at.eq(to_db(at)))
                        .execute(conn)?;
                    Ok(())
                })?;
            }
            Ok(Some(TokenIdentity {
                id: ApiTokenId(id),
                scopes: parse_scopes(&scopes)?,
            }))
        })
    }
}
