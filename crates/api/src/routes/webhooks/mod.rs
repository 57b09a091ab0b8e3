//! Outbound webhook subscriptions, their delivery log and redelivery.
//! Managed by admins (an operator with the `admin` role, or an integration's
//! token with the `admin` scope, so a connector can subscribe itself).

pub mod create_webhook;
pub mod delete_webhook;
pub mod list_webhook_deliveries;
pub mod list_webhooks;
pub mod redeliver_webhook;
pub mod rotate_webhook_secret;
pub mod update_webhook;

use crate::problem::ApiError;
use crate::state::AppState;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers these operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_webhooks::list_webhooks)
        .service(create_webhook::create_webhook)
        .service(update_webhook::update_webhook)
        .service(delete_webhook::delete_webhook)
        .service(rotate_webhook_secret::rotate_webhook_secret)
        .service(list_webhook_deliveries::list_webhook_deliveries)
        .service(redeliver_webhook::redeliver_webhook);
}

/// A subscription URL as stored, or a 422 on `url` saying what is wrong.
pub async fn checked_url(state: &AppState, url: &str) -> Result<String, ApiError> {
    crate::outbound::address::check_url(url, state.webhook_allow_private)
        .await
        .map(|u| u.to_string())
        .map_err(|refusal| ApiError::invalid("url", refusal))
}
