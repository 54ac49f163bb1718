//! The Screener: an input and a date in, a [`Decision`] out.
//!
//! This version screens applications (by package name, bundle id, App Store
//! id, store link or domain) against the orders in a [`Snapshot`]. For each
//! order it finds whether the app reaches a covered person (its developer,
//! a controller of the developer, or a subsidiary of either), then judges
//! the order on the date:
//!
//! | order on the date | outcome |
//! |---|---|
//! | not signed | not considered |
//! | no nexus with the input's jurisdictions | allow (warning `no_nexus`) |
//! | revoked | allow (warning `revoked`) |
//! | enjoined | allow (warning `enjoined`, naming the case) |
//! | pending | allow (warning `pending`, with the effective date) |
//! | in force, no identification needed | block |
//! | in force, identification needed but not issued by the date | review, or block under `--policy strict` |
//! | in force, identification issued | block if an identified transaction type is in force, else allow with the types' dates |
//!
//! The decision's outcome is the most severe of its orders' outcomes.

mod app_id;
mod error;
mod party;
mod payment;
pub mod record;

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use interdict_index::{path_step, Coverage, OwnershipBlocks, Snapshot};
use interdict_model::{
    builtin_ownership_rules, path_text, AllowEntry, Confidence, CoverageRole, Covered, Date, Decision, Direction,
    Entity, EntityKind, IdentificationStatus, IdentifierMatch, Jurisdiction, ListingFinding, MatchKind, Order,
    OrderFinding, OrderStatus, Outcome, OwnershipRule, PathStep, Policy, RelationKind, TransactionFinding,
    TransactionStatus, Warning, WarningCode, ENGINE_VERSION,
};

pub use app_id::readings as app_id_readings;
pub use error::{Error, ErrorKind};
pub use party::{AllowUse, DesignationStatus, Evidenced, Party, PartyDecision, PartyHit, Thresholds};
pub use payment::{AppFinding, PaymentDecision, PaymentHit};

/// What a screen is relative to: the date, the jurisdictions the
/// transaction touches, and the policy.
#[derive(Clone, Debug)]
pub struct Context {
    pub as_of: Date,
    pub jurisdictions: Vec<Jurisdiction>,
    pub policy: Policy,
}

/// Screens inputs against one snapshot. Coverage is computed once per order
/// and date and shared, so screening a large inventory on one date costs
/// one lookup per row. The caches hold at most [`CACHED_DATES`] entries
/// each, so that a caller sending many dates cannot grow them without end.
pub struct Screener<S: Deref<Target = Snapshot> = Arc<Snapshot>> {
    snapshot: S,
    coverage: Mutex<HashMap<(String, Date), Arc<Coverage>>>,
    ownership: Mutex<HashMap<(String, Date), Arc<OwnershipBlocks>>>,
    /// The ownership rules, built once rather than per party.
    rules: Vec<OwnershipRule>,
    allowlist: Vec<AllowEntry>,
}

/// Entries per cache of coverage or ownership results (one per order or
/// rule and date).
pub const CACHED_DATES: usize = 256;

/// One way the input reaches a covered person under one order.
struct Candidate {
    covered: Covered,
    path: Vec<PathStep>,
}

impl<S: Deref<Target = Snapshot>> Screener<S> {
    /// A screener over `snapshot`, held by reference (`&Snapshot`) or
    /// shared (`Arc<Snapshot>`, for a server that swaps snapshots).
    pub fn new(snapshot: S) -> Screener<S> {
        Screener {
            snapshot,
            coverage: Mutex::new(HashMap::new()),
            ownership: Mutex::new(HashMap::new()),
            rules: builtin_ownership_rules(),
            allowlist: Vec::new(),
        }
    }

