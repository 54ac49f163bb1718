//! Identifier matches on listed entities: an exact match on an active
//! designation is decisive; a subdomain is sent to review; dates count.

use interdict_index::Snapshot;
use interdict_model::{Jurisdiction, MatchKind, Outcome, Policy, WarningCode};
use interdict_screen::{Context, Screener};

fn snapshot() -> Snapshot {
    let mut d = interdict_lists::native::builtin().unwrap();
    d.extend(interdict_lists::bundled::load().unwrap());
    Snapshot::build(d).unwrap()
}

fn ctx(date: &str) -> Context {
    Context {
        as_of: date.parse().unwrap(),
        jurisdictions: vec!["US".parse::<Jurisdiction>().unwrap()],
        policy: Policy::Default,
    }
}

#[test]
fn an_sdn_website_is_an_exact_decisive_match() {
    let snap = snapshot();
    let d = Screener::new(&snap)
        .screen_app("https://www.ramakdutyfree.net/", &ctx("2021-03-01"))
        .unwrap();
    assert_eq!(d.outcome, Outcome::Block);
    assert_eq!(d.listings.len(), 1);
    let l = &d.listings[0];
    assert_eq!(
        (l.entity_id.as_str(), l.authority.as_str(), l.program.as_str()),
        ("us_ofac_sdn-10933", "US-OFAC", "SYRIA")
    );
    assert_eq!(l.kind, MatchKind::Exact);
    assert_eq!(
        l.reason,
        "listed by US-OFAC under SYRIA; exact identifier match (domain:www.ramakdutyfree.net)"
    );
}

#[test]
fn a_subdomain_of_a_listed_site_goes_to_review() {
    let snap = snapshot();
    let d = Screener::new(&snap)
        .screen_app("shop.ramakdutyfree.net", &ctx("2021-03-01"))
        .unwrap();
    assert_eq!(d.outcome, Outcome::Review);
    assert_eq!(d.listings[0].kind, MatchKind::ParentDomain);
}

#[test]
fn an_unlisted_identifier_has_no_listing() {
    let snap = snapshot();
    let d = Screener::new(&snap)
        .screen_app("example.org", &ctx("2021-03-01"))
        .unwrap();
    assert_eq!(d.outcome, Outcome::Allow);
    assert!(d.listings.is_empty());
    assert!(d.warnings.iter().any(|w| w.code == WarningCode::NoMatch));
}
