//! The review queue: an alert for each decision that needs an analyst, and
//! the analysts' dispositions. A disposition is itself appended to the
//! audit log (kind `disposition`), in the same transaction that records it
//! and, for a false positive, adds the allowlist entry.

use std::fmt;
use std::str::FromStr;

use interdict_model::AllowEntry;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::allowlist::{insert_allow_entry, NewAllowEntry};
use crate::audit::{append_in, seq_of, NewRecord};
use crate::{Error, Store};

/// Where an alert stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Waiting for an analyst.
    Open,
    /// The hit is the listed party.
    Confirmed,
    /// The hit is not the listed party.
    FalsePositive,
    /// Passed up for a second opinion.
    Escalated,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Open => "open",
            AlertStatus::Confirmed => "confirmed",
            AlertStatus::FalsePositive => "false_positive",
            AlertStatus::Escalated => "escalated",
        }
    }
}

impl fmt::Display for AlertStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AlertStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "open" => Ok(AlertStatus::Open),
            "confirmed" => Ok(AlertStatus::Confirmed),
            "false_positive" => Ok(AlertStatus::FalsePositive),
            "escalated" => Ok(AlertStatus::Escalated),
            other => Err(format!(
                "unknown alert status `{other}`; expected open, confirmed, false_positive or escalated"
            )),
        }
    }
}

/// One alert of the queue.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    /// The decision's id, which is also the alert's.
    pub id: String,
    /// `party`, `payment` or `app`.
    pub kind: String,
    /// The decision's outcome: `review` or `block`.
    pub outcome: String,
    pub subject: String,
    pub status: AlertStatus,
    pub created: String,
    pub updated: String,
}

/// A disposition to record.
#[derive(Clone, Debug)]
pub struct NewDisposition {
    pub alert_id: String,
    /// `confirmed`, `false_positive` or `escalated`.
    pub status: AlertStatus,
    pub comment: String,
    pub author: String,
    /// For a false positive: the allowlist entry that keeps the hit from
    /// coming back.
    pub allow: Option<NewAllowEntry>,
    /// The date recorded with the disposition's audit record.
    pub as_of: String,
}

/// A disposition as recorded.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Disposition {
    pub id: i64,
    pub alert_id: String,
    pub status: AlertStatus,
    pub comment: String,
    pub author: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_entry: Option<AllowEntry>,
    /// The allowlist entries that earlier dispositions of the alert added
    /// and this one withdrew: a later disposition replaces an earlier one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub withdrawn_allow_entries: Vec<String>,
    /// The disposition's own record in the audit log.
    pub audit_decision_id: String,
    pub created: String,
}

/// The input of a disposition's audit record.
#[derive(Serialize)]
struct DispositionInput<'a> {
    alert: &'a str,
    status: AlertStatus,
    comment: &'a str,
    author: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    allow_entry: Option<&'a AllowEntry>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    withdrawn_allow_entries: &'a [String],
}

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, String, String, String, String)> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
    ))
}

