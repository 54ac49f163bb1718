//! The audit log: every decision appended, each record hash-chained to the
//! one before, so that changing, removing or reordering a record breaks
//! the chain at that record.
//!
//! A record's hash is `sha256` over the previous record's hash and the
//! record's fields, each length-prefixed so that no two field lists hash
//! alike. The first record's previous hash is 64 zeros.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, ToSql, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Error, Store};

/// The previous hash of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A decision to append: what was screened, against which snapshot, and
/// the decision, both as JSON text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecord {
    /// `party`, `payment` or `app`.
    pub kind: String,
    pub snapshot_id: String,
    pub as_of: String,
    pub input: String,
    pub decision: String,
    /// Set when the decision needs an analyst: it opens an alert in the
    /// review queue, in the same transaction as the record.
    pub alert: Option<NewAlert>,
}

/// What the review queue shows of a decision before it is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewAlert {
    /// `review` or `block`.
    pub outcome: String,
    /// What was screened: the party's first name, the app id, the
    /// payment's reference.
    pub subject: String,
}

/// One record of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub seq: i64,
    /// See [`decision_id`].
    pub decision_id: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub kind: String,
    pub snapshot_id: String,
    pub as_of: String,
    pub input: String,
    pub decision: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A record's input or decision as the log stores it. JSON text repeats its
/// keys in every record, and the log's size is what each decision costs on
/// disk twice over (the write-ahead log, then the database), and what every
/// checkpoint must sync while the writer waits: so a text that packs
/// smaller is stored as a blob, [`PACKED_LZ4`] and an LZ4 block (the
/// text's length first, 4 bytes little-endian), and any other as the text
/// itself, as every record before schema version 9 is (the store says so
/// with its version, so that older builds refuse it). Hashes are over the
/// text, so how a record is stored never changes its hash.
struct StoredText<'a>(&'a str);

/// The first byte of a packed text: how the rest is packed. Other values
/// are refused as unreadable, never guessed at.
const PACKED_LZ4: u8 = 1;

/// The tag byte and the text's length, before the block.
const PACKED_HEAD: usize = 1 + 4;

/// No stored text unpacks to more than this: a damaged length would
/// otherwise ask for gigabytes. Decisions are far smaller (request bodies
/// are limited to megabytes).
const MAX_UNPACKED: usize = 256 << 20;

impl ToSql for StoredText<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        // Packed straight into the blob, after the tag and the length: the
        // single writer packs every decision, so no second copy.
        let text = self.0.as_bytes();
        let mut packed = vec![0u8; PACKED_HEAD + lz4_flex::block::get_maximum_output_size(text.len())];
        packed[0] = PACKED_LZ4;
        packed[1..PACKED_HEAD].copy_from_slice(&(text.len() as u32).to_le_bytes());
        let len = lz4_flex::block::compress_into(text, &mut packed[PACKED_HEAD..])
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
        packed.truncate(PACKED_HEAD + len);
        Ok(if packed.len() < text.len() {
            ToSqlOutput::from(packed)
        } else {
            ToSqlOutput::from(self.0)
        })
    }
}

/// A disposition as its record gives it, or as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct LoggedDisposition {
    alert: String,
    status: String,
    comment: String,
    author: String,
    entry: Option<String>,
}

/// What the log says the alerts, dispositions and allowlist must be.
#[derive(Default)]
struct LoggedState {
    /// The decisions that needed an analyst, by seq: id and outcome.
    outcomes: BTreeMap<i64, (String, String)>,
    /// Each alert's last status, with the record that gave it.
    statuses: HashMap<String, (String, String)>,
    /// Each disposition record by seq, with its id.
    dispositions: BTreeMap<i64, (LoggedDisposition, String)>,
    /// Each allowlist entry as added, with the record that added it and
    /// that record's seq.
    entries: BTreeMap<u64, (serde_json::Value, String, i64)>,
    /// Withdrawals the log names: entry id to the record's seq and id.
    withdrawals: HashMap<String, (i64, String)>,
    /// Records that cannot be read.
    unreadable: Vec<String>,
}

/// Only the outcome of a stored decision.
#[derive(Deserialize)]
struct OutcomeOnly {
    outcome: Option<String>,
}

