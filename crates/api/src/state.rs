//! What every handler can reach.

use crate::auth::jwt::JwtKeys;
use crate::auth::login_limit::LoginLimiter;
use actix_web::http::header::HeaderName;
use actix_web::HttpRequest;
use dialogdesk_store::Store;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Shared application state.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Signs and checks operators' tokens.
    pub jwt: JwtKeys,
    /// Login brute-force protection.
    pub login_limiter: Arc<LoginLimiter>,
    /// Password checks (argon2) running at once: one per core, so a flood
    /// of logins queues here instead of starving every other request.
    pub password_checks: Arc<Semaphore>,
    /// The header a trusted reverse proxy puts the client's address in;
    /// `None`: the peer address is the client's (headers are ignored, since
    /// anyone can send them).
    pub client_ip_header: Option<HeaderName>,
    /// Webhook URLs may name loopback and private addresses
    /// (`DIALOGDESK_WEBHOOK_ALLOW_PRIVATE=1`).
    pub webhook_allow_private: bool,
}

impl AppState {
    /// The client's address, for login throttling: the last (rightmost)
    /// address of the configured proxy header, which is the one the trusted
    /// proxy itself appended (the ones before it came from the client and
    /// may be forged); else the peer address.
    pub fn client_address(&self, req: &HttpRequest) -> String {
        let from_proxy = self.client_ip_header.as_ref().and_then(|name| {
            let value = req.headers().get(name)?.to_str().ok()?;
            let last = value.rsplit(',').next()?.trim();
            (!last.is_empty()).then(|| last.to_owned())
        });
        from_proxy.unwrap_or_else(|| {
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        })
    }
}
