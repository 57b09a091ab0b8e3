//! `POST /api/v1/messages/{id}/delivery`.

use super::MessagePath;
use crate::auth::InboundIntegration;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::{at_most, blocking};
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::{limits, DeliveryReport};
use dialogdesk_domain::{Message, MessageId};

/// The channel connector reports how far an operator's message got:
/// `sent`, `delivered`, `read`, or `failed` with a reason. Idempotent and
/// never backwards: a report that would not move the status (a repeat, a
/// late `sent` after `read`) changes nothing and answers the message as it
/// is. A change reaches the chat live and the `message.delivery_updated`
/// webhooks.
#[utoipa::path(
    tag = "integrations",
    params(MessagePath),
    request_body = DeliveryReport,
    security(("api_token" = ["inbound"])),
    responses(
        (status = 200, description = "The message with its delivery status", body = Message),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `inbound` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an operator's message", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid status (`pending` is not reported) or reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/messages/{id}/delivery")]
pub async fn report_delivery(
    _: InboundIntegration,
    state: web::Data<AppState>,
    path: web::Path<MessagePath>,
    Json(body): Json<DeliveryReport>,
) -> Result<HttpResponse, ApiError> {
    at_most("reason", body.reason.as_deref(), limits::DELIVERY_REASON)?;
    let store = state.store.clone();
    let id = MessageId(path.id);
    let message: Message = blocking(move || store.report_delivery(id, &body)).await?;
    Ok(HttpResponse::Ok().json(message))
}
