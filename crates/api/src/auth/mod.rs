//! Who is calling, and what they may do.
//!
//! Two kinds of callers: operators with a JWT from `POST /api/v1/auth/login`,
//! and integrations with a long-lived API token (`ddt_…`). Both come as
//! `Authorization: Bearer …`. Handlers take one of the extractors below;
//! a handler that takes one cannot run for a caller without that right.

pub mod jwt;
pub mod login_limit;

use crate::blocking::blocking;
use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use dialogdesk_domain::{ApiTokenId, OperatorId, Role, Scope};
use dialogdesk_store::api_tokens::{TokenIdentity, TOKEN_PREFIX};
use dialogdesk_store::sessions::{Session, TicketHolder};
use dialogdesk_store::Store;
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
        /// The token epoch the credential was issued in.
        epoch: i64,
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

/// The cookie the web app's session rides in: `HttpOnly`, so a script on
/// the page (an injected one included) cannot read the token, and
/// `SameSite=Strict`, so other sites cannot make the browser send it.
pub const SESSION_COOKIE: &str = "dialogdesk_session";

/// The header the web app adds to every call it makes with the cookie. A
/// cross-site form or image cannot add a header (and a cross-site script may
/// not without our CORS consent, which is never given), so a write that
/// comes with the cookie but without it is refused: CSRF protection beyond
/// `SameSite`, for sibling subdomains that count as the same site.
pub const CSRF_HEADER: &str = "X-Requested-With";

/// The live stream's path: the one place a ticket in the URL is accepted.
pub const STREAM_PATH: &str = "/api/v1/stream";

/// Where a request's credential came from.
enum Credential {
    /// `Authorization: Bearer …`: a JWT or an API token.
    Bearer(String),
    /// The web app's session cookie (a JWT).
    Cookie(String),
    /// `?ticket=` on the stream: a single-use stream ticket.
    Ticket(String),
}

/// The token of an `Authorization` value of the Bearer scheme (the scheme
/// name is case-insensitive, as HTTP says).
pub fn bearer_value(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn query_value(req: &HttpRequest, name: &str) -> Option<String> {
    web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get(name).cloned())
}

/// The credential of a request. Never a long-lived one from the URL: URLs
/// end up in proxy logs, browser history and `Referer` headers.
fn credential(req: &HttpRequest) -> Result<Credential, ApiError> {
    if let Some(value) = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
    {
        return bearer_value(value)
            .map(|token| Credential::Bearer(token.to_owned()))
            .ok_or_else(|| unauthorized("send `Authorization: Bearer <token>`"));
    }
    if let Some(cookie) = req.cookie(SESSION_COOKIE) {
        let safe = matches!(
            *req.method(),
            actix_web::http::Method::GET | actix_web::http::Method::HEAD
        );
        if !safe && !req.headers().contains_key(CSRF_HEADER) {
            return Err(forbidden(
                "a change made with the session cookie must carry the `X-Requested-With` header",
            ));
        }
        return Ok(Credential::Cookie(cookie.value().to_owned()));
    }
    if req.path() == STREAM_PATH {
        if let Some(ticket) = query_value(req, "ticket") {
            return Ok(Credential::Ticket(ticket));
        }
    }
    if query_value(req, "token").is_some() {
        return Err(unauthorized(
            "credentials are not accepted in the URL; send `Authorization: Bearer <token>` \
             (the live stream takes a single-use `ticket` from POST /api/v1/stream/ticket)",
        ));
    }
    Err(unauthorized(
        "log in (POST /api/v1/auth/login) and send `Authorization: Bearer <token>`",
    ))
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))
}

