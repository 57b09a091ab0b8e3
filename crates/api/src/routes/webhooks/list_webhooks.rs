//! `GET /api/v1/webhooks`.

use crate::auth::Admin;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::{Items, Webhook};

/// Every subscription, oldest first (without secrets); a disabled one says
/// why.
#[utoipa::path(
    tag = "webhooks",
    security(("operator_jwt" = []), ("api_token" = ["admin"])),
    responses(
        (status = 200, description = "The subscriptions", body = Items<Webhook>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the admin role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(_: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || store.webhooks()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