    /// Who `order` covers on `date`, computed once per order and date.
    pub fn coverage(&self, order: &Order, date: Date) -> Arc<Coverage> {
        let key = (order.id.clone(), date);
        // A poisoned lock only means another thread panicked mid-insert of
        // a value that is recomputed anyway.
        let mut cache = self.coverage.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= CACHED_DATES && !cache.contains_key(&key) {
            cache.clear();
        }
        cache
            .entry(key)
            .or_insert_with(|| Arc::new(self.snapshot.coverage(order, date)))
            .clone()
    }

    /// The ownership rules this screener applies.
    pub fn ownership_rules(&self) -> &[OwnershipRule] {
        &self.rules
    }

    /// Screens with these allowlist entries: a hit one of them covers is
    /// suppressed, and the decision says which entry did it.
    pub fn with_allowlist(mut self, entries: Vec<AllowEntry>) -> Self {
        self.allowlist = entries;
        self
    }

    /// Who `rule` blocks through ownership on `date`, computed once per
    /// rule and date.
    pub fn ownership(&self, rule: &OwnershipRule, date: Date) -> Arc<OwnershipBlocks> {
        let key = (rule.id.clone(), date);
        let mut cache = self.ownership.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= CACHED_DATES && !cache.contains_key(&key) {
            cache.clear();
        }
        cache
            .entry(key)
            .or_insert_with(|| Arc::new(self.snapshot.ownership_blocks(rule, date)))
            .clone()
    }

    /// Screens one application id.
    pub fn screen_app(&self, app_id: &str, ctx: &Context) -> Result<Decision, Error> {
        let readings = app_id::readings(app_id)?;
        let mut matches: Vec<IdentifierMatch> = Vec::new();
        let mut matched: Vec<&Entity> = Vec::new();
        for identifier in &readings {
            for found in self.snapshot.lookup(identifier) {
                if matched.iter().any(|e| e.id == found.entity.id) {
                    continue;
                }
                matched.push(found.entity);
                matches.push(IdentifierMatch {
                    entity_id: found.entity.id.clone(),
                    name: found.entity.name.clone(),
                    identifier: found.record.identifier.clone(),
                    kind: found.kind,
                    confidence: found.record.confidence,
                });
            }
        }

        // What the input reaches: each matched entity, and the features an
        // app hosts (a payment through WeChat is a WeChat Pay transaction).
        let mut reached: Vec<(&Entity, Vec<PathStep>)> = Vec::new();
        for entity in &matched {
            let start = vec![path_step(entity, None)];
            if entity.kind == EntityKind::Application {
                for (feature, rel) in self
                    .snapshot
                    .incoming(&entity.id, &[RelationKind::FeatureOf], ctx.as_of)
                {
                    let mut path = start.clone();
                    path.push(path_step(feature, Some((rel, Direction::Down))));
                    reached.push((feature, path));
                }
            }
            reached.insert(0, (entity, start));
        }

        let mut warnings = Vec::new();
        let listings = self.listings(&matches, ctx.as_of, &mut warnings);
        let mut findings = Vec::new();
        for order in self.snapshot.orders() {
            if order.status_on(ctx.as_of) == OrderStatus::NotSigned || order.scope.is_empty() {
                continue;
            }
            let coverage = self.coverage(order, ctx.as_of);
            let Some(best) = self.best_candidate(order, &coverage, &reached, ctx.as_of) else {
                continue;
            };
            findings.push(order_finding(order, ctx, best.covered, best.path, &mut warnings));
        }

        if matches.is_empty() {
            warnings.push(Warning {
                code: WarningCode::NoMatch,
                order: None,
                date: None,
                message: format!(
                    "no entity in snapshot {} has this identifier",
                    short_id(self.snapshot.id())
                ),
            });
        }
        let outcome = findings
            .iter()
            .map(|f| f.outcome)
            .chain(listings.iter().map(|l| l.outcome))
            .max()
            .unwrap_or(Outcome::Allow);
        // The decisive finding: the most severe, then the longest path.
        let decisive = findings
            .iter()
            .filter(|f| f.outcome == outcome)
            .max_by_key(|f| f.path.len());
        let path = decisive.map(|f| f.path.clone()).unwrap_or_default();
        if let Some(f) = decisive.filter(|f| f.outcome > Outcome::Allow) {
            for s in &f.path {
                if let Some(link) = s.link.as_ref().filter(|l| l.confidence != Confidence::Verified) {
                    warnings.push(Warning {
                        code: WarningCode::UnverifiedLink,
                        order: Some(f.id.clone()),
                        date: None,
                        message: format!(
                            "the path rests on a relation whose confidence is {}: {} {}",
                            link.confidence.as_str(),
                            link.arrow(),
                            s.name
                        ),
                    });
                }
            }
        }
        Ok(Decision {
            outcome,
            as_of: ctx.as_of,
            jurisdictions: ctx.jurisdictions.clone(),
            policy: ctx.policy,
            matches,
            listings,
            orders: findings,
            path_text: path_text(&path),
            path,
            warnings,
            snapshot_id: self.snapshot.id().to_string(),
            engine_version: ENGINE_VERSION.to_string(),
        })
    }

