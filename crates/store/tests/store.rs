//! The store: import, activation, idempotence, atomic failure, diff and
//! migrations, each on a fresh temporary directory.

use std::path::PathBuf;

use interdict_model::{Dataset, Designation, Entity, EntityKind};
use interdict_store::{EntityChange, ErrorKind, SourceFile, Store};

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-store-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dataset(names: &[(&str, &str)]) -> Dataset {
    let mut d = Dataset::default();
    for (id, name) in names {
        d.entities.push(Entity::new(*id, EntityKind::Person, *name));
        d.designations.push(Designation {
            entity_id: id.to_string(),
            authority: "US-OFAC".into(),
            program: "SDGT".into(),
            listed: None,
            start: None,
            end: None,
            sources: vec![],
        });
    }
    d
}

fn source(path: &str) -> SourceFile {
    SourceFile {
        path: path.into(),
        format: "ftm".into(),
        sha256: "sha256:00".into(),
        records: 1,
        rejected: 0,
        warnings: 2,
        modified: Some("2022-05-05T00:00:00Z".into()),
    }
}

#[test]
fn import_stores_activates_and_loads_back_the_same_data() {
    let dir = TempDir::new("import");
    let mut store = Store::open(&dir.0).unwrap();
    let d = dataset(&[("a", "Alpha"), ("b", "Beta")]);
    let info = store.import(&d, &[source("a.jsonl")]).unwrap();
    assert!(info.id.starts_with("sha256:"));
    assert!(info.active);
    assert_eq!(info.counts["person"], 2);
    assert_eq!(info.counts["designations"], 2);
    assert_eq!(info.sources, vec![source("a.jsonl")]);
    assert_eq!(store.load(&info.id).unwrap(), d);
    assert_eq!(store.active().unwrap().unwrap().id, info.id);
}

#[test]
fn the_same_data_twice_is_one_snapshot_and_older_ones_can_be_reactivated() {
    let dir = TempDir::new("idem");
    let mut store = Store::open(&dir.0).unwrap();
    let first = store.import(&dataset(&[("a", "Alpha")]), &[source("1")]).unwrap();
    let second = store
        .import(&dataset(&[("a", "Alpha"), ("b", "Beta")]), &[source("2")])
        .unwrap();
    assert_ne!(first.id, second.id);
    let again = store.import(&dataset(&[("a", "Alpha")]), &[source("1")]).unwrap();
    assert_eq!(again.id, first.id);
    let all = store.snapshots().unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        all.iter()
            .filter(|s| s.active)
            .map(|s| s.id.clone())
            .collect::<Vec<_>>(),
        vec![first.id]
    );
}

#[test]
fn a_failed_import_leaves_the_store_exactly_as_it_was() {
    let dir = TempDir::new("atomic");
    let mut store = Store::open(&dir.0).unwrap();
    let good = store.import(&dataset(&[("a", "Alpha")]), &[source("good")]).unwrap();
    // Two entities with one id violate the primary key half-way through.
    let bad = dataset(&[("x", "X"), ("y", "Y"), ("x", "X again")]);
    let err = store.import(&bad, &[source("bad")]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Sqlite(_)), "{err}");
    let all = store.snapshots().unwrap();
    assert_eq!(all.len(), 1, "nothing half-written");
    assert_eq!(all[0].id, good.id);
    assert!(all[0].active, "the last good snapshot stays active");
    drop(store);
    let reopened = Store::open(&dir.0).unwrap();
    assert_eq!(reopened.active().unwrap().unwrap().id, good.id);
}

