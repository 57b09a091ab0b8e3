//! Operators' access tokens: HS256 JWTs with `sub`, `role`, `iat`, `exp`,
//! our issuer and the operator's token epoch, checked with a small leeway
//! for clock skew. The epoch is what makes a JWT revocable: logout, a
//! password reset and deactivation raise the operator's epoch, and a token
//! of an older epoch is refused (`auth::authenticate`).

use chrono::Utc;
use dialogdesk_domain::{OperatorId, Role};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The issuer every token carries and every check demands.
pub const ISSUER: &str = "dialogdesk";

/// What a token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The operator id, as text (JWT convention).
    pub sub: String,
    /// The role when the token was issued (the current role is re-read on use).
    pub role: Role,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
    /// Issuer.
    pub iss: String,
    /// The operator's token epoch when the token was issued (tokens from
    /// before epochs existed read as 0, the first epoch).
    #[serde(default)]
    pub epoch: i64,
}

/// A token's operator and epoch, once the signature and times are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// The operator.
    pub operator: OperatorId,
    /// The epoch it was issued in.
    pub epoch: i64,
}

/// Signs and checks tokens.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_seconds: i64,
}

impl JwtKeys {
    /// Keys from the configured secret; tokens live `ttl_seconds`.
    pub fn new(secret: &str, ttl_seconds: i64) -> JwtKeys {
        JwtKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            ttl_seconds,
        }
    }

    /// How long a new token lives.
    pub fn ttl_seconds(&self) -> i64 {
        self.ttl_seconds
    }

    /// A new token for the operator, in the operator's current epoch.
    pub fn issue(&self, operator: OperatorId, role: Role, epoch: i64) -> anyhow::Result<String> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: operator.to_string(),
            role,
            iat: now,
            exp: now + self.ttl_seconds,
            iss: ISSUER.to_owned(),
            epoch,
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The operator a token names, if the token is ours, intact and current.
    /// Only HS256 is accepted, so `alg: none` and algorithm swaps fail.
    pub fn verify(&self, token: &str) -> Option<Verified> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss"]);
        validation.leeway = 30;
        let data = decode::<Claims>(token, &self.decoding, &validation).ok()?;
        let operator = data.claims.sub.parse::<i64>().ok().map(OperatorId)?;
        Some(Verified {
            operator,
            epoch: data.claims.epoch,
        })
    }
}
