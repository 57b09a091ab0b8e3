//! `GET /api/v1/flows/{id}`.

use crate::auth::Reader;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::{Flow, FlowId};

/// One flow with its steps in order.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The flow", body = Flow),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/flows/{id}")]
pub async fn get_flow(
    _: Reader,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = FlowId(path.id);
    Ok(HttpResponse::Ok().json(blocking(move || store.flow(id)).await?))
}
