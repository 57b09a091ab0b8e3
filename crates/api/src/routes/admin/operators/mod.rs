//! Operators: the people who log in.

pub mod create_operator;
pub mod list_operators;
pub mod reset_password;
pub mod update_operator;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers these operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_operators::list_operators)
        .service(create_operator::create_operator)
        .service(update_operator::update_operator)
        .service(reset_password::reset_password);
}
