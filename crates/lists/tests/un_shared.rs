//! The UN Security Council consolidated list reader over the full list of
//! February 2026 in ../shared/data. Ignored by `cargo test` (the data is not
//! in the repository); `.ci/run` runs it with `--ignored`, and it fails
//! loudly when the data is missing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use interdict_lists::{un, Report, Strictness};
use interdict_model::{Entity, EntityKind, IdentifierKind, NameKind};

const FILE: &str = "formats/un-2026-02/consolidated.xml";

fn shared_data() -> PathBuf {
    let dir = std::env::var_os("INTERDICT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if !dir.join(FILE).is_file() {
        panic!(
            "the shared list data is missing: expected {}/{FILE} (set INTERDICT_SHARED_DATA)",
            dir.display()
        );
    }
    dir
}

fn read_full() -> Report {
    let path = shared_data().join(FILE);
    let started = Instant::now();
    let report = un::read(&path, Strictness::Strict).expect("the UN list reads in strict mode");
    eprintln!("read {} records in {:?}", report.records, started.elapsed());
    report
}

fn entity<'a>(r: &'a Report, id: &str) -> &'a Entity {
    r.dataset
        .entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{id} is missing"))
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn un_2026_02_loads_every_individual_and_entity() {
    let r = read_full();
    let d = &r.dataset;
    assert_eq!(r.records, 1_003);
    assert!(r.rejected.is_empty());
    assert!(r.warnings.is_empty(), "{:?}", r.warnings.first());
    assert_eq!(d.entities.len(), 1_003);
    let mut kinds: BTreeMap<EntityKind, usize> = BTreeMap::new();
    for e in &d.entities {
        *kinds.entry(e.kind).or_default() += 1;
    }
    assert_eq!(kinds.get(&EntityKind::Person), Some(&730));
    assert_eq!(kinds.get(&EntityKind::Organization), Some(&273));
    assert_eq!(kinds.len(), 2);
    assert!(d
        .entities
        .iter()
        .all(|e| e.datasets == ["un_sc"] && e.id.starts_with("un_sc-")));
    assert!(d.validate().is_empty());

    // Names: 1,003 primary names and 3,113 aliases (original-script names
    // and `Good`/`a.k.a.` aliases as aliases, `Low` as weak, `f.k.a.` as
    // former), after dropping repeats.
    let names: usize = d.entities.iter().map(|e| 1 + e.aliases.len()).sum();
    assert_eq!(names, 4_116);
    let mut alias_kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for a in d.entities.iter().flat_map(|e| &e.aliases) {
        let k = match a.kind {
            NameKind::Alias => "alias",
            NameKind::WeakAlias => "weak",
            NameKind::Former => "former",
        };
        *alias_kinds.entry(k).or_default() += 1;
    }
    assert_eq!(
        alias_kinds,
        BTreeMap::from([("alias", 2_480), ("weak", 615), ("former", 18)])
    );

    // Identifiers by type, with and without an issuing country.
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    for i in d.entities.iter().flat_map(|e| &e.identifiers) {
        let k = match i.identifier.kind() {
            IdentifierKind::Passport(Some(_)) => "passport.cc".to_string(),
            IdentifierKind::Passport(None) => "passport".to_string(),
            IdentifierKind::NationalId(Some(_)) => "national_id.cc".to_string(),
            IdentifierKind::NationalId(None) => "national_id".to_string(),
            other => other.to_string(),
        };
        *ids.entry(k).or_default() += 1;
    }
    assert_eq!(
        ids,
        BTreeMap::from([
            ("passport.cc".to_string(), 196),
            ("passport".to_string(), 70),
            ("national_id.cc".to_string(), 86),
            ("national_id".to_string(), 43),
        ])
    );

    let total = |f: fn(&Entity) -> usize| d.entities.iter().map(f).sum::<usize>();
    assert_eq!(total(|e| e.birth_dates.len()), 980);
    assert_eq!(total(|e| e.birth_places.len()), 657);
    assert_eq!(total(|e| e.nationalities.len()), 650);
    assert_eq!(total(|e| e.addresses.len()), 740);
    assert_eq!(total(|e| e.countries.len()), 597);
    assert_eq!(total(|e| e.positions.len()), 427);
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn un_2026_02_has_one_designation_per_record() {
    let r = read_full();
    let d = &r.dataset;
    assert_eq!(d.designations.len(), 1_003);
    assert!(d
        .designations
        .iter()
        .all(|x| x.authority == "UN-SC" && x.listed.is_some() && x.listed == x.start));
    let mut programs: BTreeMap<&str, usize> = BTreeMap::new();
    for x in &d.designations {
        *programs.entry(x.program.as_str()).or_default() += 1;
    }
    assert_eq!(
        programs,
        BTreeMap::from([
            ("Al-Qaida", 341),
            ("CAR", 15),
            ("DPRK", 155),
            ("DRC", 53),
            ("GB", 10),
            ("Haiti", 11),
            ("Iran", 121),
            ("Iraq", 75),
            ("Libya", 30),
            ("Somalia", 24),
            ("SouthSudan", 8),
            ("Sudan", 9),
            ("Taliban", 140),
            ("Yemen", 11),
        ])
    );
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn un_2026_02_spot_values() {
    let r = read_full();
    let d = &r.dataset;

    let e = entity(&r, "un_sc-CDi.001");
    assert_eq!(e.name, "ERIC BADEGE");
    assert_eq!(e.kind, EntityKind::Person);
    assert_eq!(e.birth_dates[0].as_str(), "1971");
    assert_eq!(e.nationalities[0].as_str(), "CD");
    let des = d
        .designations
        .iter()
        .find(|x| x.entity_id == "un_sc-CDi.001")
        .expect("a designation");
    assert_eq!(des.program, "DRC");
    assert_eq!(des.listed.map(|x| x.to_string()).as_deref(), Some("2012-12-31"));

    // `LISTED_ON` with a time-zone offset: `2015-07-01-04:00`.
    let des = d
        .designations
        .iter()
        .find(|x| x.entity_id == "un_sc-SSi.001")
        .expect("a designation");
    assert_eq!(des.listed.map(|x| x.to_string()).as_deref(), Some("2015-07-01"));

    // Birth years `BETWEEN` 1955 and 1958, and 1945 and 1950.
    let e = entity(&r, "un_sc-TAi.002");
    let years: Vec<&str> = e.birth_dates.iter().map(|b| b.as_str()).collect();
    assert_eq!(
        years,
        ["1955", "1956", "1957", "1958", "1945", "1946", "1947", "1948", "1949", "1950"]
    );

    let e = entity(&r, "un_sc-QDi.410");
    assert_eq!(e.name, "SHANE DOMINIC CRAWFORD");
    let ids: Vec<String> = e.identifiers.iter().map(|i| i.identifier.to_string()).collect();
    assert_eq!(
        ids,
        [
            "passport.tt:TA959547",
            "passport.tt:T1071839",
            "national_id.tt:19860222007",
            "national_id.tt:B394445",
            "national_id.tt:892124B"
        ]
    );
    assert!(e.aliases.iter().all(|a| a.kind == NameKind::WeakAlias));

    let e = entity(&r, "un_sc-KPe.001");
    assert_eq!(e.kind, EntityKind::Organization);
    assert_eq!(e.name, "KOREA MINING DEVELOPMENT TRADING CORPORATION");
    assert!(e.aliases.iter().any(|a| a.name == "\"KOMID\""));
    assert_eq!(e.countries[0].as_str(), "KP");

    // A reference number with a trailing space in the file.
    assert!(d.entities.iter().all(|e| !e.id.ends_with(' ')));
}
