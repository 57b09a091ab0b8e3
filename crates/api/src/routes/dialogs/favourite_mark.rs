//! `PUT /api/v1/dialogs/{id}/favourite`.

use super::DialogPath;
use crate::auth::AnyOperator;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{put, web, HttpResponse};
use dialogdesk_domain::DialogId;

/// Mark the dialog as one of the caller's favourites (idempotent). Favourites are personal and stay out of the timeline.
#[utoipa::path(
    tag = "dialogs",
    params(DialogPath),
    security(("operator_jwt" = [])),
    responses(
        (status = 204, description = "Done"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/dialogs/{id}/favourite")]
pub async fn mark_favourite(
    AnyOperator { id: operator, .. }: AnyOperator,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = DialogId(path.id);
    blocking(move || store.set_favourite(id, operator, true)).await?;
    Ok(HttpResponse::NoContent().finish())
}
