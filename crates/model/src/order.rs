//! Orders held as data: executive orders, their identifications, the
//! injunctions against them and their revocation, with the exact temporal
//! semantics of the project's ARCHITECTURE.md.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::country::Jurisdiction;
use crate::date::Date;
use crate::entity::{Confidence, FieldConfidence};
use crate::error::{Error, ErrorKind};

/// A source that facts cite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

/// An ownership threshold, `> 50` or `>= 50` (percent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Threshold {
    percent: f64,
    inclusive: bool,
}

impl Threshold {
    /// More than 50 percent: the default for "subsidiary" in the orders.
    pub const MAJORITY: Threshold = Threshold {
        percent: 50.0,
        inclusive: false,
    };

    pub fn new(percent: f64, inclusive: bool) -> Result<Threshold, Error> {
        if (0.0..=100.0).contains(&percent) {
            Ok(Threshold { percent, inclusive })
        } else {
            Err(Error::new(ErrorKind::InvalidThreshold {
                value: percent.to_string(),
            }))
        }
    }

    /// Whether a holding of `percent` meets the threshold.
    pub fn passes(self, percent: f64) -> bool {
        if self.inclusive {
            percent >= self.percent
        } else {
            percent > self.percent
        }
    }
}

impl Default for Threshold {
    fn default() -> Threshold {
        Threshold::MAJORITY
    }
}

impl FromStr for Threshold {
    type Err = Error;

    fn from_str(s: &str) -> Result<Threshold, Error> {
        let invalid = || Error::new(ErrorKind::InvalidThreshold { value: s.to_string() });
        let t = s.trim();
        let (inclusive, rest) = if let Some(r) = t.strip_prefix(">=") {
            (true, r)
        } else if let Some(r) = t.strip_prefix('>') {
            (false, r)
        } else {
            return Err(invalid());
        };
        let percent: f64 = rest
            .trim()
            .trim_end_matches('%')
            .trim()
            .parse()
            .map_err(|_| invalid())?;
        if !percent.is_finite() {
            return Err(invalid());
        }
        Threshold::new(percent, inclusive).map_err(|_| invalid())
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.inclusive { ">=" } else { ">" };
        write!(f, "{op} {}%", self.percent)
    }
}

impl Serialize for Threshold {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let op = if self.inclusive { ">=" } else { ">" };
        s.serialize_str(&format!("{op} {}", self.percent))
    }
}

impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Threshold, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Who an order covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Entities the order names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// Applications whose developers and controllers are covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<String>,
    /// Applications that transactions must relate to (EO 13943: "any
    /// transaction that is related to WeChat").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_apps: Vec<String>,
    /// Whether subsidiaries of covered entities are covered, transitively.
    #[serde(default = "default_true")]
    pub subsidiaries: bool,
    #[serde(default)]
    pub subsidiary_threshold: Threshold,
    #[serde(default)]
    pub controller_threshold: Threshold,
}

fn default_true() -> bool {
    true
}

impl Default for Scope {
    fn default() -> Scope {
        Scope {
            entities: Vec::new(),
            apps: Vec::new(),
            related_apps: Vec::new(),
            subsidiaries: true,
            subsidiary_threshold: Threshold::MAJORITY,
            controller_threshold: Threshold::MAJORITY,
        }
    }
}

impl Scope {
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty() && self.apps.is_empty() && self.related_apps.is_empty()
    }
}

/// Whether the identification an order waits for was issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentificationStatus {
    Issued,
    NoneIssued,
}

/// A transaction type that an identification prohibits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TransactionType {
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    /// When this type's prohibition starts; `None` = the order's effective date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Confidence::is_verified")]
    pub confidence: Confidence,
}

/// For orders whose prohibitions apply only to the transactions and persons
/// "as identified by the Secretary".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Identification {
    pub authority: String,
    pub status: IdentificationStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescinded: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<TransactionType>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub confidence: FieldConfidence,
}

impl Identification {
    /// Whether the identification had been issued by `date` (and not yet
    /// rescinded). An identification never issued is never in effect.
    pub fn in_effect_on(&self, date: Date) -> bool {
        self.status == IdentificationStatus::Issued
            && self.date.is_some_and(|d| d <= date)
            && self.rescinded.is_none_or(|r| date < r)
    }
}

/// A court order that stops an order, or some of its prohibited
/// transactions, from being enforced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Injunction {
    pub case: String,
    pub court: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<String>,
    pub from: Date,
    /// First day no longer enjoined; `None` = until the order ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// Transaction types enjoined; empty = all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "Confidence::is_verified")]
    pub confidence: Confidence,
}

