//! Designations: an entity listed by an authority under a program, with the
//! dates that decide whether the listing applies on a given day.

use serde::{Deserialize, Serialize};

use crate::date::Date;

/// An entity × authority × program listing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Designation {
    pub entity_id: String,
    /// Who lists it: `US-OFAC`, `US-BIS`, `EU`, `UK-OFSI`, `UN-SC`.
    pub authority: String,
    /// The program or regime: `SDGT`, `Entity List`, `RUSSIA-EO14024`.
    pub program: String,
    /// When the listing was published, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<Date>,
    /// First day the listing applies; `None` = from the start of the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    /// First day it no longer applies (delisting, expiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

impl Designation {
    /// Active on `date`: `start <= date` and (no end, or `date < end`).
    pub fn active_on(&self, date: Date) -> bool {
        self.start.is_none_or(|s| s <= date) && self.end.is_none_or(|e| date < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_from_start_until_the_day_before_end() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let des = Designation {
            entity_id: "e".into(),
            authority: "US-BIS".into(),
            program: "DPL".into(),
            listed: None,
            start: Some(d("2019-01-10")),
            end: Some(d("2029-01-10")),
            sources: vec![],
        };
        assert!(!des.active_on(d("2019-01-09")));
        assert!(des.active_on(d("2019-01-10")));
        assert!(des.active_on(d("2029-01-09")));
        assert!(!des.active_on(d("2029-01-10")));
    }
}
