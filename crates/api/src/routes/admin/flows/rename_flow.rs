//! `PATCH /api/v1/flows/{id}`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{patch, web, HttpResponse};
use dialogdesk_domain::wire::RenameBody;
use dialogdesk_domain::{Flow, FlowId, Label};

/// Rename a flow.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = RenameBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "Renamed", body = Flow),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/flows/{id}")]
pub async fn rename_flow(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<RenameBody>,
) -> Result<HttpResponse, ApiError> {
    let name = field("name", Label::parse(&body.name))?;
    let store = state.store.clone();
    let id = FlowId(path.id);
    Ok(HttpResponse::Ok().json(blocking(move || store.rename_flow(id, &name)).await?))
}
