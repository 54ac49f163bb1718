//! What a screening records with its decision in the audit log: the data it
//! used, what was screened and with which settings, and the allowlist
//! entries it met. The command line and the server write the same record,
//! so `interdict replay` can screen any decision again.

use std::path::PathBuf;

use interdict_model::{AllowEntry, Date, Payment};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Party;

/// The data a screening used, so that a replay rebuilds the same snapshot.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Used {
    /// `--orders` files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<PathBuf>,
    /// `--list` files; empty = the store's snapshot or the bundled lists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_snapshot: Option<String>,
}

/// What was screened, with the settings that decided it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Screened {
    Party {
        party: Party,
        as_of: Date,
        jurisdictions: Vec<String>,
        policy: String,
        block: f32,
        review: f32,
    },
    App {
        app_id: String,
        as_of: Date,
        jurisdictions: Vec<String>,
        policy: String,
    },
    Payment {
        payment: Box<Payment>,
        policy: String,
        block: f32,
        review: f32,
    },
}

/// The `input` of an audit record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AuditInput {
    pub used: Used,
    pub screened: Screened,
    /// The allowlist entries for the entities the decision met, as they
    /// were: a replay applies the same ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowlist: Vec<AllowEntry>,
}

impl AuditInput {
    /// The record's kind: `party`, `app` or `payment`.
    pub fn kind(&self) -> &'static str {
        match self.screened {
            Screened::Party { .. } => "party",
            Screened::App { .. } => "app",
            Screened::Payment { .. } => "payment",
        }
    }
}

/// For a decision (as JSON) that needs an analyst, its outcome (`review`
/// or `block`) and what was screened, to open an alert with; `None` for
/// an `allow`.
pub fn alert(input: &AuditInput, decision: &Value) -> Option<(String, String)> {
    let outcome = decision["outcome"].as_str()?;
    if outcome != "review" && outcome != "block" {
        return None;
    }
    let subject = match &input.screened {
        Screened::Party { party, .. } => party
            .names
            .first()
            .cloned()
            .or_else(|| party.identifiers.first().map(|i| i.to_string()))
            .unwrap_or_default(),
        Screened::App { app_id, .. } => app_id.clone(),
        Screened::Payment { payment, .. } => payment.id.clone(),
    };
    Some((outcome.to_string(), subject))
}

/// The entries of `entries` for the entities a decision (as JSON) met.
pub fn entries_for(entries: &[AllowEntry], decision: &Value) -> Vec<AllowEntry> {
    let met: Vec<&str> = ["hits", "suppressed"]
        .iter()
        .flat_map(|k| decision[*k].as_array().into_iter().flatten())
        .filter_map(|h| h["entity_id"].as_str())
        .collect();
    entries
        .iter()
        .filter(|e| met.contains(&e.entity_id.as_str()))
        .cloned()
        .collect()
}

/// `{"decision_id": ..., ...decision}`: the decision as shown to callers.
pub fn with_id(decision_id: Option<&str>, decision: Value) -> Value {
    match (decision_id, decision) {
        (Some(id), Value::Object(fields)) => {
            let mut out = serde_json::Map::new();
            out.insert("decision_id".to_string(), Value::String(id.to_string()));
            out.extend(fields);
            Value::Object(out)
        }
        (_, d) => d,
    }
}
