//! `POST /api/v1/channels`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::CreateChannelBody;
use dialogdesk_domain::{Channel, Label};

/// Create a channel.
#[utoipa::path(
    tag = "administration",
    request_body = CreateChannelBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 201, description = "Created", body = Channel),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/channels")]
pub async fn create_channel(
    _: Admin,
    state: web::Data<AppState>,
    Json(body): Json<CreateChannelBody>,
) -> Result<HttpResponse, ApiError> {
    let name = field("name", Label::parse(&body.name))?;
    let store = state.store.clone();
    let created = blocking(move || store.create_channel(body.kind, &name)).await?;
    Ok(HttpResponse::Created().json(created))
}
