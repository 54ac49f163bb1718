//! Screening a party: its names and identifiers against the listed
//! entities, and for each entity found, what holds against it on the date:
//! its designations, the ownership rules that block it through its owners,
//! and the orders that cover it.
//!
//! | what holds on the date | identifier match | name score ≥ block | name score ≥ review |
//! |---|---|---|---|
//! | an active designation, or blocked by an ownership rule | block | block | review |
//! | an order in force covers it | the order's outcome | the order's outcome | review at most |
//! | nothing (delisted, not yet listed, not covered) | allow, with a warning | allow | allow |
//!
//! The decision's outcome is the most severe of its hits' outcomes.

use serde::{Deserialize, Serialize};

use std::ops::Deref;

use interdict_index::{NameIndex, Snapshot};
use interdict_model::{
    allow_key, AllowEntry, AllowKeyKind, Date, Identifier, OrderFinding, OrderStatus, Outcome, OwnershipFinding,
    OwnershipRule, Warning, WarningCode, ENGINE_VERSION,
};
use interdict_names::{Adjustment, Evidence, Features, PartyKind};

use crate::{order_finding, Context, Error, ErrorKind, Screener};

/// A party to screen. Unknown fields are rejected.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// One name or several (the name and its known aliases).
    pub names: Vec<String>,
    /// `person`, `organization`, `vessel` or `aircraft`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    /// The caller's own reference (a customer id), carried into the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// Name scores at or above `block` block a designated entity; from
/// `review` up to `block` they go to review.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thresholds {
    pub block: f32,
    pub review: f32,
}

impl Thresholds {
    /// Thresholds from `block` and `review`: each a score from 0 to 1, and
    /// review not above block. The error names the setting at fault.
    pub fn new(block: f32, review: f32) -> Result<Thresholds, Error> {
        for (field, value) in [("block", block), ("review", review)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::threshold(ErrorKind::ThresholdOutOfRange { field, value }));
            }
        }
        if review > block {
            return Err(Error::threshold(ErrorKind::ReviewAboveBlock { review, block }));
        }
        Ok(Thresholds { block, review })
    }
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            block: 0.95,
            review: 0.80,
        }
    }
}

/// How the party met the entity.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum Evidenced {
    /// The same normalised identifier: decisive.
    Identifier { identifier: Identifier },
    /// A name score, explained feature by feature.
    Name {
        input: String,
        matched_name: String,
        features: Features,
        #[serde(skip_serializing_if = "is_zero")]
        evidence: Adjustment,
    },
}

fn is_zero(a: &Adjustment) -> bool {
    *a == Adjustment::default()
}

/// A designation of a hit entity and its status on the date.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DesignationStatus {
    pub authority: String,
    pub program: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    pub active: bool,
}

/// One listed entity the party met, and what holds against it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyHit {
    pub entity_id: String,
    pub name: String,
    pub kind: String,
    pub score: f32,
    #[serde(flatten)]
    pub evidenced: Evidenced,
    pub designations: Vec<DesignationStatus>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ownership: Vec<OwnershipFinding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<OrderFinding>,
    pub outcome: Outcome,
    pub reason: String,
    /// The allowlist entry that suppressed this hit, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<AllowUse>,
}

/// The use of an allowlist entry, recorded in the decision (and so in the
/// audit log).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllowUse {
    pub entry_id: String,
    pub reason: String,
    pub author: String,
}

/// The answer for one party on one date.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyDecision {
    pub outcome: Outcome,
    pub as_of: Date,
    pub input: Party,
    pub thresholds: Thresholds,
    /// Best first.
    pub hits: Vec<PartyHit>,
    /// Hits an allowlist entry suppressed: they do not count.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<PartyHit>,
    pub warnings: Vec<Warning>,
    pub snapshot_id: String,
    pub engine_version: String,
}

/// Name hits looked at per name of the party.
const HITS_PER_NAME: usize = 10;

