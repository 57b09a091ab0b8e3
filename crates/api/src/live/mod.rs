//! Live updates: each process relays the outbox's new events (see
//! `dialogdesk_store::live`) to its own server-sent-event clients.

pub mod relay;
pub mod slots;

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
    /// The body for callers who see phones masked, where it differs
    /// (channel ids can hold the lead's number).
    pub masked: Option<String>,
}

impl LiveEvent {
    /// The body this caller may see.
    pub fn data_for(&self, masks_phones: bool) -> &str {
        match (&self.masked, masks_phones) {
            (Some(masked), true) => masked,
            _ => &self.data,
        }
    }
}

/// A shared, cheaply cloned event.
pub type Shared = Arc<LiveEvent>;
