//! `POST /api/v1/webhooks`.

use super::checked_url;
use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::{CreateWebhookBody, WebhookWithSecret};
use dialogdesk_store::webhooks::subscriptions::NewWebhook;

/// Subscribe a URL to events. The answer holds the signing secret, shown
/// only here (and on rotation). Each request is signed by the Standard
/// Webhooks specification; the URL must be `http(s)` and public.
#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhookBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 201, description = "Created; the secret is shown once", body = WebhookWithSecret),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field: a URL that is not http(s), or names a private address; no events; an unknown channel", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    _: Admin,
    state: web::Data<AppState>,
    Json(body): Json<CreateWebhookBody>,
) -> Result<HttpResponse, ApiError> {
    let url = checked_url(&state, &body.url).await?;
    let new = NewWebhook {
        url,
        events: body.events,
        channel_id: body.channel_id,
    };
    let store = state.store.clone();
    let created = blocking(move || store.create_webhook(&new)).await?;
    Ok(HttpResponse::Created().json(created))
}