impl<S: Deref<Target = Snapshot>> Screener<S> {
    /// Screens `party` on `ctx.as_of`: names through `names` (the name
    /// index of this screener's snapshot), identifiers exactly.
    pub fn screen_party(
        &self,
        party: &Party,
        names: &NameIndex,
        thresholds: Thresholds,
        ctx: &Context,
    ) -> Result<PartyDecision, Error> {
        if party.names.iter().all(|n| n.trim().is_empty()) && party.identifiers.is_empty() {
            return Err(Error::invalid_party(
                "names",
                "a party needs a name or an identifier".to_string(),
            ));
        }
        let evidence = party_evidence(party, ctx.as_of)?;
        let snapshot: &Snapshot = &self.snapshot;
        let entities = &snapshot.dataset().entities;

        // The best evidence per entity: an identifier, else the best name.
        let mut found: Vec<(usize, f32, Evidenced)> = Vec::new();
        for identifier in &party.identifiers {
            for f in snapshot.lookup(identifier) {
                if f.kind != interdict_model::MatchKind::Exact {
                    continue;
                }
                let Some(i) = snapshot.entity_position(&f.entity.id) else {
                    continue;
                };
                found.retain(|(e, _, _)| *e != i);
                found.push((
                    i,
                    1.0,
                    Evidenced::Identifier {
                        identifier: f.record.identifier.clone(),
                    },
                ));
            }
        }
        for name in party.names.iter().filter(|n| !n.trim().is_empty()) {
            for hit in names.search(name, &evidence, thresholds.review, HITS_PER_NAME) {
                match found.iter_mut().find(|(e, _, _)| *e == hit.entity) {
                    Some((_, _, Evidenced::Identifier { .. })) => {}
                    Some(slot) if slot.1 >= hit.score => {}
                    slot => {
                        let entry = (
                            hit.entity,
                            hit.score,
                            Evidenced::Name {
                                input: name.clone(),
                                matched_name: hit.name,
                                features: hit.features,
                                evidence: hit.adjustment,
                            },
                        );
                        match slot {
                            Some(s) => *s = entry,
                            None => found.push(entry),
                        }
                    }
                }
            }
        }
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

        let rules: Vec<&OwnershipRule> = self.rules.iter().filter(|r| r.in_force(ctx.as_of)).collect();
        let mut warnings = Vec::new();
        let mut hits = Vec::new();
        for (i, score, evidenced) in found {
            let entity = &entities[i];
            let designations: Vec<DesignationStatus> = snapshot
                .designations_of(&entity.id)
                .into_iter()
                .map(|d| DesignationStatus {
                    authority: d.authority.clone(),
                    program: d.program.clone(),
                    start: d.start,
                    end: d.end,
                    active: d.active_on(ctx.as_of),
                })
                .collect();
            let ownership: Vec<OwnershipFinding> = rules
                .iter()
                .filter_map(|r| self.ownership(r, ctx.as_of).owned.get(&entity.id).cloned())
                .collect();
            let mut orders = Vec::new();
            for order in snapshot.orders() {
                if order.status_on(ctx.as_of) == OrderStatus::NotSigned || order.scope.is_empty() {
                    continue;
                }
                let coverage = self.coverage(order, ctx.as_of);
                let Some(covered) = coverage.get(&entity.id) else {
                    continue;
                };
                orders.push(order_finding(
                    order,
                    ctx,
                    covered.clone(),
                    covered.path.clone(),
                    &mut warnings,
                ));
            }

            let decisive = matches!(evidenced, Evidenced::Identifier { .. }) || score >= thresholds.block;
            let by = match &evidenced {
                Evidenced::Identifier { identifier } => format!("identifier {identifier}"),
                Evidenced::Name { .. } => format!("name score {score}"),
            };
            let active: Vec<&DesignationStatus> = designations.iter().filter(|d| d.active).collect();
            let (outcome, reason) = if let Some(d) = active.first() {
                let outcome = if decisive { Outcome::Block } else { Outcome::Review };
                // The listing's own start, when the list gives one; the
                // date screened for is only when it was found in force (it
                // read as the listing date).
                let since = d.start.map(|s| format!(" since {s}")).unwrap_or_default();
                (
                    outcome,
                    format!(
                        "listed by {} under {}{since}, in force on {}; {by}",
                        d.authority, d.program, ctx.as_of
                    ),
                )
            } else if let Some(o) = ownership.first() {
                let outcome = if decisive { Outcome::Block } else { Outcome::Review };
                (
                    outcome,
                    format!(
                        "{}: blocked owners hold {}% ({}); {by}",
                        o.rule_title, o.share, o.path_text
                    ),
                )
            } else if let Some(o) = orders.iter().max_by_key(|o| o.outcome) {
                let outcome = if decisive {
                    o.outcome
                } else {
                    o.outcome.min(Outcome::Review)
                };
                (outcome, format!("{}: {}; {by}", o.id, o.reason))
            } else {
                for d in &designations {
                    let (code, date, message) = match (d.start, d.end) {
                        (Some(s), _) if s > ctx.as_of => (
                            WarningCode::ListingPending,
                            Some(s),
                            format!(
                                "{} is listed by {} under {} from {s}",
                                entity.name, d.authority, d.program
                            ),
                        ),
                        (_, Some(e)) => (
                            WarningCode::Delisted,
                            Some(e),
                            format!("{} was delisted by {} ({}) on {e}", entity.name, d.authority, d.program),
                        ),
                        _ => continue,
                    };
                    warnings.push(Warning {
                        code,
                        order: None,
                        date,
                        message,
                    });
                }
                (
                    Outcome::Allow,
                    format!("nothing holds against it on {}; {by}", ctx.as_of),
                )
            };
            hits.push(PartyHit {
                entity_id: entity.id.clone(),
                name: entity.name.clone(),
                kind: entity.kind.as_str().to_string(),
                score,
                evidenced,
                designations,
                ownership,
                orders,
                outcome,
                reason,
                suppressed_by: None,
            });
        }
        let (hits, suppressed) = self.apply_allowlist(party, hits, ctx.as_of, &mut warnings);
        Ok(PartyDecision {
            outcome: hits.iter().map(|h| h.outcome).max().unwrap_or(Outcome::Allow),
            as_of: ctx.as_of,
            input: party.clone(),
            thresholds,
            hits,
            suppressed,
            warnings,
            snapshot_id: snapshot.id().to_string(),
            engine_version: ENGINE_VERSION.to_string(),
        })
    }
}

