//! The allowlist: entries saying an input is not a listed entity, with who
//! said so, why, and until when.

use interdict_model::{AllowEntry, AllowKeyKind, Date};
use rusqlite::params;

use crate::{Error, Store};

/// Inserts `entry` inside `tx` and returns it as stored.
pub(crate) fn insert_allow_entry(
    tx: &rusqlite::Transaction<'_>,
    entry: &NewAllowEntry,
) -> rusqlite::Result<AllowEntry> {
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tx.execute(
        "INSERT INTO allowlist (input_key, entity_id, entity_digest, reason, author, created, expires, key_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            entry.input_key,
            entry.entity_id,
            entry.entity_digest,
            entry.reason,
            entry.author,
            created,
            entry.expires.map(|d| d.to_string()),
            entry.key_kind.as_str()
        ],
    )?;
    Ok(AllowEntry {
        id: format!("a-{}", tx.last_insert_rowid()),
        input_key: entry.input_key.clone(),
        key_kind: Some(entry.key_kind),
        entity_id: entry.entity_id.clone(),
        entity_digest: entry.entity_digest.clone(),
        reason: entry.reason.clone(),
        author: entry.author.clone(),
        created,
        expires: entry.expires,
    })
}

/// An entry to add; the store gives it its id and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAllowEntry {
    pub input_key: String,
    pub key_kind: AllowKeyKind,
    pub entity_id: String,
    pub entity_digest: String,
    pub reason: String,
    pub author: String,
    pub expires: Option<Date>,
}

/// The audit record of an entry added directly (not by a disposition).
#[derive(serde::Serialize)]
struct AddedInput<'a> {
    allow_entry: &'a AllowEntry,
    author: &'a str,
    comment: &'a str,
}

impl Store {
    /// Adds an entry and returns it as stored, with the id of the audit
    /// record (kind `allowlist`) appended with it in one transaction: who
    /// cleared whom, and why, is in the hash chain, as a disposition's
    /// entry is. `snapshot_id` and `as_of` are the screening snapshot the
    /// entry was made against, and the day.
    pub fn add_allow_entry(
        &mut self,
        entry: &NewAllowEntry,
        snapshot_id: &str,
        as_of: &str,
    ) -> Result<(AllowEntry, String), Error> {
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let added = insert_allow_entry(&tx, entry).map_err(sqlite)?;
        let input = serde_json::to_string(&AddedInput {
            allow_entry: &added,
            author: &added.author,
            comment: &added.reason,
        })
        .map_err(Error::json)?;
        let record = crate::audit::NewRecord {
            kind: "allowlist".to_string(),
            snapshot_id: snapshot_id.to_string(),
            as_of: as_of.to_string(),
            input,
            decision: serde_json::json!({ "added": added.id }).to_string(),
            alert: None,
        };
        let audited = crate::audit::append_in(&tx, std::slice::from_ref(&record)).map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        let decision_id = audited[0].decision_id.clone();
        Ok((added, decision_id))
    }

    /// Every entry in force (not withdrawn by a later disposition of its
    /// alert), oldest first.
    pub fn allow_entries(&self) -> Result<Vec<AllowEntry>, Error> {
        self.read_allow_entries("WHERE withdrawn_by IS NULL")
    }

    /// Every entry ever added, withdrawn or not, oldest first.
    pub(crate) fn all_allow_entries(&self) -> Result<Vec<AllowEntry>, Error> {
        self.read_allow_entries("")
    }

    fn read_allow_entries(&self, filter: &str) -> Result<Vec<AllowEntry>, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, input_key, entity_id, entity_digest, reason, author, created, expires, key_kind
                 FROM allowlist {filter} ORDER BY id"
            ))
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(sqlite)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, input_key, entity_id, entity_digest, reason, author, created, expires, key_kind) =
                row.map_err(sqlite)?;
            let key_kind = match key_kind {
                Some(k) => Some(k.parse::<AllowKeyKind>().map_err(|e| {
                    Error::json(<serde_json::Error as serde::de::Error>::custom(format!(
                        "allowlist entry a-{id}: key_kind: {e}"
                    )))
                })?),
                None => None,
            };
            let expires = match expires {
                Some(d) => Some(d.parse::<Date>().map_err(|e| {
                    Error::json(<serde_json::Error as serde::de::Error>::custom(format!(
                        "allowlist entry a-{id}: expires: {e}"
                    )))
                })?),
                None => None,
            };
            out.push(AllowEntry {
                id: format!("a-{id}"),
                input_key,
                key_kind,
                entity_id,
                entity_digest,
                reason,
                author,
                created,
                expires,
            });
        }
        Ok(out)
    }
}
