//! `GET /api/v1/webhooks/{id}/deliveries`.

use crate::auth::Admin;
use crate::problem::{ApiError, Problem};
use crate::routes::admin::IdPath;
use crate::routes::{blocking, page_limit};
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::{Page, PageParams, WebhookAttempt};
use dialogdesk_domain::WebhookId;

/// The subscription's delivery log, newest attempt first: event, attempt
/// number, the receiver's status, latency, error, and where the delivery
/// stands. Kept 30 days.
#[utoipa::path(
    tag = "webhooks",
    params(IdPath, PageParams),
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "A page of attempts", body = Page<WebhookAttempt>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    _: Admin,
    state: web::Data<AppState>,
    path: web::Path<IdPath>,
    params: web::Query<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let limit = page_limit(params.limit)? as i64;
    // The cursor is the id of the last attempt of the previous page.
    let before = params
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>()
                .map_err(|_| ApiError::invalid("cursor", "not a cursor of this list"))
        })
        .transpose()?;
    let store = state.store.clone();
    let id = WebhookId(path.id);
    let (items, more) = blocking(move || store.webhook_attempts(id, before, limit)).await?;
    let next_cursor = more
        .then(|| items.last().map(|a| a.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}
