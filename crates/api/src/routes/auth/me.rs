//! `GET /api/v1/me`.

use crate::auth::AnyOperator;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::Me;

/// Who am I: the logged-in operator, with the role as stored now.
#[utoipa::path(
    tag = "auth",
    security(("operator_jwt" = [])),
    responses(
        (status = 200, description = "The operator", body = Me),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API token, not an operator", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(
    AnyOperator { id, .. }: AnyOperator,
    state: web::Data<AppState>,
) -> Result<web::Json<Me>, ApiError> {
    let store = state.store.clone();
    let op = blocking(move || store.operator(id)).await?;
    Ok(web::Json(Me {
        id: op.id,
        name: op.name,
        email: op.email,
        role: op.role,
    }))
}
