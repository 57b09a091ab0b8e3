//! `POST /api/v1/tags`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::CreateTagBody;
use dialogdesk_domain::{Color, Label, Tag};

/// Create a tag.
#[utoipa::path(
    tag = "administration",
    request_body = CreateTagBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 201, description = "Created", body = Tag),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tags")]
pub async fn create_tag(
    _: Admin,
    state: web::Data<AppState>,
    Json(body): Json<CreateTagBody>,
) -> Result<HttpResponse, ApiError> {
    let name = field("name", Label::parse(&body.name))?;
    let color = field("color", Color::parse(&body.color))?;
    let store = state.store.clone();
    Ok(HttpResponse::Created().json(blocking(move || store.create_tag(&name, &color)).await?))
}
