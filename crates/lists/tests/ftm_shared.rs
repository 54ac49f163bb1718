//! The FollowTheMoney reader over the full combined list in ../shared/data.
//! Ignored by `cargo test` (the data is not in the repository); `.ci/run`
//! runs it with `--ignored`, and it fails loudly when the data is missing.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use interdict_lists::{ftm, Strictness};
use interdict_model::EntityKind;

fn shared_data() -> PathBuf {
    let dir = std::env::var_os("INTERDICT_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    assert!(
        dir.join("lists/combined-2022-05-05.ftm.jsonl").is_file(),
        "the shared list data is missing: expected {}/lists/combined-2022-05-05.ftm.jsonl (set INTERDICT_SHARED_DATA)",
        dir.display()
    );
    dir
}

#[test]
#[ignore = "needs ../shared/data; run by .ci/run"]
fn combined_2022_05_05_loads_every_entity_and_sanction() {
    let path = shared_data().join("lists/combined-2022-05-05.ftm.jsonl");
    let started = Instant::now();
    let report = ftm::read(&path, Strictness::Strict).expect("the combined list reads in strict mode");
    eprintln!("read {} records in {:?}", report.records, started.elapsed());
    let d = &report.dataset;
    assert_eq!(report.records, 41_942);
    assert!(report.rejected.is_empty());
    assert_eq!(d.entities.len(), 20_971);
    let mut kinds: BTreeMap<EntityKind, usize> = BTreeMap::new();
    for e in &d.entities {
        *kinds.entry(e.kind).or_default() += 1;
    }
    assert_eq!(kinds[&EntityKind::Person], 10_817);
    assert_eq!(kinds[&EntityKind::Organization], 5_798);
    assert_eq!(kinds[&EntityKind::LegalEntity], 3_625);
    assert_eq!(kinds[&EntityKind::Vessel], 448);
    assert_eq!(kinds[&EntityKind::Aircraft], 283);
    let names: usize = d.entities.iter().map(|e| 1 + e.aliases.len()).sum();
    assert_eq!(names, 59_943);
    assert_eq!(d.designations.len(), 20_971);
    assert!(d.validate().is_empty());

    let e = d
        .entities
        .iter()
        .find(|e| e.id == "us_ofac_sdn-24904")
        .expect("FtM ids are kept");
    assert_eq!(e.name, "'ABBAS, Yasir 'Aziz");
    assert_eq!(e.aliases[0].name, "'ABBAS, Yasir");
    assert_eq!(e.birth_dates[0].as_str(), "1978-08-22");
    assert_eq!(e.nationalities[0].as_str(), "SY");
    let des = d
        .designations
        .iter()
        .find(|x| x.entity_id == "us_ofac_sdn-24904")
        .unwrap();
    assert_eq!((des.authority.as_str(), des.program.as_str()), ("US OFAC", "SYRIA"));

    // Older exports joined several nationalities in one value, and wrote
    // country names for codes: each is read as the countries it names.
    let nationalities = |id: &str| -> Vec<String> {
        let e = d.entities.iter().find(|e| e.id == id).expect("the entity is read");
        e.nationalities.iter().map(|c| c.as_str().to_string()).collect()
    };
    assert_eq!(nationalities("us_ofac_sdn-26890"), ["SY", "KN", "TR"]);
    assert_eq!(nationalities("gb_hmt_sanctions-15268"), ["CY", "RU"]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings.first());
}
