//! `PATCH /api/v1/webhooks/{id}`.

use super::checked_url;
use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{patch, web, HttpResponse};
use dialogdesk_domain::wire::{UpdateWebhookBody, Webhook};
use dialogdesk_domain::WebhookId;

/// Change a subscription: URL, events, channel, enabled. Enabling one that
/// dialogdesk disabled clears the reason; its pending deliveries resume.
#[utoipa::path(
    tag = "webhooks",
    params(IdPath),
    request_body = UpdateWebhookBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "Updated", body = Webhook),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(mut body): Json<UpdateWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    if let Some(url) = &body.url {
        body.url = Some(checked_url(&state, url).await?);
    }
    let store = state.store.clone();
    let id = WebhookId(path.id);
    let updated: Webhook = blocking(move || store.update_webhook(id, &body)).await?;
    Ok(HttpResponse::Ok().json(updated))
}
