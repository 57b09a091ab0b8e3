//! Live updates: each process relays the outbox's new events (see
//! `dialogdesk_store::live`) to its own server-sent-event clients.

pub mod relay;

use std::sync::Arc;

/// One event as stream clients receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    /// Global id (SSE `id`, `Last-Event-ID`).
    pub id: i64,
    /// SSE event type, e.g. `dialog.updated`.
    pub kind: String,
    /// JSON body.
    pub data: String,
}

/// A shared, cheaply cloned event.
pub type Shared = Arc<LiveEvent>;
