//! `/metrics` in the Prometheus text format: HTTP requests by route and
//! status with latency histograms, connected stream clients, live events
//! published, database connections in use. Kept by hand: a few counters do
//! not need a metrics framework.

use actix_web::{web, HttpResponse};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Latency buckets, seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// What is read at scrape time from where it is kept, not counted twice.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    /// Open live streams (the stream slots held).
    pub stream_clients: usize,
    /// Database connections in use.
    pub pool_in_use: u32,
    /// Idle database connections.
    pub pool_idle: u32,
}

/// The process's metrics.
#[derive(Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    events_published: AtomicU64,
}

impl Metrics {
    /// Notes one served request.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        let h = http
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        for (slot, bound) in h.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *slot += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The relay published one event.
    pub fn event_published(&self) {
        self.events_published.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition, with the gauges read now from what holds them.
    pub fn render(&self, gauges: Gauges) -> String {
        let Gauges {
            stream_clients,
            pool_in_use,
            pool_idle,
        } = gauges;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP dialogdesk_http_requests_seconds HTTP requests by route, method and status."
        );
        let _ = writeln!(out, "# TYPE dialogdesk_http_requests_seconds histogram");
        let http = self.http.lock().unwrap_or_else(|p| p.into_inner());
        for ((route, method, status), h) in http.iter() {
            let labels = format!(
                "route=\"{}\",method=\"{method}\",status=\"{status}\"",
                route.replace('"', "\\\"")
            );
            for (count, bound) in h.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "dialogdesk_http_requests_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "dialogdesk_http_requests_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "dialogdesk_http_requests_seconds_sum{{{labels}}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "dialogdesk_http_requests_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP dialogdesk_stream_clients Connected server-sent-event clients."
        );
        let _ = writeln!(out, "# TYPE dialogdesk_stream_clients gauge");
        let _ = writeln!(out, "dialogdesk_stream_clients {stream_clients}");
        let _ = writeln!(out, "# HELP dialogdesk_live_events_published_total Live events relayed to this process's streams.");
        let _ = writeln!(out, "# TYPE dialogdesk_live_events_published_total counter");
        let _ = writeln!(
            out,
            "dialogdesk_live_events_published_total {}",
            self.events_published.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP dialogdesk_db_pool_connections Database pool connections by state."
        );
        let _ = writeln!(out, "# TYPE dialogdesk_db_pool_connections gauge");
        let _ = writeln!(
            out,
            "dialogdesk_db_pool_connections{{state=\"in_use\"}} {pool_in_use}"
        );
        let _ = writeln!(
            out,
            "dialogdesk_db_pool_connections{{state=\"idle\"}} {pool_idle}"
        );
        out
    }
}

/// Notes the route pattern (not the raw path, so ids do not explode the
/// label set) and method of a request before it is served.
///
/// Both are bounded, so a client cannot grow the metrics (and their memory)
/// by inventing paths or methods: unmatched paths share one label, and a
/// method other than the standard ones is `other`.
pub fn labels(req: &actix_web::dev::ServiceRequest) -> (String, String) {
    use actix_web::http::Method;
    let method = req.method();
    let method = if [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ]
    .contains(method)
    {
        method.as_str()
    } else {
        "other"
    };
    (
        req.match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned()),
        method.to_owned(),
    )
}

/// Who may read `/metrics`: with a configured token, whoever sends it as
/// `Authorization: Bearer …` (Prometheus' `authorization` setting);
/// without one, only callers on this machine (the scraper beside the
/// server). The metrics name routes, volumes and the pool's state: not for
/// the internet.
pub fn may_read(
    peer: Option<std::net::IpAddr>,
    authorization: Option<&str>,
    token: Option<&str>,
) -> bool {
    match token {
        Some(token) => authorization
            .and_then(crate::auth::bearer_value)
            .is_some_and(|given| same_secret(given, token)),
        None => peer.is_some_and(|ip| ip.is_loopback()),
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The token `/metrics` asks for, if one is configured.
pub struct MetricsToken(pub Option<String>);

/// `GET /metrics`.
pub async fn metrics(
    req: actix_web::HttpRequest,
    metrics: web::Data<Metrics>,
    token: web::Data<MetricsToken>,
    slots: web::Data<crate::live::slots::StreamSlots>,
    state: web::Data<crate::state::AppState>,
) -> Result<HttpResponse, crate::problem::ApiError> {
    let authorization = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok());
    let peer = req.peer_addr().map(|a| a.ip());
    if !may_read(peer, authorization, token.0.as_deref()) {
        return Err(crate::problem::ApiError::new(
            actix_web::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the metrics need the metrics token (DIALOGDESK_METRICS_TOKEN) as a bearer token, \
             or a caller on this machine when none is set",
        )
        .with_header("WWW-Authenticate", "Bearer"));
    }
    let (pool_in_use, pool_idle) = state.store.pool_state();
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render(Gauges {
            stream_clients: slots.open(),
            pool_in_use,
            pool_idle,
        })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_are_for_the_token_or_this_machine() {
        let local = Some("127.0.0.1".parse().unwrap());
        let remote = Some("203.0.113.5".parse().unwrap());
        assert!(may_read(local, None, None));
        assert!(!may_read(remote, None, None));
        assert!(!may_read(None, None, None));
        let token = Some("scrape-secret");
        assert!(may_read(remote, Some("Bearer scrape-secret"), token));
        assert!(
            !may_read(local, None, token),
            "with a token, loopback needs it too"
        );
        assert!(!may_read(remote, Some("Bearer scrape-secreT"), token));
        assert!(!may_read(remote, Some("Bearer scrape"), token));
    }
}
