//! Tags.

pub mod create_tag;
pub mod delete_tag;
pub mod list_tags;
pub mod update_tag;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers these operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tags::list_tags)
        .service(create_tag::create_tag)
        .service(update_tag::update_tag)
        .service(delete_tag::delete_tag);
}