    /// The designations of every matched entity, judged on the date. An
    /// active designation reached by an exact identifier is a block; by a
    /// parent domain only, a review (the subdomain may belong to someone
    /// else, such as a hosting customer).
    fn listings(&self, matches: &[IdentifierMatch], date: Date, warnings: &mut Vec<Warning>) -> Vec<ListingFinding> {
        let mut out = Vec::new();
        for m in matches {
            for d in self.snapshot.designations_of(&m.entity_id) {
                let active = d.active_on(date);
                let since = d.start.map(|s| format!(" since {s}")).unwrap_or_default();
                let (outcome, reason) = if active {
                    match m.kind {
                        MatchKind::Exact => (
                            Outcome::Block,
                            format!(
                                "listed by {} under {}{since}; exact identifier match ({})",
                                d.authority, d.program, m.identifier
                            ),
                        ),
                        MatchKind::ParentDomain => (
                            Outcome::Review,
                            format!(
                                "listed by {} under {}{since}; the input is a subdomain of the listed {}",
                                d.authority, d.program, m.identifier
                            ),
                        ),
                    }
                } else if let Some(start) = d.start.filter(|s| *s > date) {
                    warnings.push(Warning {
                        code: WarningCode::ListingPending,
                        order: None,
                        date: Some(start),
                        message: format!(
                            "{} is listed by {} under {} from {start}",
                            m.name, d.authority, d.program
                        ),
                    });
                    (
                        Outcome::Allow,
                        format!("listed by {} under {} only from {start}", d.authority, d.program),
                    )
                } else {
                    let end = d.end.map(|e| e.to_string()).unwrap_or_default();
                    warnings.push(Warning {
                        code: WarningCode::Delisted,
                        order: None,
                        date: d.end,
                        message: format!("{} was delisted by {} ({}) on {end}", m.name, d.authority, d.program),
                    });
                    (
                        Outcome::Allow,
                        format!("delisted by {} ({}) on {end}", d.authority, d.program),
                    )
                };
                out.push(ListingFinding {
                    entity_id: m.entity_id.clone(),
                    name: m.name.clone(),
                    authority: d.authority.clone(),
                    program: d.program.clone(),
                    start: d.start,
                    end: d.end,
                    active,
                    outcome,
                    reason,
                    identifier: m.identifier.clone(),
                    kind: m.kind,
                });
            }
        }
        out
    }

