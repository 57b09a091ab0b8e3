//! Any request no route serves: 405 with `Allow` when the path exists with
//! other methods, else a 404 problem — never an empty body. Also the path
//! extractor's errors, which are 405 rather than 400 for the same reason.

use crate::problem::ApiError;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

/// Every API path template with its methods, read from the OpenAPI
/// document (so a new route is known here without a list to keep).
pub struct KnownRoutes(Vec<(Vec<String>, Vec<&'static str>)>);

impl KnownRoutes {
    /// From the served document.
    pub fn of(spec: &utoipa::openapi::OpenApi) -> KnownRoutes {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, has)| has.then_some(method))
                .collect();
                (path.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        KnownRoutes(routes)
    }

    /// The methods `path` answers to, when some route has that shape. The
    /// most specific shapes win, as in routing: `/flows/1/steps/order` is
    /// the order route, not a step whose id is `order`.
    fn methods_of(&self, path: &str) -> Vec<&'static str> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let matching: Vec<(usize, &Vec<&'static str>)> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s)
            })
            .map(|(template, methods)| {
                let literal = template.iter().filter(|t| !t.starts_with('{')).count();
                (literal, methods)
            })
            .collect();
        let most = matching.iter().map(|(literal, _)| *literal).max();
        let mut methods: Vec<&'static str> = matching
            .iter()
            .filter(|(literal, _)| Some(*literal) == most)
            .flat_map(|(_, methods)| methods.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }
}

/// 405 with `Allow` when the request's path is a known route's and the
/// method is not one it takes.
pub fn method_not_allowed(req: &HttpRequest) -> Option<ApiError> {
    let known = req
        .app_data::<web::Data<KnownRoutes>>()
        .map(|k| k.methods_of(req.path()))
        .unwrap_or_default();
    if known.is_empty() || known.contains(&req.method().as_str()) {
        return None;
    }
    let allow = if known.contains(&"GET") {
        format!("{}, HEAD", known.join(", "))
    } else {
        known.join(", ")
    };
    Some(
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            format!(
                "{} {} is not an operation; this path takes {allow}",
                req.method(),
                req.path()
            ),
        )
        .with_header("Allow", allow),
    )
}

/// The default service for the API (the SPA's fallback hands it `/api/…`).
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    match method_not_allowed(&req) {
        Some(refusal) => refusal.error_response(),
        None => ApiError::not_found(format!("no resource at {} {}", req.method(), req.path()))
            .error_response(),
    }
}

/// Path segments that do not parse (e.g. `/dialogs/abc`): 400.
///
/// A path that fits a route only by its shape (`/flows/1/steps/order` sent
/// with PATCH reaches the step route, whose id is a number) is not a bad id
/// but a method the real route does not take: 405, as for any other.
pub fn path_error(
    err: actix_web::error::PathError,
    req: &actix_web::HttpRequest,
) -> actix_web::Error {
    if let Some(refusal) = method_not_allowed(req) {
        return refusal.into();
    }
    ApiError::bad_request(format!("path: {err}")).into()
}
