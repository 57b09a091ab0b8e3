//! `DELETE /api/v1/flows/{flow_id}/steps/{step_id}`.

use super::paths::StepPath;
use super::step_of_flow;
use crate::auth::Admin;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{delete, web, HttpResponse};
use dialogdesk_domain::{Flow, FlowId, StepId};

/// Delete a step no dialog stands on (409 otherwise).
#[utoipa::path(
    tag = "administration",
    params(StepPath),
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "The flow without the step", body = Flow),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Dialogs stand on the step", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/flows/{flow_id}/steps/{step_id}")]
pub async fn delete_step(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<StepPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let (flow_id, step_id) = (FlowId(path.flow_id), StepId(path.step_id));
    let flow = blocking(move || {
        step_of_flow(&store, flow_id, step_id)?;
        store.delete_step(step_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(flow))
}
