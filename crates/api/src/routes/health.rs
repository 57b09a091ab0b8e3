//! `/healthz` (the process answers) and `/readyz` (the database answers).

use crate::problem::ApiError;
use crate::state::AppState;
use actix_web::{get, web, HttpResponse};
use serde_json::json;

/// Liveness: the process is up. Never touches the database, so a slow
/// database does not get the process restarted.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: the database answers a ping.
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let backend = if store.target().is_sqlite() {
        "sqlite"
    } else {
        "postgres"
    };
    web::block(move || store.ping())
        .await
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e)))?
        .map_err(|e| {
            tracing::warn!(error = ?e, "readiness check failed");
            ApiError::unavailable("the database does not answer")
        })?;
    Ok(HttpResponse::Ok().json(json!({"status": "ready", "database": backend})))
}
