//! Screening requests: a party, a payment or an app in, a recorded
//! decision out. The same functions serve single calls and batches.

use axum::http::StatusCode;
use interdict_model::object::optional;
use interdict_model::{
    Date, Identifier, IdentifierText, Jurisdiction, Outcome, PartialDate, PartyType, Payment, Policy, TwoLetterCode,
};
use interdict_screen::record::{self, AuditInput, Screened, Used};
use interdict_screen::{Context, Party, Thresholds};
use interdict_store::{NewAlert, NewRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::extract::{date_or_today, parse_json};
use crate::state::Live;
use crate::Error;

/// A party to screen, with the settings of the screen.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyRequest {
    /// The party's name and any aliases.
    #[schema(example = json!(["Alipay.com Co., Ltd."]))]
    pub names: Vec<String>,
    /// `person`, `organization`, `vessel` or `aircraft`.
    #[serde(default, rename = "type")]
    #[schema(value_type = Option<PartyType>)]
    pub kind: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, from 1800 and not after `as_of`.
    #[serde(default)]
    #[schema(value_type = Option<PartialDate>)]
    pub birth_date: Option<String>,
    /// ISO 3166-1 alpha-2 codes, in any case.
    #[serde(default)]
    #[schema(value_type = Vec<TwoLetterCode>)]
    pub countries: Vec<String>,
    /// `TYPE:VALUE`, such as `lei:5493001KJTIIGC8Y1R12`; the types are
    /// those of `IdentifierKind`.
    #[serde(default)]
    #[schema(value_type = Vec<IdentifierText>)]
    pub identifiers: Vec<String>,
    /// The caller's own reference (a customer id), carried into the decision.
    #[serde(default)]
    pub reference: Option<String>,
    /// The date to screen as of, `YYYY-MM-DD`; today (UTC) when absent.
    #[serde(default)]
    #[schema(example = "2021-03-01", format = Date)]
    pub as_of: Option<String>,
    /// Jurisdictions the transaction touches: ISO 3166-1 alpha-2 codes, `EU`
    /// or `UN`, in any case; `["US"]` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Vec<TwoLetterCode>>, min_items = 1)]
    pub jurisdictions: Option<Vec<String>>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Policy>)]
    pub policy: Option<String>,
    /// Name score from which a designated entity blocks (default 0.95).
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub block: Option<f64>,
    /// Name score from which a hit goes to review (default 0.80); not above
    /// `block`.
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub review: Option<f64>,
}

/// An app to screen.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppRequest {
    /// An Android package, iOS bundle id, App Store id, store link or domain.
    #[schema(example = "com.eg.android.AlipayGphone")]
    pub app_id: String,
    /// The date to screen as of, `YYYY-MM-DD`; today (UTC) when absent.
    #[serde(default)]
    #[schema(format = Date)]
    pub as_of: Option<String>,
    /// Jurisdictions, as for a party; `["US"]` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Vec<TwoLetterCode>>, min_items = 1)]
    pub jurisdictions: Option<Vec<String>>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Policy>)]
    pub policy: Option<String>,
}

/// A payment to screen: the payment as in docs/data-format.md, and the
/// settings. `as_of`, when given, is the date screened as of and replaces
/// the payment's `date`; the payment may then leave `date` out.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    // Read as JSON first, so that `as_of` can stand in for its date.
    #[schema(value_type = Payment)]
    pub payment: Value,
    #[serde(default)]
    #[schema(format = Date)]
    pub as_of: Option<String>,
    /// `default` when absent.
    #[serde(default)]
    #[schema(value_type = Option<Policy>)]
    pub policy: Option<String>,
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub block: Option<f64>,
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub review: Option<f64>,
}

/// One line of a batch: exactly one of `party`, `payment` or `app`.
#[derive(Clone, Debug, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchItem {
    Party(PartyRequest),
    Payment(PaymentRequest),
    App(AppRequest),
}

/// A batch line as read: an object with one field per kind of item, so
/// that an unknown field, or none, is named as in any other body (read as
/// an enum, serde called a second field a syntax error).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchLine {
    #[serde(default, deserialize_with = "optional")]
    party: Option<PartyRequest>,
    #[serde(default, deserialize_with = "optional")]
    payment: Option<PaymentRequest>,
    #[serde(default, deserialize_with = "optional")]
    app: Option<AppRequest>,
}

