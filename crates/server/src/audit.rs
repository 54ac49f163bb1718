//! The audit writer: one thread with its own store connection appends the
//! decisions of all requests, many per transaction (group commit). A
//! request gets its decision ids only after their transaction committed,
//! so no decision leaves the server unrecorded.
//!
//! The queue is bounded. When it is full the request is refused (429)
//! rather than queued without end: memory stays bounded under overload.

use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread;

use axum::http::StatusCode;
use interdict_store::{Durability, NewRecord, Store};
use tokio::sync::oneshot;

use crate::Error;

/// Records appended per transaction at most.
const MAX_BATCH: usize = 2048;

/// How often the write-ahead log is checkpointed beside the writer.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

struct Job {
    records: Vec<NewRecord>,
    reply: oneshot::Sender<Result<Vec<String>, String>>,
}

/// The handle requests append through.
pub struct AuditWriter {
    queue: SyncSender<Job>,
}

impl AuditWriter {
    /// Starts the writer thread on the store in `data_dir`, with room for
    /// `capacity` waiting requests.
    pub fn start(
        data_dir: &Path,
        capacity: usize,
        durability: Durability,
    ) -> Result<AuditWriter, interdict_store::Error> {
        let store = Store::open(data_dir)?;
        store.set_durability(durability)?;
        // Checkpoints copy megabytes and sync them: run inside a commit they
        // stall every request waiting for it, so a second connection runs
        // them beside the writer instead.
        store.set_auto_checkpoint(false)?;
        let checkpointer = Store::open(data_dir)?;
        let (queue, jobs) = mpsc::sync_channel(capacity.max(1));
        let (writer_alive, writer_gone) = mpsc::channel::<()>();
        thread::Builder::new()
            .name("interdict-audit".to_string())
            .spawn(move || {
                let _alive = writer_alive;
                write_loop(store, jobs)
            })
            .expect("spawning the audit thread");
        thread::Builder::new()
            .name("interdict-checkpoint".to_string())
            .spawn(move || checkpoint_loop(checkpointer, writer_gone))
            .expect("spawning the checkpoint thread");
        Ok(AuditWriter { queue })
    }

    /// Appends `records` and returns their decision ids, in order, once
    /// they are committed.
    pub async fn append(&self, records: Vec<NewRecord>) -> Result<Vec<String>, Error> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let (reply, answer) = oneshot::channel();
        match self.queue.try_send(Job { records, reply }) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                metrics::counter!("interdict_shed_total", "reason" => "audit_queue").increment(1);
                return Err(Error::overloaded());
            }
            Err(TrySendError::Disconnected(_)) => return Err(unavailable("the audit writer has stopped")),
        }
        match answer.await {
            Ok(Ok(ids)) => Ok(ids),
            Ok(Err(e)) => Err(unavailable(&e)),
            Err(_) => Err(unavailable("the audit writer has stopped")),
        }
    }
}

fn unavailable(why: &str) -> Error {
    Error::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "audit_unavailable",
        format!("the decision could not be recorded in the audit log, so it is not returned: {why}"),
    )
}

/// Checkpoints the log every [`CHECKPOINT_EVERY`] until the writer stops.
fn checkpoint_loop(store: Store, writer_gone: Receiver<()>) {
    loop {
        match writer_gone.recv_timeout(CHECKPOINT_EVERY) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(e) = store.checkpoint() {
                    eprintln!("warning: audit log checkpoint: {e}");
                }
            }
            _ => {
                let _ = store.checkpoint();
                return;
            }
        }
    }
}

fn write_loop(mut store: Store, jobs: Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        let mut count = batch[0].records.len();
        while count < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => {
                    count += job.records.len();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let mut all: Vec<NewRecord> = Vec::with_capacity(count);
        let mut replies = Vec::with_capacity(batch.len());
        for job in batch {
            replies.push((job.records.len(), job.reply));
            all.extend(job.records);
        }
        match store.append_decisions(&all) {
            Ok(appended) => {
                let mut ids = appended.into_iter().map(|r| r.decision_id);
                for (len, reply) in replies {
                    let mine: Vec<String> = ids.by_ref().take(len).collect();
                    let _ = reply.send(Ok(mine));
                }
                metrics::counter!("interdict_audit_records_total").increment(count as u64);
            }
            Err(e) => {
                let why = e.to_string();
                for (_, reply) in replies {
                    let _ = reply.send(Err(why.clone()));
                }
            }
        }
    }
}
