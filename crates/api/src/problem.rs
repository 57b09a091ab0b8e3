//! Errors as `application/problem+json` (RFC 9457): `type`, `title`,
//! `status`, `detail`, `errors` (field → message) for validation, and
//! extension members where they help a client (e.g. the current version on
//! a conflict). Internal causes are logged with their chain, never sent.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use dialogdesk_store::StoreError;
use std::collections::BTreeMap;

pub use dialogdesk_domain::wire::Problem;

/// An error an API handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A problem to show the client as it is.
    #[error("{}: {}", .0.title, .0.detail)]
    Problem(Box<Problem>, Vec<(&'static str, String)>),
    /// Something broke inside; logged, answered with a bare 500.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl ApiError {
    /// A problem of the given status.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> ApiError {
        ApiError::Problem(
            Box::new(Problem {
                kind: format!("https://dialogdesk.dev/problems/{slug}"),
                title: status.canonical_reason().unwrap_or("Error").to_owned(),
                status: status.as_u16(),
                detail: detail.into(),
                errors: BTreeMap::new(),
                conflict: None,
            }),
            Vec::new(),
        )
    }

    /// 400: the request cannot be read.
    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    /// 422 with one field error.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        let mut error = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            format!("{field}: {message}"),
        );
        if let ApiError::Problem(p, _) = &mut error {
            p.errors.insert(field.to_owned(), message);
        }
        error
    }

    /// 404.
    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    /// 503: a dependency (the database) is not there.
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }

    /// Adds a response header (e.g. `Retry-After`).
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> ApiError {
        if let ApiError::Problem(_, headers) = &mut self {
            headers.push((name, value.into()));
        }
        self
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            // Naming a step of another flow cannot be fixed by reloading
            // and retrying (what a 409 asks): it is a field error.
            StoreError::Domain(domain @ dialogdesk_domain::DomainError::StepNotInFlow { .. }) => {
                ApiError::invalid("step_id", domain.to_string())
            }
            StoreError::Domain(domain) => {
                let slug = match domain {
                    dialogdesk_domain::DomainError::StaleVersion { .. } => "stale-version",
                    _ => "refused",
                };
                let mut error = ApiError::new(StatusCode::CONFLICT, slug, domain.to_string());
                if let ApiError::Problem(p, _) = &mut error {
                    p.conflict = serde_json::to_value(&domain).ok();
                }
                error
            }
            StoreError::NotFound { .. } => ApiError::not_found(e.to_string()),
            StoreError::Invalid { field, message } => ApiError::invalid(field, message),
            StoreError::Conflict(detail) => ApiError::new(StatusCode::CONFLICT, "conflict", detail),
            // A saturated database is a 503 the client may retry, not a 500.
            StoreError::Busy {
                detail,
                retry_after_seconds,
            } => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", detail)
                .with_header("Retry-After", retry_after_seconds.to_string()),
            StoreError::Database(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> ApiError {
        ApiError::Internal(anyhow::Error::new(e))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Problem(p, _) => {
                StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (problem, headers) = match self {
            ApiError::Problem(p, headers) => ((**p).clone(), headers.clone()),
            ApiError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                let ApiError::Problem(p, _) = ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server failed; the error was logged",
                ) else {
                    unreachable!("ApiError::new builds a problem")
                };
                (*p, Vec::new())
            }
        };
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        for (name, value) in headers {
            // `try_from` accepts any case; `from_static` would panic on capitals.
            if let (Ok(name), Ok(value)) =
                (HeaderName::try_from(name), HeaderValue::from_str(&value))
            {
                response.insert_header((name, value));
            }
        }
        response.json(problem)
    }
}

/// Query strings that do not parse: 400 naming the parameter problem.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::bad_request(format!("query parameters: {err}")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_a_503_with_retry_after_not_a_500() {
        let error = ApiError::from(StoreError::Busy {
            detail: "the database is busy".into(),
            retry_after_seconds: 2,
        });
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            response
                .headers()
                .get("Retry-After")
                .unwrap()
                .to_str()
                .unwrap(),
            "2"
        );
    }
}
