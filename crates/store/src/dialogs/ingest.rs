//! Inbound deliveries are written in batches (group commit).
//!
//! Each delivery used to be its own transaction, and a durable commit waits
//! for the disk: a few hundred a second however many connectors sent at
//! once, since writes take their turn one at a time (see
//! `live::take_write_turn`). Here every delivery is handed to one writer
//! thread. It takes the first delivery that waits, opens the transaction
//! (BEGIN and the write turn), and only then gathers the rest of the batch
//! (whatever has queued up meanwhile, at most [`MAX_BATCH`]; while fewer
//! wait than its last batch held, it waits up to [`GATHER_WAIT`] for them),
//! so the round trip of BEGIN goes while the callers of the last batch are
//! on their way back. It writes the batch in rounds of deliveries that
//! share no lead (see `inbound::deliver_round`: on PostgreSQL a round reads
//! with one statement and writes its rows with one); when a delivery fails
//! (an unknown channel, a race on a new lead) the batch is written again
//! with each delivery in a savepoint of its own, so the failed one rolls
//! back alone and gets its own error while the others commit. Every caller
//! is answered after the commit, so a 201 still means "on disk": a thread
//! caller through a channel it blocks on, an async caller (the API's
//! handler) through a oneshot its task awaits, so no blocking thread sits
//! between the writer and the request. With one connector sending, a batch
//! holds one delivery and nothing waits longer than before.

use super::inbound::{deliver_round, Inbound, InboundOutcome};
use crate::db::PooledConn;
use crate::error::{StoreError, StoreResult};
use crate::{DbConnection, Plans, Store};
use diesel::Connection;
use futures_channel::oneshot;
use std::collections::HashSet;
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Deliveries written in one transaction at most: enough to spread one
/// disk flush over many messages, few enough that a batch holds the write
/// turn for milliseconds only.
pub const MAX_BATCH: usize = 128;

/// One delivery waiting for the writer, and where its outcome goes.
struct Job {
    inbound: Inbound,
    reply: Reply,
}

/// Who waits for a delivery's outcome: a thread (blocked until the
/// outcome comes) or an async task (woken when it comes, holding no thread
/// meanwhile).
enum Reply {
    Thread(mpsc::SyncSender<StoreResult<InboundOutcome>>),
    Task(oneshot::Sender<StoreResult<InboundOutcome>>),
}

