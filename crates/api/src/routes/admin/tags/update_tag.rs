//! `PATCH /api/v1/tags/{id}`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{patch, web, HttpResponse};
use dialogdesk_domain::wire::UpdateTagBody;
use dialogdesk_domain::{Color, Label, Tag, TagId};

/// Rename or recolour a tag.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = UpdateTagBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "Updated", body = Tag),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/tags/{id}")]
pub async fn update_tag(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<UpdateTagBody>,
) -> Result<HttpResponse, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(Label::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("name", e.0))?;
    let color = body
        .color
        .as_deref()
        .map(Color::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("color", e.0))?;
    let store = state.store.clone();
    let id = TagId(path.id);
    Ok(HttpResponse::Ok()
        .json(blocking(move || store.update_tag(id, name.as_ref(), color.as_ref())).await?))
}
