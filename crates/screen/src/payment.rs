//! Screening a payment: every party, agent and intermediary it names, the
//! apps or wallets it goes through, and its remittance text, on the
//! payment's own date.
//!
//! Each party becomes a [`Party`] screened with [`Screener::screen_party`];
//! agents with a BIC are also met by that identifier. The remittance text
//! is searched for listed names: every run of two to four words is screened
//! at the block threshold, so only close matches of whole names count. Apps
//! are screened with [`Screener::screen_app`]. Every finding names the
//! path in the payment it came from (`beneficiary.name`, `apps[0]`,
//! `remittance`). The payment's outcome is the most severe of them.

use serde::Serialize;

use std::ops::Deref;

use interdict_index::{NameIndex, Snapshot};
use interdict_model::{
    Date, Decision, Identifier, IdentifierKind, Jurisdiction, Outcome, Payment, PaymentParty, Warning, ENGINE_VERSION,
};

use crate::party::{Party, PartyHit, Thresholds};
use crate::{Context, Error, Screener};

/// A hit and where in the payment it came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentHit {
    /// `beneficiary`, `intermediaries[1]`, `remittance`...
    pub field: String,
    /// Where the field came from in the original message, for payments
    /// read from pacs.008 or MT103.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(flatten)]
    pub hit: PartyHit,
}

/// An app the payment goes through, and what the orders say of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppFinding {
    pub field: String,
    pub app: String,
    pub decision: Decision,
}

/// The answer for one payment.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentDecision {
    pub id: String,
    pub outcome: Outcome,
    pub as_of: Date,
    pub hits: Vec<PaymentHit>,
    /// Hits an allowlist entry suppressed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<PaymentHit>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<AppFinding>,
    pub warnings: Vec<Warning>,
    pub snapshot_id: String,
    pub engine_version: String,
}

/// The longest run of words of free text screened as one name.
const MAX_WORDS: usize = 4;

