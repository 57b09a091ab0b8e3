//! The relay: a thread that wakes on commits (this process's signal, and on
//! PostgreSQL other processes' `NOTIFY`), reads new outbox rows in order and
//! broadcasts them. The broadcast never waits for a receiver: a receiver
//! that falls behind by more than the buffer is told it lagged and is
//! dropped by its stream, which the client then resumes with `Last-Event-ID`.

use super::{LiveEvent, Shared};
use crate::metrics::Metrics;
use dialogdesk_domain::wire::{CountsChanged, MessageCreated, StatusCounts};
use dialogdesk_store::live::{kind, LiveRow, PgListener};
use dialogdesk_store::{Store, StoreResult};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Events a slow client may fall behind by before it is dropped (the
/// default of `ApiConfig::live_client_buffer`).
pub const CLIENT_BUFFER: usize = 1024;
/// The replay buffer: events older than this are pruned…
pub const REPLAY_AGE: chrono::Duration = chrono::Duration::minutes(5);
/// …and never more than this many are kept.
pub const REPLAY_ROWS: i64 = 10_000;
/// How often PostgreSQL notifications are looked for.
const PG_POLL: Duration = Duration::from_millis(10);
/// Even without a signal, look now and then (another process on SQLite,
/// a lost notification after a reconnect).
const IDLE_LOOK: Duration = Duration::from_secs(1);
const PRUNE_EVERY: Duration = Duration::from_secs(30);

/// The sending side of the live events of this process.
#[derive(Clone)]
pub struct LiveHub {
    sender: broadcast::Sender<Shared>,
}

impl LiveHub {
    /// A receiver of every event relayed from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Shared> {
        self.sender.subscribe()
    }

    /// Starts the relay thread.
    pub fn start(
        store: Store,
        metrics: Arc<Metrics>,
        client_buffer: usize,
    ) -> anyhow::Result<LiveHub> {
        let (sender, _) = broadcast::channel(client_buffer.max(1));
        let hub = LiveHub {
            sender: sender.clone(),
        };
        let last = store.latest_live_event_id()?;
        std::thread::Builder::new()
            .name("dialogdesk-live-relay".into())
            .spawn(move || relay(store, sender, metrics, last))?;
        Ok(hub)
    }
}

/// Turns a batch of outbox rows into what clients receive. `counts.changed`
/// carries the counts read once per batch, after the batch's rows were
/// fetched, so the newest such event always equals `GET /counts`.
pub struct EventBuilder<F> {
    read_counts: F,
    counts: Option<String>,
}

impl<F: FnMut() -> StoreResult<StatusCounts>> EventBuilder<F> {
    /// A builder for one batch; `read_counts` reads the counts, once, if
    /// the batch has a `counts.changed`.
    pub fn new(read_counts: F) -> EventBuilder<F> {
        EventBuilder {
            read_counts,
            counts: None,
        }
    }

    /// The event of one row.
    pub fn build(&mut self, row: LiveRow) -> anyhow::Result<LiveEvent> {
        let data = if row.kind == kind::COUNTS_CHANGED {
            match &self.counts {
                Some(counts) => counts.clone(),
                None => {
                    let counts = serde_json::to_string(&CountsChanged {
                        counts: (self.read_counts)()?,
                    })?;
                    self.counts = Some(counts.clone());
                    counts
                }
            }
        } else {
            row.payload
        };
        let masked = if row.kind == kind::MESSAGE_CREATED {
            let mut created: MessageCreated = serde_json::from_str(&data)?;
            crate::masking::strip_channel_ids(&mut created.message)
                .then(|| serde_json::to_string(&created))
                .transpose()?
        } else {
            None
        };
        Ok(LiveEvent {
            id: row.id,
            kind: row.kind,
            data,
            masked,
        })
    }
}

fn relay(store: Store, sender: broadcast::Sender<Shared>, metrics: Arc<Metrics>, mut last: i64) {
    let signal = store.commit_signal();
    let mut listener = None;
    let mut seen = signal.generation();
    let mut last_prune = Instant::now();
    loop {
        if store.target().is_sqlite() {
            seen = signal.wait_after(seen, IDLE_LOOK);
        } else {
            if listener.is_none() {
                listener = store.listen().unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "cannot LISTEN for live events; retrying");
                    None
                });
            }
            let started = Instant::now();
            loop {
                let generation = signal.wait_after(seen, PG_POLL);
                let notified = match listener.as_mut().map(|l| l.poll()) {
                    Some(Ok(n)) => n,
                    Some(Err(e)) => {
                        tracing::warn!(error = %e, "lost the LISTEN connection; reconnecting");
                        listener = None;
                        true
                    }
                    None => false,
                };
                if generation != seen || notified || started.elapsed() >= IDLE_LOOK {
                    seen = generation;
                    break;
                }
            }
        }
        loop {
            let read = read_on(
                &mut listener,
                |l| l.live_events_after(last, 500),
                || store.live_events_after(last, 500),
            );
            let rows = match read {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, "reading live events failed");
                    std::thread::sleep(Duration::from_millis(200));
                    break;
                }
            };
            let more = rows.len() == 500;
            let mut events = EventBuilder::new(|| {
                read_on(&mut listener, PgListener::status_counts, || {
                    store.status_counts()
                })
            });
            for row in rows {
                last = row.id;
                match events.build(row) {
                    Ok(event) => {
                        metrics.event_published();
                        // No receivers is fine: nobody is watching.
                        let _ = sender.send(Arc::new(event));
                    }
                    Err(e) => tracing::warn!(error = %e, "relaying a live event failed"),
                }
            }
            if !more {
                break;
            }
        }
        if last_prune.elapsed() >= PRUNE_EVERY {
            last_prune = Instant::now();
            if let Err(e) = store.prune_live_events(REPLAY_ROWS, REPLAY_AGE) {
                tracing::warn!(error = %e, "pruning live events failed");
            }
        }
    }
}

/// A read on the listener's own connection when there is one (PostgreSQL:
/// the relay reads after every commit, and a pooled connection costs a
/// checkout test each time), else through the pool. A failure on the
/// listener drops it (the relay listens anew) and reads through the pool.
fn read_on<T>(
    listener: &mut Option<PgListener>,
    on_listener: impl FnOnce(&mut PgListener) -> StoreResult<T>,
    pooled: impl FnOnce() -> StoreResult<T>,
) -> StoreResult<T> {
    if let Some(l) = listener.as_mut() {
        match on_listener(l) {
            Ok(value) => return Ok(value),
            Err(e) => {
                tracing::warn!(error = %e, "the LISTEN connection failed a read; reconnecting");
                *listener = None;
            }
        }
    }
    pooled()
}
