//! `POST /api/v1/flows/{id}/steps`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::StepBody;
use dialogdesk_domain::{Flow, FlowId, Label};

/// Add a step at the end of a flow.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = StepBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 201, description = "The flow with the new step", body = Flow),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/flows/{id}/steps")]
pub async fn add_step(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<StepBody>,
) -> Result<HttpResponse, ApiError> {
    let name = field("name", Label::parse(&body.name))?;
    let store = state.store.clone();
    let id = FlowId(path.id);
    Ok(HttpResponse::Created()
        .json(blocking(move || store.add_step(id, &name, body.finish_status)).await?))
}
