//! `POST /api/v1/auth/logout`.

use crate::auth::{AnyOperator, SESSION_COOKIE};
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::cookie::Cookie;
use actix_web::{post, web, HttpResponse};

/// Log out: ends every session of the calling operator.
///
/// Every JWT the operator holds stops working at once (a copy of a token
/// cannot be told apart from the original, so all of them end), open live
/// streams of the operator close within seconds, and the session cookie is
/// cleared. Log in again for a new token. A password reset and deactivation
/// end sessions the same way.
#[utoipa::path(
    tag = "auth",
    security(("operator_jwt" = [])),
    responses(
        (status = 204, description = "Logged out", headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token, not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    AnyOperator { id, .. }: AnyOperator,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    blocking(move || store.end_sessions(id)).await?;
    let mut cleared = Cookie::build(SESSION_COOKIE, "").path("/api").finish();
    cleared.make_removal();
    Ok(HttpResponse::NoContent().cookie(cleared).finish())
}
