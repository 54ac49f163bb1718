//! Screening parties: names and identifiers against designations, the
//! ownership rules and the orders, on a date.

use std::path::Path;

use interdict_index::{NameIndex, Snapshot};
use interdict_lists::native::Loader;
use interdict_model::{AllowKeyKind, Identifier, IdentifierKind, Jurisdiction, Outcome, Policy, WarningCode};
use interdict_screen::{Context, Evidenced, Party, PartyDecision, Screener, Thresholds};

const LIST: &str = r#"
format = "interdict/1"
[[sources]]
id = "T"
title = "test list"

[[entities]]
id = "petrov"
kind = "person"
name = "Ivan Sergeyevich PETROV"
birth_dates = ["1961-04-02"]
sources = ["T"]
[[entities]]
id = "holding"
kind = "company"
name = "Zarya Holding JSC"
identifiers = [{ type = "lei", value = "5493001KJTIIGC8Y1R12" }]
sources = ["T"]
[[entities]]
id = "subsidiary"
kind = "company"
name = "Volga Shipping Agency LLC"
sources = ["T"]
[[entities]]
id = "gone"
kind = "company"
name = "Orion Metals Trading"
sources = ["T"]

[[designations]]
entity_id = "petrov"
authority = "US-OFAC"
program = "RUSSIA-EO14024"
start = "2022-03-01"
sources = ["T"]
[[designations]]
entity_id = "holding"
authority = "US-OFAC"
program = "RUSSIA-EO14024"
start = "2022-03-01"
sources = ["T"]
[[designations]]
entity_id = "gone"
authority = "US-OFAC"
program = "IRAN"
start = "2012-01-01"
end = "2016-01-16"
sources = ["T"]

[[relations]]
kind = "owns"
from = "holding"
to = "subsidiary"
percent = 75.0
sources = ["T"]
"#;

struct Setup {
    snapshot: Snapshot,
    names: NameIndex,
}

fn setup() -> Setup {
    let mut loader = Loader::with_builtin().unwrap();
    loader.add_str(Path::new("list.toml"), LIST).unwrap();
    let snapshot = Snapshot::build(loader.finish().unwrap()).unwrap();
    let names = NameIndex::build(snapshot.dataset());
    Setup { snapshot, names }
}

fn screen(s: &Setup, party: &Party, date: &str) -> PartyDecision {
    let ctx = Context {
        as_of: date.parse().unwrap(),
        jurisdictions: vec!["US".parse::<Jurisdiction>().unwrap()],
        policy: Policy::Default,
    };
    Screener::new(&s.snapshot)
        .screen_party(party, &s.names, Thresholds::default(), &ctx)
        .unwrap()
}

fn named(name: &str) -> Party {
    Party {
        names: vec![name.to_string()],
        ..Party::default()
    }
}

#[test]
fn an_exact_name_on_an_active_designation_blocks() {
    let s = setup();
    let d = screen(&s, &named("PETROV, Ivan Sergeyevich"), "2022-06-01");
    assert_eq!(d.outcome, Outcome::Block);
    assert_eq!(d.hits[0].entity_id, "petrov");
    assert_eq!(d.hits[0].score, 1.0);
    assert_eq!(
        d.hits[0].reason,
        "listed by US-OFAC under RUSSIA-EO14024 since 2022-03-01, in force on 2022-06-01; name score 1"
    );
}

#[test]
fn a_close_name_goes_to_review_and_the_date_decides() {
    let s = setup();
    // Another romanisation and a dropped patronymic: a hit, below the
    // block threshold.
    let d = screen(&s, &named("Ivan Petroff"), "2022-06-01");
    assert_eq!(d.outcome, Outcome::Review, "{d:#?}");
    assert!(d.hits[0].score >= 0.80 && d.hits[0].score < 0.95, "{}", d.hits[0].score);
    let Evidenced::Name { features, .. } = &d.hits[0].evidenced else {
        panic!("a name hit")
    };
    assert!(features.missing.iter().any(|(t, _)| t == "sergeyevich"));
    // Before the designation, the same name holds nothing.
    let d = screen(&s, &named("PETROV, Ivan Sergeyevich"), "2021-06-01");
    assert_eq!(d.outcome, Outcome::Allow);
    assert_eq!(d.hits.len(), 1);
    assert!(!d.hits[0].designations[0].active);
}

#[test]
fn an_identifier_on_a_designated_entity_is_decisive() {
    let s = setup();
    let party = Party {
        names: vec!["Some Other Name".to_string()],
        identifiers: vec![Identifier::new(IdentifierKind::Lei, "5493001KJTIIGC8Y1R12").unwrap()],
        ..Party::default()
    };
    let d = screen(&s, &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Block);
    assert!(matches!(d.hits[0].evidenced, Evidenced::Identifier { .. }));
}

