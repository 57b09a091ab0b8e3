//! `PATCH /api/v1/flows/{flow_id}/steps/{step_id}`.

use super::paths::StepPath;
use super::step_of_flow;
use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{patch, web, HttpResponse};
use dialogdesk_domain::wire::UpdateStepBody;
use dialogdesk_domain::{Flow, FlowId, Label, StepId};

/// Rename a step or change its finish status. Dialogs already on the step
/// keep their status: a finish status applies when a step is reached.
#[utoipa::path(
    tag = "administration",
    params(StepPath),
    request_body = UpdateStepBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "The flow", body = Flow),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/flows/{flow_id}/steps/{step_id}")]
pub async fn update_step(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<StepPath>,
    Json(body): Json<UpdateStepBody>,
) -> Result<HttpResponse, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(Label::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("name", e.0))?;
    let store = state.store.clone();
    let (flow_id, step_id) = (FlowId(path.flow_id), StepId(path.step_id));
    let flow = blocking(move || {
        step_of_flow(&store, flow_id, step_id)?;
        store.update_step(step_id, name.as_ref(), body.finish_status)
    })
    .await?;
    Ok(HttpResponse::Ok().json(flow))
}
