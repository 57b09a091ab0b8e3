//! The live stream: one `EventSource` per login, feeding the `Live`
//! signals. The browser reconnects by itself and sends `Last-Event-ID`, so
//! missed events are replayed by the server.

use super::ctx::Ctx;
use futures::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use leptos::prelude::*;
use leptos::task::spawn_local;

const KINDS: [&str; 5] = [
    "dialog.updated",
    "message.created",
    "timeline.appended",
    "counts.changed",
    "resync",
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
            match kind.as_str() {
                "dialog.updated" => live.dialog.set(serde_json::from_str(&data).ok()),
                "message.created" => live.message.set(serde_json::from_str(&data).ok()),
                "timeline.appended" => live.timeline.set(serde_json::from_str(&data).ok()),
                "counts.changed" => {
                    let counts: Option<dialogdesk_domain::wire::CountsChanged> =
                        serde_json::from_str(&data).ok();
                    live.counts.set(counts.map(|c| c.counts));
                }
                _ => live.resync.update(|n| *n += 1),
            }
        }
        source.close();
    });
}
