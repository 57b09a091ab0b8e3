//! `GET /api/v1/tags`.

use crate::auth::Reader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::Items;
use dialogdesk_domain::Tag;

/// Every tag, by name.
#[utoipa::path(
    tag = "administration",
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The tags", body = Items<Tag>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tags")]
pub async fn list_tags(_: Reader, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || store.tags()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