impl BatchItem {
    /// Reads one line of a batch.
    pub fn parse(line: &[u8]) -> Result<BatchItem, Error> {
        let read: BatchLine = parse_json(line, "")?;
        match (read.party, read.payment, read.app) {
            (Some(party), None, None) => Ok(BatchItem::Party(party)),
            (None, Some(payment), None) => Ok(BatchItem::Payment(payment)),
            (None, None, Some(app)) => Ok(BatchItem::App(app)),
            (None, None, None) => Err(Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "missing_field",
                "an item is one of `party`, `payment` or `app`: none was given",
            )),
            _ => Err(Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "an item is exactly one of `party`, `payment` or `app`: give each its own line",
            )),
        }
    }

    /// Where this item's fields are, for the errors of its screen.
    pub fn kind(&self) -> &'static str {
        match self {
            BatchItem::Party(_) => "party",
            BatchItem::Payment(_) => "payment",
            BatchItem::App(_) => "app",
        }
    }
}

/// A screened item: its decision as JSON text and the audit record to
/// append. The decision is serialised once, for both.
pub struct Screened1 {
    pub kind: &'static str,
    pub outcome: &'static str,
    pub decision: String,
    pub record: NewRecord,
}

fn used(live: &Live) -> Used {
    Used {
        orders: live.orders.clone(),
        lists: Vec::new(),
        store_snapshot: live.store_snapshot.clone(),
    }
}

fn jurisdictions(raw: &Option<Vec<String>>, field: &str) -> Result<(Vec<String>, Vec<Jurisdiction>), Error> {
    // No jurisdiction at all would be no US nexus: every order set aside
    // and the app or party allowed, although the request meant none of that.
    if raw.as_ref().is_some_and(Vec::is_empty) {
        return Err(Error::invalid(
            field,
            "give at least one jurisdiction, or leave the field out for `[\"US\"]`",
        ));
    }
    let raw = raw.clone().unwrap_or_else(|| vec!["US".to_string()]);
    let parsed = raw
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.parse::<Jurisdiction>()
                .map_err(|e| Error::invalid(format!("{field}[{i}]"), e.to_string()))
        })
        .collect::<Result<_, _>>()?;
    Ok((raw, parsed))
}

fn policy(raw: &Option<String>, field: &str) -> Result<Policy, Error> {
    match raw {
        None => Ok(Policy::Default),
        Some(p) => p.parse().map_err(|m: String| Error::invalid(field, m)),
    }
}

fn thresholds(block: Option<f64>, review: Option<f64>) -> Result<Thresholds, Error> {
    let d = Thresholds::default();
    let block = score_setting("block", block)?.unwrap_or(d.block);
    let review = score_setting("review", review)?.unwrap_or(d.review);
    Ok(Thresholds::new(block, review)?)
}

/// A score setting from a request, checked as given. Settings arrive as
/// f64 and are checked before they narrow to f32: narrowing first would
/// turn -1e-120 into -0.0 and 1.0000000001 into 1.0, and so accept values
/// the description's bounds of 0 and 1 exclude.
pub fn score_setting(field: &str, value: Option<f64>) -> Result<Option<f32>, Error> {
    match value {
        None => Ok(None),
        Some(v) if (0.0..=1.0).contains(&v) => Ok(Some(v as f32)),
        Some(v) => Err(Error::invalid(field, format!("{v}: expected a score from 0 to 1"))),
    }
}

fn finish(
    live: &Live,
    kind: &'static str,
    as_of: String,
    mut input: AuditInput,
    decision: &impl Serialize,
    outcome: Outcome,
    met: &[&str],
) -> Result<Screened1, Error> {
    if !live.allowlist.is_empty() {
        input.allowlist = record::entries_met(&live.allowlist, met);
    }
    let alert = matches!(outcome, Outcome::Review | Outcome::Block).then(|| NewAlert {
        outcome: outcome.as_str().to_string(),
        subject: input.subject(),
    });
    let decision = serde_json::to_string(decision).map_err(|e| Error::internal(e.to_string()))?;
    let record = NewRecord {
        kind: kind.to_string(),
        snapshot_id: live.snapshot.id().to_string(),
        as_of,
        input: serde_json::to_string(&input).map_err(|e| Error::internal(e.to_string()))?,
        decision: decision.clone(),
        alert,
    };
    Ok(Screened1 {
        kind,
        outcome: outcome.as_str(),
        decision,
        record,
    })
}

