//! The single-page app, served from the folder trunk builds it into.
//!
//! A path naming a file serves that file: hashed assets (`app-1a2b….wasm`)
//! are cached for a year, `index.html` never, so a new build is picked up
//! at once. Any other path outside `/api` gets `index.html`, so the app's
//! own routes (`/chats/manual`, `/records`) survive a reload.
//!
//! The build writes a gzip copy beside each asset (`app.wasm.gz`); a
//! browser that accepts gzip gets that copy, compressed once at build time
//! at the best level instead of on every request.

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

fn index(dir: &Path) -> HttpResponse {
    match std::fs::read_to_string(dir.join("index.html")) {
        Ok(page) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((
                actix_web::http::header::CACHE_CONTROL,
                actix_web::http::header::HeaderValue::from_static("no-cache"),
            ))
            .insert_header(("Content-Security-Policy", content_security_policy(&page)))
            .body(page),
        Err(_) => ApiError::not_found(
            "the web app is not built here: run `make run` (or `make spa`), or set DIALOGDESK_SPA_DIR",
        )
        .error_response(),
    }
}

/// The app's Content-Security-Policy: its own scripts only (plus the wasm
/// they compile, and each inline script of the page by its hash: trunk's
/// loader is inline), images from itself, https or data, no framing.
/// `style-src-attr 'unsafe-inline'` lets elements carry their own style
/// attribute (a tag's colour); no `<style>` or stylesheet from elsewhere.
pub fn content_security_policy(page: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hashes: String = inline_scripts(page)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' https: data:; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The bodies of the page's inline `<script>` elements (those without `src`).
fn inline_scripts(page: &str) -> impl Iterator<Item = &str> {
    page.split("<script").skip(1).filter_map(|rest| {
        let (attributes, body) = rest.split_once('>')?;
        let (body, _) = body.split_once("</script>")?;
        (!attributes.contains("src=")).then_some(body)
    })
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
        return crate::routes::not_found::not_found(req).await;
    }
    match file_for(&dir.0, path) {
        Some(file) if !file.ends_with("index.html") => match open_asset(&req, &file) {
            Ok(named) => {
                let mut response = named.into_response(&req);
                response.headers_mut().insert(
                    actix_web::http::header::VARY,
                    actix_web::http::header::HeaderValue::from_static("accept-encoding"),
                );
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
            Err(_) => index(&dir.0),
        },
        _ => index(&dir.0),
    }
}

/// The asset, or its gzip copy when there is one and the browser takes it
/// (with the asset's own type, so a `.wasm` stays `application/wasm`).
fn open_asset(req: &HttpRequest, file: &Path) -> std::io::Result<NamedFile> {
    let accepts_gzip = req
        .headers()
        .get_all(actix_web::http::header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next() == Some("gzip") && !parts.any(|p| p.replace(' ', "") == "q=0")
        });
    let gzipped = {
        let mut name = file.as_os_str().to_owned();
        name.push(".gz");
        PathBuf::from(name)
    };
    if accepts_gzip && gzipped.is_file() {
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
        return Ok(NamedFile::open(gzipped)?
            .set_content_type(actix_files::file_extension_to_mime(ext))
            .set_content_encoding(actix_web::http::header::ContentEncoding::Gzip));
    }
    NamedFile::open(file)
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
