//! The embedded store: list snapshots in one SQLite file, with versioned
//! migrations.
//!
//! A snapshot is immutable and identified by the content hash of its data
//! (`sha256:` of the canonical JSON of its entities, designations and
//! relations), so importing the same lists twice gives the same snapshot.
//! Each entity is a row, so that two snapshots can be compared in SQL and
//! a diff is a join, not a scan of two blobs.
//!
//! An import is one transaction: it either adds the snapshot and makes it
//! the active one, or leaves the store exactly as it was.

mod alerts;
mod allowlist;
mod audit;
mod error;
mod migrations;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use interdict_model::{Dataset, Designation, Entity, Relation};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub use alerts::{Alert, AlertStatus, Disposition, NewDisposition};
pub use allowlist::NewAllowEntry;
pub use audit::{Appended, AuditRecord, ChainCheck, NewAlert, NewRecord, GENESIS};
pub use error::{Error, ErrorKind};

/// How commits reach the disk; see [`Store::set_durability`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    #[default]
    Commit,
    Checkpoint,
}

/// What a checkpoint did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpointed {
    /// Another connection was checkpointing, so this one did nothing
    /// (and the frame counts are -1).
    pub busy: bool,
    /// Frames in the log, counted from its last restart.
    pub log_frames: i64,
    /// Of those, the frames now copied into the database.
    pub copied_frames: i64,
}

/// The size the write-ahead log is cut back to when it starts again, so
/// that one burst does not keep its disk space for good. Above the 256 MiB
/// at which the server's audit writer starts it again: a log cut shorter
/// would be grown again, page by zeroed page, at every start.
const WAL_SIZE_LIMIT: i64 = 320 << 20;

/// The database file inside the data directory.
pub const DB_FILE: &str = "interdict.db";

/// One input file of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceFile {
    pub path: String,
    pub format: String,
    /// `sha256:` of the file's bytes.
    pub sha256: String,
    pub records: u64,
    pub rejected: u64,
    /// Warnings of the read: values not read from records that were kept,
    /// records of kinds not read, columns or elements the format lacks.
    /// 0 for snapshots stored before they were counted.
    #[serde(default)]
    pub warnings: u64,
    /// When the file (for a folder, its newest file) was last modified,
    /// RFC 3339 UTC: the date of the list as it was fetched or saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

impl SourceFile {
    /// A source file as read, with its modification time as RFC 3339 UTC.
    pub fn new(
        path: String,
        format: String,
        sha256: String,
        records: u64,
        rejected: u64,
        warnings: u64,
        modified: Option<std::time::SystemTime>,
    ) -> SourceFile {
        SourceFile {
            path,
            format,
            sha256,
            records,
            rejected,
            warnings,
            modified: modified
                .map(|t| chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        }
    }
}

/// A snapshot as `lists show` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotInfo {
    pub id: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub active: bool,
    pub sources: Vec<SourceFile>,
    /// Entities per kind, plus `designations` and `relations`.
    pub counts: BTreeMap<String, u64>,
}

/// What changed for one entity between two snapshots.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum EntityChange {
    Added {
        entity_id: String,
        after: Value,
    },
    Removed {
        entity_id: String,
        before: Value,
    },
    Changed {
        entity_id: String,
        fields: Vec<FieldChange>,
    },
}

/// One field that differs; absent values are `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: Value,
    pub after: Value,
}

/// The store in one data directory.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// An entity with its designations, as stored in one row.
#[derive(Serialize, Deserialize)]
struct EntityRow {
    #[serde(flatten)]
    entity: Entity,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    designations: Vec<Designation>,
}