/// The operator's session; `None` when the operator no longer exists.
/// A recent check is answered here, without a hop to a blocking thread and
/// back (two thread switches on every request of a busy client).
async fn session_of(store: &Store, id: OperatorId) -> Result<Option<Session>, ApiError> {
    if let Some(session) = store.recent_session(id) {
        return Ok(Some(session));
    }
    let store = store.clone();
    blocking(move || match store.session_operator(id) {
        Ok(session) => Ok(Some(session)),
        Err(dialogdesk_store::StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    })
    .await
}

/// Why a JWT of `epoch` may not act for this session; `None` when it may
/// (an older epoch was ended by logout, a password reset or deactivation).
fn session_refusal(session: &Session, epoch: i64) -> Option<&'static str> {
    if !session.operator.active {
        Some("this operator is deactivated")
    } else if session.token_epoch != epoch {
        Some("this session has ended (logout or password change); log in again")
    } else {
        None
    }
}

/// The operator of a JWT, if the session it belongs to is still on.
async fn operator_caller(store: &Store, id: OperatorId, epoch: i64) -> Result<Caller, ApiError> {
    let Some(session) = session_of(store, id).await? else {
        return Err(unauthorized("the operator of this token no longer exists"));
    };
    if let Some(refusal) = session_refusal(&session, epoch) {
        return Err(unauthorized(refusal));
    }
    Ok(Caller::Operator {
        id,
        name: session.operator.name,
        role: session.operator.role,
        epoch,
    })
}

/// The caller of a live API token; `refusal` when it is unknown or revoked.
fn token_of(identity: Option<TokenIdentity>, refusal: &str) -> Result<Caller, ApiError> {
    identity
        .map(|t| Caller::Token {
            id: t.id,
            scopes: t.scopes,
        })
        .ok_or_else(|| unauthorized(refusal))
}

/// A recent check is answered here, as in [`session_of`].
async fn token_caller(store: &Store, secret: String) -> Result<Caller, ApiError> {
    if let Some(t) = store.recently_authenticated_token(&secret) {
        return Ok(Caller::Token {
            id: t.id,
            scopes: t.scopes,
        });
    }
    let store = store.clone();
    let identity = blocking(move || store.authenticate_token(&secret)).await?;
    token_of(identity, "the API token is unknown or revoked")
}

async fn ticket_caller(store: &Store, ticket: String) -> Result<Caller, ApiError> {
    let redeemer = store.clone();
    let holder = blocking(move || redeemer.redeem_stream_ticket(&ticket)).await?;
    match holder {
        Some(TicketHolder::Operator { id, epoch }) => operator_caller(store, id, epoch).await,
        Some(TicketHolder::ApiToken(id)) => {
            let store = store.clone();
            let identity = blocking(move || store.api_token_identity(id)).await?;
            token_of(identity, "the API token of this ticket is revoked")
        }
        None => Err(unauthorized(
            "the stream ticket is unknown, used or expired; ask for a new one",
        )),
    }
}

async fn authenticate(req: &HttpRequest) -> Result<Caller, ApiError> {
    let state = state_of(req)?;
    let store = &state.store;
    match credential(req)? {
        Credential::Bearer(token) if token.starts_with(TOKEN_PREFIX) => {
            token_caller(store, token).await
        }
        Credential::Bearer(token) | Credential::Cookie(token) => {
            let Some(verified) = state.jwt.verify(&token) else {
                return Err(unauthorized(
                    "the access token is invalid or expired; log in again",
                ));
            };
            operator_caller(store, verified.operator, verified.epoch).await
        }
        Credential::Ticket(ticket) => ticket_caller(store, ticket).await,
    }
}

/// Whether a caller authenticated earlier may still act: the operator is
/// active in the same epoch, or the API token is not revoked. An open live
/// stream asks this now and then and ends when the answer turns to no.
pub async fn still_valid(store: &Store, caller: &Caller) -> Result<bool, ApiError> {
    match caller {
        Caller::Operator { id, epoch, .. } => Ok(session_of(store, *id)
            .await?
            .is_some_and(|session| session_refusal(&session, *epoch).is_none())),
        Caller::Token { id, .. } => {
            let (store, id) = (store.clone(), *id);
            Ok(blocking(move || store.api_token_identity(id))
                .await?
                .is_some())
        }
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
