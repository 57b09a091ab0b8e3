//! The live stream: one `EventSource` at a time per login, feeding the
//! `Live` signals.
//!
//! `EventSource` cannot send a header, and no credential may ride in a URL,
//! so each connection opens with a fresh single-use ticket
//! (`POST /api/v1/stream/ticket`, made with the session cookie). The
//! browser's own reconnect would reuse the spent ticket, so this module
//! reconnects itself: on any error it closes the source, waits, asks for a
//! new ticket and resumes after the last event it saw (`last_event_id`), so
//! missed events are replayed by the server. A 401 on the ticket means the
//! session ended: the API client logs out and the loop stops.

use super::api;
use super::ctx::{Ctx, RawEvent};
use dialogdesk_domain::wire::{live_event, CountsChanged, DialogUpdated, StreamParams};
use futures::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use gloo_timers::future::sleep;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

const KINDS: [&str; 7] = [
    live_event::DIALOG_UPDATED,
    live_event::MESSAGE_CREATED,
    live_event::MESSAGE_DELIVERY_UPDATED,
    live_event::TIMELINE_APPENDED,
    live_event::COUNTS_CHANGED,
    live_event::CATALOG_CHANGED,
    live_event::RESYNC,
];

/// The server's advice (`retry:`), and our pause before reconnecting.
const RECONNECT_AFTER: Duration = Duration::from_secs(2);

/// Runs the stream for the login numbered `serial` until another login
/// (or a logout) replaces it.
pub fn connect(ctx: Ctx, serial: u32) {
    spawn_local(async move {
        let mut last_event_id: Option<i64> = None;
        while ctx.serial() == Some(serial) {
            if let Ok(ticket) = api::auth::stream_ticket().await {
                let params = StreamParams {
                    ticket: Some(ticket.ticket),
                    last_event_id,
                };
                let url = api::with_query("/api/v1/stream", &params);
                listen(ctx, serial, &url, &mut last_event_id).await;
            }
            sleep(RECONNECT_AFTER).await;
        }
    });
}

/// Reads one connection until it fails or the login changes, keeping
/// `last_event_id` at the last event seen (none after a resync: what came
/// before it cannot be replayed, and the pages refetch anyway).
async fn listen(ctx: Ctx, serial: u32, url: &str, last_event_id: &mut Option<i64>) {
    let Ok(mut source) = EventSource::new(url) else {
        return;
    };
    let mut streams = Vec::new();
    for kind in KINDS {
        if let Ok(sub) = source.subscribe(kind) {
            streams.push(sub);
        }
    }
    let mut all = futures::stream::select_all(streams);
    while let Some(Ok((kind, event))) = all.next().await {
        if ctx.serial() != Some(serial) {
            break;
        }
        if let Ok(id) = event.last_event_id().parse::<i64>() {
            *last_event_id = (id > 0).then_some(id);
        }
        let data = event.data().as_string().unwrap_or_default();
        let live = ctx.live;
        let resync = move || live.resync.update(|n| *n += 1);
        // Decoded here: what the dialog list and the tabs read. The chat's
        // events go on as they came (`Live::chat`). `catalog.changed` and
        // `resync` say all there is to know by their name.
        match kind.as_str() {
            live_event::DIALOG_UPDATED => match serde_json::from_str::<DialogUpdated>(&data) {
                Ok(d) => live.dialog.set(Some(d)),
                Err(_) => resync(),
            },
            live_event::COUNTS_CHANGED => match serde_json::from_str::<CountsChanged>(&data) {
                Ok(c) => live.counts.set(Some(c.counts)),
                Err(_) => resync(),
            },
            live_event::CATALOG_CHANGED => live.catalog.update(|n| *n += 1),
            live_event::MESSAGE_CREATED
            | live_event::MESSAGE_DELIVERY_UPDATED
            | live_event::TIMELINE_APPENDED => live.chat.set(Some(RawEvent { kind, data })),
            // A resync, or an event this version does not know: refetch.
            _ => resync(),
        }
    }
    source.close();
}
