//! `interdict screen payments` end to end on the committed examples, the
//! built-in orders and the bundled lists.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn run(file: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("interdict-payments-cli-{}", std::process::id()));
    Command::cargo_bin("interdict")
        .unwrap()
        .env_remove("INTERDICT_ORDERS")
        .env("INTERDICT_DATA_DIR", dir.join("store"))
        .args(["screen", "payments"])
        .arg(file)
        .args(extra)
        .output()
        .unwrap()
}

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments.jsonl")
}

fn decisions(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn payments_to_alipays_operator_follow_the_order_on_their_own_dates() {
    let out = run(&examples(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d = decisions(&out);
    let outcomes: Vec<(&str, &str)> = d
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        outcomes,
        [("p-1", "review"), ("p-2", "allow"), ("p-3", "block"), ("p-4", "allow")]
    );
    // p-1: the beneficiary and the app both reach EO 13971, in force.
    let hit = &d[0]["hits"][0];
    assert_eq!(hit["field"], "beneficiary");
    assert_eq!(hit["entity_id"], "alipay_com_co");
    assert_eq!(hit["orders"][0]["id"], "EO13971");
    assert_eq!(d[0]["apps"][0]["field"], "apps[0]");
    assert_eq!(d[0]["apps"][0]["decision"]["outcome"], "review");
    // p-2: after EO 14034's revocation.
    assert_eq!(d[1]["hits"][0]["orders"][0]["status"], "revoked");
    // p-3: a listed name in the remittance text.
    assert_eq!(d[2]["hits"][0]["field"], "remittance");
    assert_eq!(d[2]["hits"][0]["entity_id"], "us_ofac_sdn-20157");
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(summary.contains("4 payments in"), "{summary}");
    assert!(summary.contains("2 allow, 1 review, 1 block"), "{summary}");
}

#[test]
fn a_bad_payment_is_named_by_line_and_the_rest_is_screened() {
    let dir = std::env::temp_dir().join(format!("interdict-payments-bad-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.jsonl");
    fs::write(
        &file,
        concat!(
            r#"{"id": "ok", "date": "2021-03-01", "beneficiary": {"name": "Erika Mustermann"}}"#,
            "\n",
            r#"{"id": "x", "date": "2021-02-30", "beneficiary": {"name": "A"}}"#,
            "\n",
            r#"{"id": "y", "date": "2021-03-01", "benefciary": {"name": "A"}}"#,
            "\n",
            r#"{"id": "z", "date": "2021-03-01", "originator": {"identifiers": [{"type": "iban", "value": "GB00 WEST 1234"}]}}"#,
            "\n",
            r#"{"id": "w", "date": "2021-03-01", "originator_agent": {"bic": "NOT A BIC"}}"#,
            "\n",
            // Fields in order as an array: serde alone would read them.
            r#"["v", "2021-03-01"]"#,
            "\n",
            r#"{"id": "u", "date": "2021-03-01", "beneficiary": ["Alipay"]}"#,
            "\n",
            r#"{"id": "n", "date": "2021-03-01", "amount": "-5"}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = run(&file, &[]);
    assert_eq!(out.status.code(), Some(1));
    // One record per payment, in order: a rejected one has `error` in place
    // of a decision (the output held the one good payment only).
    let d = decisions(&out);
    assert_eq!(d.len(), 8);
    assert_eq!(
        (d[0]["id"].as_str(), d[0]["outcome"].as_str()),
        (Some("ok"), Some("allow"))
    );
    let lines: Vec<u64> = d[1..].iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6, 7, 8]);
    assert!(d[1..]
        .iter()
        .all(|r| r.get("outcome").is_none() && r["error"]["message"].is_string()));
    assert_eq!(d[7]["id"], "n");
    assert_eq!(d[7]["error"]["field"], "amount");
    assert_eq!(
        d[7]["error"]["message"].as_str().unwrap(),
        format!(
            "{}:8: amount: `-5` is not an amount: expected digits with an optional decimal point (`120.50`), not \
             negative (payment n)",
            file.display()
        )
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("error: {}\n", d[7]["error"]["message"].as_str().unwrap())),
        "{err}"
    );
    assert!(err.contains("bad.jsonl:2: "), "{err}");
    assert!(
        err.contains("bad.jsonl:3: benefciary: unknown field `benefciary`"),
        "{err}"
    );
    assert!(err.contains("bad.jsonl:4: "), "{err}");
    assert!(err.contains("bad.jsonl:5: originator_agent.bic: invalid bic"), "{err}");
    assert!(
        err.contains("bad.jsonl:4: originator.identifiers[0]: invalid iban"),
        "{err}"
    );
    assert!(err.contains("bad.jsonl:2: date: invalid date `2021-02-30`"), "{err}");
    // The line is the file's: serde's own "at line 1" said otherwise.
    assert!(!err.contains(" at line "), "{err}");
    assert!(
        err.contains("bad.jsonl:3: benefciary: unknown field `benefciary`, expected one of"),
        "{err}"
    );
    assert!(
        err.contains(
            "bad.jsonl:2: date: invalid date `2021-02-30`: expected a calendar date as YYYY-MM-DD (column 32)\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("bad.jsonl:6: invalid type: sequence, expected an object"),
        "{err}"
    );
    assert!(
        err.contains("bad.jsonl:7: beneficiary: invalid type: sequence, expected an object"),
        "{err}"
    );
    assert!(err.contains("7 rejected"), "{err}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_json_array_of_payments_is_read_too() {
    let dir = std::env::temp_dir().join(format!("interdict-payments-array-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let file = dir.join("payments.json");
    let lines: Vec<Value> = fs::read_to_string(examples())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    fs::write(&file, serde_json::to_string(&lines).unwrap()).unwrap();
    let out = run(&file, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(decisions(&out).len(), 4);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn pacs008_and_mt103_payments_to_alipays_operator_follow_the_order() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/messages");
    for (file, path) in [
        ("pacs008-alipay.xml", "CdtTrfTxInf[0]/Cdtr"),
        ("mt103-alipay.txt", "MT103[0]:59"),
    ] {
        let out = run(&dir.join(file), &["--no-audit"]);
        assert!(out.status.success(), "{file}: {}", String::from_utf8_lossy(&out.stderr));
        let d = decisions(&out);
        let outcomes: Vec<(&str, &str)> = d
            .iter()
            .map(|d| (d["as_of"].as_str().unwrap(), d["outcome"].as_str().unwrap()))
            .collect();
        assert_eq!(outcomes, [("2021-03-01", "review"), ("2021-07-01", "allow")], "{file}");
        let hit = &d[0]["hits"][0];
        assert_eq!(hit["field"], "beneficiary", "{file}");
        assert_eq!(hit["path"], path, "{file}");
        assert_eq!(hit["entity_id"], "alipay_com_co", "{file}");
        assert_eq!(hit["orders"][0]["id"], "EO13971", "{file}");
        assert_eq!(d[1]["hits"][0]["orders"][0]["status"], "revoked", "{file}");
    }
}

#[test]
fn csv_output_as_of_and_the_html_report() {
    let dir = std::env::temp_dir().join(format!("interdict-payments-report-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let report = dir.join("report.html");
    let out = run(
        &examples(),
        &["--no-audit", "--format", "csv", "--report", report.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut rows = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(
        rows.headers().unwrap(),
        vec![
            "id",
            "decision_id",
            "date",
            "outcome",
            "hits",
            "warnings",
            "snapshot_id",
            "error"
        ]
    );
    let outcomes: Vec<String> = rows.records().map(|r| r.unwrap()[3].to_string()).collect();
    assert_eq!(outcomes, ["review", "allow", "block", "allow"]);
    let html = fs::read_to_string(&report).unwrap();
    assert!(html.contains(r#"<svg id="outcomes""#));
    assert_eq!(html.matches("<tr class=").count(), 2, "the review and the block");
    assert!(html.contains("KIM, Jong Un (us_ofac_sdn-20157)"));

    // Every payment as of 2021-07-01: EO 13971 is revoked by then.
    let out = run(&examples(), &["--no-audit", "--as-of", "2021-07-01"]);
    let d = decisions(&out);
    assert_eq!(d[0]["as_of"], "2021-07-01");
    assert_eq!(d[0]["outcome"], "allow");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn payments_as_csv_follow_the_order_on_their_dates() {
    let csv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments.csv");
    let out = run(&csv, &["--no-audit"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let outcomes: Vec<String> = decisions(&out)
        .iter()
        .map(|d| d["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outcomes, ["review", "allow"]);
}

/// The table cut decision ids to 18 characters (`d-55-eeb0779c1096…`),
/// which `explain` then could not find.
#[test]
fn the_table_shows_each_decision_id_whole() {
    let out = run(&examples(), &["--format", "table"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("d-")))
        .collect();
    assert_eq!(ids.len(), 4, "{table}");
    for id in ids {
        let hash = id.rsplit('-').next().unwrap();
        assert!(
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
            "{table}"
        );
    }
}
