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
    // 8: every appended decision paid two index entries at a random place,
    // a page write each: the unique `audit.decision_id` and the alerts'
    // text key. Decision ids now carry their record's `seq` (see audit.rs),
    // so they are found by `seq`, and alerts and dispositions refer to
    // records by `seq`. The ids handed out before (`d-` and 16 hex digits,
    // 18 characters) stay findable through a partial index that no new id
    // enters. The tables are renamed aside, made again and copied, since
    // SQLite cannot drop a column's UNIQUE or change a primary key.
    "PRAGMA defer_foreign_keys = ON;
     ALTER TABLE dispositions RENAME TO dispositions_v7;
     ALTER TABLE alerts RENAME TO alerts_v7;
     ALTER TABLE audit RENAME TO audit_v7;
     CREATE TABLE audit (
         seq         INTEGER PRIMARY KEY,
         decision_id TEXT NOT NULL,
         created     TEXT NOT NULL,
         kind        TEXT NOT NULL,
         snapshot_id TEXT NOT NULL,
         as_of       TEXT NOT NULL,
         input       TEXT NOT NULL,
         decision    TEXT NOT NULL,
         prev_hash   TEXT NOT NULL,
         hash        TEXT NOT NULL
     );
     INSERT INTO audit SELECT seq, decision_id, created, kind, snapshot_id, as_of, input, decision, prev_hash, hash
         FROM audit_v7 ORDER BY seq;
     CREATE TABLE alerts (
         seq         INTEGER PRIMARY KEY REFERENCES audit (seq),
         decision_id TEXT NOT NULL,
         kind        TEXT NOT NULL,
         outcome     TEXT NOT NULL,
         subject     TEXT NOT NULL,
         status      TEXT NOT NULL,
         created     TEXT NOT NULL,
         updated     TEXT NOT NULL
     );
     INSERT INTO alerts SELECT seq, decision_id, kind, outcome, subject, status, created, updated
         FROM alerts_v7 ORDER BY seq;
     CREATE TABLE dispositions (
         id             INTEGER PRIMARY KEY,
         alert_seq      INTEGER NOT NULL REFERENCES alerts (seq),
         status         TEXT NOT NULL,
         comment        TEXT NOT NULL,
         author         TEXT NOT NULL,
         allow_entry_id TEXT,
         audit_seq      INTEGER NOT NULL REFERENCES audit (seq),
         created        TEXT NOT NULL
     );
     INSERT INTO dispositions
         SELECT d.id, a.seq, d.status, d.comment, d.author, d.allow_entry_id, r.seq, d.created
         FROM dispositions_v7 d
         JOIN alerts_v7 a ON a.decision_id = d.alert_id
         JOIN audit_v7 r ON r.decision_id = d.audit_decision_id
         ORDER BY d.id;
     DROP TABLE dispositions_v7;
     DROP TABLE alerts_v7;
     DROP TABLE audit_v7;
     CREATE UNIQUE INDEX audit_ids_before_v8 ON audit (decision_id) WHERE length(decision_id) = 18;
     CREATE INDEX alerts_status ON alerts (status, seq);
     CREATE INDEX dispositions_alert ON dispositions (alert_seq, id);",
    // 9: an audit record's input and decision may be packed, a blob where
    // the text was (see `StoredText` in audit.rs). Nothing changes in the
    // tables (SQLite keeps a blob in a text column as it is); the version
    // tells builds that read only text to refuse the store, not misread it.
    "-- no change to the tables",
    // 10: a later disposition of an alert withdraws the allowlist entries
    // its earlier ones added (a false positive confirmed after all must
    // not stay allowlisted). An entry is kept, with the audit record of the
    // disposition that withdrew it; NULL is in force. Entries whose alert
    // was disposed of again before this version are withdrawn here, by the
    // first disposition after theirs.
    "ALTER TABLE allowlist ADD COLUMN withdrawn_by INTEGER;
     UPDATE allowlist SET withdrawn_by = (
         SELECT min(later.audit_seq) FROM dispositions d
         JOIN dispositions later ON later.alert_seq = d.alert_seq AND later.id > d.id
         WHERE d.allow_entry_id = 'a-' || allowlist.id);",
    // 11: the digest of a snapshot's rows as written (see `RowsDigest` in
    // lib.rs), checked when the snapshot is loaded: a row changed, added
    // or deleted outside interdict is found. NULL for snapshots stored
    // before, which are loaded unchecked.
    "ALTER TABLE snapshots ADD COLUMN rows_sha256 TEXT;",
    // 12: the audit log's head, the last record appended (its seq and
    // hash), kept in the appends' transactions. Records cut from the end
    // left a shorter chain that checked as intact, and their numbers were
    // given out again; the head tells both.
    "CREATE TABLE audit_head (
         one  INTEGER PRIMARY KEY CHECK (one = 1),
         seq  INTEGER NOT NULL,
         hash TEXT NOT NULL
     );
     INSERT INTO audit_head (one, seq, hash) SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1;",
    // 13: what an allowlist entry's key is: a reference, a name or an
    // identifier. A party whose reference happened to equal a name entry's
    // key was cleared by it as by a reference. NULL for entries made
    // before, which are compared as they were.
    "ALTER TABLE allowlist ADD COLUMN key_kind TEXT;",
    // 14: each source file's count of warnings (values not read from kept
    // records), beside its rejected records: what a snapshot left out.
    "ALTER TABLE snapshot_sources ADD COLUMN warnings INTEGER NOT NULL DEFAULT 0;",
];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

