//! Relations between entities: who develops, operates, owns and controls
//! whom, with dates and percentages.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::{Date, PartialDate};
use crate::entity::Confidence;

/// The kind of a relation, read as "`from` KIND `to`".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// A company develops an application.
    Develops,
    /// A company operates an application or service.
    Operates,
    /// An owner holds `percent` of the equity (or votes, see `basis`).
    Owns,
    /// Control without (known) majority ownership: voting agreements, VIEs,
    /// a controlling shareholder whose stake is not published.
    Controls,
    /// `from` is a subsidiary of `to`, as the parent itself reports.
    SubsidiaryOf,
    /// An in-app feature (`from`) lives inside a host app (`to`).
    FeatureOf,
    /// The same real-world party under two ids.
    SameAs,
    /// `from` is a director or officer of `to`.
    DirectorOf,
    /// A link a list records without saying more (OFAC "Linked To:").
    LinkedTo,
}

impl RelationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Develops => "develops",
            RelationKind::Operates => "operates",
            RelationKind::Owns => "owns",
            RelationKind::Controls => "controls",
            RelationKind::SubsidiaryOf => "subsidiary_of",
            RelationKind::FeatureOf => "feature_of",
            RelationKind::SameAs => "same_as",
            RelationKind::DirectorOf => "director_of",
            RelationKind::LinkedTo => "linked_to",
        }
    }
}

impl fmt::Display for RelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One sourced, dated relation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Relation {
    pub kind: RelationKind,
    pub from: String,
    pub to: String,
    /// For `owns`: the share held, 0 < p <= 100. `None` when not published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// First day the relation held; `None` = from the beginning of the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// First day it no longer held; `None` = still holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// When the figure was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<PartialDate>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Confidence::is_verified")]
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Relation {
    /// Whether the relation held on `date`: `start <= date < end`.
    pub fn active_on(&self, date: Date) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date < e)
    }
}