    /// The longest path from anything the input reaches to a person the
    /// order covers: the chain up to the ultimate controller is what a
    /// reviewer needs to see.
    fn best_candidate(
        &self,
        order: &Order,
        coverage: &Coverage,
        reached: &[(&Entity, Vec<PathStep>)],
        date: Date,
    ) -> Option<Candidate> {
        let mut best: Option<Candidate> = None;
        let mut consider = |c: Candidate| {
            if best.as_ref().is_none_or(|b| c.path.len() > b.path.len()) {
                best = Some(c);
            }
        };
        for (entity, prefix) in reached {
            if let Some(direct) = coverage.get(&entity.id) {
                let deepest = match direct.role {
                    CoverageRole::NamedApp => self
                        .snapshot
                        .covered_from_app(order, &entity.id, date)
                        .into_iter()
                        .max_by_key(|p| p.path.len()),
                    _ => None,
                };
                match deepest {
                    Some(person) => {
                        let mut path = prefix.clone();
                        path.extend(person.path.iter().skip(1).cloned());
                        // The covered entry names the person as the whole
                        // order sees it (its role may be wider there).
                        let covered = coverage.get(&person.entity_id).cloned().unwrap_or(person);
                        consider(Candidate { covered, path });
                    }
                    None => consider(Candidate {
                        covered: direct.clone(),
                        path: prefix.clone(),
                    }),
                }
            }
            if entity.kind == EntityKind::Application {
                let devs = self
                    .snapshot
                    .incoming(&entity.id, &[RelationKind::Develops, RelationKind::Operates], date);
                for (dev, rel) in devs {
                    if let Some(person) = coverage.get(&dev.id) {
                        let mut path = prefix.clone();
                        path.push(path_step(dev, Some((rel, Direction::Up))));
                        consider(Candidate {
                            covered: person.clone(),
                            path,
                        });
                    }
                }
            }
        }
        best
    }
}

/// What `order` says, on the context's date, of an input that reaches
/// `covered` along `path`; the judgement's warnings go to `warnings`.
fn order_finding(
    order: &Order,
    ctx: &Context,
    covered: Covered,
    path: Vec<PathStep>,
    warnings: &mut Vec<Warning>,
) -> OrderFinding {
    let judged = judge(order, ctx);
    warnings.extend(judged.warnings);
    OrderFinding {
        id: order.id.clone(),
        title: order.title.clone(),
        citation: order.citation.clone(),
        status: order.status_on(ctx.as_of),
        outcome: judged.outcome,
        reason: judged.reason,
        effective: order.effective_date(),
        revoked: order.revoked,
        revoked_by: order.revoked_by.clone(),
        covered,
        path_text: path_text(&path),
        path,
        transactions: judged.transactions,
        injunctions: order.injunctions_on(ctx.as_of).iter().map(|i| i.citation()).collect(),
    }
}

struct Judgement {
    outcome: Outcome,
    reason: String,
    warnings: Vec<Warning>,
    transactions: Vec<TransactionFinding>,
}

