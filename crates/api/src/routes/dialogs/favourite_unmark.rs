//! `DELETE /api/v1/dialogs/{id}/favourite`.

use super::DialogPath;
use crate::auth::AnyOperator;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{delete, web, HttpResponse};
use dialogdesk_domain::DialogId;

/// Unmark the dialog as a favourite (idempotent).
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
#[delete("/dialogs/{id}/favourite")]
pub async fn unmark_favourite(
    AnyOperator { id: operator, .. }: AnyOperator,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let id = DialogId(path.id);
    blocking(move || store.set_favourite(id, operator, false)).await?;
    Ok(HttpResponse::NoContent().finish())
}
