//! Versioned schema migrations. The schema version is SQLite's
//! `user_version`; each migration runs once, in its own transaction, in
//! order. A database newer than this build is refused rather than guessed at.

use rusqlite::Connection;

use crate::error::Error;

/// Migration N (1-based) brings the schema from version N-1 to N.
const MIGRATIONS: &[&str] = &[
    // 1: list snapshots.
    "CREATE TABLE snapshots (
         id      TEXT PRIMARY KEY,
         created TEXT NOT NULL,
         active  INTEGER NOT NULL DEFAULT 0,
         counts  TEXT NOT NULL
     );
     CREATE UNIQUE INDEX one_active_snapshot ON snapshots (active) WHERE active = 1;
     CREATE TABLE snapshot_sources (
         snapshot_id TEXT NOT NULL REFERENCES snapshots (id),
         position    INTEGER NOT NULL,
         path        TEXT NOT NULL,
         format      TEXT NOT NULL,
         sha256      TEXT NOT NULL,
         records     INTEGER NOT NULL,
         rejected    INTEGER NOT NULL,
         PRIMARY KEY (snapshot_id, position)
     );
     CREATE TABLE entities (
         snapshot_id TEXT NOT NULL REFERENCES snapshots (id),
         entity_id   TEXT NOT NULL,
         kind        TEXT NOT NULL,
         body        TEXT NOT NULL,
         PRIMARY KEY (snapshot_id, entity_id)
     );
     CREATE TABLE relations (
         snapshot_id TEXT NOT NULL REFERENCES snapshots (id),
         position    INTEGER NOT NULL,
         body        TEXT NOT NULL,
         PRIMARY KEY (snapshot_id, position)
     );",
    // 2: the sources that hand-written lists cite.
    "CREATE TABLE sources (
         snapshot_id TEXT NOT NULL REFERENCES snapshots (id),
         position    INTEGER NOT NULL,
         body        TEXT NOT NULL,
         PRIMARY KEY (snapshot_id, position)
     );",
    // 3: when each source file was last modified, as the list's date.
    "ALTER TABLE snapshot_sources ADD COLUMN modified TEXT;",
    // 4: the audit log of decisions, hash-chained (see audit.rs).
    "CREATE TABLE audit (
         seq         INTEGER PRIMARY KEY,
         decision_id TEXT NOT NULL UNIQUE,
         created     TEXT NOT NULL,
         kind        TEXT NOT NULL,
         snapshot_id TEXT NOT NULL,
         as_of       TEXT NOT NULL,
         input       TEXT NOT NULL,
         decision    TEXT NOT NULL,
         prev_hash   TEXT NOT NULL,
         hash        TEXT NOT NULL
     );
     CREATE INDEX audit_snapshot ON audit (snapshot_id);",
    // 5: the allowlist (good-guy list).
    "CREATE TABLE allowlist (
         id            INTEGER PRIMARY KEY,
         input_key     TEXT NOT NULL,
         entity_id     TEXT NOT NULL,
         entity_digest TEXT NOT NULL,
         reason        TEXT NOT NULL,
         author        TEXT NOT NULL,
         created       TEXT NOT NULL,
         expires       TEXT
     );
     CREATE INDEX allowlist_entity ON allowlist (entity_id);",
    // 6: the review queue: an alert per decision that needs an analyst,
    // and each disposition of one (its audit record is in `audit`).
    "CREATE TABLE alerts (
         decision_id TEXT PRIMARY KEY REFERENCES audit (decision_id),
         seq         INTEGER NOT NULL,
         kind        TEXT NOT NULL,
         outcome     TEXT NOT NULL,
         subject     TEXT NOT NULL,
         status      TEXT NOT NULL,
         created     TEXT NOT NULL,
         updated     TEXT NOT NULL
     );
     CREATE INDEX alerts_status ON alerts (status, seq);
     CREATE TABLE dispositions (
         id                INTEGER PRIMARY KEY,
         alert_id          TEXT NOT NULL REFERENCES alerts (decision_id),
         status            TEXT NOT NULL,
         comment           TEXT NOT NULL,
         author            TEXT NOT NULL,
         allow_entry_id    TEXT,
         audit_decision_id TEXT NOT NULL REFERENCES audit (decision_id),
         created           TEXT NOT NULL
     );
     CREATE INDEX dispositions_alert ON dispositions (alert_id, id);",
    // 7: no query reads the audit log by snapshot, and the index cost every
    // appended decision a page write.
    "DROP INDEX audit_snapshot;",
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32, Error> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(Error::sqlite_bare)
}

pub fn run(conn: &mut Connection) -> Result<(), Error> {
    // Several processes may open a new store at once (screening commands
    // run side by side): each migration reads the version and applies the
    // next step inside one immediate transaction, so exactly one of them
    // runs it and the others see it done.
    loop {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::sqlite_bare)?;
        let current = version(&tx)?;
        if current > LATEST {
            return Err(Error::too_new(current, LATEST));
        }
        let Some(sql) = MIGRATIONS.get(current as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql).map_err(Error::sqlite_bare)?;
        tx.pragma_update(None, "user_version", current + 1)
            .map_err(Error::sqlite_bare)?;
        tx.commit().map_err(Error::sqlite_bare)?;
    }
}
