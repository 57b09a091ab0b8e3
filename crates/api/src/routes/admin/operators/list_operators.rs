//! `GET /api/v1/operators`.

use crate::auth::Reader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::Items;
use dialogdesk_domain::Operator;

/// Every operator (active or not), by name. Readable by every operator: the
/// chats page offers them as managers.
#[utoipa::path(
    tag = "administration",
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The operators", body = Items<Operator>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/operators")]
pub async fn list_operators(
    _: Reader,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || store.operators()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
