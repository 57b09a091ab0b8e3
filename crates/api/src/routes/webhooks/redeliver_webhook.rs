//! `POST /api/v1/webhooks/{id}/redeliver`.

use crate::auth::Admin;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::{RedeliverBody, Redelivered};
use dialogdesk_domain::WebhookId;
use dialogdesk_store::webhooks::log::Redeliver;

/// Send again one event (`{"event_id": "evt_42"}`, whatever its delivery
/// did) or every failed delivery since a time (`{"since": "…"}`), with a
/// fresh round of attempts. The receiver sees the same `webhook-id` again.
#[utoipa::path(
    tag = "webhooks",
    params(IdPath),
    request_body = RedeliverBody,
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 202, description = "Queued", body = Redelivered),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither or both of event_id and since; an event not sent to this webhook", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/webhooks/{id}/redeliver")]
pub async fn redeliver_webhook(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    Json(body): Json<RedeliverBody>,
) -> Result<HttpResponse, ApiError> {
    let what = match (body.event_id, body.since) {
        (Some(event), None) => Redeliver::Event(event),
        (None, Some(since)) => Redeliver::FailedSince(since),
        _ => {
            return Err(ApiError::invalid(
                "event_id",
                "give either event_id (one event) or since (every failed delivery since then)",
            ))
        }
    };
    let store = state.store.clone();
    let id = WebhookId(path.id);
    let queued = blocking(move || store.redeliver_webhook(id, &what)).await?;
    Ok(HttpResponse::Accepted().json(Redelivered { queued }))
}
