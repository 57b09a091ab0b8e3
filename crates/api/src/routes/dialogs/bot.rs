//! `POST /api/v1/dialogs/{id}/bot`: what the AI engine reports.

use super::DialogPath;
use crate::auth::BotIntegration;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::{at_most, blocking};
use crate::state::AppState;
use actix_web::{post, web};
use dialogdesk_domain::wire::{limits, BotEvent, DialogListItem};
use dialogdesk_domain::DialogId;

/// Report an AI-engine event for a dialog; the state machine decides the
/// new status (DESIGN.md §1).
///
/// A bot message is refused (409) while a manager holds the dialog
/// (`manual`): the AI never talks over a human.
#[utoipa::path(
    tag = "integrations",
    params(DialogPath),
    request_body(content = BotEvent, examples(
        ("flow_launched" = (value = json!({"type": "flow_launched", "flow_id": 1, "step_id": 1}))),
        ("step_reached" = (value = json!({"type": "step_reached", "step_id": 4}))),
        ("bot_message" = (value = json!({"type": "bot_message", "text": "Стоимость курса — 49 900 ₽"}))),
        ("ai_error" = (value = json!({"type": "ai_error", "detail": "token generation failed"}))),
        ("blocked_by_lead" = (value = json!({"type": "blocked_by_lead"}))),
        ("delivery_refused" = (value = json!({"type": "delivery_refused", "detail": "cannot write first"}))),
    )),
    security(("api_token" = ["bot"])),
    responses(
        (status = 200, description = "The dialog after the event", body = DialogListItem),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `bot` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Refused by the state machine", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown type, step or flow", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/dialogs/{id}/bot")]
pub async fn report_bot_event(
    BotIntegration(caller): BotIntegration,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
    Json(report): Json<BotEvent>,
) -> Result<web::Json<DialogListItem>, ApiError> {
    if let BotEvent::BotMessage { text } = &report {
        if text.trim().is_empty() {
            return Err(ApiError::invalid("text", "must not be empty"));
        }
        at_most("text", Some(text), limits::TEXT)?;
    }
    if let BotEvent::AiError { detail } | BotEvent::DeliveryRefused { detail } = &report {
        at_most("detail", Some(detail), limits::TEXT)?;
    }
    let actor = caller.actor(true);
    let store = state.store.clone();
    let id = DialogId(path.id);
    let dialog = blocking(move || {
        store.bot_report(id, &report, actor)?;
        store.dialog(None, id)
    })
    .await?;
    Ok(web::Json(dialog))
}
