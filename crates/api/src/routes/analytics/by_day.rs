//! `GET /api/v1/analytics/finished/by-day`.

use super::range_of;
use crate::auth::HeadReader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{FinishedOnDay, Items, RangeParams};

/// Finished dialogs per day over the range, every day listed (zeros too).
#[utoipa::path(
    tag = "analytics",
    params(RangeParams),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The rows", body = Items<FinishedOnDay>),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the head role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/analytics/finished/by-day")]
pub async fn finished_per_day(
    _: HeadReader,
    state: web::Data<AppState>,
    params: web::Query<RangeParams>,
) -> Result<web::Json<Items<FinishedOnDay>>, ApiError> {
    let range = range_of(&params)?;
    let store = state.store.clone();
    let items = blocking(move || store.finished_per_day(&range)).await?;
    Ok(web::Json(Items { items }))
}