#[test]
fn a_company_owned_by_a_designated_one_is_blocked_by_the_fifty_percent_rule() {
    let s = setup();
    let d = screen(&s, &named("Volga Shipping Agency LLC"), "2022-06-01");
    assert_eq!(d.outcome, Outcome::Block);
    let hit = &d.hits[0];
    assert!(hit.designations.is_empty());
    assert_eq!(hit.ownership[0].rule, "ofac-50-percent");
    assert_eq!(hit.ownership[0].share, 75.0);
    assert_eq!(
        hit.ownership[0].path_text,
        "Zarya Holding JSC —owns 75%→ Volga Shipping Agency LLC"
    );
    // Before the holding's designation, the subsidiary is clean.
    assert_eq!(
        screen(&s, &named("Volga Shipping Agency LLC"), "2021-06-01").outcome,
        Outcome::Allow
    );
}

#[test]
fn a_delisted_entity_is_allowed_with_a_warning() {
    let s = setup();
    let d = screen(&s, &named("Orion Metals Trading"), "2020-01-01");
    assert_eq!(d.outcome, Outcome::Allow);
    assert!(d.warnings.iter().any(|w| w.code == WarningCode::Delisted));
    assert_eq!(
        screen(&s, &named("Orion Metals Trading"), "2015-01-01").outcome,
        Outcome::Block
    );
}

#[test]
fn alipays_operator_follows_eo_13971_on_its_dates() {
    let s = setup();
    let party = named("Alipay.com Co., Ltd.");
    // In force, no identification issued: review under the default policy.
    let d = screen(&s, &party, "2021-03-01");
    assert_eq!(d.outcome, Outcome::Review, "{d:#?}");
    assert!(d.hits[0].orders.iter().any(|o| o.id == "EO13971"));
    // Revoked by EO 14034 on 2021-06-09.
    assert_eq!(screen(&s, &party, "2021-07-01").outcome, Outcome::Allow);
}

#[test]
fn bad_party_fields_are_named() {
    let s = setup();
    let ctx = Context {
        as_of: "2022-06-01".parse().unwrap(),
        jurisdictions: Vec::new(),
        policy: Policy::Default,
    };
    let screener = Screener::new(&s.snapshot);
    let party = Party {
        names: vec!["X".to_string()],
        birth_date: Some("1961-13-45".to_string()),
        ..Party::default()
    };
    let e = screener
        .screen_party(&party, &s.names, Thresholds::default(), &ctx)
        .unwrap_err();
    assert!(e.to_string().starts_with("birth_date: "), "{e}");
    // 0000 and a year to come were read as birth dates and raised or
    // lowered scores; a birth after the date screened for is no birth.
    let born = |date: &str| {
        let party = Party {
            names: vec!["X".to_string()],
            birth_date: Some(date.to_string()),
            ..Party::default()
        };
        screener
            .screen_party(&party, &s.names, Thresholds::default(), &ctx)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        born("0000"),
        Err("birth_date: `0000` is before 1800: not a birth date".to_string())
    );
    assert_eq!(
        born("2999"),
        Err("birth_date: `2999` is after 2022-06-01, the date screened for: not a birth date".to_string())
    );
    assert_eq!(
        born("2022-06-02"),
        Err("birth_date: `2022-06-02` is after 2022-06-01, the date screened for: not a birth date".to_string())
    );
    assert_eq!(born("1800"), Ok(()));
    assert_eq!(born("2022"), Ok(()));
    assert_eq!(born("2022-06"), Ok(()));
    assert_eq!(born("2022-06-01"), Ok(()));
    let e = screener
        .screen_party(&Party::default(), &s.names, Thresholds::default(), &ctx)
        .unwrap_err();
    assert_eq!(e.to_string(), "names: a party needs a name or an identifier");
}

fn name_entry(s: &Setup, key: &str, entity: &str, expires: Option<&str>) -> interdict_model::AllowEntry {
    entry(s, AllowKeyKind::Name, key, entity, expires)
}

fn reference_entry(s: &Setup, key: &str, entity: &str) -> interdict_model::AllowEntry {
    entry(s, AllowKeyKind::Reference, key, entity, None)
}

