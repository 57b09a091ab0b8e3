//! `POST /api/v1/flows`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::CreateFlowBody;
use dialogdesk_domain::{Flow, Label};

/// Create a flow with its steps in order.
#[utoipa::path(
    tag = "administration",
    request_body = CreateFlowBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 201, description = "Created", body = Flow),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/flows")]
pub async fn create_flow(
    _: Admin,
    state: web::Data<AppState>,
    Json(body): Json<CreateFlowBody>,
) -> Result<HttpResponse, ApiError> {
    let name = field("name", Label::parse(&body.name))?;
    let steps = body
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Label::parse(&s.name)
                .map(|n| (n, s.finish_status))
                .map_err(|e| ApiError::invalid(&format!("steps[{i}].name"), e.0))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let store = state.store.clone();
    let created = blocking(move || store.create_flow(&name, &steps)).await?;
    Ok(HttpResponse::Created().json(created))
}
