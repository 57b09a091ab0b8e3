//! `GET /api/v1/dialogs/counts`.

use crate::auth::Reader;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{Counts, DialogFilter};

/// One count per tab of the chats page.
///
/// Same filters as the list. Without filters the status counts come from
/// counters kept in the same transaction as every status change; `all` is
/// their sum; `favourites` is the caller's own (0 for API tokens).
#[utoipa::path(
    tag = "dialogs",
    params(DialogFilter),
    security(("operator_jwt" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "Counts per tab", body = Counts),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/counts")]
pub async fn dialog_counts(
    Reader(caller): Reader,
    state: web::Data<AppState>,
    filter: web::Query<DialogFilter>,
) -> Result<web::Json<Counts>, ApiError> {
    crate::routes::search_text(filter.q.as_deref())?;
    let store = state.store.clone();
    let filter = filter.into_inner();
    let viewer = caller.operator_id();
    let phones = masking::phone_match(&caller);
    Ok(web::Json(
        blocking(move || store.counts(viewer, &filter, phones)).await?,
    ))
}
