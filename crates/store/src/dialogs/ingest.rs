//! Inbound deliveries are written in batches (group commit).
//!
//! Each delivery used to be its own transaction, and a durable commit waits
//! for the disk: a few hundred a second however many connectors sent at
//! once, since writes take their turn one at a time (see
//! `live::take_write_turn`). Here every delivery is handed to one writer
//! thread, which takes whatever has queued up (at most [`MAX_BATCH`]) and
//! writes it in one transaction; when a delivery fails (an unknown channel,
//! a race on a new lead) the batch is written again with each delivery in a
//! savepoint of its own, so the failed one rolls back alone and gets its
//! own error while the others commit. Every caller is
//! answered after the commit, so a 201 still means "on disk". With one
//! connector sending, a batch holds one delivery and nothing waits longer
//! than before.

use super::inbound::{deliver_in, Inbound, InboundOutcome};
use crate::error::{StoreError, StoreResult};
use crate::{DbConnection, Store};
use diesel::Connection;
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

/// Deliveries written in one transaction at most: enough to spread one
/// disk flush over many messages, few enough that a batch holds the write
/// turn for milliseconds only.
pub const MAX_BATCH: usize = 128;

/// One delivery waiting for the writer, and where its outcome goes.
struct Job {
    inbound: Inbound,
    reply: mpsc::SyncSender<StoreResult<InboundOutcome>>,
}

/// The writer thread and the queue to it. Held by every clone of a
/// [`Store`]; the writer holds a store without a queue of its own, so when
/// the last clone goes the queue closes and the thread ends (joined here,
/// so its connections are closed when the store is).
#[derive(Default)]
pub struct IngestQueue {
    writer: OnceLock<Writer>,
}

struct Writer {
    sender: Mutex<Option<mpsc::Sender<Job>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for IngestQueue {
    fn drop(&mut self) {
        if let Some(writer) = self.writer.get() {
            drop(lock(&writer.sender).take());
            if let Some(thread) = lock(&writer.thread).take() {
                let _ = thread.join();
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Store {
    /// Writes one delivery through the batch writer and waits for its
    /// commit.
    pub(super) fn deliver_batched(&self, inbound: &Inbound) -> StoreResult<InboundOutcome> {
        let writer = self.ingest.writer.get_or_init(|| self.start_writer());
        let (reply, outcome) = mpsc::sync_channel(1);
        let job = Job {
            inbound: inbound.clone(),
            reply,
        };
        let sent = lock(&writer.sender)
            .as_ref()
            .is_some_and(|sender| sender.send(job).is_ok());
        if !sent {
            return Err(writer_gone());
        }
        outcome.recv().unwrap_or_else(|_| Err(writer_gone()))
    }

    fn start_writer(&self) -> Writer {
        let (sender, jobs) = mpsc::channel::<Job>();
        let store = Store {
            ingest: Default::default(),
            ..self.clone()
        };
        let thread = std::thread::Builder::new()
            .name("inbound-writer".into())
            .spawn(move || write_batches(&store, &jobs))
            .ok();
        Writer {
            sender: Mutex::new(thread.is_some().then_some(sender)),
            thread: Mutex::new(thread),
        }
    }
}

fn writer_gone() -> StoreError {
    StoreError::Database(anyhow::anyhow!("the inbound writer has stopped"))
}

/// The writer thread: one transaction per batch, until the queue closes.
fn write_batches(store: &Store, jobs: &mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let written = write_batch(store, &batch);
        match written {
            Ok(outcomes) => {
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            // The batch as a whole failed (no connection, the commit): every
            // delivery in it is told, and none of them was stored.
            Err(e) => {
                let shared = e.to_string();
                let busy = matches!(e, StoreError::Busy { .. });
                for job in batch {
                    let _ = job.reply.send(Err(if busy {
                        StoreError::Busy {
                            detail: shared.clone(),
                            retry_after_seconds: 1,
                        }
                    } else {
                        StoreError::Database(anyhow::anyhow!("{shared}"))
                    }));
                }
            }
        }
    }
}

/// One transaction for the batch. Deliveries seldom fail, so the batch is
/// first written straight (two round trips fewer per delivery than a
/// savepoint each); when one fails, it took the transaction with it, and
/// the batch is written again with each delivery in a savepoint of its own.
fn write_batch(store: &Store, batch: &[Job]) -> StoreResult<Vec<StoreResult<InboundOutcome>>> {
    let straight = store.write("inbound", |conn| {
        batch
            .iter()
            .map(|job| deliver_in(conn, &job.inbound))
            .collect::<StoreResult<Vec<_>>>()
    });
    match straight {
        Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
        Err(e) if batch.len() == 1 => Ok(vec![Err(e)]),
        Err(_) => store.write("inbound", |conn| {
            Ok(batch
                .iter()
                .map(|job| in_savepoint(conn, &job.inbound))
                .collect())
        }),
    }
}

/// One delivery inside the batch's transaction: a savepoint that rolls
/// back alone when the delivery fails.
fn in_savepoint(conn: &mut DbConnection, inbound: &Inbound) -> StoreResult<InboundOutcome> {
    conn.transaction(|conn| deliver_in(conn, inbound))
}