impl Injunction {
    pub fn active_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }

    pub fn covers(&self, transaction: &str) -> bool {
        self.transactions.is_empty() || self.transactions.iter().any(|t| t == transaction)
    }

    /// `U.S. WeChat Users Alliance v. Trump (N.D. Cal., 3:20-cv-05910-LB)`.
    pub fn citation(&self) -> String {
        match &self.docket {
            Some(docket) => format!("{} ({}, {})", self.case, self.court, docket),
            None => format!("{} ({})", self.case, self.court),
        }
    }
}

/// A dated window in which the order does not apply, such as a general
/// licence or a wind-down period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transactions: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}

impl Exemption {
    pub fn active_on(&self, date: Date) -> bool {
        self.from <= date && self.until.is_none_or(|u| date < u)
    }

    pub fn covers(&self, transaction: &str) -> bool {
        self.transactions.is_empty() || self.transactions.iter().any(|t| t == transaction)
    }
}

/// An order: an executive order or a rule that prohibits transactions with
/// the persons in its scope, with its dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Order {
    pub id: String,
    pub title: String,
    pub issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    pub signed: Date,
    /// When its prohibitions start; `None` = on signing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<Date>,
    /// First day the order no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revokes: Vec<String>,
    /// The nexus the order needs: `US` reaches US persons, and property and
    /// transactions subject to US jurisdiction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<Jurisdiction>,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub confidence: FieldConfidence,
    // Each a table (an object): serde alone would also read these from
    // arrays of their field values; see `object`.
    #[serde(default, deserialize_with = "crate::object::object")]
    pub scope: Scope,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub identification: Option<Identification>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::object::each"
    )]
    pub enjoined: Vec<Injunction>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::object::each"
    )]
    pub exemptions: Vec<Exemption>,
}

/// An order's status on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Before it was signed: the order did not exist yet.
    NotSigned,
    /// Signed, but its prohibitions are not yet effective.
    Pending,
    InForce,
    /// A court has stopped all of its prohibitions.
    Enjoined,
    Revoked,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::NotSigned => "not_signed",
            OrderStatus::Pending => "pending",
            OrderStatus::InForce => "in_force",
            OrderStatus::Enjoined => "enjoined",
            OrderStatus::Revoked => "revoked",
        }
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The status of one identified transaction type on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionStatus {
    Pending,
    InForce,
    Enjoined,
    Exempt,
    /// The identification was withdrawn.
    Rescinded,
}

impl TransactionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionStatus::Pending => "pending",
            TransactionStatus::InForce => "in_force",
            TransactionStatus::Enjoined => "enjoined",
            TransactionStatus::Exempt => "exempt",
            TransactionStatus::Rescinded => "rescinded",
        }
    }
}

impl Order {
    /// The first day its prohibitions apply.
    pub fn effective_date(&self) -> Date {
        self.effective.unwrap_or(self.signed)
    }

    /// The order's status on `date`, exactly as ARCHITECTURE.md defines it:
    ///
    /// - `revoked` if `date >= revoked`;
    /// - `enjoined` if `date` lies in injunctions that together cover every
    ///   prohibited transaction type. An injunction can come before the
    ///   effective date (WeChat: enjoined 2020-09-19, effective 2020-09-20),
    ///   so it takes precedence over `pending`;
    /// - `pending` if `signed <= date < effective`;
    /// - `in_force` otherwise.
    ///
    /// Before `signed` the order does not exist: `not_signed`.
    pub fn status_on(&self, date: Date) -> OrderStatus {
        if date < self.signed {
            OrderStatus::NotSigned
        } else if self.revoked.is_some_and(|r| date >= r) {
            OrderStatus::Revoked
        } else if self.fully_enjoined_on(date) {
            OrderStatus::Enjoined
        } else if date < self.effective_date() {
            OrderStatus::Pending
        } else {
            OrderStatus::InForce
        }
    }

    /// The injunction in effect on `date` that stops transactions of
    /// `kind`, the earliest if several do.
    pub fn injunction_of(&self, kind: &str, date: Date) -> Option<&Injunction> {
        self.enjoined
            .iter()
            .filter(|i| i.active_on(date) && i.covers(kind))
            .min_by_key(|i| i.from)
    }

    /// The injunctions in effect on `date`.
    pub fn injunctions_on(&self, date: Date) -> Vec<&Injunction> {
        self.enjoined.iter().filter(|i| i.active_on(date)).collect()
    }