fn entry(s: &Setup, kind: AllowKeyKind, key: &str, entity: &str, expires: Option<&str>) -> interdict_model::AllowEntry {
    interdict_model::AllowEntry {
        id: "a-1".to_string(),
        input_key: key.to_string(),
        key_kind: Some(kind),
        entity_id: entity.to_string(),
        entity_digest: s.snapshot.entity_digest(entity).unwrap(),
        reason: "a different person, born 1990".to_string(),
        author: "analyst".to_string(),
        created: "2022-06-01T00:00:00Z".to_string(),
        expires: expires.map(|d| d.parse().unwrap()),
    }
}

fn screen_with(s: &Setup, entries: Vec<interdict_model::AllowEntry>, party: &Party, date: &str) -> PartyDecision {
    let ctx = Context {
        as_of: date.parse().unwrap(),
        jurisdictions: vec!["US".parse::<Jurisdiction>().unwrap()],
        policy: Policy::Default,
    };
    Screener::new(&s.snapshot)
        .with_allowlist(entries)
        .screen_party(party, &s.names, Thresholds::default(), &ctx)
        .unwrap()
}

#[test]
fn an_allowlist_entry_suppresses_its_hit_and_says_so() {
    let s = setup();
    let party = named("Ivan Sergeyevich PETROV");
    let d = screen_with(
        &s,
        vec![name_entry(&s, "ivan sergeyevich petrov", "petrov", None)],
        &party,
        "2022-06-01",
    );
    assert_eq!(d.outcome, Outcome::Allow);
    assert!(d.hits.is_empty());
    let used = d.suppressed[0].suppressed_by.as_ref().unwrap();
    assert_eq!((used.entry_id.as_str(), used.author.as_str()), ("a-1", "analyst"));
    // Another input, or a reference that is not the entry's key, is not
    // covered.
    let d = screen_with(
        &s,
        vec![name_entry(&s, "someone else", "petrov", None)],
        &party,
        "2022-06-01",
    );
    assert_eq!(d.outcome, Outcome::Block);
    // A reference key covers every name of that party.
    let mut by_ref = party.clone();
    by_ref.reference = Some("cust-42".to_string());
    let d = screen_with(
        &s,
        vec![reference_entry(&s, "cust-42", "petrov")],
        &by_ref,
        "2022-06-01",
    );
    assert_eq!(d.outcome, Outcome::Allow);
}

/// An entry keyed on `Kim Jong Un` cleared the listed Kim Jong Un himself,
/// given with his birth date. A name entry is for namesakes: a party whose
/// birth date or country agrees with the entity's is not cleared by it,
/// and the decision says why; a reference entry still clears its party.
#[test]
fn a_name_entry_does_not_clear_a_party_whose_birth_date_agrees() {
    let s = setup();
    let mut party = named("Ivan Sergeyevich PETROV");
    party.birth_date = Some("1961-04-02".to_string());
    let d = screen_with(
        &s,
        vec![name_entry(&s, "ivan sergeyevich petrov", "petrov", None)],
        &party,
        "2022-06-01",
    );
    assert_eq!(d.outcome, Outcome::Block);
    assert!(d.suppressed.is_empty());
    let warning = d
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::AllowlistEvidenceAgrees)
        .expect("the entry set aside is named");
    assert!(
        warning
            .message
            .starts_with("allowlist entry a-1 (for the name `ivan sergeyevich petrov`)"),
        "{}",
        warning.message
    );
    // Born another year: a namesake, cleared.
    party.birth_date = Some("1990".to_string());
    let d = screen_with(
        &s,
        vec![name_entry(&s, "ivan sergeyevich petrov", "petrov", None)],
        &party,
        "2022-06-01",
    );
    assert_eq!(d.outcome, Outcome::Allow);
    // The party's own reference clears it, birth date or not.
    party.birth_date = Some("1961-04-02".to_string());
    party.reference = Some("cust-42".to_string());
    let d = screen_with(&s, vec![reference_entry(&s, "cust-42", "petrov")], &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Allow);
    assert_eq!(d.suppressed.len(), 1);
    // An entry keyed on `cust-42` in lower case meets the reference
    // `CUST-42`: references are compared in any case.
    party.reference = Some("CUST-42".to_string());
    let d = screen_with(&s, vec![reference_entry(&s, "cust-42", "petrov")], &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Allow, "{:?}", d.warnings);
    // And the other way round: `allowlist add --reference CUST-42` keeps the
    // key as typed.
    party.reference = Some("cust-42".to_string());
    let d = screen_with(&s, vec![reference_entry(&s, "CUST-42", "petrov")], &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Allow, "{:?}", d.warnings);
}

