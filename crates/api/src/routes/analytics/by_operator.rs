//! `GET /api/v1/analytics/finished/by-operator`.

use super::range_of;
use crate::auth::HeadReader;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{FinishedByOperator, Items, RangeParams};

/// Finished dialogs per employee over the range (each dialog's last finish), most first; `operator: null` counts finishes by the AI reaching a finishing step.
#[utoipa::path(
    tag = "analytics",
    params(RangeParams),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "The rows", body = Items<FinishedByOperator>),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the head role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/analytics/finished/by-operator")]
pub async fn finished_per_operator(
    _: HeadReader,
    state: web::Data<AppState>,
    params: web::Query<RangeParams>,
) -> Result<web::Json<Items<FinishedByOperator>>, ApiError> {
    let range = range_of(&params)?;
    let store = state.store.clone();
    let items = blocking(move || store.finished_per_operator(&range)).await?;
    Ok(web::Json(Items { items }))
}
