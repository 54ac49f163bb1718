//! The name index against a full scan over the whole combined list in
//! ../shared/data: the property test's promise, on real names. Ignored by
//! `cargo test` (the data is not in the repository); `.ci/run` runs it with
//! `--ignored`, and it fails loudly when the data is missing.

use std::path::PathBuf;

use interdict_index::NameIndex;
use interdict_lists::{ftm, Strictness};
use interdict_names::Evidence;

fn combined_list() -> PathBuf {
    let dir = std::env::var_os("INTERDICT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = dir.join("lists/combined-2022-05-05.ftm.jsonl");
    assert!(
        path.is_file(),
        "the shared list data is missing: expected {} (set INTERDICT_SHARED_DATA)",
        path.display()
    );
    path
}

/// Variants of a listed name that lean on every part of the index: a
/// dropped vowel (edit keys), the first letter of the first token alone
/// (initials), the tokens reversed (alignment), and the first two tokens
/// joined (concatenation), and the name cut after 15 characters (the
/// cut-short rule).
fn variants(name: &str) -> Vec<String> {
    let tokens: Vec<&str> = name.split_whitespace().collect();
    let mut out = Vec::new();
    if let Some((cut, _)) = name.char_indices().nth(15) {
        out.push(name[..cut].to_string());
    }
    if let Some(i) = name.find(['a', 'e', 'o']) {
        out.push(format!("{}{}", &name[..i], &name[i + 1..]));
    }
    if tokens.len() >= 2 {
        let first = tokens[0].chars().next().expect("a token has a letter");
        out.push(format!("{first}. {}", tokens[1..].join(" ")));
        out.push(tokens.iter().rev().copied().collect::<Vec<_>>().join(" "));
        out.push(format!("{}{} {}", tokens[0], tokens[1], tokens[2..].join(" ")));
    }
    out
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn index_returns_what_a_full_scan_returns_on_the_combined_list() {
    let report = ftm::read(&combined_list(), Strictness::Lenient).expect("the combined list reads");
    let dataset = &report.dataset;
    let index = NameIndex::build(dataset);
    // Every 2000th entity: persons, companies and vessels of all programmes.
    let queries: Vec<String> = dataset
        .entities
        .iter()
        .step_by(2000)
        .flat_map(|e| variants(&e.name))
        .collect();
    assert!(queries.len() >= 30, "{} queries", queries.len());
    let summary = |h: &[interdict_index::NameHit]| h.iter().map(|h| (h.entity, h.score)).collect::<Vec<_>>();
    let mut hits = 0;
    for q in &queries {
        // One full scan, cut at each threshold: low ones bring many names
        // near the bounds.
        let full = index.search_brute_force(q, &Evidence::default(), 0.4, usize::MAX);
        for threshold in [0.4, 0.6, 0.8] {
            let fast = index.search(q, &Evidence::default(), threshold, usize::MAX);
            let expected: Vec<_> = summary(&full).into_iter().filter(|h| h.1 >= threshold).collect();
            assert_eq!(summary(&fast), expected, "query {q:?} at {threshold}");
            hits += fast.len();
        }
    }
    // The variants are close to listed names: most find something.
    assert!(hits >= queries.len(), "{hits} hits for {} queries", queries.len());
}
