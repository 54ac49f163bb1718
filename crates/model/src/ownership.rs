//! Ownership rules: when an authority's designations extend to what the
//! designated persons own.
//!
//! OFAC's 50 Percent Rule blocks any entity owned 50% or more, directly or
//! indirectly, individually or in the aggregate, by blocked persons. BIS's
//! Affiliates Rule applies the same test to Entity List and Military End
//! User parties; it took effect on 2025-09-29, was suspended from
//! 2025-11-10 and, absent an extension, applies again from 2026-11-10. The
//! rules are data, so that a suspension or a new rule is a change of data,
//! not of code.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::designation::Designation;

/// A rule by which designations extend to the entities the designated
/// persons own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnershipRule {
    pub id: String,
    pub title: String,
    /// Designations the rule extends: those of these authorities (compared
    /// without case)...
    pub authorities: Vec<String>,
    /// ...whose program or authority contains one of these (without case);
    /// empty = every program.
    #[serde(default)]
    pub programs: Vec<String>,
    /// An entity is blocked when blocked persons own, together, at least
    /// this share of it, in percent.
    pub threshold: f64,
    /// When the rule applies: `[from, until)` windows, `until` absent =
    /// open.
    pub periods: Vec<RulePeriod>,
    pub sources: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePeriod {
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
}

impl OwnershipRule {
    /// Whether the rule applies on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.periods
            .iter()
            .any(|p| p.from <= date && p.until.is_none_or(|u| date < u))
    }

    /// Whether the rule extends `designation`.
    pub fn extends(&self, designation: &Designation) -> bool {
        let authority = designation.authority.to_lowercase();
        if !self.authorities.iter().any(|a| a.to_lowercase() == authority) {
            return false;
        }
        let program = designation.program.to_lowercase();
        self.programs.is_empty()
            || self.programs.iter().any(|p| {
                let p = p.to_lowercase();
                program.contains(&p) || authority.contains(&p)
            })
    }
}

/// The rules interdict knows: OFAC's 50 Percent Rule and BIS's Affiliates
/// Rule, with their dates.
pub fn builtin_ownership_rules() -> Vec<OwnershipRule> {
    let date = |s: &str| s.parse::<Date>().expect("a valid built-in date");
    vec![
        OwnershipRule {
            id: "ofac-50-percent".to_string(),
            title: "OFAC 50 Percent Rule".to_string(),
            authorities: vec!["US-OFAC".to_string(), "US OFAC".to_string()],
            programs: Vec::new(),
            threshold: 50.0,
            // First guidance of 2008-02-14; aggregation across blocked
            // owners since the revised guidance of 2014-08-13, which is
            // how the rule is applied to every date here.
            periods: vec![RulePeriod {
                from: date("2008-02-14"),
                until: None,
            }],
            sources: vec![
                "OFAC, Revised Guidance on Entity Property and Interests in Property Blocked Pursuant to Executive Orders and Regulations Administered by OFAC (2014-08-13)".to_string(),
            ],
        },
        OwnershipRule {
            id: "bis-affiliates".to_string(),
            title: "BIS Affiliates Rule (Entity List and MEU)".to_string(),
            authorities: vec![
                "US-BIS".to_string(),
                "US Bureau of Industry and Security".to_string(),
                "US Military End User (MEU) List - Bureau of Industry and Security".to_string(),
            ],
            programs: vec!["entity list".to_string(), "military end user".to_string(), "meu".to_string()],
            threshold: 50.0,
            periods: vec![
                RulePeriod {
                    from: date("2025-09-29"),
                    until: Some(date("2025-11-10")),
                },
                RulePeriod {
                    from: date("2026-11-10"),
                    until: None,
                },
            ],
            sources: vec![
                "BIS interim final rule, Expansion of End-User Controls To Cover Affiliates of Certain Listed Entities (effective 2025-09-29)".to_string(),
                "BIS final rule, One Year Suspension of Expansion of End-User Controls for Affiliates of Certain Listed Entities (suspended 2025-11-10 through 2026-11-09)".to_string(),
            ],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn designation(authority: &str, program: &str) -> Designation {
        Designation {
            entity_id: "x".to_string(),
            authority: authority.to_string(),
            program: program.to_string(),
            listed: None,
            start: None,
            end: None,
            sources: Vec::new(),
        }
    }

    #[test]
    fn the_affiliates_rule_was_suspended_for_a_year() {
        let bis = &builtin_ownership_rules()[1];
        assert!(!bis.in_force(d("2025-09-28")));
        assert!(bis.in_force(d("2025-09-29")));
        assert!(bis.in_force(d("2025-11-09")));
        assert!(!bis.in_force(d("2025-11-10")));
        assert!(!bis.in_force(d("2026-11-09")));
        assert!(bis.in_force(d("2026-11-10")));
    }

    #[test]
    fn rules_extend_only_their_authorities_and_programs() {
        let rules = builtin_ownership_rules();
        let (ofac, bis) = (&rules[0], &rules[1]);
        assert!(ofac.extends(&designation("US-OFAC", "SDGT")));
        assert!(ofac.extends(&designation("US OFAC", "RUSSIA-EO14024")));
        assert!(!ofac.extends(&designation("EU", "RUSSIA")));
        assert!(bis.extends(&designation("US-BIS", "Entity List")));
        assert!(bis.extends(&designation(
            "US Military End User (MEU) List - Bureau of Industry and Security",
            ""
        )));
        // The Denied Persons List is BIS's too, but not under the rule.
        assert!(!bis.extends(&designation("US-BIS", "Denied Persons List")));
    }
}
