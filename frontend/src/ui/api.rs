//! The typed API client: calls with the session cookie (the browser sends
//! it; no script here ever holds the token) and the header that marks the
//! call as the app's own (the server's CSRF guard), decodes problem+json
//! (the wire `Problem`) into a readable message, and logs out on 401.

use super::ctx::{ctx, Ctx};
use crate::logic::i18n::tr;
use dialogdesk_domain::wire::Problem;
use gloo_net::http::{Request, RequestBuilder, Response};
use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Why a call failed, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status (0 when the network failed).
    pub status: u16,
    /// For a person: the problem's detail and field errors.
    pub message: String,
    /// The machine-readable conflict, on 409.
    pub conflict: Option<Value>,
}

/// Result of a call.
pub type ApiResult<T> = Result<T, ApiError>;

/// Marks a call as made by the app (see `auth::CSRF_HEADER` on the server).
fn as_app(builder: RequestBuilder) -> RequestBuilder {
    builder.header("X-Requested-With", "dialogdesk")
}

async fn finish(ctx: Ctx, response: Result<Response, gloo_net::Error>) -> ApiResult<Response> {
    let response = response.map_err(|e| ApiError {
        status: 0,
        message: format!("{}: {e}", tr(ctx.lang.get_untracked(), "common.error")),
        conflict: None,
    })?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let problem: Option<Problem> = response.json().await.ok();
    if status == 401 && ctx.logged_in() {
        ctx.logout(Some(tr(ctx.lang.get_untracked(), "login.expired")));
    }
    Err(match problem {
        Some(problem) => ApiError {
            status,
            message: problem.message(),
            conflict: problem.conflict,
        },
        None => ApiError {
            status,
            message: format!("HTTP {status}"),
            conflict: None,
        },
    })
}

/// GET a JSON document.
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let response = get_raw(path).await?;
    decode(response).await
}

/// GET, the answer as it came (e.g. a CSV download).
pub async fn get_raw(path: &str) -> ApiResult<Response> {
    let ctx = ctx();
    finish(ctx, as_app(Request::get(path)).send().await).await
}

/// The HTTP methods the API uses for writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Create, or act.
    Post,
    /// Replace, or set.
    Put,
    /// Change some fields.
    Patch,
    /// Remove, or unset.
    Delete,
}

/// A call with a JSON body (or none), decoding the JSON answer.
pub async fn send<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> ApiResult<T> {
    let response = send_raw(method, path, body).await?;
    decode(response).await
}

/// A call whose answer has no body (204).
pub async fn send_empty(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> ApiResult<()> {
    send_raw(method, path, body).await.map(|_| ())
}

async fn send_raw(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> ApiResult<Response> {
    let ctx = ctx();
    let builder = match method {
        Method::Post => Request::post(path),
        Method::Put => Request::put(path),
        Method::Patch => Request::patch(path),
        Method::Delete => Request::delete(path),
    };
    let builder = as_app(builder);
    let request = match body {
        Some(body) => builder.json(body),
        None => builder.build(),
    };
    let request = request.map_err(|e| ApiError {
        status: 0,
        message: e.to_string(),
        conflict: None,
    })?;
    finish(ctx, request.send().await).await
}

async fn decode<T: DeserializeOwned>(response: Response) -> ApiResult<T> {
    response.json().await.map_err(|e| ApiError {
        status: 0,
        message: e.to_string(),
        conflict: None,
    })
}
