//! What the benchmarks share: the real server on a free loopback port, a
//! login, percentiles.

#![allow(dead_code, reason = "each bench uses a different part of this module")]

use dialogdesk_api::live::slots::StreamCaps;
use dialogdesk_api::{ApiConfig, Application};
use dialogdesk_store::Store;
use serde_json::{json, Value};

/// Starts the server on `store`; returns its base URL.
pub fn serve(store: Store, stream_caps: StreamCaps) -> String {
    let config = ApiConfig {
        bind: "127.0.0.1:0".into(),
        jwt_secret: "bench-secret-bench-secret-bench-secret".into(),
        jwt_ttl_seconds: 3600,
        live_client_buffer: 1024,
        spa_dir: std::env::temp_dir(),
        client_ip_header: None,
        metrics_token: None,
        stream_caps,
        webhooks: dialogdesk_api::outbound::WebhookSettings {
            allow_private: true,
            ..Default::default()
        },
    };
    let app = Application::build(&config, store).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

/// An operator's bearer token.
pub async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> String {
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().unwrap().to_owned()
}

/// An admin and a web channel on a fresh bench database; the channel.
pub fn admin_and_channel(store: &Store) -> dialogdesk_domain::Channel {
    use dialogdesk_domain::{ChannelKind, Email, Label, PersonName, Role};
    store
        .create_operator(dialogdesk_store::catalog::NewOperator {
            name: PersonName::parse("Bench").unwrap(),
            email: Email::parse("bench@bench.local").unwrap(),
            role: Role::Admin,
            password: "bench-password".into(),
        })
        .unwrap();
    store
        .create_channel(ChannelKind::Web, &Label::parse("Site").unwrap())
        .unwrap()
}

/// The `p` quantile of samples sorted ascending.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}
