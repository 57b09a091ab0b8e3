//! `PUT /api/v1/dialogs/{id}/settings`: the chat-settings save.

use super::DialogPath;
use crate::auth::AnyOperator;
use crate::json::Json;
use crate::masking;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::{put, web, HttpRequest, HttpResponse};
use dialogdesk_domain::wire::{DialogListItem, SettingsBody};
use dialogdesk_domain::DialogId;

/// The version an `If-Match` header names: `"5"` or `W/"5"`.
fn if_match_version(req: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let Some(value) = req.headers().get("If-Match") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text).trim_matches('"');
    text.parse().map(Some).map_err(|_| {
        ApiError::bad_request(format!(
            "If-Match must be the ETag of GET /dialogs/{{id}}, like \"5\"; got `{text}`"
        ))
    })
}

/// Save the chat settings: assignee, status, flow and step, and tags in one
/// atomic change.
///
/// Optimistic concurrency: the save names the version it was based on
/// (`version` in the body, or `If-Match` with the ETag of GET). A stale
/// version is refused with 409 and nothing is written; so is a change the
/// state machine refuses (the `conflict` member says which rule).
#[utoipa::path(
    tag = "dialogs",
    params(DialogPath, ("If-Match" = Option<String>, Header, description = "The ETag of GET /dialogs/{id}")),
    request_body = SettingsBody,
    security(("operator_jwt" = [])),
    responses(
        (status = 200, description = "Saved; the dialog as this save left it (its version is the one the save produced)", body = DialogListItem),
        (status = 400, description = "Malformed JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dialog", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version or refused by the state machine", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field (unknown step, tag, manager…)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/dialogs/{id}/settings")]
pub async fn save_dialog_settings(
    AnyOperator {
        id: operator,
        caller,
    }: AnyOperator,
    state: web::Data<AppState>,
    path: web::Path<DialogPath>,
    req: HttpRequest,
    Json(body): Json<SettingsBody>,
) -> Result<HttpResponse, ApiError> {
    let version = match (body.version, if_match_version(&req)?) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::invalid(
                "version",
                format!("the body says version {a} but If-Match says {b}"),
            ))
        }
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => {
            return Err(ApiError::invalid(
                "version",
                "send the version the form was based on (or If-Match)",
            ))
        }
    };
    let body = SettingsBody {
        version: Some(version),
        ..body
    };
    let id = DialogId(path.id);
    let store = state.store.clone();
    let dialog = blocking(move || store.save_settings_and_read(id, operator, &body)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", format!("\"{}\"", dialog.version)))
        .json(masking::dialog(&caller, dialog)))
}
