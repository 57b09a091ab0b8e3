//! Administration: operators, channels, flows and steps, tags, API tokens.
//! Lists are readable by every operator (the chats page needs them for its
//! filters and the User Data panel); changes need the `admin` role.

pub mod api_tokens;
pub mod channels;
pub mod flows;
pub mod operators;
pub mod tags;

use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the administration operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(operators::configure)
        .configure(channels::configure)
        .configure(flows::configure)
        .configure(tags::configure)
        .configure(api_tokens::configure);
}

/// The path of one item.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct IdPath {
    /// The id.
    pub id: i64,
}
