//! Decisions and their explanations. A decision carries every piece of
//! evidence it rests on as data, so that it can be audited and replayed.
//! The JSON form of these types is documented in docs/output.md and is
//! stable: fields may be added, never removed or renamed.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::country::Jurisdiction;
use crate::date::{Date, PartialDate};
use crate::entity::Confidence;
use crate::identifier::Identifier;
use crate::order::{OrderStatus, TransactionStatus};
use crate::relation::RelationKind;

/// What to do with the input. Ordered by severity, so that the outcome of
/// several findings is their maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allow,
    Review,
    Block,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Allow => "allow",
            Outcome::Review => "review",
            Outcome::Block => "block",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How to treat an order that is in force but whose prohibitions wait for
/// an identification that was never issued (EO 13971).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Review: the order applies only "as identified", and no
    /// identification exists, so a person decides.
    #[default]
    Default,
    /// Block: treat the named apps' developers and controllers as
    /// prohibited without waiting for the identification.
    Strict,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Default => "default",
            Policy::Strict => "strict",
        }
    }
}

impl FromStr for Policy {
    type Err = String;

    fn from_str(s: &str) -> Result<Policy, String> {
        match s {
            "default" => Ok(Policy::Default),
            "strict" => Ok(Policy::Strict),
            _ => Err(format!("unknown policy `{s}`: expected `default` or `strict`")),
        }
    }
}

/// Which way a path step crosses its relation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Towards the developer, owner or controller (`Alipay ←develops— X`).
    Up,
    /// Towards the subsidiary or hosted feature (`X —owns 100%→ Y`).
    Down,
}

/// How one step of a path is linked to the step before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathLink {
    pub relation: RelationKind,
    pub direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    pub confidence: Confidence,
    pub sources: Vec<String>,
}

impl PathLink {
    /// The arrow drawn between two steps: `←owns 95%—`, `—hosts→`.
    pub fn arrow(&self) -> String {
        let verb = match (self.relation, self.percent) {
            (RelationKind::Owns, Some(p)) => format!("owns {}%", trim_float(p)),
            (RelationKind::Owns, None) => "owns (share not published)".to_string(),
            (RelationKind::SubsidiaryOf, _) => "parent of".to_string(),
            (RelationKind::FeatureOf, _) => "hosts".to_string(),
            (kind, _) => kind.as_str().to_string(),
        };
        match self.direction {
            Direction::Up => format!("←{verb}—"),
            Direction::Down => format!("—{verb}→"),
        }
    }
}

fn trim_float(p: f64) -> String {
    let s = format!("{p:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// One entity on a path, with the link that reached it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PathStep {
    pub entity_id: String,
    pub name: String,
    /// `Alipay (app)`, `WeChat Pay (feature)`, or the name.
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<PathLink>,
}

/// `Alipay (app) ←operates— Alipay.com Co., Ltd. ←controls— Ant Group Co., Ltd.`
pub fn path_text(path: &[PathStep]) -> String {
    let mut out = String::new();
    for step in path {
        if let Some(link) = &step.link {
            out.push(' ');
            out.push_str(&link.arrow());
            out.push(' ');
        }
        out.push_str(&step.label);
    }
    out
}

/// Why an entity is within an order's scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CoverageRole {
    /// Named by the order.
    Named,
    /// An application the order names: its developers and controllers are covered.
    NamedApp,
    /// An application the order names as one that transactions relate to.
    RelatedApp,
    /// Develops or operates a named application.
    Developer,
    /// Controls a developer or another controller.
    Controller,
    /// Owned at or above the threshold by a covered entity.
    Subsidiary,
}

impl CoverageRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageRole::Named => "named",
            CoverageRole::NamedApp => "named_app",
            CoverageRole::RelatedApp => "related_app",
            CoverageRole::Developer => "developer",
            CoverageRole::Controller => "controller",
            CoverageRole::Subsidiary => "subsidiary",
        }
    }
}

/// An entity an order covers on a date, and the path that covers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Covered {
    pub entity_id: String,
    pub name: String,
    pub role: CoverageRole,
    /// From the order's anchor (a named app or entity) to this entity.
    pub path: Vec<PathStep>,
    pub path_text: String,
}

/// A relation that was looked at and did not extend coverage, with why:
/// the answer to "why is Alibaba not covered through Ant Group?".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotCovering {
    /// The entity that would have been covered.
    pub entity_id: String,
    pub name: String,
    /// The covered entity it is related to.
    pub through_id: String,
    pub through_name: String,
    pub relation: RelationKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    /// The role it would have had.
    pub would_be: CoverageRole,
    pub reason: String,
}