/// Screens a party on the live snapshot.
pub fn party(live: &Live, req: &PartyRequest) -> Result<Screened1, Error> {
    let as_of = date_or_today(req.as_of.as_deref(), "as_of")?;
    let (raw_jurisdictions, parsed) = jurisdictions(&req.jurisdictions, "jurisdictions")?;
    let policy = policy(&req.policy, "policy")?;
    let thresholds = thresholds(req.block, req.review)?;
    let identifiers = req
        .identifiers
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            raw.parse::<Identifier>()
                .map_err(|e| Error::invalid(format!("identifiers[{i}]"), e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let party = Party {
        names: req.names.clone(),
        kind: req.kind.clone(),
        birth_date: req.birth_date.clone(),
        countries: req.countries.clone(),
        identifiers,
        reference: req.reference.clone(),
    };
    let ctx = Context {
        as_of,
        jurisdictions: parsed,
        policy,
    };
    let decision = live.screener.screen_party(&party, &live.names, thresholds, &ctx)?;
    let met: Vec<&str> = decision
        .hits
        .iter()
        .chain(&decision.suppressed)
        .map(|h| h.entity_id.as_str())
        .collect();
    let input = AuditInput {
        used: used(live),
        allowlist: Vec::new(),
        screened: Screened::Party {
            party,
            as_of,
            jurisdictions: raw_jurisdictions,
            policy: policy.as_str().to_string(),
            block: thresholds.block,
            review: thresholds.review,
        },
    };
    finish(
        live,
        "party",
        as_of.to_string(),
        input,
        &decision,
        decision.outcome,
        &met,
    )
}

/// Screens an app on the live snapshot.
pub fn app(live: &Live, req: &AppRequest) -> Result<Screened1, Error> {
    let as_of = date_or_today(req.as_of.as_deref(), "as_of")?;
    let (raw_jurisdictions, parsed) = jurisdictions(&req.jurisdictions, "jurisdictions")?;
    let policy = policy(&req.policy, "policy")?;
    let ctx = Context {
        as_of,
        jurisdictions: parsed,
        policy,
    };
    let decision = live.screener.screen_app(&req.app_id, &ctx)?;
    let input = AuditInput {
        used: used(live),
        allowlist: Vec::new(),
        screened: Screened::App {
            app_id: req.app_id.clone(),
            as_of,
            jurisdictions: raw_jurisdictions,
            policy: policy.as_str().to_string(),
        },
    };
    finish(live, "app", as_of.to_string(), input, &decision, decision.outcome, &[])
}

/// Screens a payment on the live snapshot.
pub fn payment(live: &Live, req: &PaymentRequest) -> Result<Screened1, Error> {
    let mut body = req.payment.clone();
    let Some(fields) = body.as_object_mut() else {
        return Err(Error::invalid("payment", "expected an object"));
    };
    match &req.as_of {
        Some(d) => {
            let date = date_or_today(Some(d), "as_of")?;
            // Replaced, but read all the same: a payment with a bad date
            // is a bad payment, whatever it is screened as of.
            if let Some(given) = fields.get("date") {
                Date::deserialize(given).map_err(|e| Error::invalid("payment.date", e.to_string()))?;
            }
            fields.insert("date".to_string(), Value::String(date.to_string()));
        }
        None if !fields.contains_key("date") => {
            let today = date_or_today(None, "as_of")?;
            fields.insert("date".to_string(), Value::String(today.to_string()));
        }
        None => {}
    }
    let text = serde_json::to_vec(&body).map_err(|e| Error::internal(e.to_string()))?;
    let payment: Payment = parse_json(&text, "payment")?;
    let policy = policy(&req.policy, "policy")?;
    let thresholds = thresholds(req.block, req.review)?;
    let decision = live
        .screener
        .screen_payment(&payment, &live.names, thresholds, policy)
        .map_err(|e| prefixed(e.into(), "payment"))?;
    let met: Vec<&str> = decision
        .hits
        .iter()
        .chain(&decision.suppressed)
        .map(|h| h.hit.entity_id.as_str())
        .collect();
    let input = AuditInput {
        used: used(live),
        allowlist: Vec::new(),
        screened: Screened::Payment {
            payment: Box::new(payment.clone()),
            policy: policy.as_str().to_string(),
            block: thresholds.block,
            review: thresholds.review,
        },
    };
    finish(
        live,
        "payment",
        payment.date.to_string(),
        input,
        &decision,
        decision.outcome,
        &met,
    )
}

fn prefixed(mut e: Error, prefix: &str) -> Error {
    e.body.field = Some(match e.body.field.take() {
        Some(f) if !f.is_empty() => format!("{prefix}.{f}"),
        _ => prefix.to_string(),
    });
    e
}
