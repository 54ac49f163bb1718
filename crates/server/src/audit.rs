//! The audit writer: one thread with its own store connection appends the
//! decisions of all requests, many per transaction (group commit). A
//! request gets its decision ids only after their transaction committed,
//! so no decision leaves the server unrecorded.
//!
//! The queue is bounded. When it is full the request is refused (429)
//! rather than queued without end: memory stays bounded under overload.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread;

use axum::http::StatusCode;
use interdict_store::{Checkpointed, Durability, NewRecord, Store};
use tokio::sync::oneshot;

use crate::Error;

/// Records appended per transaction at most.
const MAX_BATCH: usize = 2048;

/// How often the write-ahead log is checkpointed beside the writer.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(50);

/// The log's length, in frames (a page each, 4 KiB: 2 MiB), past which the
/// writer is asked to start it again; see [`checkpoint_once`]. Each start
/// holds the writer, and every request waiting on it, for a checkpoint and
/// its syncs, and that hold grew with the log: measured on a virtual disk
/// at 9,000 decisions a second, 60–94 ms when the log was let grow to
/// 256 MiB (a latency spike every 7 s, the whole p99 at that rate), 3–5 ms
/// at 4 MiB with a checkpoint every 100 ms. Shorter holds more often serve
/// the tail better: at 10,500 a second the half-rate p99 was 5.9–8.8 ms
/// with 2 MiB and 50 ms, 8.4–15.9 ms with 4 MiB and 100 ms.
const RESTART_AFTER_FRAMES: i64 = 512;

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
        let restart_due = Arc::new(AtomicBool::new(false));
        let asked = restart_due.clone();
        thread::Builder::new()
            .name("interdict-audit".to_string())
            .spawn(move || {
                let _alive = writer_alive;
                write_loop(store, asked, jobs)
            })
            .expect("spawning the audit thread");
        thread::Builder::new()
            .name("interdict-checkpoint".to_string())
            .spawn(move || checkpoint_loop(checkpointer, restart_due, writer_gone))
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
fn checkpoint_loop(store: Store, restart_due: Arc<AtomicBool>, writer_gone: Receiver<()>) {
    loop {
        match writer_gone.recv_timeout(CHECKPOINT_EVERY) {
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if let Err(e) = checkpoint_once(&store, RESTART_AFTER_FRAMES, &restart_due) {
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

/// One round of [`checkpoint_loop`]: a passive checkpoint, which does the
/// copying beside the writer. Under steady load the writer appends while
/// it runs, so the log is never all copied, and SQLite starts a log again
/// only when it is: it would grow by every decision. So when the log is
/// past `restart_after_frames`, the writer is asked to finish the copy
/// itself, between two transactions ([`restart_log_if_due`]).
fn checkpoint_once(
    store: &Store,
    restart_after_frames: i64,
    restart_due: &AtomicBool,
) -> Result<Checkpointed, interdict_store::Error> {
    let done = store.checkpoint()?;
    if done.log_frames > restart_after_frames {
        restart_due.store(true, Ordering::Relaxed);
    }
    Ok(done)
}

/// Run by the writer between transactions. With nothing appending, a
/// passive checkpoint copies the rest of the log (little, just after one
/// by the checkpoint thread), and the writer's next transaction starts the
/// log again from its beginning. When the checkpoint thread is busy
/// checkpointing itself, nothing is done, and the writer tries again after
/// its next transaction. When a reader keeps part of the log from being
/// copied, the writer leaves it to the next round of the checkpoint
/// thread: trying after every transaction would hold each for its syncs.
fn restart_log_if_due(store: &Store, restart_due: &AtomicBool) -> Result<(), interdict_store::Error> {
    if restart_due.swap(false, Ordering::Relaxed) && store.checkpoint()?.busy {
        restart_due.store(true, Ordering::Relaxed);
    }
    Ok(())
}

fn write_loop(mut store: Store, restart_due: Arc<AtomicBool>, jobs: Receiver<Job>) {
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
        if let Err(e) = restart_log_if_due(&store, &restart_due) {
            eprintln!("warning: audit log checkpoint: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record of about 3 KB that does not pack smaller.
    fn sizeable_record(i: u32) -> NewRecord {
        NewRecord {
            kind: "party".to_string(),
            snapshot_id: "sha256:abc".to_string(),
            as_of: "2021-03-01".to_string(),
            input: (0..3000u32)
                .map(|k| char::from(b'a' + ((k.wrapping_mul(2_654_435_761) ^ i) >> 7) as u8 % 26))
                .collect(),
            decision: format!(r#"{{"n":{i}}}"#),
            alert: None,
        }
    }

    /// A fresh store in a folder of its own named `name`, opened as the
    /// server opens it: a writer that leaves checkpoints to a second
    /// connection, and that connection.
    fn writer_and_checkpointer(name: &str) -> (std::path::PathBuf, Store, Store) {
        let dir = std::env::temp_dir().join(format!("interdict-audit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let writer = Store::open(&dir).unwrap();
        writer.set_auto_checkpoint(false).unwrap();
        let checkpointer = Store::open(&dir).unwrap();
        (dir, writer, checkpointer)
    }

    /// While a reader's snapshot keeps the newest frames from being copied,
    /// the writer's restart cannot happen; it must try once per round of
    /// the checkpoint thread, not after every transaction (each try holds
    /// it for a checkpoint's syncs), and the log must start again once the
    /// reader is done.
    #[test]
    fn a_reader_holding_the_log_back_costs_the_writer_one_try_a_round() {
        let (dir, mut writer, checkpointer) = writer_and_checkpointer("reader");
        let reader = rusqlite::Connection::open(dir.join(interdict_store::DB_FILE)).unwrap();
        let restart_due = AtomicBool::new(false);
        let restart_after = 16;
        let mut n = 0;
        let mut append = |writer: &mut Store, count: u32| {
            let records: Vec<NewRecord> = (n..n + count).map(sizeable_record).collect();
            n += count;
            writer.append_decisions(&records).unwrap();
        };
        append(&mut writer, 20);
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        append(&mut writer, 20);
        let round = checkpoint_once(&checkpointer, restart_after, &restart_due).unwrap();
        assert!(round.copied_frames < round.log_frames, "{round:?}");
        assert!(
            restart_due.load(Ordering::SeqCst),
            "the log is past {restart_after} frames"
        );
        restart_log_if_due(&writer, &restart_due).unwrap();
        assert!(
            !restart_due.load(Ordering::SeqCst),
            "a try the reader defeats is not repeated after the next transaction"
        );
        append(&mut writer, 5);
        let held = checkpoint_once(&checkpointer, restart_after, &restart_due).unwrap();
        assert!(
            held.log_frames > round.log_frames,
            "the log only grew: {round:?} then {held:?}"
        );

        reader.execute_batch("COMMIT").unwrap();
        let round = checkpoint_once(&checkpointer, restart_after, &restart_due).unwrap();
        assert!(restart_due.load(Ordering::SeqCst), "{round:?}");
        restart_log_if_due(&writer, &restart_due).unwrap();
        append(&mut writer, 1);
        let after = checkpointer.checkpoint().unwrap();
        assert!(
            after.log_frames < restart_after,
            "the next transaction starts the log again: {after:?}, against {held:?} while held"
        );
        assert_eq!(checkpointer.verify_audit().unwrap().records, u64::from(n));
        drop((writer, checkpointer, reader));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The audit log's write-ahead log grew by every decision while a
    /// server was under load (1.7 GB after 130k requests): the passive
    /// checkpoints beside the writer never caught up with it.
    #[test]
    fn under_a_writer_that_never_pauses_the_log_still_starts_again() {
        let (dir, mut writer, checkpointer) = writer_and_checkpointer("restart");
        // Commits that do not wait for the disk: the writer appends faster
        // than a checkpoint copies, as a busy server's does.
        writer.set_durability(Durability::Checkpoint).unwrap();
        let restart_due = AtomicBool::new(false);
        let done = AtomicBool::new(false);
        let restart_after = 256;
        let frames_seen = thread::scope(|scope| {
            scope.spawn(|| {
                // Built before the loop, so that the writer goes straight
                // from one transaction to the next.
                let records: Vec<NewRecord> = (0..10).map(sizeable_record).collect();
                for _ in 0..150 {
                    writer.append_decisions(&records).unwrap();
                    restart_log_if_due(&writer, &restart_due).unwrap();
                }
                done.store(true, Ordering::SeqCst);
            });
            let mut seen = Vec::new();
            while !done.load(Ordering::SeqCst) {
                let done = checkpoint_once(&checkpointer, restart_after, &restart_due).unwrap();
                if !done.busy {
                    seen.push(done.log_frames);
                }
                thread::sleep(std::time::Duration::from_millis(5));
            }
            seen
        });
        // 1500 records take about 2800 frames; restarted past 256, the log
        // stays within a few checkpoints' worth of appends of that.
        let most = frames_seen.iter().max().copied().unwrap_or(0);
        assert!(
            most < 1000,
            "the log reached {most} frames; its length over time: {frames_seen:?}"
        );
        assert!(
            frames_seen.windows(2).any(|w| w[1] < w[0]),
            "the log never started again: {frames_seen:?}"
        );
        assert_eq!(checkpointer.verify_audit().unwrap().records, 1500);
        drop(checkpointer);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
