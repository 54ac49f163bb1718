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
    /// What was screened, as the review queue shows it: the party's first
    /// name (or identifier), the app id, the payment's id.
    pub fn subject(&self) -> String {
        match &self.screened {
            Screened::Party { party, .. } => party
                .names
                .first()
                .cloned()
                .or_else(|| party.identifiers.first().map(|i| i.to_string()))
                .unwrap_or_default(),
            Screened::App { app_id, .. } => app_id.clone(),
            Screened::Payment { payment, .. } => payment.id.clone(),
        }
    }

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
    Some((outcome.to_string(), input.subject()))
}

/// The entries of `entries` for the entities a decision (as JSON) met.
pub fn entries_for(entries: &[AllowEntry], decision: &Value) -> Vec<AllowEntry> {
    let met: Vec<&str> = ["hits", "suppressed"]
        .iter()
        .flat_map(|k| decision[*k].as_array().into_iter().flatten())
        .filter_map(|h| h["entity_id"].as_str())
        .collect();
    entries_met(entries, &met)
}

/// The entries of `entries` for the entities in `met`.
pub fn entries_met(entries: &[AllowEntry], met: &[&str]) -> Vec<AllowEntry> {
    entries
        .iter()
        .filter(|e| met.contains(&e.entity_id.as_str()))
        .cloned()
        .collect()
}

/// A decision as a JSON value, read back from its text: numbers come out as
/// they are written (an `f32` 0.95 as 0.95, not as the `f64` nearest to
/// the `f32`), so a value and the text stored in the audit log agree, and a
/// replay compares like with like.
pub fn to_json_value<T: Serialize>(decision: &T) -> serde_json::Result<Value> {
    serde_json::from_str(&serde_json::to_string(decision)?)
}

/// [`with_id`] on JSON text: `{"decision_id": ..., ...}` from a decision
/// serialised as an object, without parsing it again.
pub fn with_id_text(decision_id: Option<&str>, decision: &str) -> String {
    match (decision_id, decision.strip_prefix('{')) {
        (Some(id), Some(rest)) => {
            let id = serde_json::to_string(id).unwrap_or_else(|_| "\"\"".to_string());
            if rest.trim_start().starts_with('}') {
                format!("{{\"decision_id\":{id}{rest}")
            } else {
                format!("{{\"decision_id\":{id},{rest}")
            }
        }
        _ => decision.to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_goes_first_in_the_text_as_in_the_value() {
        let text = r#"{"outcome":"allow","hits":[]}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        let spliced: Value = serde_json::from_str(&with_id_text(Some("d-1"), text)).unwrap();
        assert_eq!(spliced, with_id(Some("d-1"), value));
        assert!(with_id_text(Some("d-1"), text).starts_with(r#"{"decision_id":"d-1","outcome""#));
        assert_eq!(with_id_text(Some("d-1"), "{}"), r#"{"decision_id":"d-1"}"#);
        assert_eq!(with_id_text(None, text), text);
    }

    #[test]
    fn a_value_holds_f32_numbers_as_written_like_the_text() {
        #[derive(Serialize)]
        struct T {
            block: f32,
        }
        let value = to_json_value(&T { block: 0.95 }).unwrap();
        assert_eq!(value["block"].as_f64(), Some(0.95));
        assert_eq!(value.to_string(), serde_json::to_string(&T { block: 0.95 }).unwrap());
    }
}
