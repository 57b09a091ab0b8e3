//! `PATCH /api/v1/channels/{id}`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{patch, web, HttpResponse};
use dialogdesk_domain::wire::UpdateChannelBody;
use dialogdesk_domain::{Channel, ChannelId, Label};

/// Rename a channel or change its kind.
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    request_body = UpdateChannelBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "Updated", body = Channel),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/channels/{id}")]
pub async fn update_channel(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<UpdateChannelBody>,
) -> Result<HttpResponse, ApiError> {
    let name = body
        .name
        .as_deref()
        .map(Label::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("name", e.0))?;
    let store = state.store.clone();
    let id = ChannelId(path.id);
    let updated = blocking(move || store.update_channel(id, body.kind, name.as_ref())).await?;
    Ok(HttpResponse::Ok().json(updated))
}
