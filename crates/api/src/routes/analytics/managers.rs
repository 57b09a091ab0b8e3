//! `GET /api/v1/analytics/managers`.

use super::range_of;
use crate::auth::HeadReader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{Items, ManagerStats, RangeParams};

/// Per-manager stats over the range: dialogs taken per day, messages sent to leads, and the median time from a lead's message to the manager's next reply.
#[utoipa::path(
    tag = "analytics",
    params(RangeParams),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The rows", body = Items<ManagerStats>),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the head role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/analytics/managers")]
pub async fn manager_stats(
    _: HeadReader,
    state: web::Data<AppState>,
    params: web::Query<RangeParams>,
) -> Result<web::Json<Items<ManagerStats>>, ApiError> {
    let range = range_of(&params)?;
    let store = state.store.clone();
    let items = blocking(move || store.manager_stats(&range)).await?;
    Ok(web::Json(Items { items }))
}
