//! Coverage on the built-in data: who EO 13971 covers, through whom, and
//! who it does not cover and why.

use interdict_index::Snapshot;
use interdict_model::{CoverageRole, Date};

fn snapshot() -> Snapshot {
    Snapshot::build(interdict_lists::native::builtin().expect("built-in data loads")).expect("indexes")
}

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

#[test]
fn alipay_is_covered_through_its_operator_up_to_ant_group() {
    let snap = snapshot();
    let order = snap.order("EO13971").unwrap();
    let cov = snap.coverage(order, d("2021-03-01"));
    let ant = cov.get("ant_group").expect("Ant Group is covered");
    assert_eq!(ant.role, CoverageRole::Controller);
    let ids: Vec<&str> = ant.path.iter().map(|s| s.entity_id.as_str()).collect();
    assert_eq!(ids[0], "alipay");
    assert!(ids[1].starts_with("alipay_"), "{}", ant.path_text);
    assert_eq!(ids[2], "ant_group");
    assert!(
        ant.path_text.starts_with("Alipay (app) ←operates— Alipay"),
        "{}",
        ant.path_text
    );
}

#[test]
fn alibaba_is_a_controller_of_vmates_developer_through_ucweb() {
    let snap = snapshot();
    let order = snap.order("EO13971").unwrap();
    let cov = snap.coverage(order, d("2021-03-01"));
    let alibaba = cov.get("alibaba_group").expect("Alibaba is covered");
    assert_eq!(alibaba.role, CoverageRole::Controller);
    let ids: Vec<&str> = alibaba.path.iter().map(|s| s.entity_id.as_str()).collect();
    assert_eq!(ids, ["vmate", "ucweb", "alibaba_group"], "{}", alibaba.path_text);
    assert!(
        alibaba.path_text.contains("←owns 100%— Alibaba"),
        "{}",
        alibaba.path_text
    );
}

#[test]
fn alibabas_33_percent_of_ant_group_does_not_cover_it_and_the_explanation_says_so() {
    let snap = snapshot();
    let order = snap.order("EO13971").unwrap();
    let e = snap.explain(order, "alibaba_group", d("2021-03-01")).unwrap();
    let via_ant = e
        .not_covering
        .iter()
        .find(|n| n.through_id == "ant_group")
        .expect("the 33% edge is explained");
    assert_eq!(via_ant.percent, Some(33.0));
    assert_eq!(via_ant.would_be, CoverageRole::Controller);
    assert!(via_ant.reason.contains("owns 33% of Ant Group"), "{}", via_ant.reason);
    assert!(via_ant.reason.contains("> 50%"), "{}", via_ant.reason);
}

#[test]
fn an_order_without_scope_covers_nobody() {
    let snap = snapshot();
    let revoking = snap.order("EO14034").unwrap();
    assert!(snap.coverage(revoking, d("2021-07-01")).covered.is_empty());
}
