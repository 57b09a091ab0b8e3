//! `/metrics` in the Prometheus text format: HTTP requests by route and
//! status with latency histograms, connected stream clients, live events
//! published, database connections in use. Kept by hand: a few counters do
//! not need a metrics framework.

use actix_web::{web, HttpResponse};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;

/// Latency buckets, seconds.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The process's metrics.
#[derive(Default)]
pub struct Metrics {
    http: Mutex<BTreeMap<(String, String, u16), Histogram>>,
    stream_clients: AtomicI64,
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

    /// A stream client connected (+1) or left (-1).
    pub fn stream_clients(&self, delta: i64) {
        self.stream_clients.fetch_add(delta, Ordering::Relaxed);
    }

    /// The relay published one event.
    pub fn event_published(&self) {
        self.events_published.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition.
    pub fn render(&self, pool_in_use: u32, pool_idle: u32) -> String {
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
        let _ = writeln!(
            out,
            "dialogdesk_stream_clients {}",
            self.stream_clients.load(Ordering::Relaxed)
        );
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
pub fn labels(req: &actix_web::dev::ServiceRequest) -> (String, String) {
    (
        req.match_pattern()
            .unwrap_or_else(|| "unmatched".to_owned()),
        req.method().to_string(),
    )
}

/// `GET /metrics`.
pub async fn metrics(
    metrics: web::Data<Metrics>,
    state: web::Data<crate::state::AppState>,
) -> HttpResponse {
    let (in_use, idle) = state.store.pool_state();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(metrics.render(in_use, idle))
}
