//! `GET /api/v1/api-tokens`.

use crate::auth::AdminOperator;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::ApiToken;
use dialogdesk_domain::wire::Items;

/// Every API token, newest first (without secrets).
#[utoipa::path(
    tag = "administration",
    security(("operator_jwt" = [])),
    responses(
        (status = 200, description = "The tokens", body = Items<ApiToken>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs an admin operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api-tokens")]
pub async fn list_api_tokens(
    _: AdminOperator,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || store.api_tokens()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
