//! Who is calling, and what they may do.
//!
//! Two kinds of callers: operators with a JWT from `POST /api/v1/auth/login`,
//! and integrations with a long-lived API token (`ddt_…`). Both come as
//! `Authorization: Bearer …`. Handlers take one of the extractors below;
//! a handler that takes one cannot run for a caller without that right.

pub mod jwt;
pub mod login_limit;

use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use dialogdesk_domain::{ApiTokenId, OperatorId, Role, Scope};
use dialogdesk_store::api_tokens::TOKEN_PREFIX;
use std::future::{ready, Ready};
use std::sync::Mutex;

/// A caller, authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// A logged-in operator (role as stored now, not as when the token was issued).
    Operator {
        /// Id.
        id: OperatorId,
        /// Name.
        name: String,
        /// Role.
        role: Role,
    },
    /// An integration.
    Token {
        /// Id.
        id: ApiTokenId,
        /// Scopes.
        scopes: Vec<Scope>,
    },
}

impl Caller {
    /// The operator, when the caller is one.
    pub fn operator_id(&self) -> Option<OperatorId> {
        match self {
            Caller::Operator { id, .. } => Some(*id),
            Caller::Token { .. } => None,
        }
    }

    /// Whether phone numbers must be masked for this caller: for the
    /// `operator` role. Heads, admins and integrations see them whole.
    pub fn masks_phones(&self) -> bool {
        matches!(self, Caller::Operator { role, .. } if !role.sees_full_phones())
    }

    /// The actor recorded in timelines.
    pub fn actor(&self, as_engine: bool) -> dialogdesk_domain::Actor {
        match self {
            Caller::Operator { id, .. } => dialogdesk_domain::Actor::Operator(*id),
            Caller::Token { id, .. } if as_engine => dialogdesk_domain::Actor::AiEngine(Some(*id)),
            Caller::Token { id, .. } => dialogdesk_domain::Actor::Integration(Some(*id)),
        }
    }

    fn has_scope(&self, scope: Scope) -> bool {
        matches!(self, Caller::Token { scopes, .. } if scopes.contains(&scope))
    }

    fn has_role(&self, role: Role) -> bool {
        matches!(self, Caller::Operator { role: mine, .. } if mine.includes(role))
    }
}

/// 401 with the header that tells clients how to authenticate.
fn unauthorized(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
        .with_header("WWW-Authenticate", "Bearer")
}

fn forbidden(detail: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
}

/// The bearer credential of a request: the `Authorization` header, or the
/// `token` query parameter (browsers' `EventSource` cannot set headers).
fn bearer(req: &HttpRequest) -> Option<String> {
    if let Some(value) = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = value.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_owned());
    }
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("token").cloned())
}

async fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
    let Some(token) = bearer(req) else {
        return Err(unauthorized(
            "log in (POST /api/v1/auth/login) and send `Authorization: Bearer <token>`",
        ));
    };
    let store = state.store.clone();
    if token.starts_with(TOKEN_PREFIX) {
        let identity = web::block(move || store.authenticate_token(&token))
            .await
            .map_err(|e| ApiError::Internal(e.into()))??;
        return identity
            .map(|t| Caller::Token {
                id: t.id,
                scopes: t.scopes,
            })
            .ok_or_else(|| unauthorized("the API token is unknown or revoked"));
    }
    let Some(id) = state.jwt.verify(&token) else {
        return Err(unauthorized(
            "the access token is invalid or expired; log in again",
        ));
    };
    let operator = web::block(move || store.operator(id))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    match operator {
        Ok(op) if op.active => Ok(Caller::Operator {
            id: op.id,
            name: op.name,
            role: op.role,
        }),
        Ok(_) => Err(unauthorized("this operator is deactivated")),
        Err(dialogdesk_store::StoreError::NotFound { .. }) => {
            Err(unauthorized("the operator of this token no longer exists"))
        }
        Err(e) => Err(e.into()),
    }
}

/// The outcome of authenticating a request, left by the middleware for the
/// handler's access extractor (which takes it: one per handler).
struct Authentication(Mutex<Option<Result<Caller, ApiError>>>);

/// Middleware: authenticates every request of the scope before any
/// extractor runs. actix polls a handler's extractors together, so checking
/// credentials inside an extractor would let a body error (422) overtake a
/// missing right (401/403); here the access extractors decide synchronously.
pub async fn authenticate_request(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let outcome = authenticate(req.request()).await;
    req.extensions_mut()
        .insert(Authentication(Mutex::new(Some(outcome))));
    next.call(req).await
}

fn authenticated(req: &HttpRequest) -> Result<Caller, ApiError> {
    let outcome = req
        .extensions()
        .get::<Authentication>()
        .and_then(|a| a.0.lock().unwrap_or_else(|p| p.into_inner()).take());
    outcome.unwrap_or_else(|| {
        Err(ApiError::Internal(anyhow::anyhow!(
            "a route needs authentication but the middleware did not run"
        )))
    })
}

/// Declares an extractor that authenticates and then checks one rule.
macro_rules! access {
    ($(#[$doc:meta])* $name:ident, $rule:expr, $refusal:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Ready<Result<Self, Self::Error>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let allowed: fn(&Caller) -> bool = $rule;
                ready(authenticated(req).and_then(|caller| {
                    if allowed(&caller) {
                        Ok($name(caller))
                    } else {
                        Err(forbidden($refusal))
                    }
                }))
            }
        }
    };
}

access!(
    /// An operator, or an integration with the `read` scope.
    Reader,
    |c| c.has_role(Role::Operator) || c.has_scope(Scope::Read),
    "needs an operator login or an API token with the `read` scope"
);
access!(
    /// A head of sales or admin, or an integration with the `read` scope.
    HeadReader,
    |c| c.has_role(Role::Head) || c.has_scope(Scope::Read),
    "needs the `head` role (or an API token with the `read` scope)"
);
access!(
    /// An admin, or an integration with the `admin` scope.
    Admin,
    |c| c.has_role(Role::Admin) || c.has_scope(Scope::Admin),
    "needs the `admin` role (or an API token with the `admin` scope)"
);
access!(
    /// An admin operator: people and API tokens are managed by people
    /// only, so a leaked token can never mint an admin or another token.
    AdminOperator,
    |c| c.has_role(Role::Admin),
    "operators and API tokens are managed by operators with the `admin` role, not by API tokens"
);
access!(
    /// A channel connector: an API token with the `inbound` scope.
    InboundIntegration,
    |c| c.has_scope(Scope::Inbound),
    "needs an API token with the `inbound` scope"
);
access!(
    /// The AI engine: an API token with the `bot` scope.
    BotIntegration,
    |c| c.has_scope(Scope::Bot),
    "needs an API token with the `bot` scope"
);

/// Any logged-in operator, with their id: a handler that takes it cannot
/// run for an API token, and needs no check of its own.
#[derive(Debug, Clone)]
pub struct AnyOperator {
    /// The operator's id.
    pub id: OperatorId,
    /// The caller, for masking.
    pub caller: Caller,
}

impl FromRequest for AnyOperator {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticated(req).and_then(|caller| match &caller {
            Caller::Operator { id, role, .. } if role.includes(Role::Operator) => {
                Ok(AnyOperator { id: *id, caller })
            }
            _ => Err(forbidden("this operation is for logged-in operators")),
        }))
    }
}
