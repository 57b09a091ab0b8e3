//! `DELETE /api/v1/channels/{id}`.

use crate::auth::Admin;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{delete, web, HttpResponse};
use dialogdesk_domain::ChannelId;

/// Delete a channel that has no dialogs (409 otherwise: dialogs keep their channel).
#[utoipa::path(
    tag = "administration",
    params(IdPath),
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The channel has dialogs", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/channels/{id}")]
pub async fn delete_channel(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = ChannelId(path.id);
    blocking(move || store.delete_channel(id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
