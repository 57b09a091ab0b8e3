//! `POST /api/v1/api-tokens`.

use crate::auth::AdminOperator;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::{CreateTokenBody, CreatedToken};
use dialogdesk_domain::Label;

/// Create an API token for an integration. The secret is in this answer
/// only: it is stored hashed and cannot be shown again.
#[utoipa::path(
    tag = "administration",
    request_body = CreateTokenBody,
    security(("operator_jwt" = [])),
    responses(
        (status = 201, description = "Created; the secret is shown once", body = CreatedToken),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs an admin operator", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/api-tokens")]
pub async fn create_api_token(
    AdminOperator(caller): AdminOperator,
    state: web::Data<AppState>,
    Json(body): Json<CreateTokenBody>,
) -> Result<HttpResponse, ApiError> {
    let name = field("name", Label::parse(&body.name))?;
    let store = state.store.clone();
    let created_by = caller.operator_id();
    let (token, secret) =
        blocking(move || store.create_api_token(&name, &body.scopes, created_by)).await?;
    Ok(HttpResponse::Created().json(CreatedToken {
        id: token.id,
        name: token.name,
        scopes: token.scopes,
        token: secret,
    }))
}
