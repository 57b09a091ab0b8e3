//! `GET /api/v1/dialogs/{id}`.

use super::DialogPath;
use crate::auth::Reader;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use dialogdesk_domain::wire::DialogListItem;
use dialogdesk_domain::DialogId;

/// One dialog in full: client (with custom fields), channel, flow, step,
/// assignee, tags, favourite flag, last finish.
///
/// The `ETag` header carries the dialog's version; send it back as
/// `If-Match` with the settings save instead of (or with) `version`.
#[utoipa::path(
    tag = "dialogs",
    params(DialogPath),
    security(("operator_jwt" = []), ("api_token" = [])),
    responses(
        (status = 200, description = "The dialog", body = DialogListItem,
            headers(("ETag" = String, description = "The dialog version, quoted"))),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/dialogs/{id}")]
pub async fn get_dialog(
    Reader(caller): Reader,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let viewer = caller.operator_id();
    let id = DialogId(path.id);
    let dialog = blocking(move || store.dialog(viewer, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", format!("\"{}\"", dialog.version)))
        .json(masking::dialog(&caller, dialog)))
}