#[test]
fn an_allowlist_entry_expires() {
    let s = setup();
    let party = named("Ivan Sergeyevich PETROV");
    let entries = vec![name_entry(&s, "ivan sergeyevich petrov", "petrov", Some("2022-06-01"))];
    let d = screen_with(&s, entries.clone(), &party, "2022-05-31");
    assert_eq!(d.outcome, Outcome::Allow);
    let d = screen_with(&s, entries, &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Block);
    assert!(d.warnings.iter().any(|w| w.code == WarningCode::AllowlistExpired));
}

#[test]
fn an_allowlist_entry_lapses_when_the_entity_changes_in_a_newer_snapshot() {
    let s = setup();
    let party = named("Ivan Sergeyevich PETROV");
    let made = name_entry(&s, "ivan sergeyevich petrov", "petrov", None);
    // The next list adds an alias to the entity: the entry was made for the
    // entity as it was, and no longer applies.
    let mut loader = Loader::with_builtin().unwrap();
    let changed = LIST.replace(
        "name = \"Ivan Sergeyevich PETROV\"",
        "name = \"Ivan Sergeyevich PETROV\"\naliases = [{ name = \"Vanya Petrov\" }]",
    );
    assert_ne!(changed, LIST);
    loader.add_str(Path::new("list.toml"), &changed).unwrap();
    let snapshot = Snapshot::build(loader.finish().unwrap()).unwrap();
    let names = NameIndex::build(snapshot.dataset());
    let newer = Setup { snapshot, names };
    assert_ne!(
        newer.snapshot.entity_digest("petrov"),
        s.snapshot.entity_digest("petrov")
    );
    let d = screen_with(&newer, vec![made], &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Block);
    assert!(d.suppressed.is_empty());
    assert!(d.warnings.iter().any(|w| w.code == WarningCode::AllowlistStale));
}

#[test]
fn thresholds_are_scores_and_review_is_not_above_block() {
    use interdict_screen::ErrorKind;
    assert_eq!(
        Thresholds::new(0.9, 0.7).unwrap(),
        Thresholds {
            block: 0.9,
            review: 0.7
        }
    );
    let kind = |block, review| Thresholds::new(block, review).unwrap_err().kind().clone();
    assert_eq!(
        kind(1.5, 0.7),
        ErrorKind::ThresholdOutOfRange {
            field: "block",
            value: 1.5
        }
    );
    assert_eq!(
        kind(0.9, -0.1),
        ErrorKind::ThresholdOutOfRange {
            field: "review",
            value: -0.1
        }
    );
    assert_eq!(
        kind(0.7, 0.9),
        ErrorKind::ReviewAboveBlock {
            review: 0.9,
            block: 0.7
        }
    );
}

/// Entries did not say what their key was: a party whose reference read
/// the same as a name entry's key was cleared by it as by its reference,
/// though its birth date agreed with the listed person's.
#[test]
fn a_name_entry_is_not_met_by_a_reference_that_reads_the_same() {
    let s = setup();
    let mut party = named("Ivan Sergeyevich PETROV");
    party.birth_date = Some("1961-04-02".to_string());
    party.reference = Some("ivan sergeyevich petrov".to_string());
    let d = screen_with(
        &s,
        vec![name_entry(&s, "ivan sergeyevich petrov", "petrov", None)],
        &party,
        "2022-06-01",
    );
    assert_eq!(d.outcome, Outcome::Block);
    assert!(d
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::AllowlistEvidenceAgrees));
    // Nor is a reference entry met by a name that reads the same: it
    // clears the one party with that reference.
    let mut namesake = named("Ivan Sergeyevich PETROV");
    namesake.birth_date = Some("1990".to_string());
    let by_reference = reference_entry(&s, "ivan sergeyevich petrov", "petrov");
    let d = screen_with(&s, vec![by_reference.clone()], &namesake, "2022-06-01");
    // Born another year, the namesake goes to review, not cleared.
    assert_eq!(d.outcome, Outcome::Review);
    assert!(d.suppressed.is_empty());
    namesake.reference = Some("Ivan Sergeyevich Petrov".to_string());
    let d = screen_with(&s, vec![by_reference], &namesake, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Allow);
    // An entry made before kinds were recorded is compared with the
    // reference and with the name; a key that is the name met is read as a
    // name entry, which does not clear a party whose birth date agrees.
    let mut legacy = name_entry(&s, "ivan sergeyevich petrov", "petrov", None);
    legacy.key_kind = None;
    let d = screen_with(&s, vec![legacy.clone()], &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Block);
    legacy.input_key = "cust-42".to_string();
    party.reference = Some("CUST-42".to_string());
    let d = screen_with(&s, vec![legacy], &party, "2022-06-01");
    assert_eq!(d.outcome, Outcome::Allow);
}
