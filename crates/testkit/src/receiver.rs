//! A webhook receiver for tests: a real HTTP server on a free loopback
//! port that records every request and answers with the statuses it is
//! told to (then 200).

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// The path it was sent to.
    pub path: String,
    /// `webhook-id`.
    pub id: String,
    /// `webhook-timestamp`.
    pub timestamp: i64,
    /// `webhook-signature`.
    pub signature: String,
    /// The raw body (what the signature covers).
    pub body: String,
    /// The body, parsed.
    pub envelope: Value,
    /// When it arrived.
    pub arrived: std::time::SystemTime,
}

#[derive(Default)]
struct State {
    received: Mutex<Vec<Received>>,
    answers: Mutex<VecDeque<u16>>,
}

/// The receiver.
pub struct Receiver {
    /// Where to subscribe: `http://127.0.0.1:<port>/hook`.
    pub url: String,
    state: Arc<State>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn receive(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let body = String::from_utf8_lossy(&body).into_owned();
    lock(&state.received).push(Received {
        path: req.path().to_owned(),
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp").parse().unwrap_or_default(),
        signature: header("webhook-signature"),
        envelope: serde_json::from_str(&body).unwrap_or(Value::Null),
        body,
        arrived: std::time::SystemTime::now(),
    });
    let status = lock(&state.answers).pop_front().unwrap_or(200);
    let mut answer = HttpResponse::build(
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK),
    );
    if (300..400).contains(&status) {
        answer.insert_header(("location", "/redirected"));
    }
    answer.body("ok")
}

impl Receiver {
    /// Starts a receiver that answers `answers` in turn, then 200.
    ///
    /// # Panics
    /// When no port can be bound.
    pub fn start(answers: &[u16]) -> Receiver {
        let state = Arc::new(State::default());
        lock(&state.answers).extend(answers);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("the bound address").port();
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listening")
        .run();
        tokio::spawn(server);
        Receiver {
            url: format!("http://127.0.0.1:{port}/hook"),
            state,
        }
    }

    /// Replaces what it answers next (then 200).
    pub fn answer(&self, answers: &[u16]) {
        let mut queue = lock(&self.state.answers);
        queue.clear();
        queue.extend(answers);
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        lock(&self.state.received).clone()
    }

    /// How many requests so far.
    pub fn count(&self) -> usize {
        lock(&self.state.received).len()
    }

    /// Waits until `check` holds for what was received, up to `wait`;
    /// returns what was received then.
    pub async fn until(
        &self,
        wait: Duration,
        check: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let received = self.received();
            if check(&received) || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
