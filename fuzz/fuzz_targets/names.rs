//! Name matching: for any listed names and any query, the index's search
//! finds exactly what scoring every listed name finds (the full scan the
//! index promises to agree with), every score is in [0, 1], and nothing
//! panics.
//!
//! Input: text (invalid UTF-8 read as U+FFFD), one name per line; the
//! first line is the query, the next (at most 24) are listed names, one
//! entity each, every second one an organisation.
#![no_main]

use interdict_index::NameIndex;
use interdict_model::{Dataset, Entity, EntityKind};
use interdict_names::Evidence;
use libfuzzer_sys::fuzz_target;

/// Listed names at most: the full scan scores each, for every threshold.
const MAX_NAMES: usize = 24;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.lines();
    let Some(query) = lines.next() else {
        return;
    };
    let mut dataset = Dataset::default();
    for (i, name) in lines.take(MAX_NAMES).enumerate() {
        let kind = if i % 2 == 0 { EntityKind::Person } else { EntityKind::Organization };
        dataset.entities.push(Entity::new(format!("e{i}"), kind, name.to_string()));
    }
    let index = NameIndex::build(&dataset);
    let evidence = Evidence::default();
    for threshold in [0.5f32, 0.8] {
        let found = index.search(query, &evidence, threshold, usize::MAX);
        let scanned = index.search_brute_force(query, &evidence, threshold, usize::MAX);
        let summary = |hits: &[interdict_index::NameHit]| -> Vec<(usize, f32)> {
            hits.iter().map(|h| (h.entity, h.score)).collect()
        };
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
