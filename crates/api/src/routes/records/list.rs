//! `GET /api/v1/records/dialogs`.

use super::records_query;
use crate::auth::HeadReader;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::{blocking, page_limit};
use crate::state::AppState;
use actix_web::{get, web};
use dialogdesk_domain::wire::{Page, RecordParams, RecordRow};

/// The Dialog list: finished dialogs, one row each (the last finish, also
/// when the dialog reopened since), sortable by every column, searchable by
/// client name or any part of the phone, keyset-paged.
#[utoipa::path(
    tag = "records",
    params(RecordParams),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "A page of finished dialogs", body = Page<RecordRow>),
        (status = 400, description = "Bad parameters", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs the head role", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit, cursor or range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/records/dialogs")]
pub async fn list_records(
    HeadReader(caller): HeadReader,
    state: web::Data<AppState>,
    params: web::Query<RecordParams>,
) -> Result<web::Json<Page<RecordRow>>, ApiError> {
    let query = records_query(
        &params,
        page_limit(params.limit)?,
        masking::phone_match(&caller),
    )?;
    let store = state.store.clone();
    let page = blocking(move || store.records(&query)).await?;
    Ok(web::Json(Page {
        items: page
            .items
            .into_iter()
            .map(|r| masking::record(&caller, r))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}
