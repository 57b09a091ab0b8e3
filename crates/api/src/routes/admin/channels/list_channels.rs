//! `GET /api/v1/channels`.

use crate::auth::Reader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::Items;
use dialogdesk_domain::Channel;

/// Every channel.
#[utoipa::path(
    tag = "administration",
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The channels", body = Items<Channel>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/channels")]
pub async fn list_channels(
    _: Reader,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || store.channels()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
