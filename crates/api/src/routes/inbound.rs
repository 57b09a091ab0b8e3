//! `POST /api/v1/inbound`: a channel connector delivers a lead's message.

use crate::auth::InboundIntegration;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use chrono::{DateTime, Utc};
use dialogdesk_domain::{ChannelId, DialogId, MessageId, MessageKind, Phone, Status};
use dialogdesk_store::dialogs::{Inbound, InboundClient, NewMessage};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The lead as the channel knows it. Give `external_id`, `phone`, or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundClientBody {
    /// The lead's id on the channel (chat id, user id).
    pub external_id: Option<String>,
    /// The lead's phone, any common notation; stored in E.164.
    pub phone: Option<String>,
    /// The lead's name, when the channel tells it.
    pub name: Option<String>,
    /// Avatar picture URL.
    pub avatar_url: Option<String>,
}

/// The message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundMessageBody {
    /// The channel's message id: a repeat with the same id is recognised.
    pub external_id: Option<String>,
    /// `text` (default) or a kind of media; media moves the dialog to `manual`.
    pub kind: Option<MessageKind>,
    /// Text or caption.
    #[serde(default)]
    pub text: String,
    /// Where the media is.
    pub media_url: Option<String>,
    /// When the lead sent it (default: now).
    pub sent_at: Option<DateTime<Utc>>,
}

/// A delivery.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "channel_id": 1,
    "client": {"external_id": "79123456789@c.us", "phone": "+7 912 345-67-89", "name": "Анна", "avatar_url": null},
    "message": {"external_id": "wamid.HBgL", "kind": "text", "text": "Здравствуйте! Сколько стоит курс?", "media_url": null, "sent_at": "2026-11-21T09:30:00Z"}
}))]
pub struct InboundBody {
    /// The channel the message came through.
    pub channel_id: i64,
    /// The lead.
    pub client: InboundClientBody,
    /// The message.
    pub message: InboundMessageBody,
}

/// What the delivery did.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct InboundResponse {
    /// The dialog (created when new).
    pub dialog_id: DialogId,
    /// The stored message.
    pub message_id: MessageId,
    /// The dialog's status after the message.
    pub status: Status,
    /// `true` when this channel message id was delivered before: nothing was written.
    pub duplicate: bool,
}

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
    let kind = body.message.kind.unwrap_or(MessageKind::Text);
    if kind == MessageKind::Text && body.message.text.trim().is_empty() {
        return Err(ApiError::invalid(
            "message.text",
            "a text message needs text",
        ));
    }
    let inbound = Inbound {
        channel_id: ChannelId(body.channel_id),
        client: InboundClient {
            external_id,
            phone,
            name: body.client.name,
            avatar_url: body.client.avatar_url,
        },
        message: NewMessage {
            operator_id: None,
            kind,
            text: body.message.text,
            media_url: body.message.media_url,
            external_id: body.message.external_id,
            sent_at: body.message.sent_at.unwrap_or_else(Utc::now),
        },
        actor: caller.actor(false),
    };
    let store = state.store.clone();
    let outcome = blocking(move || store.inbound(&inbound)).await?;
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