impl Store {
    /// Opens (creating if needed) the store in `dir` and brings its schema
    /// up to date.
    pub fn open(dir: &Path) -> Result<Store, Error> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let path = dir.join(DB_FILE);
        let mut conn = Connection::open(&path).map_err(|e| Error::sqlite(&path, e))?;
        // Several processes may use the store at once (screening commands
        // appending to the audit log, a server): a writer waits for
        // another's transaction rather than failing. Set first, so that
        // switching to WAL and migrating wait too.
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| Error::sqlite(&path, e))?;
        use_wal(&conn).map_err(|e| Error::sqlite(&path, e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| Error::sqlite(&path, e))?;
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)
            .map_err(|e| Error::sqlite(&path, e))?;
        migrations::run(&mut conn).map_err(|e| e.with_path(&path))?;
        Ok(Store { conn, path })
    }

    /// How this connection's commits reach the disk. `Commit` (SQLite's
    /// `synchronous=FULL`, the default) syncs the log at every commit: a
    /// committed transaction survives a power cut. `Checkpoint`
    /// (`synchronous=NORMAL`) syncs only at checkpoints: faster, and a
    /// committed transaction still survives the process crashing, but the
    /// last ones before a power cut or OS crash may be lost.
    pub fn set_durability(&self, durability: Durability) -> Result<(), Error> {
        let value = match durability {
            Durability::Commit => "FULL",
            Durability::Checkpoint => "NORMAL",
        };
        self.conn
            .pragma_update(None, "synchronous", value)
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Whether this connection's commits checkpoint the write-ahead log
    /// into the database when it has grown (SQLite's default: on). A writer
    /// that must not stall on checkpoints turns it off and leaves them to
    /// [`Store::checkpoint`] on another connection.
    pub fn set_auto_checkpoint(&self, on: bool) -> Result<(), Error> {
        self.conn
            .pragma_update(None, "wal_autocheckpoint", if on { 1000 } else { 0 })
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// Copies what it can of the write-ahead log into the database without
    /// waiting for writers or readers (a passive checkpoint). While a
    /// writer keeps appending, such checkpoints never catch up with it, and
    /// SQLite starts the log again only after one has copied all of it: a
    /// busy writer checkpoints itself now and then, between transactions.
    pub fn checkpoint(&self) -> Result<Checkpointed, Error> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok(Checkpointed {
                    busy: r.get::<_, i64>(0)? != 0,
                    log_frames: r.get(1)?,
                    copied_frames: r.get(2)?,
                })
            })
            .map_err(|e| Error::sqlite(&self.path, e))
    }

    /// This connection's [`Durability`].
    pub fn durability(&self) -> Result<Durability, Error> {
        let level: i64 = self
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .map_err(|e| Error::sqlite(&self.path, e))?;
        // 2 = FULL, 3 = EXTRA: synced at every commit; 0 and 1 are not.
        Ok(if level >= 2 {
            Durability::Commit
        } else {
            Durability::Checkpoint
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version after migrations.
    pub fn schema_version(&self) -> Result<u32, Error> {
        migrations::version(&self.conn).map_err(|e| e.with_path(&self.path))
    }

    /// Stores `dataset` as a snapshot and makes it active, in one
    /// transaction. If the same data was imported before, that snapshot is
    /// made active again and no copy is made.
    pub fn import(&mut self, dataset: &Dataset, sources: &[SourceFile]) -> Result<SnapshotInfo, Error> {
        self.put(dataset, sources, true)
    }

    /// As [`Store::import`], but leaves the active snapshot as it is: for
    /// a snapshot to be activated later, or once it is known to load.
    pub fn add(&mut self, dataset: &Dataset, sources: &[SourceFile]) -> Result<SnapshotInfo, Error> {
        self.put(dataset, sources, false)
    }

    fn put(&mut self, dataset: &Dataset, sources: &[SourceFile], activate: bool) -> Result<SnapshotInfo, Error> {
        let id = snapshot_id(dataset)?;
        let path = self.path.clone();
        let sq = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sq)?;
        let exists: bool = tx
            .query_row("SELECT 1 FROM snapshots WHERE id = ?1", [&id], |_| Ok(true))
            .optional()
            .map_err(sq)?
            .unwrap_or(false);
        if !exists {
            let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let counts = serde_json::to_string(&counts(dataset)).map_err(Error::json)?;
            tx.execute(
                "INSERT INTO snapshots (id, created, active, counts) VALUES (?1, ?2, 0, ?3)",
                params![id, created, counts],
            )
            .map_err(sq)?;
            {
                let mut ins = tx
                    .prepare("INSERT INTO snapshot_sources (snapshot_id, position, path, format, sha256, records, rejected, modified, warnings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
                    .map_err(sq)?;
                for (i, s) in sources.iter().enumerate() {
                    ins.execute(params![
                        id,
                        i as i64,
                        s.path,
                        s.format,
                        s.sha256,
                        s.records as i64,
                        s.rejected as i64,
                        s.modified,
                        s.warnings as i64
                    ])
                    .map_err(sq)?;
                }
            }
            write_rows(&tx, &id, dataset).map_err(|e| e.with_path(&path))?;
        } else {
            // The same data again. Rows changed in place are caught at load,
            // against the digest; but a digest cleared or rewritten with
            // them would let them pass, so one that is not this data's
            // makes the rows be written again, as imported.
            let recorded: Option<String> = tx
                .query_row("SELECT rows_sha256 FROM snapshots WHERE id = ?1", [&id], |r| r.get(0))
                .map_err(sq)?;
            if recorded.as_deref() != Some(rows_digest(dataset)?.as_str()) {
                for table in ["entities", "sources", "relations"] {
                    tx.execute(&format!("DELETE FROM {table} WHERE snapshot_id = ?1"), [&id])
                        .map_err(sq)?;
                }
                write_rows(&tx, &id, dataset).map_err(|e| e.with_path(&path))?;
            }
        }
        if activate {
            // Two steps: the unique index on active rows is checked row by row.
            tx.execute("UPDATE snapshots SET active = 0 WHERE active = 1 AND id <> ?1", [&id])
                .map_err(sq)?;
            tx.execute("UPDATE snapshots SET active = 1 WHERE id = ?1", [&id])
                .map_err(sq)?;
        }
        tx.commit().map_err(sq)?;
        self.snapshot(&id)?.ok_or_else(|| Error::unknown_snapshot(&id))
    }

    /// Makes the snapshot `key` (an id or a unique prefix of one) the
    /// active one, in one transaction, and returns it.
    pub fn activate(&mut self, key: &str) -> Result<SnapshotInfo, Error> {
        let id = self.resolve(key)?;
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self.conn.transaction().map_err(sqlite)?;
        tx.execute("UPDATE snapshots SET active = 0 WHERE active = 1 AND id <> ?1", [&id])
            .map_err(sqlite)?;
        tx.execute("UPDATE snapshots SET active = 1 WHERE id = ?1", [&id])
            .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        self.snapshot(&id)?.ok_or_else(|| Error::unknown_snapshot(&id))
    }

    /// Every snapshot, newest first.
    pub fn snapshots(&self) -> Result<Vec<SnapshotInfo>, Error> {
        let ids: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM snapshots ORDER BY created DESC, rowid DESC")
                .map_err(|e| Error::sqlite(&self.path, e))?;
            let rows = stmt
                .query_map([], |r| r.get(0))
                .map_err(|e| Error::sqlite(&self.path, e))?;
            rows.collect::<Result<_, _>>()
                .map_err(|e| Error::sqlite(&self.path, e))?
        };
        ids.iter().filter_map(|id| self.snapshot(id).transpose()).collect()
    }

    /// One snapshot by exact id.
    pub fn snapshot(&self, id: &str) -> Result<Option<SnapshotInfo>, Error> {
        let sq = |e| Error::sqlite(&self.path, e);
        let row: Option<(String, String, bool, String)> = self
            .conn
            .query_row(
                "SELECT id, created, active, counts FROM snapshots WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(sq)?;
        let Some((id, created, active, counts)) = row else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare("SELECT path, format, sha256, records, rejected, modified, warnings FROM snapshot_sources WHERE snapshot_id = ?1 ORDER BY position")
            .map_err(sq)?;
        let sources = stmt
            .query_map([&id], |r| {
                Ok(SourceFile {
                    path: r.get(0)?,
                    format: r.get(1)?,
                    sha256: r.get(2)?,
                    records: r.get::<_, i64>(3)? as u64,
                    rejected: r.get::<_, i64>(4)? as u64,
                    modified: r.get(5)?,
                    warnings: r.get::<_, i64>(6)? as u64,
                })
            })
            .map_err(sq)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sq)?;
        Ok(Some(SnapshotInfo {
            id,
            created,
            active,
            sources,
            counts: serde_json::from_str(&counts).map_err(Error::json)?,
        }))
    }

    /// The active snapshot, if any.
    pub fn active(&self) -> Result<Option<SnapshotInfo>, Error> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT id FROM snapshots WHERE active = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| Error::sqlite(&self.path, e))?;
        match id {
            Some(id) => self.snapshot(&id),
            None => Ok(None),
        }
    }

    /// Resolves a full id, a unique prefix of one (with or without
    /// `sha256:`), or `active`.
    pub fn resolve(&self, key: &str) -> Result<String, Error> {
        if key == "active" {
            return self.active()?.map(|s| s.id).ok_or_else(|| Error::unknown_snapshot(key));
        }
        let hex = key.strip_prefix("sha256:").unwrap_or(key);
        let pattern = format!("sha256:{hex}%");
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM snapshots WHERE id LIKE ?1 LIMIT 2")
            .map_err(|e| Error::sqlite(&self.path, e))?;
        let ids: Vec<String> = stmt
            .query_map([&pattern], |r| r.get(0))
            .map_err(|e| Error::sqlite(&self.path, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| Error::sqlite(&self.path, e))?;
        match ids.as_slice() {
            [one] if !hex.is_empty() => Ok(one.clone()),
            [_, _] => Err(Error::ambiguous_snapshot(key)),
            _ => Err(Error::unknown_snapshot(key)),
        }
    }

    /// The data of a snapshot.
    pub fn load(&self, id: &str) -> Result<Dataset, Error> {
        let sq = |e| Error::sqlite(&self.path, e);
        if self.snapshot(id)?.is_none() {
            return Err(Error::unknown_snapshot(id));
        }
        let recorded: Option<String> = self
            .conn
            .query_row("SELECT rows_sha256 FROM snapshots WHERE id = ?1", [id], |r| r.get(0))
            .map_err(sq)?;
        let mut digest = RowsDigest::default();
        let mut dataset = Dataset::default();
        // A body that does not read was written whole by interdict: the row
        // was changed since, and the error names it.
        let unreadable = |table: &str, key: &str, e: serde_json::Error| {
            Error::corrupt(&self.path, format!("snapshot {id}, {table} {key}: {e}"))
        };
        let mut stmt = self
            .conn
            .prepare("SELECT entity_id, body FROM entities WHERE snapshot_id = ?1 ORDER BY rowid")
            .map_err(sq)?;
        for row in stmt
            .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sq)?
        {
            let (entity_id, body) = row.map_err(sq)?;
            digest.add("entities", &body);
            let row: EntityRow =
                serde_json::from_str(&body).map_err(|e| unreadable("entity", &format!("`{entity_id}`"), e))?;
            dataset.designations.extend(row.designations);
            dataset.entities.push(row.entity);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT position, body FROM sources WHERE snapshot_id = ?1 ORDER BY position")
            .map_err(sq)?;
        for row in stmt
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(sq)?
        {
            let (position, body) = row.map_err(sq)?;
            digest.add("sources", &body);
            dataset
                .sources
                .push(serde_json::from_str(&body).map_err(|e| unreadable("source", &format!("at {position}"), e))?);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT position, body FROM relations WHERE snapshot_id = ?1 ORDER BY position")
            .map_err(sq)?;
        for row in stmt
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(sq)?
        {
            let (position, body) = row.map_err(sq)?;
            digest.add("relations", &body);
            let r: Relation =
                serde_json::from_str(&body).map_err(|e| unreadable("relation", &format!("at {position}"), e))?;
            dataset.relations.push(r);
        }
        if let Some(recorded) = recorded {
            if digest.finish() != recorded {
                return Err(Error::altered(
                    &format!("snapshot {id}"),
                    "its stored rows no longer match the digest recorded when it was imported (a row was changed, \
                     added or deleted outside interdict); it is not loaded"
                        .to_string(),
                ));
            }
        }
        Ok(dataset)
    }

    /// Entities added, removed and changed (field by field) from snapshot
    /// `a` to snapshot `b`, in entity id order.
    pub fn diff(&self, a: &str, b: &str) -> Result<Vec<EntityChange>, Error> {
        let sq = |e| Error::sqlite(&self.path, e);
        for id in [a, b] {
            if self.snapshot(id)?.is_none() {
                return Err(Error::unknown_snapshot(id));
            }
        }
        // Rows whose body differs, or that exist on one side only.
        let mut stmt = self
            .conn
            .prepare(
                "SELECT x.entity_id, x.body, y.body FROM entities x LEFT JOIN entities y
                   ON y.snapshot_id = ?2 AND y.entity_id = x.entity_id
                 WHERE x.snapshot_id = ?1 AND (y.body IS NULL OR y.body <> x.body)
                 UNION ALL
                 SELECT y.entity_id, NULL, y.body FROM entities y
                 WHERE y.snapshot_id = ?2 AND NOT EXISTS
                   (SELECT 1 FROM entities x WHERE x.snapshot_id = ?1 AND x.entity_id = y.entity_id)
                 ORDER BY 1",
            )
            .map_err(sq)?;
        let rows = stmt
            .query_map([a, b], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })
            .map_err(sq)?;
        let mut out = Vec::new();
        for row in rows {
            let (entity_id, before, after) = row.map_err(sq)?;
            let parse = |s: Option<String>| -> Result<Option<Value>, Error> {
                s.map(|s| serde_json::from_str(&s).map_err(Error::json)).transpose()
            };
            out.push(match (parse(before)?, parse(after)?) {
                (None, Some(after)) => EntityChange::Added { entity_id, after },
                (Some(before), None) => EntityChange::Removed { entity_id, before },
                (Some(before), Some(after)) => EntityChange::Changed {
                    entity_id,
                    fields: field_changes(&before, &after),
                },
                (None, None) => continue,
            });
        }
        Ok(out)
    }
}

