//! The BIS Denied Persons List reader over the full list of July 2019 in
//! the shared data folder (`INTERDICT_SHARED_DATA`, default
//! `../shared/data` next to the workspace). Ignored by `cargo test` (the
//! data is not in the repository); `.ci/run` runs it with `--ignored`, and
//! it fails loudly when the data is missing. The counts are those of the
//! file as published; a change in them means the reader changed what it
//! makes of the data.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use interdict_lists::{dpl, Report, Strictness};
use interdict_model::{Date, Entity, EntityKind};

const FILE: &str = "formats/bis-dpl-2019/dpl.txt";

fn shared_file() -> PathBuf {
    let dir = std::env::var_os("INTERDICT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = dir.join(FILE);
    if !path.is_file() {
        panic!(
            "the shared list data is missing: expected {} (set INTERDICT_SHARED_DATA to the folder that holds {FILE})",
            path.display()
        );
    }
    path
}

fn read_full() -> Report {
    let path = shared_file();
    let report = dpl::read(&path, Strictness::Strict)
        .unwrap_or_else(|e| panic!("{} does not read in strict mode: {e}", path.display()));
    assert!(report.rejected.is_empty());
    assert!(report.warnings.is_empty(), "{:?}", report.warnings.first());
    let issues = report.dataset.validate();
    assert!(
        issues.is_empty(),
        "validation issues: {:?}",
        &issues[..issues.len().min(5)]
    );
    report
}

fn entity<'a>(r: &'a Report, name: &str) -> &'a Entity {
    r.dataset
        .entities
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity named {name}"))
}

/// (start, end) of each designation of `e`.
fn orders(r: &Report, e: &Entity) -> Vec<(String, String)> {
    let day = |d: Option<Date>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
    r.dataset
        .designations
        .iter()
        .filter(|d| d.entity_id == e.id)
        .map(|d| (day(d.start), day(d.end)))
        .collect()
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn dpl_2019_07_merges_its_lines_into_parties() {
    let r = read_full();
    let d = &r.dataset;
    assert_eq!(r.records, 546);
    assert_eq!(d.entities.len(), 415);
    let mut kinds: BTreeMap<EntityKind, usize> = BTreeMap::new();
    for e in &d.entities {
        *kinds.entry(e.kind).or_default() += 1;
    }
    assert_eq!(kinds, BTreeMap::from([(EntityKind::LegalEntity, 415)]));
    assert_eq!(d.entities.iter().map(|e| e.aliases.len()).sum::<usize>(), 0);
    assert_eq!(d.entities.iter().map(|e| e.identifiers.len()).sum::<usize>(), 0);
    assert_eq!(d.entities.iter().map(|e| e.addresses.len()).sum::<usize>(), 543);
    assert_eq!(d.entities.iter().map(|e| e.countries.len()).sum::<usize>(), 363);
    let us = d
        .entities
        .iter()
        .filter(|e| e.countries.iter().any(|c| c.as_str() == "US"))
        .count();
    assert_eq!(us, 195);
    // `PRC` is not an ISO code: it stays in the notes.
    let prc = d
        .entities
        .iter()
        .filter(|e| e.notes.as_deref().unwrap_or("").contains("country: PRC"))
        .count();
    assert_eq!(prc, 2);

    assert_eq!(d.designations.len(), 417);
    assert!(d
        .designations
        .iter()
        .all(|x| x.authority == "US-BIS" && x.program == "DPL" && x.listed == x.start && x.start.is_some()));
    assert_eq!(d.designations.iter().filter(|x| x.end.is_none()).count(), 45);
    let july = "2019-07-01".parse().unwrap();
    assert_eq!(d.designations.iter().filter(|x| x.active_on(july)).count(), 417);
    let ids: Vec<&str> = d.sources.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["us_bis_dpl"]);

    // One party at two addresses under one order, with its content id.
    let e = entity(&r, "ABDULAH AL NASSER");
    assert_eq!(e.id, "us_bis_dpl-fbf5be16e029f6fd");
    assert_eq!(
        e.addresses,
        [
            "605 TRAIL LAKE DRIVE, RICHARDSON, TX, 75081, US",
            "908 AUDELIA ROAD, SUIE 200, PMB #245, RICHARDSON, TX, 75081, US",
        ]
    );
    assert_eq!(orders(&r, e), [("2002-03-04".into(), "2056-06-29".into())]);

    // A party under two orders.
    let ash = entity(&r, "I. ASH");
    assert_eq!(
        orders(&r, ash),
        [
            ("2003-06-19".into(), "2056-06-29".into()),
            ("2002-03-04".into(), "2056-06-29".into())
        ]
    );

    // The first line's name has a leading space; doubled quotes inside a
    // field are one quote.
    let first = &d.entities[0];
    assert_eq!(first.name, "ADRIAN MANUEL HERNANDEZ");
    assert_eq!(first.addresses, ["3037 S. 69TH DRIVE, PHONEIX, AZ, 85043"]);
    assert!(first.countries.is_empty());
    assert_eq!(
        first.notes.as_deref(),
        Some(
            "order 2017-10-16: FR NOTICE ADDED; FR 82 F.R. 48792 10/20/2017; standard order Y; last update 2017-10-23"
        )
    );
    assert_eq!(entity(&r, "IHSAN MEDHAT \"SAMMY\" ELASHI").addresses.len(), 2);
}

/// A throwaway timing: `cargo test --release -p interdict-lists --test
/// dpl_shared -- --ignored --nocapture time`.
#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn time_reading_the_dpl() {
    let path = shared_file();
    let runs = 20;
    let start = Instant::now();
    for _ in 0..runs {
        let r = dpl::read(&path, Strictness::Lenient).expect("reads");
        assert!(!r.dataset.entities.is_empty());
    }
    eprintln!("read bis-dpl-2019: {:?} per run", start.elapsed() / runs);
}
