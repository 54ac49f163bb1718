//! The coverage rules on small synthetic graphs: thresholds, aggregation,
//! control, cycles and dates.

use std::path::Path;

use interdict_index::Snapshot;
use interdict_lists::native::Loader;
use interdict_model::{CoverageRole, Date};

const GRAPH: &str = r#"
format = "interdict/1"
[[sources]]
id = "S"
title = "test"

[[entities]]
id = "app"
kind = "application"
name = "App"
sources = ["S"]
[[entities]]
id = "dev"
kind = "company"
name = "Dev"
sources = ["S"]
[[entities]]
id = "parent"
kind = "company"
name = "Parent"
sources = ["S"]
[[entities]]
id = "minority"
kind = "company"
name = "Minority"
sources = ["S"]
[[entities]]
id = "boss"
kind = "person"
name = "Boss"
sources = ["S"]
[[entities]]
id = "joint"
kind = "company"
name = "Joint"
sources = ["S"]
[[entities]]
id = "loop"
kind = "company"
name = "Loop"
sources = ["S"]
[[entities]]
id = "half"
kind = "company"
name = "Half"
sources = ["S"]
[[entities]]
id = "old"
kind = "company"
name = "Old"
sources = ["S"]

[[relations]]
kind = "develops"
from = "dev"
to = "app"
sources = ["S"]
[[relations]]
kind = "owns"
from = "parent"
to = "dev"
percent = 60.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "minority"
to = "parent"
percent = 40.0
sources = ["S"]
[[relations]]
kind = "controls"
from = "boss"
to = "parent"
sources = ["S"]
# joint is 30% + 30% owned by two covered companies: 60% in all
[[relations]]
kind = "owns"
from = "parent"
to = "joint"
percent = 30.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "dev"
to = "joint"
percent = 30.0
sources = ["S"]
# a cycle: joint owns all of loop, loop owns 10% of joint
[[relations]]
kind = "owns"
from = "joint"
to = "loop"
percent = 100.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "loop"
to = "joint"
percent = 10.0
sources = ["S"]
[[relations]]
kind = "owns"
from = "dev"
to = "half"
percent = 50.0
sources = ["S"]
# a subsidiary sold on 2021-01-01
[[relations]]
kind = "owns"
from = "dev"
to = "old"
percent = 100.0
end = "2021-01-01"
sources = ["S"]

[[orders]]
id = "O"
title = "Order"
issuer = "Issuer"
signed = "2020-01-01"
summary = "Developers and controllers of App, and their subsidiaries."
sources = ["S"]
scope = { apps = ["app"] }

[[orders]]
id = "INCLUSIVE"
title = "Order with an inclusive threshold"
issuer = "Issuer"
signed = "2020-01-01"
summary = "As O, with subsidiaries owned 50% or more."
sources = ["S"]
scope = { apps = ["app"], subsidiary_threshold = ">= 50" }

[[orders]]
id = "NOSUBS"
title = "Order without subsidiaries"
issuer = "Issuer"
signed = "2020-01-01"
summary = "Developers and controllers only."
sources = ["S"]
scope = { apps = ["app"], subsidiaries = false }
"#;

fn snapshot() -> Snapshot {
    let mut l = Loader::new();
    l.add_str(Path::new("graph.toml"), GRAPH).unwrap();
    Snapshot::build(l.finish().unwrap()).unwrap()
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn roles(snap: &Snapshot, order: &str, date: &str) -> Vec<(String, CoverageRole)> {
    let cov = snap.coverage(snap.order(order).unwrap(), d(date));
    cov.covered.values().map(|c| (c.entity_id.clone(), c.role)).collect()
}

fn role(snap: &Snapshot, order: &str, date: &str, id: &str) -> Option<CoverageRole> {
    roles(snap, order, date)
        .into_iter()
        .find(|(e, _)| e == id)
        .map(|(_, r)| r)
}

#[test]
fn developer_majority_owner_and_controller_of_the_owner_are_covered() {
    let snap = snapshot();
    assert_eq!(role(&snap, "O", "2020-06-01", "dev"), Some(CoverageRole::Developer));
    assert_eq!(role(&snap, "O", "2020-06-01", "parent"), Some(CoverageRole::Controller));
    assert_eq!(role(&snap, "O", "2020-06-01", "boss"), Some(CoverageRole::Controller));
}

#[test]
fn a_40_percent_owner_is_not_a_controller_and_the_reason_is_kept() {
    let snap = snapshot();
    assert_eq!(role(&snap, "O", "2020-06-01", "minority"), None);
    let e = snap
        .explain(snap.order("O").unwrap(), "minority", d("2020-06-01"))
        .unwrap();
    assert!(!e.covered);
    assert_eq!(e.not_covering.len(), 1);
    assert_eq!(
        e.not_covering[0].reason,
        "owns 40% of Parent, which does not pass the controller threshold > 50%"
    );
}

#[test]
fn shares_held_by_several_covered_owners_add_up() {
    let snap = snapshot();
    assert_eq!(role(&snap, "O", "2020-06-01", "joint"), Some(CoverageRole::Subsidiary));
}

#[test]
fn ownership_cycles_terminate_and_cover_each_member_once() {
    let snap = snapshot();
    assert_eq!(role(&snap, "O", "2020-06-01", "loop"), Some(CoverageRole::Subsidiary));
    let cov = snap.coverage(snap.order("O").unwrap(), d("2020-06-01"));
    let loop_path: Vec<&str> = cov
        .get("loop")
        .unwrap()
        .path
        .iter()
        .map(|s| s.entity_id.as_str())
        .collect();
    assert_eq!(loop_path.last(), Some(&"loop"));
    assert_eq!(loop_path.iter().filter(|id| **id == "loop").count(), 1);
}

#[test]
fn exactly_50_percent_passes_only_an_inclusive_threshold() {
    let snap = snapshot();
    assert_eq!(role(&snap, "O", "2020-06-01", "half"), None);
    assert_eq!(
        role(&snap, "INCLUSIVE", "2020-06-01", "half"),
        Some(CoverageRole::Subsidiary)
    );
    let e = snap.explain(snap.order("O").unwrap(), "half", d("2020-06-01")).unwrap();
    assert_eq!(
        e.not_covering[0].reason,
        "Dev owns 50% of it, which does not pass the subsidiary threshold > 50%"
    );
}

#[test]
fn subsidiaries_can_be_switched_off() {
    let snap = snapshot();
    assert_eq!(role(&snap, "NOSUBS", "2020-06-01", "joint"), None);
    assert_eq!(
        role(&snap, "NOSUBS", "2020-06-01", "parent"),
        Some(CoverageRole::Controller)
    );
}

#[test]
fn relations_count_only_while_they_hold() {
    let snap = snapshot();
    assert_eq!(role(&snap, "O", "2020-12-31", "old"), Some(CoverageRole::Subsidiary));
    assert_eq!(role(&snap, "O", "2021-01-01", "old"), None);
}
