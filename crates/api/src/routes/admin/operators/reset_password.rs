//! `PUT /api/v1/operators/{id}/password`.

use crate::auth::AdminOperator;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{put, web, HttpResponse};
use dialogdesk_domain::wire::PasswordBody;
use dialogdesk_domain::OperatorId;

/// Set a new password for an operator.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = PasswordBody,
    security(("operator_jwt" = [])),
    responses(
        (status = 204, description = "Done"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs an operator with the admin role (API tokens cannot manage operators)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/operators/{id}/password")]
pub async fn reset_password(
    _: AdminOperator,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<PasswordBody>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = OperatorId(path.id);
    blocking(move || store.set_password(id, &body.password)).await?;
    Ok(HttpResponse::NoContent().finish())
}
