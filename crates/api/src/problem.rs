//! Errors as `application/problem+json` (RFC 9457): `type`, `title`,
//! `status`, `detail`, and `errors` per field for validation failures.
//! Internal causes are logged with their chain and never sent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use dialogdesk_store::StoreError;
use serde::Serialize;
use std::collections::BTreeMap;

/// The body of every error response.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened this time, for a person.
    pub detail: String,
    /// Field → message, for validation failures.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<String, String>,
}

/// An error an API handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A problem to show the client as it is.
    #[error("{}: {}", .0.title, .0.detail)]
    Problem(Problem),
    /// Something broke inside; logged, answered with a bare 500.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A problem of the given status.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> ApiError {
        ApiError::Problem(Problem {
            kind: format!("https://dialogdesk.dev/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: BTreeMap::new(),
        })
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 503: a dependency (the database) is not there.
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Domain(domain) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", domain.to_string())
            }
            StoreError::NotFound { .. } => ApiError::not_found(e.to_string()),
            StoreError::Invalid { field, message } => {
                let mut problem = match ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    format!("{field}: {message}"),
                ) {
                    ApiError::Problem(p) => p,
                    ApiError::Internal(_) => unreachable!("new always builds a problem"),
                };
                problem.errors.insert(field.to_owned(), message);
                ApiError::Problem(problem)
            }
            StoreError::Conflict(detail) => ApiError::new(StatusCode::CONFLICT, "conflict", detail),
            StoreError::Database(cause) => ApiError::Internal(cause),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Problem(p) => {
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let problem = match self {
            ApiError::Problem(p) => p.clone(),
            ApiError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                match ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; the error was logged",
                ) {
                    ApiError::Problem(p) => p,
                    ApiError::Internal(_) => unreachable!("new always builds a problem"),
                }
            }
        };
        HttpResponse::build(self.status_code())
            .content_type("application/problem+json")
            .json(problem)
    }
}
