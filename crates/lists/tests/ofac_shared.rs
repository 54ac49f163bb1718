//! The OFAC reader over the full published files in the shared data
//! folder (`INTERDICT_SHARED_DATA`, default `../shared/data` next to the
//! workspace). The counts are those of the files as published; a change
//! in them means the reader changed what it makes of the data.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use interdict_lists::ofac::{read_dir, OfacList};
use interdict_lists::{Report, Strictness};
use interdict_model::{Entity, NameKind};

fn shared(folder: &str) -> PathBuf {
    let base = std::env::var_os("INTERDICT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let dir = base.join("formats").join(folder);
    assert!(
        dir.is_dir(),
        "shared data not found at {}: set INTERDICT_SHARED_DATA to the folder that holds formats/{folder}",
        dir.display()
    );
    dir
}

fn read(folder: &str, list: OfacList) -> Report {
    let dir = shared(folder);
    let report = read_dir(&dir, list, Strictness::Strict)
        .unwrap_or_else(|e| panic!("{} does not read in strict mode: {e}", dir.display()));
    assert!(report.rejected.is_empty());
    let issues = report.dataset.validate();
    assert!(
        issues.is_empty(),
        "validation issues: {:?}",
        &issues[..issues.len().min(5)]
    );
    report
}

/// The counts the tests compare, by name.
fn counts(r: &Report) -> BTreeMap<String, usize> {
    let mut c = BTreeMap::new();
    let mut add = |k: String, n: usize| *c.entry(k).or_insert(0) += n;
    add("records".into(), usize::try_from(r.records).unwrap_or(usize::MAX));
    add("entities".into(), r.dataset.entities.len());
    add("designations".into(), r.dataset.designations.len());
    add("relations".into(), r.dataset.relations.len());
    for e in &r.dataset.entities {
        add(format!("kind.{}", e.kind), 1);
        add("names".into(), 1 + e.aliases.len());
        for a in &e.aliases {
            let k = match a.kind {
                NameKind::Alias => "alias",
                NameKind::WeakAlias => "weak_alias",
                NameKind::Former => "former",
            };
            add(format!("names.{k}"), 1);
        }
        for i in &e.identifiers {
            // Country-qualified kinds are counted by their base type.
            let kind = i.identifier.kind().to_string();
            let base = match kind.split_once('.') {
                Some((b, _)) if b != "crypto" => b.to_string(),
                _ => kind,
            };
            add(format!("id.{base}"), 1);
        }
        add("birth_dates".into(), e.birth_dates.len());
        add("nationalities".into(), e.nationalities.len());
        add("addresses".into(), e.addresses.len());
    }
    c
}

fn entity<'a>(r: &'a Report, id: &str) -> &'a Entity {
    r.dataset
        .entities
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("no entity {id}"))
}

fn ids(e: &Entity) -> Vec<String> {
    e.identifiers.iter().map(|r| r.identifier.to_string()).collect()
}

fn expect(r: &Report, expected: &[(&str, usize)]) {
    let got = counts(r);
    let want: BTreeMap<String, usize> = expected.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(got, want);
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn sdn_2021_07() {
    let r = read("ofac-sdn-2021-07", OfacList::Sdn);
    expect(&r, SDN_COUNTS);

    // Website and Email Address remarks become identifiers; the full stop
    // that ends the remarks is not part of the address.
    let ramak = entity(&r, "us_ofac_sdn-10933");
    assert_eq!(ramak.name, "RAMAK");
    assert_eq!(ids(ramak), ["domain:www.ramakdutyfree.net", "email:dam.d.free@net.sy"]);
    assert_eq!(ramak.notes, None);

    // Remarks continued in sdn_comments.csv (cut mid-word at 1,000
    // characters): the weak alias split across the two files is whole.
    let e = entity(&r, "us_ofac_sdn-28263");
    assert!(e
        .aliases
        .iter()
        .any(|a| a.name == "snowsjohn" && a.kind == NameKind::WeakAlias));
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn consolidated_2025_12() {
    let r = read("ofac-consolidated-2025-12", OfacList::Consolidated);
    expect(&r, CONS_COUNTS);
}

/// A throwaway timing: `cargo test --release -p interdict-lists --test
/// ofac_shared -- --ignored --nocapture time`.
#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn time_reading_the_sdn_files() {
    let dir = shared("ofac-sdn-2021-07");
    let runs = 5;
    let start = Instant::now();
    for _ in 0..runs {
        let r = read_dir(&dir, OfacList::Sdn, Strictness::Lenient).expect("reads");
        assert!(!r.dataset.entities.is_empty());
    }
    eprintln!("read ofac-sdn-2021-07: {:?} per run", start.elapsed() / runs);
}

const SDN_COUNTS: &[(&str, usize)] = &[
    ("addresses", 11440),
    ("birth_dates", 5300),
    ("designations", 10759),
    ("entities", 8976),
    ("id.bic", 82),
    ("id.crypto.bch", 2),
    ("id.crypto.bsv", 1),
    ("id.crypto.btg", 1),
    ("id.crypto.dash", 3),
    ("id.crypto.etc", 1),
    ("id.crypto.eth", 10),
    ("id.crypto.ltc", 9),
    ("id.crypto.xbt", 65),
    ("id.crypto.xmr", 1),
    ("id.crypto.xvg", 1),
    ("id.crypto.zec", 3),
    ("id.domain", 549),
    ("id.email", 233),
    ("id.imo", 399),
    ("id.mmsi", 51),
    ("id.national_id", 577),
    ("id.passport", 1529),
    ("id.registration", 443),
    ("id.tax_id", 201),
    ("kind.aircraft", 277),
    ("kind.organization", 3673),
    ("kind.person", 4620),
    ("kind.vessel", 406),
    ("names", 23321),
    ("names.alias", 11517),
    ("names.former", 387),
    ("names.weak_alias", 2441),
    ("nationalities", 2689),
    ("records", 34728),
    ("relations", 3399),
];

const CONS_COUNTS: &[(&str, usize)] = &[
    ("addresses", 522),
    ("birth_dates", 74),
    ("designations", 534),
    ("entities", 442),
    ("id.bic", 33),
    ("id.domain", 176),
    ("id.email", 124),
    ("id.national_id", 1),
    ("id.registration", 247),
    ("id.tax_id", 222),
    ("kind.organization", 363),
    ("kind.person", 79),
    ("names", 1585),
    ("names.alias", 930),
    ("names.former", 141),
    ("names.weak_alias", 72),
    ("nationalities", 2),
    ("records", 2099),
    ("relations", 282),
];
