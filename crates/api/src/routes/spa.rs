//! The single-page app, served from the folder trunk builds it into.
//!
//! A path naming a file serves that file: hashed assets (`app-1a2b….wasm`)
//! are cached for a year, `index.html` never, so a new build is picked up
//! at once. Any other path outside `/api` gets `index.html`, so the app's
//! own routes (`/chats/manual`, `/records`) survive a reload.

use crate::problem::ApiError;
use actix_files::NamedFile;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use std::path::{Component, Path, PathBuf};

/// Where the built app is.
#[derive(Debug, Clone)]
pub struct SpaDir(pub PathBuf);

/// The resolved file for a request path, refusing anything that would leave
/// the folder.
fn file_for(dir: &Path, request_path: &str) -> Option<PathBuf> {
    let relative = Path::new(request_path.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let candidate = dir.join(relative);
    candidate.is_file().then_some(candidate)
}

fn index(dir: &Path, req: &HttpRequest) -> HttpResponse {
    match NamedFile::open(dir.join("index.html")) {
        Ok(file) => {
            let mut response = file.into_response(req);
            response.headers_mut().insert(
                actix_web::http::header::CACHE_CONTROL,
                actix_web::http::header::HeaderValue::from_static("no-cache"),
            );
            response
        }
        Err(_) => ApiError::not_found(
            "the web app is not built here: run `make run` (or `make spa`), or set DIALOGDESK_SPA_DIR",
        )
        .error_response(),
    }
}

/// Whatever no route took: the app for page loads, a 404 problem otherwise.
pub async fn fallback(req: HttpRequest, dir: web::Data<SpaDir>) -> HttpResponse {
    if req.method() == actix_web::http::Method::GET || req.method() == actix_web::http::Method::HEAD
    {
        serve(req, dir).await
    } else {
        crate::routes::not_found::not_found(req).await
    }
}

/// A page load: a file of the app, or the app itself.
pub async fn serve(req: HttpRequest, dir: web::Data<SpaDir>) -> HttpResponse {
    let path = req.path();
    if path.starts_with("/api/") || path == "/api" || path == "/metrics" {
        return ApiError::not_found(format!("no resource at {} {path}", req.method()))
            .error_response();
    }
    match file_for(&dir.0, path) {
        Some(file) if !file.ends_with("index.html") => match NamedFile::open(&file) {
            Ok(named) => {
                let mut response = named.into_response(&req);
                let cache = CacheControl(vec![
                    CacheDirective::Public,
                    CacheDirective::MaxAge(31_536_000),
                    CacheDirective::Extension("immutable".into(), None),
                ]);
                response.headers_mut().insert(
                    actix_web::http::header::CACHE_CONTROL,
                    actix_web::http::header::HeaderValue::from_str(&cache.to_string())
                        .unwrap_or(actix_web::http::header::HeaderValue::from_static("public")),
                );
                response
            }
            Err(_) => index(&dir.0, &req),
        },
        _ => index(&dir.0, &req),
    }
}

#[cfg(test)]
mod tests {
    use super::file_for;

    #[test]
    fn paths_cannot_leave_the_folder() {
        let dir = std::env::temp_dir();
        assert_eq!(file_for(&dir, "/../etc/passwd"), None);
        assert_eq!(file_for(&dir, "/a/../../b"), None);
    }
}