impl Reply {
    /// Hands the outcome over; a caller that stopped waiting (its request
    /// was dropped) misses nothing it could still use.
    fn send(self, outcome: StoreResult<InboundOutcome>) {
        match self {
            Reply::Thread(to) => drop(to.send(outcome)),
            Reply::Task(to) => drop(to.send(outcome)),
        }
    }
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
        let (reply, outcome) = mpsc::sync_channel(1);
        self.enqueue(inbound, Reply::Thread(reply))?;
        outcome.recv().unwrap_or_else(|_| Err(writer_gone()))
    }

    /// [`Self::deliver_batched`] for an async caller: the request waits for
    /// the commit without holding a thread, so the outcome goes from the
    /// writer straight to the request's task (a blocking thread in between
    /// was two more thread wake-ups per delivery, in every batch's turn).
    pub(super) async fn deliver_batched_async(
        &self,
        inbound: &Inbound,
    ) -> StoreResult<InboundOutcome> {
        let (reply, outcome) = oneshot::channel();
        self.enqueue(inbound, Reply::Task(reply))?;
        outcome.await.unwrap_or_else(|_| Err(writer_gone()))
    }

    /// Queues one delivery for the writer (started on first use).
    fn enqueue(&self, inbound: &Inbound, reply: Reply) -> StoreResult<()> {
        let writer = self.ingest.writer.get_or_init(|| self.start_writer());
        let job = Job {
            inbound: inbound.clone(),
            reply,
        };
        let sent = lock(&writer.sender)
            .as_ref()
            .is_some_and(|sender| sender.send(job).is_ok());
        if sent {
            Ok(())
        } else {
            Err(writer_gone())
        }
    }

    /// Writes these deliveries as the writer thread writes one batch: in
    /// one transaction (each in a savepoint of its own when one fails), and
    /// answers each, in order. For connectors that deliver in bulk, and for
    /// tests that compare a batch with the same deliveries one by one.
    pub fn inbound_batch(&self, deliveries: &[Inbound]) -> Vec<StoreResult<InboundOutcome>> {
        let written = self
            .connection("inbound")
            .and_then(|mut conn| write_batch(self, &mut conn, &mut deliveries.to_vec(), |_| ()));
        written.unwrap_or_else(|e| {
            let shared = e.to_string();
            deliveries
                .iter()
                .map(|_| Err(StoreError::Database(anyhow::anyhow!("{shared}"))))
                .collect()
        })
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

/// How long the writer keeps its connection after a batch when no
/// delivery is waiting: under load the next one comes within this, and the
/// writer skips the pool (its checkout test is one more round trip per
/// batch); when deliveries stop, the connection goes back to the pool, so
/// an idle writer never holds one a small pool needs.
const KEEP_CONNECTION: Duration = Duration::from_millis(100);

/// How long the writer waits, at most, for the callers of its last batch
/// to come back before it writes a smaller one. The wait ends as soon as
/// as many deliveries wait as the last batch held, and it never starts
/// when the last batch held one (a lone connector waits for nothing), so
/// a caller waits longer only while traffic falls, and by 2 ms at most,
/// against the 3–6 ms of a batch's commit. Measured at 16 connections on
/// PostgreSQL (BENCHMARKS.md): 0.4 ms gained nothing, 1 ms 1.12×, 1.5–3 ms
/// about 1.2× (a plateau).
const GATHER_WAIT: Duration = Duration::from_millis(2);

/// The writer thread: one transaction per batch, until the queue closes.
fn write_batches(store: &Store, jobs: &mpsc::Receiver<Job>) {
    let mut held: Option<PooledConn> = None;
    let mut last_batch = 0;
    loop {
        // Without a connection to give back, wait for as long as it takes.
        let wait = if held.is_some() {
            KEEP_CONNECTION
        } else {
            Duration::MAX
        };
        let first = match jobs.recv_timeout(wait) {
            Ok(job) => job,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                held = None;
                continue;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let gather_until = Instant::now() + GATHER_WAIT;
        let (mut deliveries, mut replies) = (vec![first.inbound], vec![first.reply]);
        // The rest of the batch is gathered once the transaction is open:
        // its BEGIN (with the write turn) goes while the callers of the last
        // batch are still on their way back, instead of after them.
        let gather = |deliveries: &mut Vec<Inbound>| {
            let mut take = |deliveries: &mut Vec<Inbound>, job: Job| {
                deliveries.push(job.inbound);
                replies.push(job.reply);
            };
            while deliveries.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => take(deliveries, job),
                    Err(_) => break,
                }
            }
            // Fewer waiting than the last batch answered: those callers are
            // likely on their way back (a connector sends its next message
            // when the last one is stored). Wait a little for them, so one
            // batch carries them all instead of two (a batch costs a few
            // round trips whatever its size).
            while deliveries.len() < last_batch.min(MAX_BATCH) {
                let left = gather_until.saturating_duration_since(Instant::now());
                match jobs.recv_timeout(left) {
                    Ok(job) => take(deliveries, job),
                    Err(_) => break,
                }
            }
        };
        let written = match held.take().map_or_else(|| store.connection("inbound"), Ok) {
            Ok(mut conn) => {
                let written = write_batch(store, &mut conn, &mut deliveries, gather);
                // After any failure the connection is not kept (it may be
                // the connection that failed): the pool tests it before
                // anyone takes it again.
                if matches!(&written, Ok(outcomes) if outcomes.iter().all(Result::is_ok)) {
                    held = Some(conn);
                }
                written
            }
            Err(e) => Err(e),
        };
        last_batch = deliveries.len();
        match written {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    reply.send(outcome);
                }
            }
            // The batch as a whole failed (no connection, the commit): every
            // delivery in it is told, and none of them was stored.
            Err(e) => {
                let shared = e.to_string();
                let busy = matches!(e, StoreError::Busy { .. });
                for reply in replies {
                    reply.send(Err(if busy {
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

/// A batch's lookups (`inbound::KnownQuery`) take the round's deliveries as
/// arrays. PostgreSQL's generic plan of them expects ten deliveries, so for
/// a round of fewer a plan of its own always looks cheaper, and it would
/// plan them anew on every round (half a millisecond, BENCHMARKS.md),
/// though the generic plan (an index search per delivery) is the same.
/// Every other statement of a batch looks rows up by key or writes them,
/// where the generic plan is the plan.
const PLANS: Plans = Plans::Generic;

/// One transaction for the batch. Deliveries seldom fail, so the batch is
/// first written straight, round by round; when one fails, it took the
/// transaction with it, and the batch is written again with each delivery
/// in a savepoint of its own. `gather` adds the rest of the batch to
/// `deliveries` once the transaction is open (the deliveries that came
/// meanwhile); when the transaction cannot be opened, it never runs, and
/// what it would have taken waits for the next batch.
fn write_batch(
    store: &Store,
    conn: &mut DbConnection,
    deliveries: &mut Vec<Inbound>,
    gather: impl FnOnce(&mut Vec<Inbound>),
) -> StoreResult<Vec<StoreResult<InboundOutcome>>> {
    let straight = store.write_on(conn, "inbound", PLANS, |conn| {
        gather(deliveries);
        let batch: Vec<&Inbound> = deliveries.iter().collect();
        let mut outcomes = Vec::with_capacity(batch.len());
        for round in rounds(&batch) {
            outcomes.extend(deliver_round(conn, &round)?);
        }
        Ok(outcomes)
    });
    match straight {
        Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
        Err(e) if deliveries.len() == 1 => Ok(vec![Err(e)]),
        Err(_) => store.write_on(conn, "inbound", PLANS, |conn| {
            Ok(deliveries
                .iter()
                .map(|inbound| in_savepoint(conn, inbound))
                .collect())
        }),
    }
}

/// The batch in order, cut into rounds in which no two deliveries share a
/// lead (chat id or phone on a channel) or a channel message id: a round's
/// deliveries are decided on the database as the round found it, so the
/// second message of a lead must wait for the next round to see the first.
fn rounds<'a>(batch: &[&'a Inbound]) -> Vec<Vec<&'a Inbound>> {
    let mut rounds: Vec<Vec<&Inbound>> = Vec::new();
    let mut keys: HashSet<(i64, u8, &str)> = HashSet::new();
    for &inbound in batch {
        let channel = inbound.channel_id.0;
        let mine: Vec<(i64, u8, &str)> = [
            inbound
                .client
                .external_id
                .as_deref()
                .map(|k| (channel, 0, k)),
            inbound
                .client
                .phone
                .as_ref()
                .map(|p| (channel, 1, p.as_str())),
            inbound
                .message
                .external_id
                .as_deref()
                .map(|k| (channel, 2, k)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if rounds.is_empty() || mine.iter().any(|k| keys.contains(k)) {
            rounds.push(Vec::new());
            keys.clear();
        }
        keys.extend(mine);
        if let Some(round) = rounds.last_mut() {
            round.push(inbound);
        }
    }
    rounds
}

/// One delivery inside the batch's transaction: a savepoint that rolls
/// back alone when the delivery fails.
fn in_savepoint(conn: &mut DbConnection, inbound: &Inbound) -> StoreResult<InboundOutcome> {
    conn.transaction(|conn| {
        deliver_round(conn, &[inbound])?
            .pop()
            .ok_or_else(|| StoreError::Database(anyhow::anyhow!("a delivery had no outcome")))
    })
}
