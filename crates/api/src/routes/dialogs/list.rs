//! `GET /api/v1/dialogs`.

use crate::auth::Reader;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::{blocking, page_limit};
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{DialogFilter, DialogListItem, DialogListParams, Page};
use dialogdesk_store::listing::DialogListQuery;

/// The dialog list of a tab.
///
/// Keyset-paged on (sort key, id): pass `next_cursor` back as `cursor` for
/// the next page; a cursor only fits the sort and order that made it.
/// Phones are masked for the `operator` role.
#[utoipa::path(
    tag = "dialogs",
    params(DialogListParams, DialogFilter),
    security(("operator_jwt" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "A page of dialogs", body = Page<DialogListItem>),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs")]
pub async fn list_dialogs(
    Reader(caller): Reader,
    state: web::Data<AppState>,
    params: web::Query<DialogListParams>,
    filter: web::Query<DialogFilter>,
) -> Result<web::Json<Page<DialogListItem>>, ApiError> {
    let p = params.into_inner();
    crate::routes::search_text(filter.q.as_deref())?;
    let query = DialogListQuery {
        view: p.view,
        filter: filter.into_inner(),
        sort: p.sort.unwrap_or_default(),
        order: p.order.unwrap_or_default(),
        cursor: p.cursor,
        limit: page_limit(p.limit)?,
        phones: masking::phone_match(&caller),
    };
    let store = state.store.clone();
    let viewer = caller.operator_id();
    let page = blocking(move || store.list_dialogs(viewer, &query)).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|d| masking::dialog(&caller, d))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
