//! The US Consolidated Screening List reader over the two samples of the
//! trade.gov CSV in the shared data folder (`INTERDICT_SHARED_DATA`,
//! default `../shared/data` next to the workspace): one of December 2019
//! (header without an id column) and one of June 2025 (header starting
//! with `_id`). Ignored by `cargo test` (the data is not in the
//! repository); `.ci/run` runs it with `--ignored`, and it fails loudly
//! when the data is missing. The counts are those of the files as
//! published; a change in them means the reader changed what it makes of
//! the data.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use interdict_lists::{csl, Report, Strictness};
use interdict_model::Entity;

const DIR: &str = "formats/us-csl";

fn shared(file: &str) -> PathBuf {
    let dir = std::env::var_os("INTERDICT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = dir.join(DIR).join(file);
    if !path.is_file() {
        panic!(
            "the shared list data is missing: expected {} (set INTERDICT_SHARED_DATA to the folder that holds {DIR})",
            path.display()
        );
    }
    path
}

fn read(file: &str) -> Report {
    let path = shared(file);
    let report = csl::read(&path, Strictness::Strict)
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

/// The counts the tests compare, by name.
fn counts(r: &Report) -> BTreeMap<String, usize> {
    let mut c = BTreeMap::new();
    let mut add = |k: String, n: usize| *c.entry(k).or_insert(0) += n;
    add("records".into(), usize::try_from(r.records).unwrap_or(usize::MAX));
    add("entities".into(), r.dataset.entities.len());
    add("designations".into(), r.dataset.designations.len());
    add("sources".into(), r.dataset.sources.len());
    for e in &r.dataset.entities {
        add(format!("kind.{}", e.kind), 1);
        for d in &e.datasets {
            add(format!("dataset.{d}"), 1);
        }
        add("names".into(), 1 + e.aliases.len());
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
        add("countries".into(), e.countries.len());
    }
    for d in &r.dataset.designations {
        add(format!("authority.{}", d.authority), 1);
        add("designations.with_start".into(), usize::from(d.start.is_some()));
        add("designations.with_end".into(), usize::from(d.end.is_some()));
    }
    c
}

fn expect(r: &Report, expected: &[(&str, usize)]) {
    let got = counts(r);
    let want: BTreeMap<String, usize> = expected.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    assert_eq!(got, want);
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

fn programs(r: &Report, id: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
    r.dataset
        .designations
        .iter()
        .filter(|d| d.entity_id == id)
        .map(|d| {
            (
                d.authority.clone(),
                d.program.clone(),
                d.start.map(|x| x.to_string()),
                d.end.map(|x| x.to_string()),
            )
        })
        .collect()
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn csl_2019_12_sample() {
    let r = read("consolidated-2019-12-sample.csv");
    expect(&r, COUNTS_2019);

    // An OFAC row: the entry number is the id; ids written `number, type`.
    let e = entity(&r, "us_csl-17016");
    assert_eq!(e.name, "GAZPROMBANK OAO");
    assert_eq!(
        ids(e),
        [
            "tax_id:7744001497",
            "registration:1027700167110",
            "email:mailbox@gazprombank.ru",
            "domain:www.gazprombank.ru",
            "bic:GAZPRUMM"
        ]
    );
    assert_eq!(
        programs(&r, &e.id),
        [("US-OFAC".into(), "UKRAINE-EO13662".into(), None, None)]
    );

    // A DPL row without an id: a content hash; start and end dates.
    let dpl = &r.dataset.entities[0];
    assert_eq!(dpl.id, "us_csl-b4d59fdd6328a926");
    assert_eq!(dpl.name, "ADRIAN MANUEL HERNANDEZ");
    assert_eq!(dpl.datasets, ["us_bis_dpl"]);
    assert_eq!(
        programs(&r, &dpl.id),
        [(
            "US-BIS".into(),
            "Denied Persons List (DPL)".into(),
            Some("2017-10-16".into()),
            Some("2020-10-13".into())
        )]
    );

    // A vessel: IMO from `IMO n, Vessel Registration Identification`, the
    // former flag stays in the notes, the flag name is a country.
    let v = entity(&r, "us_csl-27304");
    assert_eq!(ids(v), ["imo:9116412"]);
    assert_eq!(v.countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["IR"]);
    assert_eq!(
        v.notes.as_deref(),
        Some("Panama, Former Vessel Flag; vessel type: Crude Oil Tanker")
    );
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn csl_2025_06_sample() {
    let r = read("consolidated-2025-06-sample.csv");
    expect(&r, COUNTS_2025);

    // The same OFAC and DPL parties as in 2019: the OFAC id agrees, the
    // BIS one is trade.gov's own.
    let plc = entity(&r, "us_csl-9673");
    assert_eq!(plc.name, "Mohammed ABU JHEISHEH");
    assert_eq!(plc.aliases.len(), 2);
    assert_eq!(plc.birth_places, ["Izna, Hebron"]);
    let ash = entity(&r, "us_csl-b601cbf2841d0aaedfe63661581ffbc3d54b6ba39d7e3a9027cff50e");
    assert_eq!(
        programs(&r, &ash.id),
        [(
            "US-BIS".into(),
            "Denied Persons List (DPL)".into(),
            Some("2002-03-04".into()),
            Some("2056-06-29".into())
        )]
    );

    // Ids written `type, number, country`.
    let rim = entity(&r, "us_csl-52291");
    assert_eq!(ids(rim), ["passport.kp:836238033"]);
    assert_eq!(
        rim.birth_dates.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        ["1978-12-05"]
    );
    let tnk = entity(&r, "us_csl-28603");
    assert_eq!(ids(tnk), ["tax_id.ch:CHE267936404", "registration.ch:CH66005590112"]);
    assert_eq!(programs(&r, &tnk.id).len(), 2);

    // The State name's scope clause goes to the notes.
    let isn = &r.dataset.entities[0];
    assert_eq!(isn.name, "Sinobright Import and Export Company");
    assert!(isn
        .notes
        .as_deref()
        .unwrap_or("")
        .starts_with("name: and any successor, sub-unit, or subsidiary thereof"));
}

/// A throwaway timing: `cargo test --release -p interdict-lists --test
/// csl_shared -- --ignored --nocapture time`.
#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn time_reading_the_samples() {
    for file in ["consolidated-2019-12-sample.csv", "consolidated-2025-06-sample.csv"] {
        let path = shared(file);
        let runs = 20;
        let start = Instant::now();
        for _ in 0..runs {
            let r = csl::read(&path, Strictness::Lenient).expect("reads");
            assert!(!r.dataset.entities.is_empty());
        }
        eprintln!("read {file}: {:?} per run", start.elapsed() / runs);
    }
}

const COUNTS_2019: &[(&str, usize)] = &[
    ("addresses", 127),
    ("authority.US-BIS", 34),
    ("authority.US-OFAC", 71),
    ("authority.US-STATE", 13),
    ("birth_dates", 21),
    ("countries", 91),
    ("dataset.us_bis_dpl", 8),
    ("dataset.us_bis_el", 22),
    ("dataset.us_bis_uvl", 4),
    ("dataset.us_ofac_capta", 1),
    ("dataset.us_ofac_plc", 13),
    ("dataset.us_ofac_sdn", 28),
    ("dataset.us_ofac_ssi", 26),
    ("dataset.us_state_isn", 3),
    ("dataset.us_state_itar", 10),
    ("designations", 118),
    ("designations.with_end", 7),
    ("designations.with_start", 33),
    ("entities", 115),
    ("id.bic", 3),
    ("id.domain", 17),
    ("id.email", 14),
    ("id.imo", 2),
    ("id.passport", 1),
    ("id.registration", 27),
    ("id.tax_id", 29),
    ("kind.legal_entity", 47),
    ("kind.organization", 46),
    ("kind.person", 20),
    ("kind.vessel", 2),
    ("names", 276),
    ("nationalities", 3),
    ("records", 115),
    ("sources", 9),
];

const COUNTS_2025: &[(&str, usize)] = &[
    ("addresses", 13),
    ("authority.US-BIS", 4),
    ("authority.US-OFAC", 8),
    ("authority.US-STATE", 2),
    ("birth_dates", 4),
    ("countries", 11),
    ("dataset.us_bis_dpl", 1),
    ("dataset.us_bis_el", 1),
    ("dataset.us_bis_meu", 1),
    ("dataset.us_bis_uvl", 1),
    ("dataset.us_ofac_fse", 1),
    ("dataset.us_ofac_plc", 2),
    ("dataset.us_ofac_sdn", 1),
    ("dataset.us_ofac_ssi", 3),
    ("dataset.us_state_isn", 1),
    ("dataset.us_state_itar", 1),
    ("designations", 14),
    ("designations.with_end", 1),
    ("designations.with_start", 4),
    ("entities", 13),
    ("id.bic", 1),
    ("id.domain", 1),
    ("id.email", 1),
    ("id.passport", 2),
    ("id.registration", 3),
    ("id.tax_id", 1),
    ("kind.legal_entity", 6),
    ("kind.organization", 3),
    ("kind.person", 4),
    ("names", 28),
    ("nationalities", 2),
    ("records", 13),
    ("sources", 10),
];
