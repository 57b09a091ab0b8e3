//! `POST /api/v1/stream/ticket`.

use crate::auth::{Caller, Reader};
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::StreamTicket;
use dialogdesk_store::sessions::TicketHolder;

/// How long a ticket waits to be used: enough for a browser to open the
/// stream right after asking, too short to be worth stealing from a log.
pub const TICKET_SECONDS: i64 = 30;

/// A single-use ticket that opens the live stream.
///
/// For browsers, whose `EventSource` cannot send `Authorization`: open
/// `GET /api/v1/stream?ticket=…` within 30 seconds; the ticket opens one
/// stream and is void after, so it is harmless in a log. The stream runs
/// with the rights of whoever asked for the ticket. Ask for a new ticket
/// for each (re)connection.
#[utoipa::path(
    tag = "live",
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 201, description = "A ticket", body = StreamTicket),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stream/ticket")]
pub async fn issue_stream_ticket(
    Reader(caller): Reader,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let holder = match caller {
        Caller::Operator { id, epoch, .. } => TicketHolder::Operator { id, epoch },
        Caller::Token { id, .. } => TicketHolder::ApiToken(id),
    };
    let store = state.store.clone();
    let ticket = blocking(move || {
        store.issue_stream_ticket(holder, chrono::Duration::seconds(TICKET_SECONDS))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Cache-Control", "no-store"))
        .json(StreamTicket {
            ticket,
            expires_in: TICKET_SECONDS,
        }))
}
