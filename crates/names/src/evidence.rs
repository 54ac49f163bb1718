//! Secondary evidence: what besides the name raises or lowers a score.

use serde::Serialize;

/// What kind of party a name belongs to, as far as matching cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    Person,
    Organization,
    Vessel,
    Aircraft,
}

impl PartyKind {
    /// The words a request or an input row may give for a party's type,
    /// each with the kind it means; case and surrounding spaces do not
    /// matter. One list for every way in (the API, `screen party`,
    /// `screen names`, payments).
    pub const WORDS: [(&'static str, PartyKind); 11] = [
        ("person", PartyKind::Person),
        ("individual", PartyKind::Person),
        ("organization", PartyKind::Organization),
        ("organisation", PartyKind::Organization),
        ("company", PartyKind::Organization),
        ("entity", PartyKind::Organization),
        ("legalentity", PartyKind::Organization),
        ("vessel", PartyKind::Vessel),
        ("ship", PartyKind::Vessel),
        ("aircraft", PartyKind::Aircraft),
        ("airplane", PartyKind::Aircraft),
    ];

    /// The kind `word` means (see [`PartyKind::WORDS`]).
    pub fn from_word(word: &str) -> Option<PartyKind> {
        let word = word.trim();
        Self::WORDS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(word))
            .map(|&(_, kind)| kind)
    }
}

/// A birth date as precise as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BirthDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// The secondary facts of one side (the input, or a listed entity).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Evidence {
    pub kind: Option<PartyKind>,
    pub birth_dates: Vec<BirthDate>,
    /// ISO 3166-1 alpha-2 codes, upper case.
    pub countries: Vec<String>,
}

/// The adjustments, by fact, and their sum.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adjustment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<f32>,
}

impl Adjustment {
    pub fn total(&self) -> f32 {
        self.birth_date.unwrap_or(0.0) + self.country.unwrap_or(0.0) + self.kind.unwrap_or(0.0)
    }
}

/// The same full birth date.
pub const SAME_BIRTH_DATE: f32 = 0.05;
/// The same birth year (and no conflicting month or day).
pub const SAME_BIRTH_YEAR: f32 = 0.03;
/// Every birth year more than a year apart.
pub const DIFFERENT_BIRTH_YEAR: f32 = -0.15;
pub const SAME_COUNTRY: f32 = 0.02;
pub const DIFFERENT_COUNTRY: f32 = -0.05;
/// A person against an organisation, a vessel against a person...
pub const DIFFERENT_KIND: f32 = -0.2;

/// The most the evidence `input` gives can raise any score: the bound a
/// candidate index needs to know which names cannot reach a threshold.
pub fn max_raise(input: &Evidence) -> f32 {
    let mut raise = 0.0;
    if !input.birth_dates.is_empty() {
        raise += SAME_BIRTH_DATE;
    }
    if !input.countries.is_empty() {
        raise += SAME_COUNTRY;
    }
    raise
}

/// How the facts of `input` and of a listed `entity` move the score. Facts
/// only one side has change nothing.
pub fn adjust(input: &Evidence, entity: &Evidence) -> Adjustment {
    let mut adj = Adjustment::default();
    if !input.birth_dates.is_empty() && !entity.birth_dates.is_empty() {
        let mut best = DIFFERENT_BIRTH_YEAR;
        for a in &input.birth_dates {
            for b in &entity.birth_dates {
                best = best.max(compare_dates(a, b));
            }
        }
        adj.birth_date = Some(best);
    }
    if !input.countries.is_empty() && !entity.countries.is_empty() {
        let shared = input.countries.iter().any(|c| entity.countries.contains(c));
        adj.country = Some(if shared { SAME_COUNTRY } else { DIFFERENT_COUNTRY });
    }
    if let (Some(a), Some(b)) = (input.kind, entity.kind) {
        if a != b {
            adj.kind = Some(DIFFERENT_KIND);
        }
    }
    adj
}

fn compare_dates(a: &BirthDate, b: &BirthDate) -> f32 {
    if a.year.abs_diff(b.year) > 1 {
        return DIFFERENT_BIRTH_YEAR;
    }
    if a.year != b.year {
        return 0.0;
    }
    let conflict = |x: Option<u8>, y: Option<u8>| matches!((x, y), (Some(x), Some(y)) if x != y);
    if conflict(a.month, b.month) || conflict(a.day, b.day) {
        return 0.0;
    }
    if a.month.is_some() && a.day.is_some() && a.month == b.month && a.day == b.day {
        SAME_BIRTH_DATE
    } else {
        SAME_BIRTH_YEAR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `screen names` read `ship` and `airplane` while `screen party` and the
    /// API refused them: one list now serves every way in.
    #[test]
    fn a_party_type_word_is_read_in_any_case_with_spaces_around() {
        assert_eq!(PartyKind::from_word(" Ship "), Some(PartyKind::Vessel));
        assert_eq!(PartyKind::from_word("LegalEntity"), Some(PartyKind::Organization));
        assert_eq!(PartyKind::from_word("individual"), Some(PartyKind::Person));
        assert_eq!(PartyKind::from_word("robot"), None);
        assert_eq!(PartyKind::from_word(""), None);
    }

    fn born(year: i32, month: Option<u8>, day: Option<u8>) -> Evidence {
        Evidence {
            birth_dates: vec![BirthDate { year, month, day }],
            ..Evidence::default()
        }
    }

    #[test]
    fn same_full_birth_date_raises_most() {
        let a = adjust(&born(1973, Some(3), Some(25)), &born(1973, Some(3), Some(25)));
        assert_eq!(a.birth_date, Some(SAME_BIRTH_DATE));
    }

    #[test]
    fn same_year_raises_a_little_and_a_conflicting_day_not_at_all() {
        assert_eq!(
            adjust(&born(1973, None, None), &born(1973, Some(3), Some(25))).birth_date,
            Some(SAME_BIRTH_YEAR)
        );
        assert_eq!(
            adjust(&born(1973, Some(3), Some(24)), &born(1973, Some(3), Some(25))).birth_date,
            Some(0.0)
        );
    }

    #[test]
    fn distant_birth_years_lower() {
        assert_eq!(
            adjust(&born(1950, None, None), &born(1973, None, None)).birth_date,
            Some(DIFFERENT_BIRTH_YEAR)
        );
        assert_eq!(
            adjust(&born(1972, None, None), &born(1973, None, None)).birth_date,
            Some(0.0)
        );
    }

    #[test]
    fn one_sided_facts_change_nothing() {
        assert_eq!(
            adjust(&born(1950, None, None), &Evidence::default()),
            Adjustment::default()
        );
    }

    #[test]
    fn a_person_is_not_a_company() {
        let p = Evidence {
            kind: Some(PartyKind::Person),
            ..Evidence::default()
        };
        let o = Evidence {
            kind: Some(PartyKind::Organization),
            ..Evidence::default()
        };
        assert_eq!(adjust(&p, &o).kind, Some(DIFFERENT_KIND));
        assert_eq!(adjust(&p, &p).kind, None);
    }

    #[test]
    fn max_raise_bounds_every_adjustment() {
        let input = Evidence {
            birth_dates: born(1973, Some(3), Some(25)).birth_dates,
            countries: vec!["SY".into()],
            kind: Some(PartyKind::Person),
        };
        let entity = input.clone();
        assert!(adjust(&input, &entity).total() <= max_raise(&input) + 1e-6);
    }
}