#[test]
fn diff_reports_added_removed_and_changed_fields() {
    let dir = TempDir::new("diff");
    let mut store = Store::open(&dir.0).unwrap();
    let a = store
        .import(&dataset(&[("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]), &[])
        .unwrap();
    let mut next = dataset(&[("a", "Alpha"), ("b", "Beta Two"), ("d", "Delta")]);
    next.designations[1].end = Some("2022-01-01".parse().unwrap());
    let b = store.import(&next, &[]).unwrap();
    let changes = store.diff(&a.id, &b.id).unwrap();
    assert_eq!(changes.len(), 3, "{changes:#?}");
    match &changes[0] {
        EntityChange::Changed { entity_id, fields } => {
            assert_eq!(entity_id, "b");
            let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(names, ["designations", "name"]);
            assert_eq!(fields[1].before, "Beta");
            assert_eq!(fields[1].after, "Beta Two");
        }
        other => panic!("expected a change to b, got {other:?}"),
    }
    assert!(matches!(&changes[1], EntityChange::Removed { entity_id, .. } if entity_id == "c"));
    assert!(matches!(&changes[2], EntityChange::Added { entity_id, .. } if entity_id == "d"));
    assert!(store.diff(&a.id, &a.id).unwrap().is_empty());
}

#[test]
fn snapshots_resolve_by_prefix_and_unknown_ones_are_clear_errors() {
    let dir = TempDir::new("resolve");
    let mut store = Store::open(&dir.0).unwrap();
    let a = store.import(&dataset(&[("a", "Alpha")]), &[]).unwrap();
    let hex = a.id.strip_prefix("sha256:").unwrap();
    assert_eq!(store.resolve(&hex[..12]).unwrap(), a.id);
    assert_eq!(store.resolve("active").unwrap(), a.id);
    let err = store.resolve("ffffffffffff").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no snapshot `ffffffffffff`; `interdict lists show` lists them"
    );
}

#[test]
fn migrations_are_versioned_and_a_newer_database_is_refused() {
    let dir = TempDir::new("migrate");
    let store = Store::open(&dir.0).unwrap();
    assert_eq!(store.schema_version().unwrap(), 14);
    let path = store.path().to_path_buf();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let err = Store::open(&dir.0).err().unwrap();
    assert!(
        err.to_string()
            .ends_with("the store has schema version 99, newer than this interdict supports (14); upgrade interdict"),
        "{err}"
    );
}

#[test]
fn a_version_1_database_is_migrated_to_the_latest_and_keeps_its_snapshots() {
    let dir = TempDir::new("v1");
    std::fs::create_dir_all(&dir.0).unwrap();
    let path = dir.0.join(interdict_store::DB_FILE);
    {
        // A store as version 1 wrote it: no `sources` table.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE snapshots (id TEXT PRIMARY KEY, created TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0, counts TEXT NOT NULL);
             CREATE UNIQUE INDEX one_active_snapshot ON snapshots (active) WHERE active = 1;
             CREATE TABLE snapshot_sources (snapshot_id TEXT NOT NULL, position INTEGER NOT NULL, path TEXT NOT NULL, format TEXT NOT NULL, sha256 TEXT NOT NULL, records INTEGER NOT NULL, rejected INTEGER NOT NULL, PRIMARY KEY (snapshot_id, position));
             CREATE TABLE entities (snapshot_id TEXT NOT NULL, entity_id TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (snapshot_id, entity_id));
             CREATE TABLE relations (snapshot_id TEXT NOT NULL, position INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (snapshot_id, position));
             INSERT INTO snapshots VALUES ('sha256:aa', '2024-01-01T00:00:00Z', 1, '{\"person\":1}');
             INSERT INTO entities VALUES ('sha256:aa', 'a', 'person', '{\"id\":\"a\",\"kind\":\"person\",\"name\":\"Alpha\"}');
             PRAGMA user_version = 1;",
        )
        .unwrap();
    }
    let store = Store::open(&dir.0).unwrap();
    assert_eq!(store.schema_version().unwrap(), 14);
    let active = store.active().unwrap().unwrap();
    assert_eq!(active.id, "sha256:aa");
    let d = store.load("sha256:aa").unwrap();
    assert_eq!(d.entities[0].name, "Alpha");
    assert!(d.sources.is_empty());
}

#[test]
fn many_openers_of_a_new_store_at_once_migrate_it_exactly_once() {
    let dir = TempDir::new("race");
    let opened: Vec<Result<u32, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    Store::open(&dir.0)
                        .and_then(|s| s.schema_version())
                        .map_err(|e| e.to_string())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(opened.iter().all(|r| r == &Ok(14)), "{opened:?}");
}

#[test]
fn durability_sets_how_this_connections_commits_reach_the_disk() {
    use interdict_store::Durability;
    let dir = TempDir::new("durability");
    let store = Store::open(&dir.0).unwrap();
    assert_eq!(store.durability().unwrap(), Durability::Commit);
    store.set_durability(Durability::Checkpoint).unwrap();
    assert_eq!(store.durability().unwrap(), Durability::Checkpoint);
    // Another connection keeps the default.
    assert_eq!(Store::open(&dir.0).unwrap().durability().unwrap(), Durability::Commit);
}

#[test]
fn without_auto_checkpoints_the_log_waits_for_an_explicit_passive_one() {
    let dir = TempDir::new("checkpoint");
    let mut writer = Store::open(&dir.0).unwrap();
    writer.set_auto_checkpoint(false).unwrap();
    // Well past the 1000 pages at which SQLite would checkpoint by itself.
    for chunk in 0..10 {
        let records: Vec<_> = (0..150).map(|i| audit_record(chunk * 150 + i)).collect();
        writer.append_decisions(&records).unwrap();
    }
    let other = Store::open(&dir.0).unwrap();
    let done = other.checkpoint().unwrap();
    assert!(done.log_frames > 1000, "the log kept {} frames", done.log_frames);
    assert_eq!(
        done.copied_frames, done.log_frames,
        "a passive checkpoint with no readers copies every frame"
    );
    assert!(!done.busy);
    assert_eq!(other.verify_audit().unwrap().records, 1500);
}

fn audit_record(n: usize) -> interdict_store::NewRecord {
    interdict_store::NewRecord {
        kind: "party".to_string(),
        snapshot_id: "sha256:abc".to_string(),
        as_of: "2021-03-01".to_string(),
        input: noise(4000, n as u64),
        decision: format!(r#"{{"outcome":"allow","n":{n}}}"#),
        alert: None,
    }
}

/// `len` letters that do not pack smaller (the log packs texts that do),
/// so that records take the pages the checkpoint tests count on.
fn noise(len: usize, seed: u64) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"[(state % 64) as usize])
        })
        .collect()
}

