//! Database work runs on actix's blocking threads, never on the async
//! workers. One helper for handlers and for authentication alike.

use crate::problem::ApiError;
use actix_web::web;
use dialogdesk_store::StoreResult;

/// Runs blocking database work off the async workers.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> Result<T, ApiError> {
    Ok(web::block(f).await??)
}
