//! The dispatcher: claims due deliveries from the outbox, POSTs them signed,
//! records each attempt. One per `serve` process, on a thread of its own;
//! several processes on one PostgreSQL share the work through leases (see
//! `dialogdesk_store::webhooks::dispatch`).
//!
//! It wakes when this process commits (a change may have written events),
//! when the next retry falls due, and at least every second (another
//! process's commits).

use super::address::{literal_refused, PublicOnly};
use super::signing::signature_header;
use dialogdesk_store::webhooks::dispatch::{AttemptOutcome, Claimed, RetryPolicy};
use dialogdesk_store::Store;
use futures_util::future::join_all;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How the dispatcher delivers.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Deliver to loopback, private and link-local addresses too
    /// (`DIALOGDESK_WEBHOOK_ALLOW_PRIVATE=1`: tests, a receiver on this host).
    pub allow_private: bool,
    /// Retries and when a failing subscription is disabled.
    pub retry: RetryPolicy,
    /// How long a receiver has to answer.
    pub timeout: Duration,
    /// Deliveries claimed (and sent concurrently) at once.
    pub batch: usize,
}

impl Default for WebhookSettings {
    fn default() -> WebhookSettings {
        WebhookSettings {
            allow_private: false,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(10),
            batch: 64,
        }
    }
}

/// The most of a receiver's answer that is read: its status is what
/// counts, and a receiver must not make the dispatcher hold megabytes.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// How long the log keeps a receiver's error text.
const MAX_ERROR_CHARS: usize = 300;

/// Starts the dispatcher thread.
pub fn start(store: Store, settings: WebhookSettings) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout)
        .user_agent(concat!("dialogdesk-webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(PublicOnly {
            allow_private: settings.allow_private,
        }))
        .build()?;
    std::thread::Builder::new()
        .name("dialogdesk-webhooks".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    tracing::error!("the webhook dispatcher cannot start: {e}");
                    return;
                }
            };
            runtime.block_on(run(store, client, settings));
        })?;
    Ok(())
}

async fn run(store: Store, client: reqwest::Client, settings: WebhookSettings) {
    // Woken by the commits that queue deliveries, not by every commit: an
    // inbound batch without subscriptions gives it nothing to look at.
    // Deliveries queued by another process are found by the pause below.
    let signal = store.webhook_signal();
    // Leases outlive the slowest attempt, so a claim is never taken over
    // while its attempt may still succeed.
    let lease = settings.timeout * 2 + Duration::from_secs(5);
    let mut last_prune = Instant::now();
    loop {
        // Commits before this point are looked at below; the dispatcher's
        // own writes (claims, results) must not wake it again.
        let mut seen = signal.generation();
        let mut pause = Duration::from_secs(1);
        match store.next_webhook_delivery_at() {
            Ok(Some(next)) => {
                let until = (next - chrono::Utc::now()).to_std().unwrap_or_default();
                if until.is_zero() {
                    match deliver_due(&store, &client, &settings, lease).await {
                        Ok(0) => {
                            // Due, but none could be claimed (an earlier
                            // event of its dialog is still in flight).
                            pause = Duration::from_millis(200);
                            seen = signal.generation();
                        }
                        Ok(_) => continue,
                        Err(e) => tracing::warn!("webhook dispatcher: {e}"),
                    }
                } else {
                    pause = until.min(pause);
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("webhook dispatcher: {e}"),
        }
        if last_prune.elapsed() > Duration::from_secs(3_600) {
            last_prune = Instant::now();
            if let Err(e) = store.prune_webhook_log() {
                tracing::warn!("pruning the webhook log: {e}");
            }
        }
        signal.wait_after(seen, pause);
    }
}

/// Claims what is due, sends it, records the attempts; returns how many.
async fn deliver_due(
    store: &Store,
    client: &reqwest::Client,
    settings: &WebhookSettings,
    lease: Duration,
) -> anyhow::Result<usize> {
    let claimed = store.claim_webhook_deliveries(settings.batch, lease)?;
    let n = claimed.len();
    let outcomes = join_all(
        claimed
            .into_iter()
            .map(|claim| attempt(client, claim, settings.allow_private)),
    )
    .await;
    let disabled = store.record_webhook_attempts(&outcomes, &settings.retry)?;
    for webhook in disabled {
        tracing::warn!("webhook {webhook} disabled: its deliveries failed for too long");
    }
    Ok(n)
}

/// One signed POST. Never logs the secret or the signature.
async fn attempt(client: &reqwest::Client, claim: Claimed, allow_private: bool) -> AttemptOutcome {
    let started = Instant::now();
    let result = send(client, &claim, allow_private).await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status_code, error) = match result {
        Ok(status) if (200..300).contains(&status) => (Some(i32::from(status)), None),
        Ok(status) if (300..400).contains(&status) => (
            Some(i32::from(status)),
            Some(format!("HTTP {status}: redirects are not followed")),
        ),
        Ok(status) => (Some(i32::from(status)), Some(format!("HTTP {status}"))),
        Err(e) => (None, Some(e.chars().take(MAX_ERROR_CHARS).collect())),
    };
    AttemptOutcome {
        delivery_id: claim.delivery_id,
        webhook_id: claim.webhook_id,
        attempt: claim.attempt,
        status_code,
        latency_ms,
        error,
    }
}

async fn send(
    client: &reqwest::Client,
    claim: &Claimed,
    allow_private: bool,
) -> Result<u16, String> {
    let url = reqwest::Url::parse(&claim.url).map_err(|e| format!("bad URL: {e}"))?;
    if literal_refused(&url, allow_private) {
        return Err("refused: a loopback, private or link-local address".into());
    }
    let timestamp = chrono::Utc::now().timestamp();
    let signature = signature_header(&claim.secrets, &claim.event_key, timestamp, &claim.body);
    let mut response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &claim.event_key)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(claim.body.clone())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    let status = response.status().as_u16();
    // Read (and drop) at most 64 KB, so a keep-alive connection can be
    // reused for a short answer and a long one cannot hold memory.
    let mut read = 0;
    while read < MAX_RESPONSE_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => read += chunk.len(),
            _ => break,
        }
    }
    Ok(status)
}

/// A transport error in words, with its cause (reqwest's own message is
/// only "error sending request").
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
