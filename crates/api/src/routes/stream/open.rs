//! `GET /api/v1/stream`: server-sent events.

use crate::auth::{still_valid, Caller, Reader};
use crate::live::relay::{EventBuilder, LiveHub};
use crate::live::{LiveEvent, Shared};
use crate::metrics::Metrics;
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use dialogdesk_domain::wire::{live_event, Resync, StreamParams};
use futures_util::stream as body_stream;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

/// A comment line keeps idle connections (and proxies) alive.
const HEARTBEAT: Duration = Duration::from_secs(15);
/// Asked of clients before they reconnect.
const RETRY_MS: u32 = 2000;
/// How often an open stream checks that its caller may still read: a
/// logout, password reset, deactivation or token revocation closes the
/// stream within this time (in every process, since it asks the database).
pub const RECHECK: Duration = Duration::from_secs(5);

/// Counts connected clients for `/metrics`.
struct ClientGuard(Arc<Metrics>);

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.0.stream_clients(-1);
    }
}

struct Stream {
    caller: Caller,
    store: dialogdesk_store::Store,
    recheck: tokio::time::Interval,
    masks_phones: bool,
    replay: VecDeque<Shared>,
    receiver: broadcast::Receiver<Shared>,
    last: i64,
    heartbeat: tokio::time::Interval,
    opened: bool,
    _client: ClientGuard,
}

fn frame(event: &LiveEvent, masks_phones: bool) -> Bytes {
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        event.id,
        event.kind,
        event.data_for(masks_phones)
    ))
}

fn resync(reason: &str) -> Shared {
    let data = serde_json::to_string(&Resync {
        reason: reason.to_owned(),
    })
    .unwrap_or_default();
    Arc::new(LiveEvent {
        id: 0,
        kind: live_event::RESYNC.into(),
        data,
        masked: None,
    })
}

/// The live event stream (server-sent events).
///
/// Events, each with an `id`, a type and a JSON body: `dialog.updated`
/// (DialogUpdated), `message.created` (MessageCreated), `counts.changed`
/// (CountsChanged), `timeline.appended` (TimelineAppended), and `resync`
/// (Resync). A heartbeat comment comes every 15 s. Reconnect with
/// `Last-Event-ID` (or `last_event_id`) to receive exactly what you missed,
/// in order; events older than the replay buffer (5 minutes, at most 10,000
/// events) cannot be replayed: you get `resync` and should refetch lists and
/// counts. A client that stops reading is dropped rather than slowing
/// anyone; it resumes with `Last-Event-ID`. Works across several API
/// processes on one PostgreSQL database. Authenticate with the header, or,
/// where a browser cannot set headers, with a single-use `ticket` from
/// `POST /api/v1/stream/ticket`. The stream closes within 5 s once its
/// caller's session ends (logout, password reset, deactivation, a revoked
/// API token).
#[utoipa::path(
    tag = "live",
    params(StreamParams, ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event received")),
    security(("operator_jwt" = []), ("api_token" = ["read"])),
    responses(
        (status = 200, description = "An endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 401, description = "Not authenticated, or the ticket is unknown, used or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No right to read dialogs", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stream")]
pub async fn open_stream(
    Reader(caller): Reader,
    req: HttpRequest,
    state: web::Data<AppState>,
    hub: web::Data<LiveHub>,
    metrics: web::Data<Metrics>,
    params: web::Query<StreamParams>,
) -> Result<HttpResponse, ApiError> {
    let header = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let resume_after = match header {
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::bad_request("Last-Event-ID must be an event id"))?,
        ),
        None => params.last_event_id,
    };
    // Subscribe before reading the replay, so nothing falls between them.
    let receiver = hub.subscribe();
    let store = state.store.clone();
    let (replay, last) = blocking(move || {
        // A new client gets what is committed after it connected: the relay
        // may still be delivering older events, and those are skipped.
        let Some(after) = resume_after else {
            return Ok((VecDeque::new(), store.latest_live_event_id()?));
        };
        if after < store.live_pruned_through()? {
            return Ok((
                VecDeque::from([resync(
                    "the events after your Last-Event-ID are no longer kept",
                )]),
                0,
            ));
        }
        let mut replay = VecDeque::new();
        let mut last = after;
        loop {
            let rows = store.live_events_after(last, 1000)?;
            let done = rows.len() < 1000;
            let mut events = EventBuilder::new(&store);
            for row in rows {
                last = row.id;
                replay.push_back(Arc::new(
                    events
                        .build(row)
                        .map_err(dialogdesk_store::StoreError::Database)?,
                ));
            }
            if done {
                return Ok((replay, last));
            }
        }
    })
    .await?;
    metrics.stream_clients(1);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.reset();
    let mut recheck = tokio::time::interval(RECHECK);
    recheck.reset();
    let start = Stream {
        masks_phones: caller.masks_phones(),
        caller,
        store: state.store.clone(),
        recheck,
        replay,
        receiver,
        last,
        heartbeat,
        opened: false,
        _client: ClientGuard(metrics.into_inner()),
    };
    let body = body_stream::unfold(start, |mut s| async move {
        if !s.opened {
            s.opened = true;
            return Some((
                Ok::<Bytes, ApiError>(Bytes::from(format!("retry: {RETRY_MS}\n\n"))),
                s,
            ));
        }
        if let Some(event) = s.replay.pop_front() {
            return Some((Ok(frame(&event, s.masks_phones)), s));
        }
        loop {
            tokio::select! {
                received = s.receiver.recv() => match received {
                    // Already sent in the replay, or committed before the client connected.
                    Ok(event) if event.id <= s.last => continue,
                    Ok(event) => {
                        s.last = event.id;
                        return Some((Ok(frame(&event, s.masks_phones)), s));
                    }
                    // Fell behind: end the stream; the client resumes with Last-Event-ID.
                    Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return None,
                },
                _ = s.heartbeat.tick() => return Some((Ok(Bytes::from_static(b": heartbeat\n\n")), s)),
                // The session ended: close; a reconnect is refused with 401.
                // (A database hiccup keeps the stream open rather than
                // dropping every client at once.)
                _ = s.recheck.tick() => {
                    if let Ok(false) = still_valid(&s.store, &s.caller).await {
                        return None;
                    }
                }
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}