/// A reader on an older snapshot keeps each passive checkpoint from
/// copying the newest frames (as a writer appending beside it does), so
/// the writer never finds the log all copied and only appends to it.
/// Once a checkpoint copies it all, the next write starts it again.
#[test]
fn a_log_starts_again_only_after_a_checkpoint_copied_all_of_it() {
    let dir = TempDir::new("restart");
    let mut writer = Store::open(&dir.0).unwrap();
    writer.set_auto_checkpoint(false).unwrap();
    let checkpointer = Store::open(&dir.0).unwrap();
    let reader = rusqlite::Connection::open(dir.0.join(interdict_store::DB_FILE)).unwrap();
    let mut n = 0;
    let mut frames = Vec::new();
    for _ in 0..5 {
        reader.execute_batch("BEGIN").unwrap();
        let _: i64 = reader
            .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
            .unwrap();
        let records: Vec<_> = (0..20)
            .map(|_| {
                n += 1;
                audit_record(n)
            })
            .collect();
        writer.append_decisions(&records).unwrap();
        let done = checkpointer.checkpoint().unwrap();
        assert!(
            done.copied_frames < done.log_frames,
            "the reader's snapshot holds the newest frames back"
        );
        reader.execute_batch("COMMIT").unwrap();
        frames.push(done.log_frames);
    }
    assert!(frames.windows(2).all(|w| w[1] > w[0]), "the log only grew: {frames:?}");

    let all = checkpointer.checkpoint().unwrap();
    assert!(!all.busy);
    assert_eq!(all.copied_frames, all.log_frames);
    writer.append_decisions(&[audit_record(n + 1)]).unwrap();
    let after = checkpointer.checkpoint().unwrap();
    assert!(
        after.log_frames < frames[0],
        "the next write starts the log again: {} frames, against {} after the first round",
        after.log_frames,
        frames[0]
    );
    assert_eq!(checkpointer.verify_audit().unwrap().records, n as u64 + 1);
}

