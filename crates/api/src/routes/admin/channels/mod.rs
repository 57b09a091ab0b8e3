//! Channels: where dialogs happen.

pub mod create_channel;
pub mod delete_channel;
pub mod list_channels;
pub mod update_channel;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers these operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_channels::list_channels)
        .service(create_channel::create_channel)
        .service(update_channel::update_channel)
        .service(delete_channel::delete_channel);
}