/// Everything an order says about one entity on a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub order: String,
    pub entity_id: String,
    pub name: String,
    pub as_of: Date,
    pub covered: bool,
    pub paths: Vec<Covered>,
    pub not_covering: Vec<NotCovering>,
}

/// An identified transaction type and its status on the date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransactionFinding {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: TransactionStatus,
    pub effective: Date,
    pub description: String,
}

/// What one order says about the input on the date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderFinding {
    pub id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    pub status: OrderStatus,
    /// This order's contribution to the outcome.
    pub outcome: Outcome,
    pub reason: String,
    pub effective: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
    /// The covered entity the input reached, and how.
    pub covered: Covered,
    /// From the matched input to the covered entity.
    pub path: Vec<PathStep>,
    pub path_text: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<TransactionFinding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub injunctions: Vec<String>,
}

/// Something the user must know although it does not change the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// An order is signed and will take effect on `date`.
    Pending,
    /// An order (or some of its prohibitions) is stopped by a court.
    Enjoined,
    /// An order was revoked on `date`.
    Revoked,
    /// The order does not reach the input's jurisdiction.
    NoNexus,
    /// The order is in force but applies only "as identified", and no
    /// identification was issued by the date.
    IdentificationNotIssued,
    /// Some prohibitions of an order start later, on `date`.
    TransactionPending,
    /// The path rests on a relation that is not fully verified.
    UnverifiedLink,
    /// No entity in the data has the input's identifier.
    NoMatch,
    /// A matched entity's designation starts after the date, on `date`.
    ListingPending,
    /// A matched entity was delisted before the date, on `date`.
    Delisted,
    /// An allowlist entry for a hit no longer applies: the entity changed
    /// since the entry was made.
    AllowlistStale,
    /// An allowlist entry for a hit expired on `date`.
    AllowlistExpired,
    /// An allowlist entry keyed on a name was set aside: the party's birth
    /// date or country agrees with the listed entity's.
    AllowlistEvidenceAgrees,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Warning {
    pub code: WarningCode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub message: String,
}

/// How the input's identifier met an entity's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The same normalised identifier: decisive evidence.
    Exact,
    /// The input is a subdomain of the entity's domain.
    ParentDomain,
}

/// An entity the input's identifier matched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifierMatch {
    pub entity_id: String,
    pub name: String,
    pub identifier: Identifier,
    #[serde(rename = "match")]
    pub kind: MatchKind,
    pub confidence: Confidence,
}

/// A list designation of an entity the input's identifier matched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListingFinding {
    pub entity_id: String,
    pub name: String,
    pub authority: String,
    pub program: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// Whether the designation applies on the decision's date.
    pub active: bool,
    pub outcome: Outcome,
    pub reason: String,
    /// The identifier evidence: an exact match on a designated entity is
    /// decisive, and shown as such rather than as a score.
    pub identifier: Identifier,
    #[serde(rename = "match")]
    pub kind: MatchKind,
}

/// A blocked owner's share in an entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnerShare {
    pub entity_id: String,
    pub name: String,
    pub percent: f64,
}

/// An entity blocked by an ownership rule on the date: blocked persons own,
/// together, at least the rule's threshold of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnershipFinding {
    /// The rule (`ofac-50-percent`, `bis-affiliates`) and its title.
    pub rule: String,
    pub rule_title: String,
    pub entity_id: String,
    pub name: String,
    /// The blocked owners' aggregate share, in percent.
    pub share: f64,
    /// Its blocked owners, largest share first.
    pub owners: Vec<OwnerShare>,
    /// From a designated person down to this entity, through the largest
    /// blocked owner at each step.
    pub path: Vec<PathStep>,
    pub path_text: String,
}

/// The answer for one input on one date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub outcome: Outcome,
    pub as_of: Date,
    pub jurisdictions: Vec<Jurisdiction>,
    pub policy: Policy,
    pub matches: Vec<IdentifierMatch>,
    /// Designations of matched entities on the lists in the snapshot.
    pub listings: Vec<ListingFinding>,
    pub orders: Vec<OrderFinding>,
    /// The path of the finding that decided the outcome; empty when none.
    pub path: Vec<PathStep>,
    pub path_text: String,
    pub warnings: Vec<Warning>,
    pub snapshot_id: String,
    pub engine_version: String,
}
