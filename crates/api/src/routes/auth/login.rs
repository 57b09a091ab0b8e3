//! `POST /api/v1/auth/login`.

use crate::auth::login_limit::WINDOW;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use dialogdesk_domain::wire::{LoginRequest, LoginResponse, Me};

/// Log in an operator.
///
/// Returns a short-lived JWT (HS256). After 5 failed attempts for one login
/// (or 20 from one address) within 15 minutes, attempts are refused with 429
/// and `Retry-After`. Wrong login, wrong password and deactivated operator
/// get the same 401, so the answer does not reveal which logins exist.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong login or password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    Json(body): Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    if let Some(wait) = state.login_limiter.check(&body.email, &address) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-logins",
            format!(
                "too many failed logins; try again in {wait} s (the window is {} min)",
                WINDOW.as_secs() / 60
            ),
        )
        .with_header("retry-after", wait.to_string()));
    }
    let store = state.store.clone();
    let (email, password) = (body.email.clone(), body.password);
    let operator = blocking(move || store.verify_login(&email, &password)).await?;
    let Some(operator) = operator else {
        state.login_limiter.failed(&body.email, &address);
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong e-mail or password",
        ));
    };
    state.login_limiter.succeeded(&body.email);
    let access_token = state
        .jwt
        .issue(operator.id, operator.role)
        .map_err(ApiError::Internal)?;
    Ok(HttpResponse::Ok().json(LoginResponse {
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
