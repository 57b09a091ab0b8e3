//! What every handler can reach.

use crate::auth::jwt::JwtKeys;
use crate::auth::login_limit::LoginLimiter;
use dialogdesk_store::Store;
use std::sync::Arc;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Signs and checks operators' tokens.
    pub jwt: JwtKeys,
    /// Login brute-force protection.
    pub login_limiter: Arc<LoginLimiter>,
}