fn field_changes(before: &Value, after: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.as_object().unwrap_or(&empty);
    let a = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            before: b.get(k).cloned().unwrap_or(Value::Null),
            after: a.get(k).cloned().unwrap_or(Value::Null),
        })
        .collect()
}

/// Switches the database to WAL (a setting of the file, so once). SQLite
/// answers "busy" at once, without the busy handler, when another
/// connection is switching a new file at the same moment: retry for as long
/// as the busy timeout.
fn use_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The rows of `dataset` as a snapshot stores them, in the order they are
/// read back: each entity with its designations, then sources, then
/// relations, each given to `row` with its table, key and body.
fn each_row(dataset: &Dataset, mut row: impl FnMut(&str, RowKey<'_>, &str) -> Result<(), Error>) -> Result<(), Error> {
    let mut by_entity: BTreeMap<&str, Vec<Designation>> = BTreeMap::new();
    for d in &dataset.designations {
        by_entity.entry(d.entity_id.as_str()).or_default().push(d.clone());
    }
    for e in &dataset.entities {
        let stored = EntityRow {
            entity: e.clone(),
            designations: by_entity.remove(e.id.as_str()).unwrap_or_default(),
        };
        let body = serde_json::to_string(&stored).map_err(Error::json)?;
        row("entities", RowKey::Entity(e), &body)?;
    }
    for (i, s) in dataset.sources.iter().enumerate() {
        let body = serde_json::to_string(s).map_err(Error::json)?;
        row("sources", RowKey::Position(i), &body)?;
    }
    for (i, r) in dataset.relations.iter().enumerate() {
        let body = serde_json::to_string(r).map_err(Error::json)?;
        row("relations", RowKey::Position(i), &body)?;
    }
    Ok(())
}

/// Where a row goes: an entity by its id and kind, the others by position.
enum RowKey<'a> {
    Entity(&'a interdict_model::Entity),
    Position(usize),
}

/// Writes the rows of `dataset` for snapshot `id`, and records their digest
/// with the snapshot.
fn write_rows(tx: &rusqlite::Transaction<'_>, id: &str, dataset: &Dataset) -> Result<(), Error> {
    let sq = Error::sqlite_bare;
    let mut entities = tx
        .prepare("INSERT INTO entities (snapshot_id, entity_id, kind, body) VALUES (?1, ?2, ?3, ?4)")
        .map_err(sq)?;
    let mut sources = tx
        .prepare("INSERT INTO sources (snapshot_id, position, body) VALUES (?1, ?2, ?3)")
        .map_err(sq)?;
    let mut relations = tx
        .prepare("INSERT INTO relations (snapshot_id, position, body) VALUES (?1, ?2, ?3)")
        .map_err(sq)?;
    let mut digest = RowsDigest::default();
    each_row(dataset, |table, key, body| {
        digest.add(table, body);
        match (table, key) {
            (_, RowKey::Entity(e)) => entities.execute(params![id, e.id, e.kind.as_str(), body]),
            ("sources", RowKey::Position(i)) => sources.execute(params![id, i as i64, body]),
            (_, RowKey::Position(i)) => relations.execute(params![id, i as i64, body]),
        }
        .map(|_| ())
        .map_err(sq)
    })?;
    tx.execute(
        "UPDATE snapshots SET rows_sha256 = ?1 WHERE id = ?2",
        params![digest.finish(), id],
    )
    .map_err(sq)?;
    Ok(())
}

/// The digest [`write_rows`] would record for `dataset`, without writing.
fn rows_digest(dataset: &Dataset) -> Result<String, Error> {
    let mut digest = RowsDigest::default();
    each_row(dataset, |table, _, body| {
        digest.add(table, body);
        Ok(())
    })?;
    Ok(digest.finish())
}

/// The digest of a snapshot's rows as the store holds them: each entity,
/// source and relation body in the order it is read back, with its length.
/// Recorded at import and checked at every load, so that a snapshot
/// changed in the database is refused rather than screened with under the
/// id of what it was.
#[derive(Default)]
struct RowsDigest(Sha256);

impl RowsDigest {
    fn add(&mut self, table: &str, body: &str) {
        self.0.update((table.len() as u64).to_le_bytes());
        self.0.update(table.as_bytes());
        self.0.update((body.len() as u64).to_le_bytes());
        self.0.update(body.as_bytes());
    }

    fn finish(self) -> String {
        format!("sha256:{:x}", self.0.finalize())
    }
}

/// `sha256:` of the canonical JSON of the list data: entities (with their
/// designations) and relations, in their order.
pub fn snapshot_id(dataset: &Dataset) -> Result<String, Error> {
    let mut hasher = Sha256::new();
    let canonical =
        serde_json::to_vec(&(&dataset.entities, &dataset.designations, &dataset.relations)).map_err(Error::json)?;
    hasher.update(&canonical);
    Ok(format!("sha256:{:x}", hasher.finalize()))
}

/// `sha256:` of a file's bytes.
pub fn file_sha256(bytes: &[u8]) -> String {
    format!("sha256:{:x}", Sha256::digest(bytes))
}

fn counts(dataset: &Dataset) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for e in &dataset.entities {
        *out.entry(e.kind.as_str().to_string()).or_default() += 1;
    }
    out.insert("designations".into(), dataset.designations.len() as u64);
    out.insert("relations".into(), dataset.relations.len() as u64);
    out
}
