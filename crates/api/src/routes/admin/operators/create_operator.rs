//! `POST /api/v1/operators`.

use crate::auth::AdminOperator;
use crate::json::Json;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::routes::field;
use crate::state::AppState;
use actix_web::{post, web, HttpResponse};
use dialogdesk_domain::wire::CreateOperatorBody;
use dialogdesk_domain::{Email, Operator, PersonName};
use dialogdesk_store::catalog::NewOperator;

/// Create an operator.
#[utoipa::path(
    tag = "administration",
    request_body = CreateOperatorBody,
    security(("operator_jwt" = [])),
    responses(
        (status = 201, description = "Created", body = Operator),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs an operator with the admin role (API tokens cannot manage operators)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The e-mail is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid field", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/operators")]
pub async fn create_operator(
    _: AdminOperator,
    state: web::Data<AppState>,
    Json(body): Json<CreateOperatorBody>,
) -> Result<HttpResponse, ApiError> {
    let new = NewOperator {
        name: field("name", PersonName::parse(&body.name))?,
        email: field("email", Email::parse(&body.email))?,
        role: body.role,
        password: body.password,
    };
    let store = state.store.clone();
    let created = blocking(move || store.create_operator(new)).await?;
    Ok(HttpResponse::Created().json(created))
}
