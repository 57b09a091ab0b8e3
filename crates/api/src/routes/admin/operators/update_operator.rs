//! `PATCH /api/v1/operators/{id}`.

use crate::auth::AdminOperator;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{patch, web, HttpResponse};
use dialogdesk_domain::wire::UpdateOperatorBody;
use dialogdesk_domain::{Email, Operator, OperatorId, PersonName};
use dialogdesk_store::catalog::OperatorChange;

/// Edit an operator: name, login, role, or deactivate (`active: false`).
///
/// Deactivation ends the operator's sessions. Admins cannot deactivate
/// themselves or give up their own admin role (422): the last admin could
/// otherwise lock everyone out of administration.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = UpdateOperatorBody,
    security(("operator_jwt" = [])),
    responses(
        (status = 200, description = "Updated", body = Operator),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs an operator with the admin role (API tokens cannot manage operators)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/operators/{id}")]
pub async fn update_operator(
    AdminOperator(caller): AdminOperator,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<UpdateOperatorBody>,
) -> Result<HttpResponse, ApiError> {
    let change = OperatorChange {
        name: body
            .name
            .as_deref()
            .map(PersonName::parse)
            .transpose()
            .map_err(|e| ApiError::invalid("name", e.0))?,
        email: body
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(|e| ApiError::invalid("email", e.0))?,
        role: body.role,
        active: body.active,
    };
    let id = OperatorId(path.id);
    if caller.operator_id() == Some(id) {
        if body.active == Some(false) {
            return Err(ApiError::invalid(
                "active",
                "you cannot deactivate yourself",
            ));
        }
        if body
            .role
            .is_some_and(|role| role != dialogdesk_domain::Role::Admin)
        {
            return Err(ApiError::invalid(
                "role",
                "you cannot give up your own admin role",
            ));
        }
    }
    let store = state.store.clone();
    let updated = blocking(move || store.update_operator(id, change)).await?;
    Ok(HttpResponse::Ok().json(updated))
}
