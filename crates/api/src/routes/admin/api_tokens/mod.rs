//! Integrations' API tokens.

pub mod create_api_token;
pub mod list_api_tokens;
pub mod revoke_api_token;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers these operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_api_tokens::list_api_tokens)
        .service(create_api_token::create_api_token)
        .service(revoke_api_token::revoke_api_token);
}
