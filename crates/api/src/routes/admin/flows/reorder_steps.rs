//! `PUT /api/v1/flows/{id}/steps/order`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{put, web, HttpResponse};
use dialogdesk_domain::wire::StepOrderBody;
use dialogdesk_domain::{Flow, FlowId};

/// Put a flow's steps in a new order; the list names every step once.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = StepOrderBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "The reordered flow", body = Flow),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/flows/{id}/steps/order")]
pub async fn reorder_steps(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<StepOrderBody>,
) -> Result<HttpResponse, ApiError> {
    let order = body.step_ids;
    let store = state.store.clone();
    let id = FlowId(path.id);
    Ok(HttpResponse::Ok().json(blocking(move || store.reorder_steps(id, &order)).await?))
}
