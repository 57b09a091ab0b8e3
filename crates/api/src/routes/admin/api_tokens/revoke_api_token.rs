//! `DELETE /api/v1/api-tokens/{id}`.

use crate::auth::AdminOperator;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{delete, web, HttpResponse};
use dialogdesk_domain::wire::ApiToken;
use dialogdesk_domain::ApiTokenId;

/// Revoke an API token (idempotent); requests with it get 401 from now on.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    security(("operator_jwt" = [])),
    responses(
        (status = 200, description = "The revoked token", body = ApiToken),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs an admin operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/api-tokens/{id}")]
pub async fn revoke_api_token(
    _: AdminOperator,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = ApiTokenId(path.id);
    Ok(HttpResponse::Ok().json(blocking(move || store.revoke_api_token(id)).await?))
}