    /// Whether the injunctions in effect on `date` together cover all of
    /// the order's prohibitions.
    pub fn fully_enjoined_on(&self, date: Date) -> bool {
        let active = self.injunctions_on(date);
        if active.iter().any(|i| i.transactions.is_empty()) {
            return true;
        }
        let types = self.transaction_types();
        !active.is_empty() && !types.is_empty() && types.iter().all(|t| active.iter().any(|i| i.covers(&t.kind)))
    }

    /// The first day of the unbroken run of days, ending on `date`, on
    /// which the order was fully enjoined. With staggered partial
    /// injunctions (TikTok: app stores on 2020-09-27, the rest on
    /// 2020-10-30) that is the day the last gap closed, not the date of the
    /// latest injunction.
    pub fn enjoined_since(&self, date: Date) -> Option<Date> {
        if !self.fully_enjoined_on(date) {
            return None;
        }
        let mut points: Vec<Date> = self
            .enjoined
            .iter()
            .flat_map(|i| [Some(i.from), i.until])
            .flatten()
            .filter(|p| *p <= date)
            .collect();
        points.sort();
        points.dedup();
        let mut since = None;
        for p in points {
            if self.fully_enjoined_on(p) {
                since.get_or_insert(p);
            } else {
                since = None;
            }
        }
        since
    }

    /// The identified transaction types, if any.
    pub fn transaction_types(&self) -> &[TransactionType] {
        self.identification.as_ref().map_or(&[], |i| i.transactions.as_slice())
    }

    /// The status of one identified transaction type on `date`, for an order
    /// that is neither revoked nor unsigned on that date.
    pub fn transaction_status_on(&self, t: &TransactionType, date: Date) -> TransactionStatus {
        if self.enjoined.iter().any(|i| i.active_on(date) && i.covers(&t.kind)) {
            TransactionStatus::Enjoined
        } else if self.exemptions.iter().any(|e| e.active_on(date) && e.covers(&t.kind)) {
            TransactionStatus::Exempt
        } else if self
            .identification
            .as_ref()
            .and_then(|i| i.rescinded)
            .is_some_and(|r| date >= r)
        {
            TransactionStatus::Rescinded
        } else if date < t.effective.unwrap_or(self.effective_date())
            || self
                .identification
                .as_ref()
                .and_then(|i| i.date)
                .is_some_and(|d| date < d)
        {
            TransactionStatus::Pending
        } else {
            TransactionStatus::InForce
        }
    }

    /// The exemptions in effect on `date` that cover the whole order.
    pub fn whole_order_exemptions_on(&self, date: Date) -> Vec<&Exemption> {
        self.exemptions
            .iter()
            .filter(|e| e.active_on(date) && e.transactions.is_empty())
            .collect()
    }

