//! The typed API client: one function per operation the app uses, over the
//! wire types (`dialogs::list(&filter, &params) -> Answer<Page<DialogListItem>>`),
//! grouped like the API (`auth`, `catalog`, `dialogs`, `records`, `admin`,
//! `webhooks`).
//!
//! Every call goes through one untyped exchange ([`exchange`]) that sends
//! the session cookie (the browser does; no script here ever holds the
//! token) and the header marking the call as the app's own (the server's
//! CSRF guard), and turns a failure into the wire [`Problem`]. Only the
//! JSON decode is generic, so each typed call adds its decoder and nothing
//! else to the bundle.
//!
//! A 401 is announced with a `dialogdesk:unauthorized` event on `window`:
//! the shell listens and ends the session. The client itself holds no
//! state and needs no reactive owner, so it works the same from a
//! resource, an action or a plain task.

pub mod admin;
pub mod auth;
pub mod catalog;
pub mod dialogs;
pub mod records;
pub mod webhooks;

use crate::logic::query_pairs::pairs_of;
use crate::logic::url::query;
use dialogdesk_domain::wire::Problem;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What a call answers: the decoded body, or the problem.
pub type Answer<T> = Result<T, Problem>;

/// The name of the `window` event a 401 raises.
pub const UNAUTHORIZED_EVENT: &str = "dialogdesk:unauthorized";

/// HTTP methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Read.
    Get,
    /// Create, or act.
    Post,
    /// Replace, or set.
    Put,
    /// Change some fields.
    Patch,
    /// Remove, or unset.
    Delete,
}

/// A problem that never reached the server, or whose answer was unreadable
/// (status 0: the page says "error" in its own language before the detail).
pub fn local_problem(detail: impl std::fmt::Display) -> Problem {
    Problem {
        kind: "about:blank".into(),
        title: "client".into(),
        status: 0,
        detail: detail.to_string(),
        errors: Default::default(),
        conflict: None,
    }
}

/// `path` with the query string of `params` (a wire `…Params` struct).
pub fn with_query(path: &str, params: &impl Serialize) -> String {
    format!("{path}{}", query(pairs_of(params)))
}

/// A JSON body.
pub fn json_body(value: &impl Serialize) -> Option<String> {
    serde_json::to_string(value).ok()
}

/// One request and its answer, or the problem (not generic: see the module).
pub async fn exchange(method: Method, path: &str, body: Option<String>) -> Answer<Response> {
    let builder: RequestBuilder = match method {
        Method::Get => Request::get(path),
        Method::Post => Request::post(path),
        Method::Put => Request::put(path),
        Method::Patch => Request::patch(path),
        Method::Delete => Request::delete(path),
    };
    let builder = builder.header("X-Requested-With", "dialogdesk");
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(local_problem)?;
    let response = request.send().await.map_err(local_problem)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    if status == 401 {
        announce_unauthorized();
    }
    let text = response.text().await.unwrap_or_default();
    Err(
        serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| Problem {
            status,
            ..local_problem(format!("HTTP {status}"))
        }),
    )
}

/// A call answering JSON.
pub async fn json<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<String>,
) -> Answer<T> {
    let response = exchange(method, path, body).await?;
    let text = response.text().await.map_err(local_problem)?;
    serde_json::from_str(&text).map_err(local_problem)
}

/// A call answering nothing worth reading (204).
pub async fn nothing(method: Method, path: &str, body: Option<String>) -> Answer<()> {
    exchange(method, path, body).await.map(|_| ())
}

/// GET a JSON document.
pub async fn get<T: DeserializeOwned>(path: &str) -> Answer<T> {
    json(Method::Get, path, None).await
}

fn announce_unauthorized() {
    if let (Some(window), Ok(event)) = (
        web_sys::window(),
        web_sys::CustomEvent::new(UNAUTHORIZED_EVENT),
    ) {
        let _ = window.dispatch_event(&event);
    }
}
