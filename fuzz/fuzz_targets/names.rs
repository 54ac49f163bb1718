//! Name matching: for any listed names and any query, with or without
//! secondary evidence, the index's search finds exactly what scoring every
//! listed name finds (the full scan the index promises to agree with),
//! every score is in [0, 1], and nothing panics.
//!
//! Input: text (invalid UTF-8 read as U+FFFD), one name per line; the
//! first line is the query, the next (at most 24) are listed names, one
//! entity each, every second one an organisation. After a tab, a line may
//! give facts, tab-separated: a birth date (`1970`, `1970-05-01`), a
//! country code (`RU`), and for the query a kind (`person`, `organization`,
//! `vessel`, `aircraft`); what reads as none of these is ignored.
#![no_main]

use interdict_index::{names::parse_birth_date_input, NameHit, NameIndex};
use interdict_model::{CountryCode, Dataset, Entity, EntityKind, PartialDate};
use interdict_names::{Evidence, PartyKind};
use libfuzzer_sys::fuzz_target;

/// Listed names at most: the full scan scores each, for every threshold.
const MAX_NAMES: usize = 24;

fn kind(text: &str) -> Option<PartyKind> {
    Some(match text {
        "person" => PartyKind::Person,
        "organization" => PartyKind::Organization,
        "vessel" => PartyKind::Vessel,
        "aircraft" => PartyKind::Aircraft,
        _ => return None,
    })
}

fn summary(hits: &[NameHit]) -> Vec<(usize, f32)> {
    hits.iter().map(|h| (h.entity, h.score)).collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let Some(first) = lines.next() else {
        return;
    };
    let mut facts = first.split('\t');
    let query = facts.next().unwrap_or_default();
    let mut evidence = Evidence::default();
    // Any birth date a screen takes: up to the last day there is.
    let latest = interdict_model::Date::from_ymd(9999, 12, 31).expect("a date");
    for fact in facts {
        if let Ok(date) = parse_birth_date_input(fact, latest) {
            evidence.birth_dates.push(date);
        } else if let Ok(country) = fact.parse::<CountryCode>() {
            evidence.countries.push(country.as_str().to_string());
        } else if let Some(k) = kind(fact) {
            evidence.kind = Some(k);
        }
    }
    let mut dataset = Dataset::default();
    for (i, line) in lines.take(MAX_NAMES).enumerate() {
        let mut facts = line.split('\t');
        let name = facts.next().unwrap_or_default();
        let kind = if i % 2 == 0 { EntityKind::Person } else { EntityKind::Organization };
        let mut entity = Entity::new(format!("e{i}"), kind, name.to_string());
        for fact in facts {
            if let Ok(date) = fact.parse::<PartialDate>() {
                entity.birth_dates.push(date);
            } else if let Ok(country) = fact.parse::<CountryCode>() {
                entity.countries.push(country);
            }
        }
        dataset.entities.push(entity);
    }
    let index = NameIndex::build(&dataset);
    for threshold in [0.5f32, 0.8] {
        let found = index.search(query, &evidence, threshold, usize::MAX);
        let scanned = index.search_brute_force(query, &evidence, threshold, usize::MAX);
        assert_eq!(summary(&found), summary(&scanned), "query {query:?} at {threshold}");
        for hit in &found {
            assert!((0.0..=1.0).contains(&hit.score), "query {query:?}: score {}", hit.score);
        }
        // With a limit the floor rises as hits come in: the best two are
        // still the full scan's.
        let top = index.search(query, &evidence, threshold, 2);
        assert_eq!(
            summary(&top),
            summary(&scanned[..scanned.len().min(2)]),
            "query {query:?} at {threshold}, limit 2"
        );
    }
});
