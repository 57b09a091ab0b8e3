//! `GET /api/v1/dialogs/{id}/messages`.

use super::DialogPath;
use crate::auth::Reader;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::{blocking, page_limit};
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{Page, PageParams};
use dialogdesk_domain::{DialogId, Message};

/// The dialog's messages, newest last. The first page is the latest
/// messages; `next_cursor` leads to older ones.
#[utoipa::path(
    tag = "dialogs",
    params(DialogPath, PageParams),
    security(("operator_jwt" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "A page of messages", body = Page<Message>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/{id}/messages")]
pub async fn list_messages(
    Reader(caller): Reader,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
    params: web::Query<PageParams>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    let limit = page_limit(params.limit)?;
    let store = state.store.clone();
    let id = DialogId(path.id);
    let cursor = params.into_inner().cursor;
    let page = blocking(move || store.messages(id, cursor.as_deref(), limit)).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|m| masking::message(&caller, m))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