impl<S: Deref<Target = Snapshot>> Screener<S> {
    /// Screens `payment` on its own date.
    pub fn screen_payment(
        &self,
        payment: &Payment,
        names: &NameIndex,
        thresholds: Thresholds,
        policy: interdict_model::Policy,
    ) -> Result<PaymentDecision, Error> {
        // The decision and its audit record name the payment by it.
        if payment.id.trim().is_empty() {
            return Err(Error::invalid_party(
                "id",
                "the payment has no id: give the id it is known by".to_string(),
            ));
        }
        // Only echoed, but a payment with a negative or malformed amount, or
        // a currency that is no code, is bad data, named as such.
        if let Some(amount) = &payment.amount {
            if !is_amount(amount) {
                return Err(Error::invalid_party(
                    "amount",
                    format!("`{amount}` is not an amount: expected digits with an optional decimal point (`120.50`), not negative"),
                ));
            }
        }
        if let Some(currency) = &payment.currency {
            if !(currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase())) {
                return Err(Error::invalid_party(
                    "currency",
                    format!(
                        "`{currency}` is not a currency code: expected three capital letters (ISO 4217), such as USD"
                    ),
                ));
            }
        }
        let jurisdictions = if payment.jurisdiction.is_empty() {
            vec!["US".to_string()]
        } else {
            payment.jurisdiction.clone()
        };
        let jurisdictions = jurisdictions
            .iter()
            .map(|j| {
                j.parse::<Jurisdiction>()
                    .map_err(|e| Error::invalid_party("jurisdiction", e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let ctx = Context {
            as_of: payment.date,
            jurisdictions,
            policy,
        };

        let mut roles: Vec<(String, &PaymentParty)> = Vec::new();
        let single = [
            ("originator", &payment.originator),
            ("originator_agent", &payment.originator_agent),
            ("beneficiary", &payment.beneficiary),
            ("beneficiary_agent", &payment.beneficiary_agent),
            ("ultimate_originator", &payment.ultimate_originator),
            ("ultimate_beneficiary", &payment.ultimate_beneficiary),
        ];
        for (role, party) in single {
            if let Some(p) = party {
                roles.push((role.to_string(), p));
            }
        }
        for (i, p) in payment.intermediaries.iter().enumerate() {
            roles.push((format!("intermediaries[{i}]"), p));
        }

        let mut hits = Vec::new();
        let mut suppressed = Vec::new();
        let mut warnings = Vec::new();
        for (field, p) in &roles {
            let mut identifiers = p.identifiers.clone();
            if let Some(bic) = &p.bic {
                identifiers.push(
                    Identifier::new(IdentifierKind::Bic, bic)
                        .map_err(|e| Error::invalid_party(format!("{field}.bic"), e.to_string()))?,
                );
            }
            let names_given: Vec<String> = p.name.iter().filter(|n| !n.trim().is_empty()).cloned().collect();
            // A payment party has one `country`, read as a party's
            // `countries` is: an error names the field the payment has.
            let in_field = |e: Error| match e.kind() {
                crate::ErrorKind::InvalidParty { field: f, message } => {
                    let f = if f == "countries" { "country" } else { f.as_str() };
                    Error::invalid_party(format!("{field}.{f}"), message.clone())
                }
                _ => e,
            };
            let screen = !names_given.is_empty() || !identifiers.is_empty();
            let party = Party {
                names: names_given,
                kind: p.kind.clone(),
                birth_date: p.birth_date.clone(),
                countries: p.country.iter().cloned().collect(),
                identifiers,
                reference: None,
            };
            if screen {
                let d = self.screen_party(&party, names, thresholds, &ctx).map_err(in_field)?;
                warnings.extend(d.warnings);
                let at = |hit| PaymentHit {
                    field: field.clone(),
                    path: payment.paths.get(field).cloned(),
                    hit,
                };
                hits.extend(d.hits.into_iter().map(at));
                suppressed.extend(d.suppressed.into_iter().map(at));
            } else {
                // Nothing to screen it by, but what it says is read all the
                // same: a bad type, date or country is a bad payment.
                crate::party::party_evidence(&party, ctx.as_of).map_err(in_field)?;
            }
            if let Some(address) = &p.address {
                let path = payment.paths.get(field).map(|p| format!("{p}/address"));
                self.screen_text(
                    &format!("{field}.address"),
                    path,
                    address,
                    names,
                    thresholds,
                    &ctx,
                    &mut hits,
                    &mut warnings,
                )?;
            }
        }
        if let Some(text) = &payment.remittance {
            let path = payment.paths.get("remittance").cloned();
            self.screen_text(
                "remittance",
                path,
                text,
                names,
                thresholds,
                &ctx,
                &mut hits,
                &mut warnings,
            )?;
        }
        let mut apps = Vec::new();
        for (i, app) in payment.apps.iter().enumerate() {
            let decision = self
                .screen_app(app, &ctx)
                .map_err(|e| Error::invalid_party(format!("apps[{i}]"), e.to_string()))?;
            apps.push(AppFinding {
                field: format!("apps[{i}]"),
                app: app.clone(),
                decision,
            });
        }
        let outcome = hits
            .iter()
            .map(|h| h.hit.outcome)
            .chain(apps.iter().map(|a| a.decision.outcome))
            .max()
            .unwrap_or(Outcome::Allow);
        Ok(PaymentDecision {
            id: payment.id.clone(),
            outcome,
            as_of: payment.date,
            hits,
            suppressed,
            apps,
            warnings,
            snapshot_id: self.snapshot.id().to_string(),
            engine_version: ENGINE_VERSION.to_string(),
        })
    }

    /// Listed names in free text: every run of two to `MAX_WORDS` words
    /// (one word when the text is one word) screened at the block
    /// threshold; each entity once, at its best score.
    #[allow(clippy::too_many_arguments)]
    fn screen_text(
        &self,
        field: &str,
        path: Option<String>,
        text: &str,
        names: &NameIndex,
        thresholds: Thresholds,
        ctx: &Context,
        hits: &mut Vec<PaymentHit>,
        warnings: &mut Vec<Warning>,
    ) -> Result<(), Error> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut runs: Vec<String> = Vec::new();
        if words.len() == 1 {
            runs.push(words[0].to_string());
        }
        for len in 2..=MAX_WORDS.min(words.len()) {
            for w in words.windows(len) {
                runs.push(w.join(" "));
            }
        }
        let strict = Thresholds {
            block: thresholds.block,
            review: thresholds.block,
        };
        let mut found: Vec<PartyHit> = Vec::new();
        for run in runs {
            let party = Party {
                names: vec![run],
                ..Party::default()
            };
            let d = self.screen_party(&party, names, strict, ctx)?;
            warnings.extend(d.warnings);
            for hit in d.hits {
                match found.iter_mut().find(|h| h.entity_id == hit.entity_id) {
                    Some(h) if h.score >= hit.score => {}
                    Some(h) => *h = hit,
                    None => found.push(hit),
                }
            }
        }
        hits.extend(found.into_iter().map(|hit| PaymentHit {
            field: field.to_string(),
            path: path.clone(),
            hit,
        }));
        Ok(())
    }
}

/// Whether `text` is an amount as payments carry it: 1 to 18 digits, and
/// optionally a point and 1 to 6 more.
fn is_amount(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str, most: usize| !s.is_empty() && s.len() <= most && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole, 18) && fraction.is_none_or(|f| digits(f, 6))
}