pub fn version(conn: &Connection) -> Result<u32, Error> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(Error::sqlite_bare)
}

pub fn run(conn: &mut Connection) -> Result<(), Error> {
    run_to(conn, LATEST)
}

/// Migrates to version `target` at most.
fn run_to(conn: &mut Connection, target: u32) -> Result<(), Error> {
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
        let Some(sql) = MIGRATIONS.get(current as usize).filter(|_| current < target) else {
            return Ok(());
        };
        tx.execute_batch(sql).map_err(Error::sqlite_bare)?;
        tx.pragma_update(None, "user_version", current + 1)
            .map_err(Error::sqlite_bare)?;
        tx.commit().map_err(Error::sqlite_bare)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{append_after, NewAlert, NewRecord};
    use crate::{AlertStatus, Store, DB_FILE};

    fn record(subject: &str) -> NewRecord {
        NewRecord {
            kind: "party".to_string(),
            snapshot_id: "sha256:aa".to_string(),
            as_of: "2021-03-01".to_string(),
            input: format!(r#"{{"names":["{subject}"]}}"#),
            decision: r#"{"outcome":"review"}"#.to_string(),
            alert: Some(NewAlert {
                outcome: "review".to_string(),
                subject: subject.to_string(),
            }),
        }
    }

    /// A store that version 7 wrote: decisions with the ids of then (`d-`
    /// and 16 hex digits), two alerts, and a disposition of the first.
    fn version_7_store(path: &std::path::Path) {
        let mut conn = Connection::open(path).unwrap();
        run_to(&mut conn, 7).unwrap();
        assert_eq!(version(&conn).unwrap(), 7);
        let tx = conn.transaction().unwrap();
        append_after(&tx, &[record("Alpha"), record("Beta")], false).unwrap();
        // The ids change under the alerts that refer to them: the keys are
        // checked once all agree, at the commit.
        tx.execute_batch(
            "PRAGMA defer_foreign_keys = ON;
             UPDATE audit SET decision_id = 'd-' || substr(hash, 1, 16);
             UPDATE alerts SET decision_id = (SELECT decision_id FROM audit WHERE audit.seq = alerts.seq);
             UPDATE alerts SET status = 'confirmed' WHERE seq = 1;
             INSERT INTO dispositions (alert_id, status, comment, author, allow_entry_id, audit_decision_id, created)
                 SELECT a.decision_id, 'confirmed', 'it is them', 'analyst', NULL, b.decision_id, b.created
                 FROM audit a, audit b WHERE a.seq = 1 AND b.seq = 2;",
        )
        .unwrap();
        tx.commit().unwrap();
    }

    /// A false positive confirmed after all kept its allowlist entry until
    /// version 10: stores of before are repaired by the migration, and an
    /// entry no later disposition replaced stays in force.
    #[test]
    fn version_10_withdraws_the_entries_a_later_disposition_replaced() {
        let dir = std::env::temp_dir().join(format!("interdict-migrate-v9-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        {
            let mut conn = Connection::open(dir.join(DB_FILE)).unwrap();
            run_to(&mut conn, 9).unwrap();
            let tx = conn.transaction().unwrap();
            // Two alerts (seq 1, 2), and the records of three dispositions.
            append_after(
                &tx,
                &[
                    record("Alpha"),
                    record("Beta"),
                    record("d1"),
                    record("d2"),
                    record("d3"),
                ],
                false,
            )
            .unwrap();
            tx.execute_batch(
                "INSERT INTO allowlist (id, input_key, entity_id, entity_digest, reason, author, created)
                     VALUES (1, 'name:alpha', 'E1', 'sha256:e1', 'r', 'a', '2026-01-01T00:00:00Z'),
                            (2, 'name:beta', 'E2', 'sha256:e2', 'r', 'a', '2026-01-01T00:00:00Z');
                 INSERT INTO dispositions (alert_seq, status, comment, author, allow_entry_id, audit_seq, created)
                     VALUES (1, 'false_positive', 'c', 'a', 'a-1', 3, '2026-01-01T00:00:00Z'),
                            (2, 'false_positive', 'c', 'a', 'a-2', 4, '2026-01-01T00:00:00Z'),
                            (1, 'confirmed', 'it is them after all', 'b', NULL, 5, '2026-01-02T00:00:00Z');",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let store = Store::open(&dir).unwrap();
        assert_eq!(store.schema_version().unwrap(), 14);
        let in_force: Vec<String> = store.allow_entries().unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(in_force, ["a-2"]);
        assert_eq!(
            store.allow_entries().unwrap()[0].key_kind,
            None,
            "an entry made before kinds were recorded says none"
        );
        let alpha = store.alerts(None, 10, None).unwrap()[0].id.clone();
        let history = store.dispositions(&alpha).unwrap();
        let withdrawn: Vec<&[String]> = history.iter().map(|d| d.withdrawn_allow_entries.as_slice()).collect();
        assert_eq!(withdrawn, [&[][..], &["a-1".to_string()][..]]);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_version_7_audit_log_keeps_its_ids_alerts_dispositions_and_chain() {
        let dir = std::env::temp_dir().join(format!("interdict-migrate-v7-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        version_7_store(&dir.join(DB_FILE));

        let mut store = Store::open(&dir).unwrap();
        assert_eq!(store.schema_version().unwrap(), 14);
        let ids: Vec<String> = {
            let conn = Connection::open(dir.join(DB_FILE)).unwrap();
            let mut stmt = conn.prepare("SELECT decision_id FROM audit ORDER BY seq").unwrap();
            let rows = stmt.query_map([], |r| r.get(0)).unwrap();
            rows.map(Result::unwrap).collect()
        };
        assert_eq!(ids.len(), 2);
        assert!(ids.iter().all(|id| id.len() == 18), "{ids:?}");
        assert_eq!(store.decision(&ids[0]).unwrap().unwrap().seq, 1);
        assert_eq!(store.decision(&ids[1]).unwrap().unwrap().seq, 2);
        let first = store.alert(&ids[0]).unwrap().unwrap();
        assert_eq!(
            (first.id.as_str(), first.status),
            (ids[0].as_str(), AlertStatus::Confirmed)
        );
        let dispositions = store.dispositions(&ids[0]).unwrap();
        assert_eq!(dispositions.len(), 1);
        assert_eq!(dispositions[0].alert_id, ids[0]);
        assert_eq!(dispositions[0].audit_decision_id, ids[1]);
        assert_eq!(dispositions[0].comment, "it is them");
        let after_first: Vec<String> = store
            .alerts(None, 10, Some(&ids[0]))
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(after_first, [ids[1].clone()]);

        // The chain goes on under the new ids.
        let third = store.append_decisions(&[record("Gamma")]).unwrap().remove(0);
        assert_eq!(third.decision_id, format!("d-3-{}", &third.hash[..16]));
        assert_eq!(third.prev_hash, store.decision(&ids[1]).unwrap().unwrap().hash);
        let check = store.verify_audit().unwrap();
        assert_eq!((check.records, check.first_broken), (3, None));
        assert_eq!(store.alert(&third.decision_id).unwrap().unwrap().subject, "Gamma");
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
