//! The live stream: one `EventSource` per login, feeding the `Live`
//! signals. The browser reconnects by itself and sends `Last-Event-ID`, so
//! missed events are replayed by the server.

use super::ctx::Ctx;
use dialogdesk_domain::wire::{live_event, LiveEventBody};
use futures::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;
use leptos::task::spawn_local;

const KINDS: [&str; 5] = [
    live_event::DIALOG_UPDATED,
    live_event::MESSAGE_CREATED,
    live_event::TIMELINE_APPENDED,
    live_event::COUNTS_CHANGED,
    live_event::RESYNC,
];

/// Opens the stream for the current session; it closes when `alive` turns false.
pub fn connect(ctx: Ctx, token: String) {
    let url = format!("/api/v1/stream?token={}", crate::logic::url::encode(&token));
    let Ok(mut source) = EventSource::new(&url) else {
        return;
    };
    let mut streams = Vec::new();
    for kind in KINDS {
        if let Ok(sub) = source.subscribe(kind) {
            streams.push(sub);
        }
    }
    let mut all = futures::stream::select_all(streams);
    spawn_local(async move {
        while let Some(Ok((kind, event))) = all.next().await {
            // A new login replaced this one: stop listening.
            if ctx.session.get_untracked().map(|s| s.token) != Some(token.clone()) {
                break;
            }
            let data = event.data().as_string().unwrap_or_default();
            let live = ctx.live;
            match LiveEventBody::decode(&kind, &data) {
                Some(LiveEventBody::DialogUpdated(d)) => live.dialog.set(Some(d)),
                Some(LiveEventBody::MessageCreated(m)) => live.message.set(Some(m)),
                Some(LiveEventBody::TimelineAppended(t)) => live.timeline.set(Some(t)),
                Some(LiveEventBody::CountsChanged(c)) => live.counts.set(Some(c.counts)),
                // A resync, or a payload this version cannot read: refetch.
                Some(LiveEventBody::Resync(_)) | None => live.resync.update(|n| *n += 1),
            }
        }
        source.close();
    });
}
