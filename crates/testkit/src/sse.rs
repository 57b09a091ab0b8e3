//! A stream client for `GET /api/v1/stream` that parses `text/event-stream`.

use serde_json::Value;

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    /// The event id (`Last-Event-ID` to resume after it).
    pub id: Option<i64>,
    /// The event name, e.g. `dialog.updated`.
    pub kind: String,
    /// The payload.
    pub data: Value,
}

/// A stream client that parses `text/event-stream`.
pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    /// Opens `/api/v1/stream` on `base` with a token and optionally a `Last-Event-ID`.
    pub async fn open(base: &str, token: &str, last_event_id: Option<i64>) -> SseClient {
        let mut request = reqwest::Client::new()
            .get(format!("{base}/api/v1/stream"))
            .bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("a well-formed stream");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        SseClient {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments and `retry:` skipped), or `None` when the
    /// stream ends or nothing comes within `wait`.
    pub async fn next(&mut self, wait: std::time::Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, None, String::new());
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.parse().ok();
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        kind = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if let Some(kind) = kind {
                    return Some(Sse {
                        id,
                        kind,
                        data: serde_json::from_str(&data).expect("a well-formed stream"),
                    });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Whether the server ends the stream within `wait` (events and
    /// heartbeats are read and dropped meanwhile).
    pub async fn closed_within(&mut self, wait: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None) | Err(_)) => return true,
            }
        }
    }

    /// Events until `until` matches one (included), within `wait`.
    pub async fn until(
        &mut self,
        wait: std::time::Duration,
        until: impl Fn(&Sse) -> bool,
    ) -> Vec<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(event) = self.next(left).await else {
                panic!("the stream ended or went quiet before the awaited event; got {events:#?}");
            };
            let done = until(&event);
            events.push(event);
            if done {
                return events;
            }
        }
    }
}

impl SseClient {
    /// Every event until the stream is quiet for `quiet`.
    pub async fn drain(&mut self, quiet: std::time::Duration) -> Vec<Sse> {
        let mut events = Vec::new();
        while let Some(event) = self.next(quiet).await {
            events.push(event);
        }
        events
    }
}
