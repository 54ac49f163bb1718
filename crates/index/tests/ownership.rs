//! The OFAC 50 Percent Rule on OFAC's own worked examples (Revised Guidance
//! of 2014-08-13, and its FAQs), plus cycles, dates and the BIS Affiliates
//! Rule's suspension.

use std::path::Path;

use interdict_index::Snapshot;
use interdict_lists::native::Loader;
use interdict_model::{builtin_ownership_rules, Date, OwnershipRule};

/// Entities `x`, `y` (designated by OFAC), `z` (designated by BIS on the
/// Entity List) and companies; each example below uses its own companies.
const GRAPH: &str = r#"
format = "interdict/1"
[[sources]]
id = "S"
title = "test"

[[entities]]
id = "x"
kind = "person"
name = "Blocked X"
sources = ["S"]
[[entities]]
id = "y"
kind = "person"
name = "Blocked Y"
sources = ["S"]
[[entities]]
id = "z"
kind = "company"
name = "Listed Z"
sources = ["S"]
[[entities]]
id = "a1"
kind = "company"
name = "A1"
sources = ["S"]
[[entities]]
id = "b1"
kind = "company"
name = "B1"
sources = ["S"]
[[entities]]
id = "c2"
kind = "company"
name = "C2"
sources = ["S"]
[[entities]]
id = "a3"
kind = "company"
name = "A3"
sources = ["S"]
[[entities]]
id = "c3"
kind = "company"
name = "C3"
sources = ["S"]
[[entities]]
id = "c4"
kind = "company"
name = "C4"
sources = ["S"]
[[entities]]
id = "minor"
kind = "company"
name = "Minor"
sources = ["S"]
[[entities]]
id = "loop1"
kind = "company"
name = "Loop 1"
sources = ["S"]
[[entities]]
id = "loop2"
kind = "company"
name = "Loop 2"
sources = ["S"]
[[entities]]
id = "zsub"
kind = "company"
name = "Z Sub"
sources = ["S"]
[[entities]]
id = "later"
kind = "company"
name = "Later"
sources = ["S"]

[[designations]]
entity_id = "x"
authority = "US-OFAC"
program = "SDGT"
sources = ["S"]
[[designations]]
entity_id = "y"
authority = "US-OFAC"
program = "SDGT"
start = "2020-01-01"
sources = ["S"]
[[designations]]
entity_id = "z"
authority = "US-BIS"
program = "Entity List"
sources = ["S"]

# Example 1: X owns 50% of A1, A1 owns 50% of B1: both blocked.
[[relations]]
kind = "owns"
from = "x"
to = "a1"
percent = 50.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "a1"
to = "b1"
percent = 50.0
sources = ["S"]

# Example 2: X and Y own 25% of C2 each: blocked in the aggregate.
[[relations]]
kind = "owns"
from = "x"
to = "c2"
percent = 25.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "y"
to = "c2"
percent = 25.0
sources = ["S"]

# Example 3: X owns 50% of A3; A3 owns 25% of C3 and X 25% directly.
[[relations]]
kind = "owns"
from = "x"
to = "a3"
percent = 50.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "a3"
to = "c3"
percent = 25.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "x"
to = "c3"
percent = 25.0
sources = ["S"]

# Example 4: X controls C4 without owning it: not blocked by the rule.
[[relations]]
kind = "controls"
from = "x"
to = "c4"
sources = ["S"]

# Under the threshold, and a share that is not published.
[[relations]]
kind = "owns"
from = "x"
to = "minor"
percent = 49.99
sources = ["S"]
[[relations]]
kind = "owns"
from = "y"
to = "minor"
sources = ["S"]

# A cycle: X owns 60% of loop1, which owns 100% of loop2, which owns 40%
# of loop1.
[[relations]]
kind = "owns"
from = "x"
to = "loop1"
percent = 60.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "loop1"
to = "loop2"
percent = 100.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "loop2"
to = "loop1"
percent = 40.0
sources = ["S"]

# A BIS Entity List party's subsidiary.
[[relations]]
kind = "owns"
from = "z"
to = "zsub"
percent = 51.0
sources = ["S"]

# A holding that starts in 2022.
[[relations]]
kind = "owns"
from = "x"
to = "later"
percent = 100.0
start = "2022-01-01"
sources = ["S"]
"#;

fn snapshot() -> Snapshot {
    let mut l = Loader::new();
    l.add_str(Path::new("graph.toml"), GRAPH).unwrap();
    Snapshot::build(l.finish().unwrap()).unwrap()
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn ofac() -> OwnershipRule {
    builtin_ownership_rules().remove(0)
}

fn blocked(snap: &Snapshot, rule: &OwnershipRule, date: &str) -> Vec<String> {
    snap.ownership_blocks(rule, d(date)).owned.into_keys().collect()
}

#[test]
fn ofac_examples_block_exactly_the_owned_entities() {
    let snap = snapshot();
    assert_eq!(
        blocked(&snap, &ofac(), "2021-03-01"),
        ["a1", "a3", "b1", "c2", "c3", "loop1", "loop2"]
    );
}

#[test]
fn indirect_ownership_goes_through_blocked_owners_and_is_explained() {
    let snap = snapshot();
    let blocks = snap.ownership_blocks(&ofac(), d("2021-03-01"));
    let b1 = &blocks.owned["b1"];
    assert_eq!(b1.share, 50.0);
    assert_eq!(b1.path_text, "Blocked X —owns 50%→ A1 —owns 50%→ B1");
    let c3 = &blocks.owned["c3"];
    assert_eq!(c3.share, 50.0);
    let owners: Vec<(&str, f64)> = c3.owners.iter().map(|o| (o.entity_id.as_str(), o.percent)).collect();
    assert_eq!(owners, [("a3", 25.0), ("x", 25.0)]);
    assert_eq!(blocks.designated, ["x", "y"]);
}

#[test]
fn designations_and_holdings_count_only_on_their_dates() {
    let snap = snapshot();
    // Before Y's designation, C2 has one blocked owner at 25%.
    assert!(!blocked(&snap, &ofac(), "2019-06-01").contains(&"c2".to_string()));
    // The holding in `later` starts in 2022.
    assert!(!blocked(&snap, &ofac(), "2021-12-31").contains(&"later".to_string()));
    assert!(blocked(&snap, &ofac(), "2022-01-01").contains(&"later".to_string()));
}

#[test]
fn the_affiliates_rule_blocks_only_while_in_force() {
    let snap = snapshot();
    let bis = builtin_ownership_rules().remove(1);
    assert!(blocked(&snap, &bis, "2025-09-28").is_empty());
    assert_eq!(blocked(&snap, &bis, "2025-10-15"), ["zsub"]);
    assert!(blocked(&snap, &bis, "2026-01-15").is_empty());
    assert_eq!(blocked(&snap, &bis, "2026-11-10"), ["zsub"]);
    // OFAC's rule does not extend a BIS listing.
    assert!(!blocked(&snap, &ofac(), "2025-10-15").contains(&"zsub".to_string()));
}
