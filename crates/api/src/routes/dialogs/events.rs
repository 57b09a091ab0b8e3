//! `GET /api/v1/dialogs/{id}/events`.

use super::DialogPath;
use crate::auth::Reader;
use crate::problem::{ApiError, Problem};
use crate::routes::{blocking, page_limit};
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{Page, PageParams};
use dialogdesk_domain::{DialogId, TimelineEvent};

/// The dialog's activity timeline, oldest first: every status, step,
/// assignee and tag change and every message, with actor, reason, before
/// and after.
#[utoipa::path(
    tag = "dialogs",
    params(DialogPath, PageParams),
    security(("operator_jwt" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "A page of the timeline", body = Page<TimelineEvent>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/{id}/events")]
pub async fn list_events(
    _: Reader,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
    params: web::Query<PageParams>,
) -> Result<web::Json<Page<TimelineEvent>>, ApiError> {
    let limit = page_limit(params.limit)?;
    let store = state.store.clone();
    let id = DialogId(path.id);
    let cursor = params.into_inner().cursor;
    Ok(web::Json(
        blocking(move || store.timeline(id, cursor.as_deref(), limit)).await?,
    ))
}