impl<S: Deref<Target = Snapshot>> Screener<S> {
    /// Splits `hits` into those that count and those an allowlist entry
    /// suppresses. An entry applies to a hit when its key is the party's
    /// reference, the name that matched, or the identifier that matched; it
    /// holds until it expires, and only while the entity is as it was when
    /// the entry was made. An entry keyed on a name is for the namesakes of
    /// a listed person: it does not clear a party whose birth date or
    /// country agrees with the entity's, who may be that person.
    fn apply_allowlist(
        &self,
        party: &Party,
        hits: Vec<PartyHit>,
        as_of: Date,
        warnings: &mut Vec<Warning>,
    ) -> (Vec<PartyHit>, Vec<PartyHit>) {
        if self.allowlist.is_empty() {
            return (hits, Vec::new());
        }
        // References compare in any case, with spaces collapsed: an entry
        // for `CUST-1042` meets the reference `cust-1042`, and the other way
        // round.
        let reference = party.reference.as_deref().map(allow_key);
        let is_reference = |key: &str| reference.as_deref() == Some(allow_key(key).as_str());
        let (mut kept, mut suppressed) = (Vec::new(), Vec::new());
        for mut hit in hits {
            let evidenced_key = match &hit.evidenced {
                Evidenced::Name { input, .. } => allow_key(input),
                Evidenced::Identifier { identifier } => identifier.to_string(),
            };
            // An entry applies by its own kind of key: a name entry is not
            // met by a reference that happens to read the same.
            let applies = |entry: &AllowEntry| match entry.key_kind {
                Some(AllowKeyKind::Reference) => is_reference(&entry.input_key),
                Some(AllowKeyKind::Name) => {
                    matches!(hit.evidenced, Evidenced::Name { .. }) && evidenced_key == entry.input_key
                }
                Some(AllowKeyKind::Identifier) => {
                    matches!(hit.evidenced, Evidenced::Identifier { .. }) && evidenced_key == entry.input_key
                }
                None => is_reference(&entry.input_key) || evidenced_key == entry.input_key,
            };
            // Whether the entry clears one party (by its reference), not
            // whoever bears a name. An entry of no recorded kind whose key is
            // the name met is read as a name entry, the safer reading.
            let for_this_party = |entry: &AllowEntry| match entry.key_kind {
                Some(kind) => kind == AllowKeyKind::Reference,
                None => is_reference(&entry.input_key) && evidenced_key != entry.input_key,
            };
            let digest = self.snapshot.entity_digest(&hit.entity_id);
            let evidence_agrees = match &hit.evidenced {
                Evidenced::Name { evidence, .. } => {
                    evidence.birth_date.is_some_and(|v| v > 0.0) || evidence.country.is_some_and(|v| v > 0.0)
                }
                Evidenced::Identifier { .. } => false,
            };
            let mut used = None;
            for entry in self
                .allowlist
                .iter()
                .filter(|e| e.entity_id == hit.entity_id && applies(e))
            {
                if let Some(expired) = entry.expires.filter(|x| *x <= as_of) {
                    warnings.push(Warning {
                        code: WarningCode::AllowlistExpired,
                        order: None,
                        date: Some(expired),
                        message: format!("allowlist entry {} for {} expired on {expired}", entry.id, hit.name),
                    });
                } else if evidence_agrees && !for_this_party(entry) {
                    warnings.push(Warning {
                        code: WarningCode::AllowlistEvidenceAgrees,
                        order: None,
                        date: None,
                        message: format!(
                            "allowlist entry {} (for the name `{}`) does not clear this party: its birth date or \
                             country agrees with {} ({}); an entry keyed on the party's reference clears one \
                             party",
                            entry.id, entry.input_key, hit.name, hit.entity_id
                        ),
                    });
                } else if digest.as_deref() != Some(entry.entity_digest.as_str()) {
                    warnings.push(Warning {
                        code: WarningCode::AllowlistStale,
                        order: None,
                        date: None,
                        message: format!(
                            "allowlist entry {} no longer applies: {} ({}) changed since it was made",
                            entry.id, hit.name, hit.entity_id
                        ),
                    });
                } else {
                    used = Some(AllowUse {
                        entry_id: entry.id.clone(),
                        reason: entry.reason.clone(),
                        author: entry.author.clone(),
                    });
                    break;
                }
            }
            match used {
                Some(u) => {
                    hit.suppressed_by = Some(u);
                    suppressed.push(hit);
                }
                None => kept.push(hit),
            }
        }
        (kept, suppressed)
    }
}

/// The party's secondary evidence on `as_of`; a value that cannot be read
/// (or a birth after `as_of`) is an error naming its field.
pub(crate) fn party_evidence(party: &Party, as_of: Date) -> Result<Evidence, Error> {
    let mut evidence = Evidence::default();
    if let Some(kind) = &party.kind {
        evidence.kind = Some(PartyKind::from_word(kind).ok_or_else(|| {
            Error::invalid_party(
                "type",
                format!("unknown `{kind}`: expected person, organization, vessel or aircraft"),
            )
        })?);
    }
    if let Some(date) = &party.birth_date {
        let parsed = interdict_index::names::parse_birth_date_input(date, as_of);
        evidence
            .birth_dates
            .push(parsed.map_err(|message| Error::invalid_party("birth_date", message))?);
    }
    for country in &party.countries {
        let code: interdict_model::CountryCode = country
            .parse()
            .map_err(|e| Error::invalid_party("countries", format!("{e}")))?;
        evidence.countries.push(code.as_str().to_string());
    }
    Ok(evidence)
}
