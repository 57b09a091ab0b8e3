//! The typed API client: adds the bearer token, decodes problem+json into a
//! readable message, and logs out on 401.

use super::ctx::{ctx, Ctx};
use crate::logic::i18n::tr;
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

fn with_auth(ctx: &Ctx, builder: RequestBuilder) -> RequestBuilder {
    let token = ctx.token();
    if token.is_empty() {
        builder
    } else {
        builder.header("Authorization", &format!("Bearer {token}"))
    }
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
    let problem: Value = response.json().await.unwrap_or(Value::Null);
    if status == 401 && !ctx.token().is_empty() {
        ctx.logout(Some(tr(ctx.lang.get_untracked(), "login.expired")));
    }
    let mut message = problem["detail"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("HTTP {status}"));
    if let Some(errors) = problem["errors"].as_object() {
        let fields: Vec<String> = errors
            .iter()
            .map(|(k, v)| format!("{k}: {}", v.as_str().unwrap_or_default()))
            .collect();
        if !fields.is_empty() && !message.contains(&fields[0]) {
            message = format!("{message} ({})", fields.join("; "));
        }
    }
    Err(ApiError {
        status,
        message,
        conflict: problem.get("conflict").cloned(),
    })
}

/// GET a JSON document.
pub async fn get<T: DeserializeOwned>(path: &str) -> ApiResult<T> {
    let ctx = ctx();
    let response = finish(ctx, with_auth(&ctx, Request::get(path)).send().await).await?;
    decode(response).await
}

/// A call with a JSON body (or none), decoding the JSON answer.
pub async fn send<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<&impl Serialize>,
) -> ApiResult<T> {
    let response = send_raw(method, path, body).await?;
    decode(response).await
}

/// A call whose answer has no body (204).
pub async fn send_empty(method: &str, path: &str, body: Option<&impl Serialize>) -> ApiResult<()> {
    send_raw(method, path, body).await.map(|_| ())
}

async fn send_raw(method: &str, path: &str, body: Option<&impl Serialize>) -> ApiResult<Response> {
    let ctx = ctx();
    let builder = match method {
        "POST" => Request::post(path),
        "PUT" => Request::put(path),
        "PATCH" => Request::patch(path),
        "DELETE" => Request::delete(path),
        _ => Request::get(path),
    };
    let builder = with_auth(&ctx, builder);
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

/// `{ "items": [...] }`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Items<T> {
    /// The rows.
    pub items: Vec<T>,
}
