//! `GET /api/v1/flows`.

use crate::auth::Reader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::Items;
use dialogdesk_domain::Flow;

/// Every flow with its steps in order.
#[utoipa::path(
    tag = "administration",
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The flows", body = Items<Flow>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/flows")]
pub async fn list_flows(_: Reader, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let items = blocking(move || store.flows()).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
