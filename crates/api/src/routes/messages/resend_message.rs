//! `POST /api/v1/messages/{id}/resend`.

use super::MessagePath;
use crate::auth::AnyOperator;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::{Message, MessageId};

/// An operator's "Retry" of a reply the channel refused: it is `pending`
/// again and `message.created` goes to the webhooks once more, so the
/// connector sends it again.
#[utoipa::path(
    tag = "dialogs",
    params(MessagePath),
    security(("operator_jwt" = [])),
    responses(
        (status = 200, description = "The message, pending again", body = Message),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an operator's message, or it has not failed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/messages/{id}/resend")]
pub async fn resend_message(
    AnyOperator { caller, .. }: AnyOperator,
    state: web::Data<AppState>,
    path: web::Path<MessagePath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = MessageId(path.id);
    let message = blocking(move || store.resend_message(id)).await?;
    Ok(HttpResponse::Ok().json(masking::message(&caller, message)))
}
