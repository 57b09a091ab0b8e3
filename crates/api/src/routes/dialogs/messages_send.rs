//! `POST /api/v1/dialogs/{id}/messages`: the operator's reply.

use super::DialogPath;
use crate::auth::AnyOperator;
use crate::json::Json;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::{at_most, blocking};
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::{limits, SendMessageBody};
use dialogdesk_domain::{DialogId, Message};

/// Reply to the lead as the logged-in operator.
///
/// The dialog moves to `manual` (a human holds it) and is assigned to the
/// operator when it has no manager. Refused with 409 while the dialog is
/// `blocked` or `stopped`: nobody can write then.
#[utoipa::path(
    tag = "dialogs",
    params(DialogPath),
    request_body = SendMessageBody,
    security(("operator_jwt" = [])),
    responses(
        (status = 201, description = "The stored message", body = Message),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nobody can write in this status", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dialogs/{id}/messages")]
pub async fn send_message(
    AnyOperator {
        id: operator,
        caller,
    }: AnyOperator,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
    Json(body): Json<SendMessageBody>,
) -> Result<HttpResponse, ApiError> {
    at_most("text", Some(&body.text), limits::TEXT)?;
    let store = state.store.clone();
    let id = DialogId(path.id);
    // By its id: the dialog's newest message may already be someone else's.
    let message = blocking(move || {
        let applied = store.operator_message(id, operator, &body.text)?;
        let stored = applied.message_id.ok_or_else(|| {
            dialogdesk_store::StoreError::Database(anyhow::anyhow!(
                "an operator reply stored no message"
            ))
        })?;
        store.message(stored)
    })
    .await?;
    Ok(HttpResponse::Created().json(masking::message(&caller, message)))
}
