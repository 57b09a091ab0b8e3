//! How many live streams may be open: per caller and per process. Each
//! open stream holds a connection, a broadcast receiver and its buffer, so
//! without a bound one token (or a script in a loop) could hold them all.
//! Beyond either bound a new stream gets 429 with `Retry-After`.

use crate::auth::Caller;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamCaps {
    /// Streams one operator or API token may hold (browser tabs, workers).
    pub per_caller: usize,
    /// Streams one process serves.
    pub total: usize,
}

impl Default for StreamCaps {
    fn default() -> Self {
        StreamCaps {
            per_caller: 16,
            total: 2_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Holder {
    Operator(i64),
    Token(i64),
}

#[derive(Default)]
struct Held {
    by_caller: HashMap<Holder, usize>,
    total: usize,
}

/// The streams open in this process.
pub struct StreamSlots {
    caps: StreamCaps,
    held: Arc<Mutex<Held>>,
}

/// Why a stream may not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// This caller holds its share.
    Caller(usize),
    /// The process serves its most.
    Process(usize),
}

/// An open stream's place; given back when dropped (the stream ended or
/// its client went away).
pub struct Slot {
    holder: Holder,
    held: Arc<Mutex<Held>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.total = held.total.saturating_sub(1);
        if let Some(n) = held.by_caller.get_mut(&self.holder) {
            *n -= 1;
            if *n == 0 {
                held.by_caller.remove(&self.holder);
            }
        }
    }
}

impl StreamSlots {
    /// Slots under `caps`.
    pub fn new(caps: StreamCaps) -> StreamSlots {
        StreamSlots {
            caps,
            held: Arc::default(),
        }
    }

    /// Streams open now (the `dialogdesk_stream_clients` gauge).
    pub fn open(&self) -> usize {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).total
    }

    /// A place for one more stream of `caller`, if both bounds allow.
    pub fn take(&self, caller: &Caller) -> Result<Slot, Full> {
        let holder = match caller {
            Caller::Operator { id, .. } => Holder::Operator(id.0),
            Caller::Token { id, .. } => Holder::Token(id.0),
        };
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if held.by_caller.get(&holder).copied().unwrap_or(0) >= self.caps.per_caller {
            return Err(Full::Caller(self.caps.per_caller));
        }
        if held.total >= self.caps.total {
            return Err(Full::Process(self.caps.total));
        }
        held.total += 1;
        *held.by_caller.entry(holder).or_default() += 1;
        Ok(Slot {
            holder,
            held: self.held.clone(),
        })
    }
}
