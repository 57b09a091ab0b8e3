//! `POST /api/v1/webhooks/{id}/secret`.

use crate::auth::Admin;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::WebhookWithSecret;
use dialogdesk_domain::WebhookId;

/// Rotate the signing secret. The answer holds the new secret (shown only
/// here); for 24 hours every request carries a signature by the new and by
/// the previous secret, so the receiver can switch without losing events.
#[utoipa::path(
    tag = "webhooks",
    params(IdPath),
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "The new secret, shown once", body = WebhookWithSecret),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/secret")]
pub async fn rotate_webhook_secret(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = WebhookId(path.id);
    Ok(HttpResponse::Ok().json(blocking(move || store.rotate_webhook_secret(id)).await?))
}
