//! Any path no route serves: a 404 problem, not an empty body.

use crate::problem::ApiError;
use actix_web::{HttpRequest, HttpResponse, ResponseError};

/// The default service.
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    ApiError::not_found(format!("no resource at {} {}", req.method(), req.path())).error_response()
}