impl LoggedState {
    fn read(conn: &rusqlite::Connection) -> rusqlite::Result<LoggedState> {
        let mut state = LoggedState::default();
        let mut stmt = conn.prepare(
            "SELECT seq, decision_id, kind,
                    CASE WHEN kind IN ('disposition', 'allowlist') THEN input END,
                    CASE WHEN kind IN ('disposition', 'allowlist') THEN NULL ELSE decision END
             FROM audit ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let decision_id: String = row.get(1)?;
            let kind: String = row.get(2)?;
            if kind != "disposition" && kind != "allowlist" {
                let outcome = row
                    .get::<_, ReadText>(4)
                    .ok()
                    .and_then(|d| serde_json::from_str::<OutcomeOnly>(&d.0).ok())
                    .and_then(|d| d.outcome);
                match outcome.as_deref() {
                    Some("review" | "block") => {
                        state.outcomes.insert(seq, (decision_id, outcome.unwrap_or_default()));
                    }
                    Some(_) => {}
                    None => state
                        .unreadable
                        .push(format!("record {decision_id} has no outcome that reads")),
                }
                continue;
            }
            let input = row
                .get::<_, ReadText>(3)
                .ok()
                .and_then(|input| serde_json::from_str::<serde_json::Value>(&input.0).ok());
            let Some(input) = input else {
                state.unreadable.push(format!("record {decision_id} cannot be read"));
                continue;
            };
            let text = |field: &str| input[field].as_str().unwrap_or_default().to_string();
            let entry = &input["allow_entry"];
            if kind == "disposition" {
                let alert = text("alert");
                state
                    .statuses
                    .insert(alert.clone(), (text("status"), decision_id.clone()));
                for id in input["withdrawn_allow_entries"].as_array().into_iter().flatten() {
                    if let Some(id) = id.as_str() {
                        state.withdrawals.insert(id.to_string(), (seq, decision_id.clone()));
                    }
                }
                let logged = LoggedDisposition {
                    alert,
                    status: text("status"),
                    comment: text("comment"),
                    author: text("author"),
                    entry: entry["id"].as_str().map(str::to_string),
                };
                state.dispositions.insert(seq, (logged, decision_id.clone()));
            }
            if let Some(number) = entry["id"].as_str().and_then(entry_number) {
                state.entries.insert(number, (entry.clone(), decision_id, seq));
            }
        }
        Ok(state)
    }

    /// The record that withdrew entry `id`, added by record `added`: the
    /// one the log names; else, for an entry a disposition added before the
    /// log named withdrawals, the next disposition of the same alert
    /// (every later disposition withdraws the earlier ones' entries, as
    /// migration 10 recorded).
    fn withdrawal_of(&self, id: &str, added: i64) -> Option<(i64, String)> {
        if let Some(named) = self.withdrawals.get(id) {
            return Some(named.clone());
        }
        let (adding, _) = self.dispositions.get(&added)?;
        self.dispositions
            .range(added + 1..)
            .find(|(_, (d, _))| d.alert == adding.alert)
            .map(|(seq, (_, record))| (*seq, record.clone()))
    }
}

/// The number of an allowlist entry id (`a-12` → 12).
fn entry_number(id: &str) -> Option<u64> {
    id.strip_prefix("a-")?.parse().ok()
}

/// A stored input or decision read back as its text.
struct ReadText(String);