/// A row of a stored snapshot changed in the database (an entity deleted,
/// a name edited) was loaded and screened with under the snapshot's id, as
/// if it were what was imported. The rows are checked against the digest
/// recorded at import.
#[test]
fn a_snapshot_changed_outside_the_store_is_refused_at_load() {
    let dir = TempDir::new("altered");
    let mut store = Store::open(&dir.0).unwrap();
    let info = store
        .import(&dataset(&[("a", "Alpha"), ("b", "Beta")]), &[source("a.jsonl")])
        .unwrap();
    assert_eq!(store.load(&info.id).unwrap().entities.len(), 2);
    drop(store);
    let db = dir.0.join(interdict_store::DB_FILE);
    for (tamper, said) in [
        (
            "UPDATE entities SET body = replace(body, 'Beta', 'Gamma') WHERE entity_id = 'b'",
            format!("snapshot {} was altered: its stored rows no longer match", info.id),
        ),
        (
            "DELETE FROM entities WHERE entity_id = 'b'",
            format!("snapshot {} was altered: its stored rows no longer match", info.id),
        ),
        // A body that no longer reads is named by its entity.
        (
            "UPDATE entities SET body = '{' WHERE entity_id = 'b'",
            format!("stored data cannot be read: snapshot {}, entity `b`: ", info.id),
        ),
    ] {
        let copy = TempDir::new("altered-copy");
        std::fs::create_dir_all(&copy.0).unwrap();
        std::fs::copy(&db, copy.0.join(interdict_store::DB_FILE)).unwrap();
        let conn = rusqlite::Connection::open(copy.0.join(interdict_store::DB_FILE)).unwrap();
        assert_eq!(conn.execute(tamper, []).unwrap(), 1, "{tamper}");
        drop(conn);
        let store = Store::open(&copy.0).unwrap();
        let err = store.load(&info.id).unwrap_err();
        assert!(err.to_string().contains(&said), "{tamper}: {err}");
    }
}

/// A digest cleared along with the rows it guards let the altered rows
/// load (a snapshot from before the digest loads unchecked). Importing the
/// same lists again made that snapshot active as it was; it now writes the
/// rows again, as imported, when the digest is not theirs.
#[test]
fn importing_the_same_lists_again_repairs_a_snapshot_whose_digest_was_cleared() {
    let dir = TempDir::new("repair");
    let d = dataset(&[("a", "Alpha"), ("b", "Beta")]);
    let mut store = Store::open(&dir.0).unwrap();
    let info = store.import(&d, &[source("a.jsonl")]).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(dir.0.join(interdict_store::DB_FILE)).unwrap();
    conn.execute("DELETE FROM entities WHERE entity_id = 'b'", []).unwrap();
    conn.execute("UPDATE snapshots SET rows_sha256 = NULL", []).unwrap();
    drop(conn);
    let mut store = Store::open(&dir.0).unwrap();
    assert_eq!(store.load(&info.id).unwrap().entities.len(), 1);
    let again = store.import(&d, &[source("a.jsonl")]).unwrap();
    assert_eq!(again.id, info.id);
    let loaded = store.load(&info.id).unwrap();
    assert_eq!(loaded.entities, d.entities);
    assert_eq!(loaded.designations, d.designations);
}