impl Store {
    /// Alerts with `status` (all when `None`), oldest first, at most
    /// `limit`, starting after `after` (an alert id) when given.
    pub fn alerts(&self, status: Option<AlertStatus>, limit: usize, after: Option<&str>) -> Result<Vec<Alert>, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        let after_seq: i64 = match after {
            Some(id) => alert_seq(&self.conn, id)
                .map_err(sqlite)?
                .ok_or_else(|| Error::unknown_alert(id))?,
            None => 0,
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT decision_id, kind, outcome, subject, status, created, updated FROM alerts
                 WHERE (?1 IS NULL OR status = ?1) AND seq > ?2 ORDER BY seq LIMIT ?3",
            )
            .map_err(sqlite)?;
        let rows = stmt
            .query_map(params![status.map(|s| s.as_str()), after_seq, limit as i64], alert_row)
            .map_err(sqlite)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(to_alert(row.map_err(sqlite)?).map_err(|e| e.with_path(&self.path))?);
        }
        Ok(out)
    }

    /// The alert of decision `id`, if the decision opened one.
    pub fn alert(&self, id: &str) -> Result<Option<Alert>, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        let Some(seq) = seq_of(&self.conn, id).map_err(sqlite)? else {
            return Ok(None);
        };
        let row = self
            .conn
            .query_row(
                "SELECT decision_id, kind, outcome, subject, status, created, updated FROM alerts WHERE seq = ?1",
                [seq],
                alert_row,
            )
            .optional()
            .map_err(sqlite)?;
        row.map(to_alert).transpose()
    }

    /// The dispositions of alert `id`, oldest first.
    pub fn dispositions(&self, id: &str) -> Result<Vec<Disposition>, Error> {
        let sqlite = |e| Error::sqlite(&self.path, e);
        // A decision without an alert has no dispositions either.
        let Some(seq) = seq_of(&self.conn, id).map_err(sqlite)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT d.id, alerts.decision_id, d.status, d.comment, d.author, d.allow_entry_id, audit.decision_id,
                        d.created,
                        (SELECT group_concat('a-' || a.id) FROM
                            (SELECT id FROM allowlist WHERE withdrawn_by = d.audit_seq ORDER BY id) a)
                 FROM dispositions d
                 JOIN alerts ON alerts.seq = d.alert_seq
                 JOIN audit ON audit.seq = d.audit_seq
                 WHERE d.alert_seq = ?1 ORDER BY d.id",
            )
            .map_err(sqlite)?;
        let rows = stmt
            .query_map([seq], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(sqlite)?;
        let entries = self.all_allow_entries()?;
        let mut out = Vec::new();
        for row in rows {
            let (id, alert_id, status, comment, author, allow_id, audit_decision_id, created, withdrawn) =
                row.map_err(sqlite)?;
            out.push(Disposition {
                id,
                alert_id,
                status: status.parse().map_err(|m: String| Error::corrupt(&self.path, m))?,
                comment,
                author,
                allow_entry: allow_id.and_then(|a| entries.iter().find(|e| e.id == a).cloned()),
                withdrawn_allow_entries: withdrawn.map(|w| in_id_order(&w)).unwrap_or_default(),
                audit_decision_id,
                created,
            });
        }
        Ok(out)
    }

    /// Records a disposition of an alert, in one transaction: the allowlist
    /// entry (if any), the disposition's audit record, the disposition, the
    /// withdrawal of the entries earlier dispositions of the alert added
    /// (the latest disposition stands), and the alert's new status. An unknown alert is an error and changes
    /// nothing; so is `open` as a disposition.
    pub fn dispose(&mut self, d: &NewDisposition) -> Result<Disposition, Error> {
        if d.status == AlertStatus::Open {
            return Err(Error::invalid(
                "status",
                "a disposition is confirmed, false_positive or escalated",
            ));
        }
        if d.allow.is_some() && d.status != AlertStatus::FalsePositive {
            return Err(Error::invalid(
                "allowlist",
                "only a false_positive disposition adds an allowlist entry",
            ));
        }
        let path = self.path.clone();
        let sqlite = |e| Error::sqlite(&path, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sqlite)?;
        let seq = alert_seq(&tx, &d.alert_id)
            .map_err(sqlite)?
            .ok_or_else(|| Error::unknown_alert(&d.alert_id))?;
        let snapshot_id: String = tx
            .query_row("SELECT snapshot_id FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
            .map_err(sqlite)?;
        // The entries earlier dispositions of this alert added, still in
        // force: this one replaces them.
        let withdrawn: Vec<i64> = tx
            .prepare(
                "SELECT a.id FROM dispositions d
                 JOIN allowlist a ON a.id = CAST(substr(d.allow_entry_id, 3) AS INTEGER)
                 WHERE d.alert_seq = ?1 AND d.allow_entry_id IS NOT NULL AND a.withdrawn_by IS NULL
                 ORDER BY a.id",
            )
            .and_then(|mut stmt| stmt.query_map([seq], |r| r.get(0))?.collect())
            .map_err(sqlite)?;
        let withdrawn_ids: Vec<String> = withdrawn.iter().map(|id| format!("a-{id}")).collect();
        let allow_entry = match &d.allow {
            Some(entry) => Some(insert_allow_entry(&tx, entry).map_err(sqlite)?),
            None => None,
        };
        let input = serde_json::to_string(&DispositionInput {
            alert: &d.alert_id,
            status: d.status,
            comment: &d.comment,
            author: &d.author,
            allow_entry: allow_entry.as_ref(),
            withdrawn_allow_entries: &withdrawn_ids,
        })
        .map_err(Error::json)?;
        let record = NewRecord {
            kind: "disposition".to_string(),
            snapshot_id,
            as_of: d.as_of.clone(),
            input,
            decision: serde_json::json!({ "status": d.status }).to_string(),
            alert: None,
        };
        let audited = append_in(&tx, std::slice::from_ref(&record)).map_err(sqlite)?;
        let audit = &audited[0];
        tx.execute(
            "INSERT INTO dispositions (alert_seq, status, comment, author, allow_entry_id, audit_seq, created)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                seq,
                d.status.as_str(),
                d.comment,
                d.author,
                allow_entry.as_ref().map(|e| e.id.clone()),
                audit.seq,
                audit.created
            ],
        )
        .map_err(sqlite)?;
        let id = tx.last_insert_rowid();
        for entry in &withdrawn {
            tx.execute(
                "UPDATE allowlist SET withdrawn_by = ?2 WHERE id = ?1",
                params![entry, audit.seq],
            )
            .map_err(sqlite)?;
        }
        tx.execute(
            "UPDATE alerts SET status = ?2, updated = ?3 WHERE seq = ?1",
            params![seq, d.status.as_str(), audit.created],
        )
        .map_err(sqlite)?;
        tx.commit().map_err(sqlite)?;
        Ok(Disposition {
            id,
            alert_id: d.alert_id.clone(),
            status: d.status,
            comment: d.comment.clone(),
            author: d.author.clone(),
            allow_entry,
            withdrawn_allow_entries: withdrawn_ids,
            audit_decision_id: audit.decision_id.clone(),
            created: audit.created.clone(),
        })
    }
}

/// The `seq` of the alert of decision `id`, if the decision opened one.
fn alert_seq(conn: &rusqlite::Connection, id: &str) -> rusqlite::Result<Option<i64>> {
    let Some(seq) = seq_of(conn, id)? else {
        return Ok(None);
    };
    conn.prepare_cached("SELECT seq FROM alerts WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()
}

fn to_alert(
    (id, kind, outcome, subject, status, created, updated): (String, String, String, String, String, String, String),
) -> Result<Alert, Error> {
    Ok(Alert {
        status: status
            .parse()
            .map_err(|m: String| Error::corrupt(std::path::Path::new("alerts"), m))?,
        id,
        kind,
        outcome,
        subject,
        created,
        updated,
    })
}

/// The entry ids of a `group_concat`, whose order SQLite does not promise,
/// in the order they were added.
fn in_id_order(ids: &str) -> Vec<String> {
    let mut ids: Vec<&str> = ids.split(',').collect();
    ids.sort_by_key(|id| id.trim_start_matches("a-").parse::<u64>().unwrap_or(u64::MAX));
    ids.into_iter().map(str::to_string).collect()
}