/// What an order that covers the input means on the date, under the policy.
fn judge(order: &Order, ctx: &Context) -> Judgement {
    let date = ctx.as_of;
    let status = order.status_on(date);
    let warn = |code, when: Option<Date>, message: String| Warning {
        code,
        order: Some(order.id.clone()),
        date: when,
        message,
    };
    let allow = |reason: String, warnings: Vec<Warning>| Judgement {
        outcome: Outcome::Allow,
        reason,
        warnings,
        transactions: Vec::new(),
    };

    if let Some(nexus) = order.jurisdiction {
        if !ctx.jurisdictions.contains(&nexus) {
            let given: Vec<String> = ctx.jurisdictions.iter().map(|j| j.to_string()).collect();
            let reason = format!(
                "no {nexus} nexus: {} reaches only persons, property and transactions subject to {nexus} jurisdiction, and the input's jurisdiction is {}",
                order.id,
                if given.is_empty() { "not given".to_string() } else { given.join(", ") }
            );
            return allow(reason.clone(), vec![warn(WarningCode::NoNexus, None, reason)]);
        }
    }

    match status {
        OrderStatus::NotSigned => allow(order.status_reason(date), Vec::new()),
        OrderStatus::Revoked => {
            let reason = order.status_reason(date);
            allow(reason.clone(), vec![warn(WarningCode::Revoked, order.revoked, reason)])
        }
        OrderStatus::Enjoined => {
            let reason = format!("{}; its prohibitions may not be enforced", order.status_reason(date));
            let since = order.enjoined_since(date);
            allow(reason.clone(), vec![warn(WarningCode::Enjoined, since, reason)])
        }
        OrderStatus::Pending => {
            let reason = format!("pending: {}", order.status_reason(date));
            allow(
                reason.clone(),
                vec![warn(WarningCode::Pending, Some(order.effective_date()), reason)],
            )
        }
        OrderStatus::InForce => {
            let exemptions = order.whole_order_exemptions_on(date);
            if let Some(ex) = exemptions.first() {
                return allow(
                    format!("in force, but exempt on {date}: {}", ex.description),
                    Vec::new(),
                );
            }
            let Some(ident) = &order.identification else {
                return Judgement {
                    outcome: Outcome::Block,
                    reason: format!("{}; the input reaches a covered person", order.status_reason(date)),
                    warnings: Vec::new(),
                    transactions: Vec::new(),
                };
            };
            if !ident.in_effect_on(date) {
                let why = match (ident.status, ident.date, ident.rescinded) {
                    (IdentificationStatus::NoneIssued, _, _) => format!(
                        "applies only to the transactions and persons identified by the {}, and no identification was ever issued",
                        ident.authority
                    ),
                    (_, _, Some(r)) if date >= r => format!("the {}'s identification was rescinded on {r}", ident.authority),
                    (_, Some(d), _) => format!("the {}'s identification was issued only on {d}", ident.authority),
                    (_, None, _) => format!("no identification by the {} is recorded", ident.authority),
                };
                let outcome = match ctx.policy {
                    Policy::Default => Outcome::Review,
                    Policy::Strict => Outcome::Block,
                };
                let reason = format!(
                    "{}, but it {why}; policy `{}` gives {outcome}",
                    order.status_reason(date),
                    ctx.policy.as_str()
                );
                return Judgement {
                    outcome,
                    warnings: vec![warn(
                        WarningCode::IdentificationNotIssued,
                        ident.not_before,
                        reason.clone(),
                    )],
                    reason,
                    transactions: Vec::new(),
                };
            }
            let transactions: Vec<TransactionFinding> = order
                .transaction_types()
                .iter()
                .map(|t| TransactionFinding {
                    kind: t.kind.clone(),
                    status: order.transaction_status_on(t, date),
                    effective: t.effective.unwrap_or(order.effective_date()),
                    description: t.description.clone(),
                })
                .collect();
            let in_force: Vec<&str> = transactions
                .iter()
                .filter(|t| t.status == TransactionStatus::InForce)
                .map(|t| t.kind.as_str())
                .collect();
            let mut warnings = Vec::new();
            for t in &transactions {
                match t.status {
                    TransactionStatus::Pending => warnings.push(warn(
                        WarningCode::TransactionPending,
                        Some(t.effective),
                        format!("`{}` is prohibited from {}", t.kind, t.effective),
                    )),
                    TransactionStatus::Enjoined => {
                        let by = order.injunction_of(&t.kind, date);
                        warnings.push(warn(
                            WarningCode::Enjoined,
                            by.map(|i| i.from),
                            match by {
                                Some(i) => format!("`{}` is enjoined since {} by {}", t.kind, i.from, i.citation()),
                                None => format!("`{}` is enjoined", t.kind),
                            },
                        ))
                    }
                    _ => {}
                }
            }
            if transactions.is_empty() || !in_force.is_empty() {
                let listed = if in_force.is_empty() {
                    String::new()
                } else {
                    format!("; prohibited now: {}", in_force.join(", "))
                };
                Judgement {
                    outcome: Outcome::Block,
                    reason: format!(
                        "{}; identified by the {}{listed}",
                        order.status_reason(date),
                        ident.authority
                    ),
                    warnings,
                    transactions,
                }
            } else {
                Judgement {
                    outcome: Outcome::Allow,
                    reason: format!(
                        "{}, but none of its identified transaction types is in force on {date}",
                        order.status_reason(date)
                    ),
                    warnings,
                    transactions,
                }
            }
        }
    }
}

fn short_id(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    &hex[..hex.len().min(12)]
}
