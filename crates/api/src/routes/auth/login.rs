//! `POST /api/v1/auth/login`.

use crate::auth::login_limit::{FREE_FAILURES_PER_ADDRESS, FREE_FAILURES_PER_LOGIN};
use crate::auth::SESSION_COOKIE;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use dialogdesk_domain::wire::{LoginRequest, LoginResponse, Me};
use dialogdesk_store::sessions::Session;
use std::time::Duration;

/// How long a login waits for a free password check before it is told to
/// come back: argon2 is deliberately slow, so a flood of logins must queue
/// behind a few checks instead of taking every thread of the server.
const PASSWORD_CHECK_QUEUE: Duration = Duration::from_secs(10);

/// Log in an operator.
///
/// Returns a JWT (HS256) for `Authorization: Bearer …`, and sets it as the
/// web app's session cookie (`HttpOnly`, `SameSite=Strict`, path `/api`;
/// `Secure` over HTTPS). Calls that change something with the cookie must
/// also send `X-Requested-With`. Wrong login, wrong password and deactivated
/// operator get the same 401 after the same work, so the answer does not
/// reveal which logins exist. After 5 failures for one login from one
/// address (or 20 from one address), further attempts from there wait 1 s,
/// then 2 s, 4 s … up to 15 minutes: 429 with `Retry-After`. The same login
/// from another address is not slowed. 503 with `Retry-After` when too many
/// logins are being checked at once.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse, headers(("Set-Cookie" = String, description = "The web app's session cookie"))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong login or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts from this address", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many logins at once", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    Json(body): Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = state.client_address(&req);
    let attempt = state
        .login_limiter
        .begin(&body.email, &address)
        .map_err(|wait| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-logins",
                format!(
                    "too many failed logins from this address ({FREE_FAILURES_PER_LOGIN} per \
                     login, {FREE_FAILURES_PER_ADDRESS} in all); try again in {wait} s"
                ),
            )
            .with_header("retry-after", wait.to_string())
        })?;
    let permit = tokio::time::timeout(
        PASSWORD_CHECK_QUEUE,
        state.password_checks.clone().acquire_owned(),
    )
    .await
    .ok()
    .and_then(Result::ok)
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "too many logins are being checked; try again in a moment",
        )
        .with_header("retry-after", "1")
    })?;
    let store = state.store.clone();
    let (email, password) = (body.email.clone(), body.password);
    let session = blocking(move || {
        let _permit = permit;
        store.verify_login(&email, &password)
    })
    .await?;
    let Some(Session {
        operator,
        token_epoch,
    }) = session
    else {
        // The attempt stays counted.
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong e-mail or password",
        ));
    };
    attempt.succeeded();
    let access_token = state
        .jwt
        .issue(operator.id, operator.role, token_epoch)
        .map_err(ApiError::Internal)?;
    let cookie = Cookie::build(SESSION_COOKIE, access_token.clone())
        .path("/api")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .max_age(CookieDuration::seconds(state.jwt.ttl_seconds()))
        .finish();
    Ok(HttpResponse::Ok()
        .cookie(cookie)
        .insert_header(("Cache-Control", "no-store"))
        .json(LoginResponse {
            access_token,
            token_type: "Bearer".into(),
            expires_in: state.jwt.ttl_seconds(),
            operator: Me {
                id: operator.id,
                name: operator.name,
                email: operator.email,
                role: operator.role,
            },
        }))
}
