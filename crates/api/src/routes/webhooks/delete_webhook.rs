//! `DELETE /api/v1/webhooks/{id}`.

use crate::auth::Admin;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{delete, web, HttpResponse};
use dialogdesk_domain::WebhookId;

/// Delete a subscription, its pending deliveries and its log.
#[utoipa::path(
    tag = "webhooks",
    params(IdPath),
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = WebhookId(path.id);
    blocking(move || store.delete_webhook(id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
