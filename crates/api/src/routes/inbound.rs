//! `POST /api/v1/inbound`: a channel connector delivers a lead's message.

use crate::auth::InboundIntegration;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::{at_most, web_url};
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use chrono::Utc;
use dialogdesk_domain::wire::{limits, InboundBody, InboundResponse};
use dialogdesk_domain::{MessageKind, Phone};
use dialogdesk_store::dialogs::{Inbound, InboundClient, NewMessage};

/// Deliver a lead's message.
///
/// Creates the client and the dialog when the lead is new (found by
/// `external_id` on the channel, else by phone), stores the message and
/// applies the state machine. Idempotent on (channel, `message.external_id`):
/// a repeat returns the original result with `duplicate: true` (200) and
/// writes nothing; a first delivery answers 201.
#[utoipa::path(
    tag = "integrations",
    request_body = InboundBody,
    security(("api_token" = ["inbound"])),
    responses(
        (status = 201, description = "Stored", body = InboundResponse),
        (status = 200, description = "A repeat: the original result, nothing written", body = InboundResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks the `inbound` scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such channel", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (phone, kind, no lead id…)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/inbound")]
pub async fn deliver_inbound(
    InboundIntegration(caller): InboundIntegration,
    state: web::Data<AppState>,
    Json(body): Json<InboundBody>,
) -> Result<HttpResponse, ApiError> {
    let phone = body
        .client
        .phone
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(Phone::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("client.phone", e.0))?;
    let external_id = body.client.external_id.filter(|e| !e.trim().is_empty());
    if external_id.is_none() && phone.is_none() {
        return Err(ApiError::invalid(
            "client",
            "give the lead's external_id (chat id on the channel) or phone",
        ));
    }
    at_most(
        "client.external_id",
        external_id.as_deref(),
        limits::EXTERNAL_ID,
    )?;
    at_most("client.name", body.client.name.as_deref(), limits::NAME)?;
    at_most(
        "message.external_id",
        body.message.external_id.as_deref(),
        limits::EXTERNAL_ID,
    )?;
    at_most("message.text", Some(&body.message.text), limits::TEXT)?;
    let avatar_url = web_url("client.avatar_url", body.client.avatar_url)?;
    let media_url = web_url("message.media_url", body.message.media_url)?;
    let kind = body.message.kind.unwrap_or(MessageKind::Text);
    if kind == MessageKind::Text && body.message.text.trim().is_empty() {
        return Err(ApiError::invalid(
            "message.text",
            "a text message needs text",
        ));
    }
    // A lead's clock (or a connector's bug) must not pin a dialog to the top
    // of every list: a time in the future counts as now.
    let now = Utc::now();
    let sent_at = body.message.sent_at.map_or(now, |at| at.min(now));
    let inbound = Inbound {
        channel_id: body.channel_id,
        client: InboundClient {
            external_id,
            phone,
            name: body.client.name,
            avatar_url,
        },
        message: NewMessage {
            operator_id: None,
            kind,
            text: body.message.text,
            media_url,
            external_id: body.message.external_id,
            sent_at,
        },
        actor: caller.actor(false),
    };
    // Not on a blocking thread: the delivery waits in the writer's queue
    // (see the store's `dialogs::ingest`), and the writer answers this task.
    let outcome = state.store.inbound_async(&inbound).await?;
    let body = InboundResponse {
        dialog_id: outcome.dialog_id,
        message_id: outcome.message_id,
        status: outcome.status,
        duplicate: outcome.duplicate,
    };
    Ok(if outcome.duplicate {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::Created().json(body)
    })
}