impl FromSql for ReadText {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(_) => String::column_result(value).map(ReadText),
            ValueRef::Blob(blob) => unpack(blob)
                .map(ReadText)
                .map_err(|why| FromSqlError::Other(why.into())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

fn unpack(blob: &[u8]) -> Result<String, String> {
    let block = match blob.split_first() {
        Some((&PACKED_LZ4, block)) => block,
        Some((other, _)) => return Err(format!("a packed text starts with an unknown byte {other}")),
        None => return Err("a packed text is empty".to_string()),
    };
    let (length, block) = match block.split_first_chunk::<4>() {
        Some((length, block)) => (u32::from_le_bytes(*length) as usize, block),
        None => return Err("a packed text is cut short".to_string()),
    };
    if length > MAX_UNPACKED {
        return Err(format!("a packed text claims {length} bytes"));
    }
    let bytes =
        lz4_flex::block::decompress(block, length).map_err(|e| format!("a packed text does not unpack: {e}"))?;
    String::from_utf8(bytes).map_err(|_| "a packed text is not UTF-8".to_string())
}

/// A record's place in the chain, as appending it gave it. The record's
/// own fields are the caller's already: a busy writer appends thousands a
/// second, and copying each decision back out cost it for nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    pub seq: i64,
    /// See [`decision_id`].
    pub decision_id: String,
    /// RFC 3339, UTC.
    pub created: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The id of the record `seq` with `hash`: `d-`, the `seq`, `-`, and the
/// first 16 hex digits of the hash, such as `d-42-a0fa1269a19442a5`. The
/// `seq` finds the record without an index of ids (whose entries would
/// land at random places, a page write for every decision); the hash
/// digits make ids unguessable and tie them to the record's content.
pub fn decision_id(seq: i64, hash: &str) -> String {
    format!("d-{seq}-{}", hash_digits(hash))
}

/// The id that records appended before schema version 8 were given, and
/// keep: `d-` and the first 16 hex digits of the hash (18 characters).
fn id_before_v8(hash: &str) -> String {
    format!("d-{}", hash_digits(hash))
}

/// The first 16 digits of `hash`: all of it when a damaged record's hash
/// is shorter, which the chain check then reports.
fn hash_digits(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}

/// How to find the record of an id.
enum IdLookup {
    /// An id of [`decision_id`]'s form: the record `seq`, if its id is the
    /// whole text.
    Seq(i64),
    /// An id of the form before schema version 8, through its index.
    BeforeV8,
}

fn id_lookup(id: &str) -> IdLookup {
    let seq = id
        .strip_prefix("d-")
        .and_then(|rest| rest.split_once('-'))
        .and_then(|(seq, _)| seq.parse::<i64>().ok());
    match seq {
        Some(seq) => IdLookup::Seq(seq),
        None => IdLookup::BeforeV8,
    }
}

/// The `seq` of the record with id `id`, if there is one.
pub(crate) fn seq_of(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<i64>> {
    match id_lookup(id) {
        IdLookup::Seq(seq) => conn
            .prepare_cached("SELECT seq FROM audit WHERE seq = ?1 AND decision_id = ?2")?
            .query_row(params![seq, id], |r| r.get(0))
            .optional(),
        // The `length` term lets SQLite use the partial index of old ids.
        IdLookup::BeforeV8 => conn
            .prepare_cached("SELECT seq FROM audit WHERE decision_id = ?1 AND length(decision_id) = 18")?
            .query_row([id], |r| r.get(0))
            .optional(),
    }
}

/// Appends `records` inside `tx`, chained after the last record, opening
/// an alert for each record that asks for one.
pub(crate) fn append_in(tx: &rusqlite::Transaction<'_>, records: &[NewRecord]) -> rusqlite::Result<Vec<Appended>> {
    append_after(tx, records, true)
}

/// [`append_in`], chained after the head (`with_head`), or, for the stores
/// of before version 12 that the migration tests build, after the last
/// record there is.
pub(crate) fn append_after(
    tx: &rusqlite::Transaction<'_>,
    records: &[NewRecord],
    with_head: bool,
) -> rusqlite::Result<Vec<Appended>> {
    // Cached, as the inserts are: the writer runs this once a transaction,
    // and preparing it each time showed in a server's profile. The chain
    // goes on from the head, not from the last record there is: after
    // records cut from the end, the next one leaves the gap, and numbers
    // are never given out twice.
    let last: Option<(i64, String)> = tx
        .prepare_cached(if with_head {
            "SELECT seq, hash FROM audit_head WHERE one = 1"
        } else {
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1"
        })?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (mut seq, mut prev) = last.unwrap_or((0, GENESIS.to_string()));
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut insert = tx.prepare_cached(
        "INSERT INTO audit (seq, decision_id, created, kind, snapshot_id, as_of, input, decision, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut open_alert = tx.prepare_cached(
        "INSERT INTO alerts (decision_id, seq, kind, outcome, subject, status, created, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?6)",
    )?;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        seq += 1;
        let hash = record_hash(&prev, seq, &created, r);
        let decision_id = decision_id(seq, &hash);
        insert.execute(params![
            seq,
            decision_id,
            created,
            r.kind,
            r.snapshot_id,
            r.as_of,
            StoredText(&r.input),
            StoredText(&r.decision),
            prev,
            hash
        ])?;
        if let Some(alert) = &r.alert {
            open_alert.execute(params![decision_id, seq, r.kind, alert.outcome, alert.subject, created])?;
        }
        out.push(Appended {
            seq,
            decision_id,
            created: created.clone(),
            prev_hash: prev,
            hash: hash.clone(),
        });
        prev = hash;
    }
    if let Some(head) = out.last().filter(|_| with_head) {
        tx.prepare_cached(
            "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?1, ?2)
             ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        )?
        .execute(params![head.seq, head.hash])?;
    }
    Ok(out)
}

/// The result of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainCheck {
    pub records: u64,
    /// The first record whose hash or link does not hold, and why.
    pub first_broken: Option<(i64, String)>,
}

fn record_hash(prev: &str, seq: i64, created: &str, r: &NewRecord) -> String {
    let mut h = Sha256::new();
    for field in [
        prev,
        &seq.to_string(),
        created,
        &r.kind,
        &r.snapshot_id,
        &r.as_of,
        &r.input,
        &r.decision,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    format!("{:x}", h.finalize())
}

impl Store {
    /// Appends `records` to the log in one transaction, chained in order,
    /// and returns where each went. Either all are appended or none.
    pub fn append_decisions(&mut self, records: &[NewRecord]) -> Result<Vec<Appended>, Error> {
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let out = append_in(&tx, records).map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(out)
    }

    /// The record of `decision_id`, checked: its content must match its
    /// hash and its id, and the next record (if any) must link to it, or
    /// the answer is [`ErrorKind::Altered`](crate::ErrorKind::Altered).
    /// A record is shown only as it was appended.
    pub fn decision(&self, decision_id: &str) -> Result<Option<AuditRecord>, Error> {
        let Some(record) = self.decision_unchecked(decision_id)? else {
            return Ok(None);
        };
        let stored = NewRecord {
            kind: record.kind.clone(),
            snapshot_id: record.snapshot_id.clone(),
            as_of: record.as_of.clone(),
            input: record.input.clone(),
            decision: record.decision.clone(),
            alert: None,
        };
        let why = if record_hash(&record.prev_hash, record.seq, &record.created, &stored) != record.hash {
            Some("its content does not match its hash".to_string())
        } else if record.decision_id != self::decision_id(record.seq, &record.hash)
            && record.decision_id != id_before_v8(&record.hash)
        {
            Some("its id does not match its hash".to_string())
        } else {
            let next: Option<String> = self
                .conn
                .query_row("SELECT prev_hash FROM audit WHERE seq = ?1", [record.seq + 1], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(|e| Error::sqlite(&self.path, e))?;
            next.filter(|link| *link != record.hash)
                .map(|_| "the record after it does not link to it".to_string())
        };
        match why {
            Some(why) => Err(Error::altered(
                &format!("audit record {}", record.decision_id),
                format!(
                    "{why}; it is not shown as a decision (`interdict audit verify` names the first broken record)"
                ),
            )),
            None => Ok(Some(record)),
        }
    }

    fn decision_unchecked(&self, decision_id: &str) -> Result<Option<AuditRecord>, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        let Some(seq) = seq_of(&self.conn, decision_id).map_err(sqlite)? else {
            return Ok(None);
        };
        self.conn
            .query_row(
                "SELECT seq, decision_id, created, kind, snapshot_id, as_of, input, decision, prev_hash, hash
                 FROM audit WHERE seq = ?1",
                [seq],
                |r| {
                    Ok(AuditRecord {
                        seq: r.get(0)?,
                        decision_id: r.get(1)?,
                        created: r.get(2)?,
                        kind: r.get(3)?,
                        snapshot_id: r.get(4)?,
                        as_of: r.get(5)?,
                        input: r.get::<_, ReadText>(6)?.0,
                        decision: r.get::<_, ReadText>(7)?.0,
                        prev_hash: r.get(8)?,
                        hash: r.get(9)?,
                    })
                },
            )
            .optional()
            .map_err(sqlite)
    }

    /// Checks what the store holds beside the log against what the log
    /// records: each alert against the decision that opened it and its last
    /// disposition, each disposition row against its record, and each
    /// allowlist entry against the record that added it (and the one that
    /// withdrew it). The chain cannot see these rows: a status set to
    /// `false_positive`, an alert deleted, or an entry added or changed, in
    /// the database itself would clear a party with nothing in the log.
    /// Returns each difference; none when they agree. Meaningful once
    /// [`Store::verify_audit`] finds the chain intact. Reads in one
    /// transaction, so that a server writing beside it is seen whole or not
    /// at all.
    pub fn verify_state(&self) -> Result<Vec<String>, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        let _one_view = self.conn.unchecked_transaction().map_err(sqlite)?;
        let log = LoggedState::read(&self.conn).map_err(sqlite)?;
        let mut problems = log.unreadable.clone();

        // Alerts: opened by a decision that needed an analyst, with the
        // status its last disposition gave.
        let mut stmt = self
            .conn
            .prepare("SELECT seq, decision_id, outcome, status FROM alerts ORDER BY seq")
            .map_err(sqlite)?;
        let alerts = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })
            .map_err(sqlite)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sqlite)?;
        let mut alert_ids: HashMap<i64, String> = HashMap::new();
        for (seq, id, outcome, status) in &alerts {
            match log.outcomes.get(seq) {
                Some((decision_id, logged)) if decision_id == id && logged == outcome => {}
                _ => problems.push(format!(
                    "alert {id} ({outcome}) is not a decision of the log that needed an analyst"
                )),
            }
            match log.statuses.get(id) {
                Some((logged, record)) if logged != status => problems.push(format!(
                    "alert {id} is `{status}` in the store, but its last disposition in the log ({record}) made it \
                     `{logged}`"
                )),
                None if status != "open" => problems.push(format!(
                    "alert {id} is `{status}` in the store, but the log holds no disposition of it"
                )),
                _ => {}
            }
            alert_ids.insert(*seq, id.clone());
        }
        // Every decision that needed an analyst opened an alert, since
        // alerts were kept (stores from before schema 6 have none for their
        // first decisions).
        if let Some(&first) = alert_ids.keys().min() {
            for (seq, (id, outcome)) in &log.outcomes {
                if *seq > first && !alert_ids.contains_key(seq) {
                    problems.push(format!("decision {id} ({outcome}) has no alert in the store"));
                }
            }
        }
        for (id, (_, record)) in &log.statuses {
            if !alert_ids.values().any(|a| a == id) {
                problems.push(format!(
                    "alert {id}, disposed of in the log ({record}), is not in the store"
                ));
            }
        }

        // Dispositions: each row as its record says.
        let mut stmt = self
            .conn
            .prepare(
                "SELECT alert_seq, status, comment, author, allow_entry_id, audit_seq FROM dispositions ORDER BY id",
            )
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .map_err(sqlite)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sqlite)?;
        let mut disposition_rows = HashSet::new();
        for (alert_seq, status, comment, author, entry, audit_seq) in rows {
            let row = LoggedDisposition {
                alert: alert_ids.get(&alert_seq).cloned().unwrap_or_default(),
                status,
                comment,
                author,
                entry,
            };
            match log.dispositions.get(&audit_seq) {
                Some((logged, _)) if *logged == row => {}
                Some((_, record)) => problems.push(format!(
                    "the disposition of alert {} recorded as {record} differs from its record",
                    row.alert
                )),
                None => problems.push(format!(
                    "a disposition of alert {} names record {audit_seq}, which records no disposition",
                    row.alert
                )),
            }
            disposition_rows.insert(audit_seq);
        }
        for (seq, (d, record)) in &log.dispositions {
            if !disposition_rows.contains(seq) {
                problems.push(format!(
                    "the disposition {record} of alert {} is not in the store",
                    d.alert
                ));
            }
        }

        // Allowlist entries: each as the log recorded it, withdrawn by the
        // record that withdrew it.
        let withdrawn_by: HashMap<String, Option<i64>> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id, withdrawn_by FROM allowlist")
                .map_err(sqlite)?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((format!("a-{}", r.get::<_, i64>(0)?), r.get::<_, Option<i64>>(1)?))
                })
                .map_err(sqlite)?;
            rows.collect::<Result<_, _>>().map_err(sqlite)?
        };
        let mut logged_entries = log.entries.clone();
        for entry in &self.all_allow_entries()? {
            let number = entry_number(&entry.id);
            let Some((logged, record, added)) = number.and_then(|n| logged_entries.remove(&n)) else {
                problems.push(format!(
                    "allowlist entry {} (`{}` is not {}) is in no audit record (entries added with `allowlist add` \
                     before it was recorded have none)",
                    entry.id, entry.input_key, entry.entity_id
                ));
                continue;
            };
            let now = serde_json::to_value(entry).map_err(Error::json)?;
            if now != logged {
                let mut fields: Vec<&str> = [
                    "input_key",
                    "key_kind",
                    "entity_id",
                    "entity_digest",
                    "reason",
                    "author",
                    "created",
                    "expires",
                ]
                .into_iter()
                .filter(|f| now[*f] != logged[*f])
                .collect();
                if fields.is_empty() {
                    fields.push("its content");
                }
                problems.push(format!(
                    "allowlist entry {} differs from its audit record {record}: {}",
                    entry.id,
                    fields.join(", ")
                ));
            }
            let expected = log.withdrawal_of(&entry.id, added);
            let stored = withdrawn_by.get(&entry.id).copied().flatten();
            if expected.as_ref().map(|(seq, _)| *seq) != stored {
                problems.push(match expected {
                    Some((_, record)) => format!(
                        "allowlist entry {} was withdrawn by {record} in the log, but is in force in the store",
                        entry.id
                    ),
                    None => format!(
                        "allowlist entry {} is withdrawn in the store, but not in the log",
                        entry.id
                    ),
                });
            }
        }
        for (number, (_, record, _)) in logged_entries {
            problems.push(format!(
                "allowlist entry a-{number}, added in the log ({record}), is not in the store"
            ));
        }
        Ok(problems)
    }

    /// Checks every record's hash and its link to the one before, in order,
    /// and reports the first that does not hold.
    pub fn verify_audit(&self) -> Result<ChainCheck, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, created, kind, snapshot_id, as_of, input, decision, prev_hash, hash, decision_id
                 FROM audit ORDER BY seq",
            )
            .map_err(sqlite)?;
        let mut rows = stmt.query([]).map_err(sqlite)?;
        let (mut prev, mut expected_seq, mut records) = (GENESIS.to_string(), 1i64, 0u64);
        while let Some(row) = rows.next().map_err(sqlite)? {
            let seq: i64 = row.get(0).map_err(sqlite)?;
            let created: String = row.get(1).map_err(sqlite)?;
            // A packed text that does not unpack is damage to the record,
            // reported as such, not a failure of the check.
            let (input, decision, unreadable) = match (row.get::<_, ReadText>(5), row.get::<_, ReadText>(6)) {
                (Ok(input), Ok(decision)) => (input.0, decision.0, None),
                (Err(e), _) | (_, Err(e)) => (String::new(), String::new(), Some(e)),
            };
            let record = NewRecord {
                kind: row.get(2).map_err(sqlite)?,
                snapshot_id: row.get(3).map_err(sqlite)?,
                as_of: row.get(4).map_err(sqlite)?,
                input,
                decision,
                alert: None,
            };
            let prev_hash: String = row.get(7).map_err(sqlite)?;
            let hash: String = row.get(8).map_err(sqlite)?;
            let decision_id: String = row.get(9).map_err(sqlite)?;
            records += 1;
            let broken = if seq != expected_seq {
                Some(format!("record {expected_seq} is missing (next is {seq})"))
            } else if prev_hash != prev {
                Some("its link to the record before does not match".to_string())
            } else if let Some(e) = unreadable {
                Some(format!("its content cannot be read: {e}"))
            } else if record_hash(&prev, seq, &created, &record) != hash
                || (decision_id != self::decision_id(seq, &hash) && decision_id != id_before_v8(&hash))
            {
                Some("its content does not match its hash".to_string())
            } else {
                None
            };
            if let Some(why) = broken {
                return Ok(ChainCheck {
                    records,
                    first_broken: Some((seq, why)),
                });
            }
            prev = hash;
            expected_seq = seq + 1;
        }
        drop(rows);
        // The chain holds to its last record; the head says whether that
        // is the last one appended.
        let head: Option<(i64, String)> = self
            .conn
            .query_row("SELECT seq, hash FROM audit_head WHERE one = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
            .map_err(sqlite)?;
        let last = expected_seq - 1;
        let broken = match head {
            Some((seq, _)) if seq > last => Some((
                last + 1,
                format!("the log ends at record {last}, but record {seq} was appended: the records after {last} were removed"),
            )),
            Some((seq, _)) if seq < last => Some((
                seq + 1,
                format!("the last record appended is {seq}: the records after it were added outside interdict"),
            )),
            Some((_, hash)) if hash != prev => Some((last, "it is not the record appended last".to_string())),
            None if records > 0 => Some((last, "the log's head is missing".to_string())),
            _ => None,
        };
        Ok(ChainCheck {
            records,
            first_broken: broken,
        })
    }
}