    /// Why the order has its status on `date`, in one sentence.
    pub fn status_reason(&self, date: Date) -> String {
        match self.status_on(date) {
            OrderStatus::NotSigned => format!("not yet signed on {date}: signed {}", self.signed),
            OrderStatus::Pending => format!(
                "signed {}; its prohibitions take effect on {}",
                self.signed,
                self.effective_date()
            ),
            OrderStatus::InForce => format!("in force since {}", self.effective_date()),
            OrderStatus::Enjoined => {
                let active = self.injunctions_on(date);
                let since = self.enjoined_since(date).unwrap_or(date);
                // Each case with its own start: the order is enjoined as a
                // whole from the latest, and the cases began apart.
                let cases: Vec<String> = active
                    .iter()
                    .map(|i| format!("{} from {}", i.citation(), i.from))
                    .collect();
                format!("enjoined since {since} by {}", cases.join("; "))
            }
            OrderStatus::Revoked => match &self.revoked_by {
                Some(by) => format!("revoked on {} by {by}", self.revoked.unwrap_or(date)),
                None => format!("revoked on {}", self.revoked.unwrap_or(date)),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn order() -> Order {
        Order {
            id: "EO1".into(),
            title: "t".into(),
            issuer: "i".into(),
            citation: None,
            document_number: None,
            signed: d("2021-01-05"),
            effective: Some(d("2021-02-19")),
            revoked: Some(d("2021-06-09")),
            revoked_by: Some("EO2".into()),
            revokes: vec![],
            jurisdiction: None,
            summary: "s".into(),
            reason: None,
            sources: vec![],
            confidence: Default::default(),
            scope: Scope::default(),
            identification: None,
            enjoined: vec![],
            exemptions: vec![],
        }
    }

    fn injunction(from: &str, until: Option<&str>, transactions: &[&str]) -> Injunction {
        Injunction {
            case: "A v. B".into(),
            court: "D.D.C.".into(),
            docket: None,
            judge: None,
            from: d(from),
            until: until.map(d),
            transactions: transactions.iter().map(|s| s.to_string()).collect(),
            scope: None,
            sources: vec![],
            confidence: Confidence::Verified,
        }
    }

    #[test]
    fn status_boundaries_are_half_open() {
        let o = order();
        assert_eq!(o.status_on(d("2021-01-04")), OrderStatus::NotSigned);
        assert_eq!(o.status_on(d("2021-01-05")), OrderStatus::Pending);
        assert_eq!(o.status_on(d("2021-02-18")), OrderStatus::Pending);
        assert_eq!(o.status_on(d("2021-02-19")), OrderStatus::InForce);
        assert_eq!(o.status_on(d("2021-06-08")), OrderStatus::InForce);
        assert_eq!(o.status_on(d("2021-06-09")), OrderStatus::Revoked);
    }

    #[test]
    fn an_injunction_before_the_effective_date_wins_over_pending() {
        let mut o = order();
        o.enjoined.push(injunction("2021-02-18", None, &[]));
        assert_eq!(o.status_on(d("2021-02-17")), OrderStatus::Pending);
        assert_eq!(o.status_on(d("2021-02-18")), OrderStatus::Enjoined);
        assert_eq!(o.status_on(d("2021-03-01")), OrderStatus::Enjoined);
        assert_eq!(
            o.status_on(d("2021-06-09")),
            OrderStatus::Revoked,
            "revocation ends the injunction's relevance"
        );
        assert!(o.status_reason(d("2021-03-01")).contains("A v. B (D.D.C.)"));
    }

    #[test]
    fn an_injunction_that_is_lifted_restores_in_force() {
        let mut o = order();
        o.enjoined.push(injunction("2021-03-01", Some("2021-04-01"), &[]));
        assert_eq!(o.status_on(d("2021-03-31")), OrderStatus::Enjoined);
        assert_eq!(o.status_on(d("2021-04-01")), OrderStatus::InForce);
    }

    #[test]
    fn partial_injunctions_enjoin_the_order_only_when_together_they_cover_every_type() {
        let mut o = order();
        o.identification = Some(Identification {
            authority: "Secretary of Commerce".into(),
            status: IdentificationStatus::Issued,
            date: Some(d("2021-01-10")),
            not_before: None,
            rescinded: None,
            citation: None,
            sources: vec![],
            transactions: ["store", "hosting"]
                .iter()
                .map(|k| TransactionType {
                    kind: k.to_string(),
                    description: String::new(),
                    effective: None,
                    sources: vec![],
                    confidence: Confidence::Verified,
                })
                .collect(),
            confidence: Default::default(),
        });
        o.enjoined.push(injunction("2021-03-01", None, &["store"]));
        assert_eq!(o.status_on(d("2021-03-02")), OrderStatus::InForce);
        let store = &o.transaction_types()[0];
        let hosting = &o.transaction_types()[1];
        assert_eq!(
            o.transaction_status_on(store, d("2021-03-02")),
            TransactionStatus::Enjoined
        );
        assert_eq!(
            o.transaction_status_on(hosting, d("2021-03-02")),
            TransactionStatus::InForce
        );
        o.enjoined.push(injunction("2021-04-01", None, &["hosting"]));
        assert_eq!(o.status_on(d("2021-04-01")), OrderStatus::Enjoined);
        o.enjoined.push(injunction("2021-05-01", None, &[]));
        assert_eq!(
            o.enjoined_since(d("2021-05-15")),
            Some(d("2021-04-01")),
            "fully enjoined since the gap closed, not since the latest injunction"
        );
    }

    #[test]
    fn thresholds_parse_and_compare() {
        let gt: Threshold = "> 50".parse().unwrap();
        let ge: Threshold = ">=50%".parse().unwrap();
        assert!(!gt.passes(50.0) && gt.passes(50.01));
        assert!(ge.passes(50.0) && !ge.passes(49.99));
        assert_eq!(gt.to_string(), "> 50%");
        for bad in ["50", "> 150", "< 50", ">= x", "> NaN"] {
            assert!(bad.parse::<Threshold>().is_err(), "{bad}");
        }
    }
}
