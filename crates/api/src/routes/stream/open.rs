//! `GET /api/v1/stream`: server-sent events.

use crate::auth::{still_valid, Caller, Reader};
use crate::live::relay::{EventBuilder, LiveHub};
use crate::live::slots::{Full, Slot, StreamSlots};
use crate::live::{LiveEvent, Shared};
use crate::problem::{ApiError, Problem};
use crate::routes::blocking;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use dialogdesk_domain::wire::{live_event, Resync, StreamParams};
use futures_util::stream as body_stream;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};

/// A comment line keeps idle connections (and proxies) alive. It is also
/// when a stream checks that its caller may still read (a logout, password
/// reset, deactivation or token revocation closes the stream by the next
/// beat, in every process, since it asks the database) and how a client
/// that went away is noticed (a write to it fails), giving back its slot.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// Asked of clients before they reconnect.
const RETRY_MS: u32 = 2000;

struct Stream {
    caller: Caller,
    store: dialogdesk_store::Store,
    masks_phones: bool,
    replay: VecDeque<Shared>,
    /// Replay the events after this id next (`None`: replay done).
    replay_from: Option<i64>,
    receiver: broadcast::Receiver<Shared>,
    last: i64,
    heartbeat: tokio::time::Interval,
    opened: bool,
    /// Given back when the stream ends; also what `/metrics` counts.
    _slot: Slot,
}

fn frame(event: &LiveEvent, masks_phones: bool) -> Bytes {
    Bytes::from(format!(
        "id: {}\nevent: {}\ndata: {}\n\n",
        event.id,
        event.kind,
        event.data_for(masks_phones)
    ))
}

/// Replayed events are read this many at a time, as the client takes them:
/// a client resuming far back holds one page in memory, not the whole
/// replay buffer (up to 10,000 events).
const REPLAY_PAGE: usize = 200;

/// The next page of events after `after`, and whether it is the last.
fn replay_page(
    store: &dialogdesk_store::Store,
    after: i64,
) -> dialogdesk_store::StoreResult<(VecDeque<Shared>, bool)> {
    let rows = store.live_events_after(after, REPLAY_PAGE as i64)?;
    let done = rows.len() < REPLAY_PAGE;
    let mut events = EventBuilder::new(|| store.status_counts());
    let mut page = VecDeque::with_capacity(rows.len());
    for row in rows {
        page.push_back(Arc::new(
            events
                .build(row)
                .map_err(dialogdesk_store::StoreError::Database)?,
        ));
    }
    Ok((page, done))
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
/// (DialogUpdated), `message.created` (MessageCreated),
/// `message.delivery_updated` (MessageDeliveryUpdated), `counts.changed`
/// (CountsChanged), `timeline.appended` (TimelineAppended),
/// `catalog.changed` (CatalogChanged: operators, channels, flows or tags
/// changed; read that part again), and `resync` (Resync). A heartbeat comment comes every 5 s. Reconnect with
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
        (status = 429, description = "Too many streams open: this caller's (16) or the server's (2,000)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stream")]
pub async fn open_stream(
    Reader(caller): Reader,
    req: HttpRequest,
    state: web::Data<AppState>,
    hub: web::Data<LiveHub>,
    slots: web::Data<StreamSlots>,
    params: web::Query<StreamParams>,
) -> Result<HttpResponse, ApiError> {
    let slot = slots.take(&caller).map_err(|full| {
        let detail = match full {
            Full::Caller(n) => {
                format!("you have {n} live streams open, the most one caller may hold; close one")
            }
            Full::Process(n) => {
                format!("the server holds {n} live streams, its most; try again shortly")
            }
        };
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too-many-streams", detail)
            .with_header("retry-after", "5")
    })?;
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
    let (replay, last, replay_from) = blocking(move || {
        // A new client gets what is committed after it connected: the relay
        // may still be delivering older events, and those are skipped.
        let Some(after) = resume_after else {
            return Ok((VecDeque::new(), store.latest_live_event_id()?, None));
        };
        if after < store.live_pruned_through()? {
            return Ok((
                VecDeque::from([resync(
                    "the events after your Last-Event-ID are no longer kept",
                )]),
                0,
                None,
            ));
        }
        // What was missed is read page by page as the client takes it.
        Ok((VecDeque::new(), after, Some(after)))
    })
    .await?;
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.reset();
    let start = Stream {
        masks_phones: caller.masks_phones(),
        caller,
        store: state.store.clone(),
        replay,
        replay_from,
        receiver,
        last,
        heartbeat,
        opened: false,
        _slot: slot,
    };
    let body = body_stream::unfold(start, |mut s| async move {
        if !s.opened {
            s.opened = true;
            return Some((
                Ok::<Bytes, ApiError>(Bytes::from(format!("retry: {RETRY_MS}\n\n"))),
                s,
            ));
        }
        if s.replay.is_empty() {
            if let Some(after) = s.replay_from.take() {
                let store = s.store.clone();
                // A database error ends the stream; the client resumes.
                let Ok(Ok((page, done))) = web::block(move || replay_page(&store, after)).await
                else {
                    return None;
                };
                if let Some(last) = page.back().map(|e| e.id) {
                    s.last = last;
                    s.replay_from = (!done).then_some(last);
                }
                s.replay = page;
            }
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
                _ = s.heartbeat.tick() => {
                    // The session ended: close; a reconnect is refused with
                    // 401. (A database hiccup keeps the stream open rather
                    // than dropping every client at once.)
                    if let Ok(false) = still_valid(&s.store, &s.caller).await {
                        return None;
                    }
                    return Some((Ok(Bytes::from_static(b": heartbeat\n\n")), s));
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
