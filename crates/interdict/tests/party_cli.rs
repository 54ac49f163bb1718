//! `interdict screen party` end to end, on the built-in data and bundled
//! lists (no store, no list files).

use assert_cmd::Command;
use serde_json::Value;

fn party(args: &[&str]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("interdict-party-cli-{}", std::process::id()));
    Command::cargo_bin("interdict")
        .unwrap()
        .env_remove("INTERDICT_ORDERS")
        .env("INTERDICT_DATA_DIR", dir.join("store"))
        .args(["screen", "party", "--no-audit"])
        .args(args)
        .output()
        .unwrap()
}

fn decision(args: &[&str]) -> Value {
    let out = party(&[args, &["--format", "json"]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn alipays_operator_is_reviewed_in_force_and_allowed_once_revoked() {
    let d = decision(&["--name", "Alipay.com Co., Ltd.", "--as-of", "2021-03-01"]);
    assert_eq!(d["outcome"], "review");
    assert_eq!(d["hits"][0]["entity_id"], "alipay_com_co");
    assert_eq!(d["hits"][0]["orders"][0]["id"], "EO13971");
    assert_eq!(d["hits"][0]["orders"][0]["status"], "in_force");
    let d = decision(&["--name", "Alipay.com Co., Ltd.", "--as-of", "2021-07-01"]);
    assert_eq!(d["outcome"], "allow");
    assert_eq!(d["hits"][0]["orders"][0]["status"], "revoked");
}

#[test]
fn a_listed_person_on_the_bundled_sdn_list_blocks() {
    let d = decision(&["--name", "Kim Jong Un", "--type", "person", "--as-of", "2021-03-01"]);
    assert_eq!(d["outcome"], "block");
    assert_eq!(d["hits"][0]["entity_id"], "us_ofac_sdn-20157");
    assert_eq!(d["hits"][0]["by"], "name");
    assert_eq!(d["hits"][0]["score"], 1.0);
    assert_eq!(d["hits"][0]["features"]["reordered"], false);
}

#[test]
fn an_unknown_name_is_allowed_with_no_hits() {
    let d = decision(&["--name", "Wilhelmina Quarterhouse", "--as-of", "2021-03-01"]);
    assert_eq!(d["outcome"], "allow");
    assert_eq!(d["hits"].as_array().unwrap().len(), 0);
}

/// A bad flag value is bad usage, exit 2, as clap's own refusals are, and
/// the error names the flag: it named the screener's field (`birth_date`,
/// `countries`) and exited 1, while `--block 2` exited 2.
#[test]
fn bad_flags_are_named_and_exit_2() {
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).to_string();
    let out = party(&["--name", "x", "--birth-date", "1961-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --birth-date: `1961-13-01` is not a date"),
        "{}",
        stderr(&out)
    );
    let out = party(&["--name", "x", "--country", "ZZZ"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --country: invalid country `ZZZ`"),
        "{}",
        stderr(&out)
    );
    let out = party(&["--name", "x", "--type", "ship2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --type: unknown `ship2`"),
        "{}",
        stderr(&out)
    );
    let out = party(&["--name", "x", "--id", "lei:foo"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: --id `lei:foo`: "), "{}", stderr(&out));
    let out = party(&["--name", "x", "--review", "0.99", "--block", "0.9"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--review 0.99 is above --block 0.9"));
}
