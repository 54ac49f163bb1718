//! The `interdict` command end to end: the README's main job, the decision
//! table through the CLI, every output format, and one-line errors.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn interdict() -> Command {
    let mut cmd = Command::cargo_bin("interdict").unwrap();
    cmd.env_remove("INTERDICT_ORDERS");
    // Screening appends to the audit log: never in the home directory.
    cmd.env(
        "INTERDICT_DATA_DIR",
        std::env::temp_dir().join(format!("interdict-cli-data-{}", std::process::id())),
    );
    cmd
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/inventory.csv")
}

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-cli-{}-{name}", std::process::id()));
        fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        fs::write(&p, content).unwrap();
        p
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn jsonl(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn outcomes(rows: &[Value]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| {
            (
                r["input"]["app_id"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// One line, starting `error:`, no panic.
fn assert_one_line_error(stderr: &[u8], expected: &str) {
    let text = String::from_utf8(stderr.to_vec()).unwrap();
    assert!(!text.contains("panicked"), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {text}");
    assert!(lines[0].starts_with("error:"), "{text}");
    assert!(lines[0].contains(expected), "expected `{expected}` in: {text}");
}

#[test]
fn example_inventory_on_2021_03_01_gives_the_documented_outcomes() {
    let out = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--as-of", "2021-03-01", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let rows = jsonl(&out.stdout);
    assert_eq!(
        outcomes(&rows),
        [
            ("com.eg.android.AlipayGphone", "review"),
            ("com.tencent.mm", "review"),
            ("com.whatsapp", "allow"),
            ("cn.wps.moffice_eng", "review"),
            ("com.intsig.camscanner", "review"),
            ("com.lenovo.anyshare.gps", "review"),
            ("com.tencent.mobileqq", "review"),
            ("com.uc.vmate", "review"),
            ("id333206289", "review"),
            (
                "https://play.google.com/store/apps/details?id=org.telegram.messenger",
                "allow"
            ),
        ]
        .map(|(a, o)| (a.to_string(), o.to_string()))
    );
    let alipay = &rows[0];
    assert_eq!(alipay["line"], 2);
    assert_eq!(alipay["input"]["device"], "laptop-01");
    assert_eq!(alipay["as_of"], "2021-03-01");
    assert_eq!(alipay["orders"][0]["id"], "EO13971");
    assert_eq!(alipay["orders"][0]["status"], "in_force");
    assert!(alipay["orders"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("no identification was ever issued"));
    let path: Vec<&str> = alipay["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["entity_id"].as_str().unwrap())
        .collect();
    assert!(path.contains(&"ant_group"), "{path:?}");
    assert!(alipay["snapshot_id"].as_str().unwrap().starts_with("sha256:"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "screened 10 app(s) as of 2021-03-01 (jurisdiction US, policy default): 0 block, 8 review, 2 allow"
        ),
        "{stderr}"
    );
}

#[test]
fn strict_policy_blocks_wps_office_through_beijing_kingsoft_office() {
    let out = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--as-of", "2021-03-01", "--policy", "strict", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let rows = jsonl(&out.stdout);
    let wps = &rows[3];
    assert_eq!(wps["outcome"], "block");
    assert_eq!(wps["path"][1]["entity_id"], "kingsoft_office");
    assert!(wps["path_text"]
        .as_str()
        .unwrap()
        .contains("Beijing Kingsoft Office Software"));
}

#[test]
fn dates_before_effect_after_revocation_and_outside_the_us_allow() {
    for (date, jurisdiction, status, warning) in [
        ("2021-01-20", "US", "pending", "pending"),
        ("2021-07-01", "US", "revoked", "revoked"),
        ("2021-03-01", "GB", "in_force", "no_nexus"),
    ] {
        let out = interdict()
            .args(["apps", "screen"])
            .arg(example())
            .args([
                "--as-of",
                date,
                "--jurisdiction",
                jurisdiction,
                "--policy",
                "strict",
                "--format",
                "jsonl",
            ])
            .assert()
            .success()
            .get_output()
            .clone();
        let rows = jsonl(&out.stdout);
        let alipay = &rows[0];
        assert_eq!(alipay["outcome"], "allow", "{date} {jurisdiction}");
        let eo = alipay["orders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == "EO13971")
            .unwrap();
        assert_eq!(eo["status"], status, "{date}");
        assert!(
            alipay["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["code"] == warning),
            "{date}: {}",
            alipay["warnings"]
        );
    }
}

#[test]
fn wechat_in_september_2020_names_the_injunction() {
    let dir = TempDir::new("wechat");
    let inv = dir.file("inv.csv", b"app_id\ncom.tencent.mm\n");
    let out = interdict()
        .args(["apps", "screen"])
        .arg(&inv)
        .args(["--as-of", "2020-09-25", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let rows = jsonl(&out.stdout);
    assert_eq!(rows[0]["outcome"], "allow");
    let eo = &rows[0]["orders"][0];
    assert_eq!(eo["id"], "EO13943");
    assert_eq!(eo["status"], "enjoined");
    assert!(eo["reason"]
        .as_str()
        .unwrap()
        .contains("U.S. WeChat Users Alliance v. Trump"));
}

#[test]
fn csv_and_table_formats_carry_the_same_outcomes() {
    let csv_out = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--as-of", "2021-03-01", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut rdr = csv::Reader::from_reader(csv_out.as_slice());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "line",
            "app_id",
            "name",
            "outcome",
            "orders",
            "reason",
            "path",
            "warnings",
            "snapshot_id",
            "decision_id",
            "error"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| r[10].is_empty()), "no row was rejected");
    // Each row names its decision in the audit log, for `explain`.
    let is_decision_id = |id: &str| {
        let parts: Vec<&str> = id.split('-').collect();
        parts.len() == 3 && parts[0] == "d" && parts[1].parse::<u64>().is_ok() && parts[2].len() == 16
    };
    assert!(rows.iter().all(|r| is_decision_id(&r[9])), "{rows:?}");
    assert_eq!(&rows[1][1], "com.tencent.mm");
    assert_eq!(&rows[1][3], "review");
    assert!(
        rows[1][4].contains("EO13943:enjoined:allow") && rows[1][4].contains("EO13971:in_force:review"),
        "{}",
        &rows[1][4]
    );

    let table = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--as-of", "2021-03-01"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    assert!(
        table.starts_with("App screening as of 2021-03-01 (jurisdiction US, policy default)"),
        "{table}"
    );
    assert_eq!(table.matches("REVIEW").count(), 8, "{table}");
    assert!(table.contains("Paths:"));
    // The table names each decision whole: an id cut short is no id.
    let ids: Vec<&str> = table
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("d-")))
        .collect();
    assert_eq!(ids.len(), 10, "{table}");
    assert!(ids.iter().all(|id| is_decision_id(id)), "{table}");
}

#[test]
fn missing_app_id_column_is_a_one_line_error_naming_file_and_line() {
    let dir = TempDir::new("nocol");
    let inv = dir.file("inv.csv", b"package\ncom.tencent.mm\n");
    let out = interdict()
        .args(["apps", "screen"])
        .arg(&inv)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(
        &out.stderr,
        &format!("{}:1: missing required column `app_id`", inv.display()),
    );
}

#[test]
fn empty_inventory_is_a_one_line_error() {
    let dir = TempDir::new("empty");
    let inv = dir.file("inv.csv", b"");
    let out = interdict()
        .args(["apps", "screen"])
        .arg(&inv)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(&out.stderr, "the file is empty");
}

#[test]
fn missing_inventory_file_is_a_one_line_error() {
    let out = interdict()
        .args(["apps", "screen", "/nonexistent/inv.csv"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(&out.stderr, "/nonexistent/inv.csv: cannot read");
}

#[test]
fn impossible_date_is_a_one_line_error() {
    let out = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--as-of", "2021-02-30"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(
        &out.stderr,
        "--as-of: invalid date `2021-02-30`: expected a calendar date as YYYY-MM-DD",
    );
}

#[test]
fn unknown_policy_is_a_one_line_usage_error() {
    let out = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--policy", "lax"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_one_line_error(&out.stderr, "invalid value 'lax' for '--policy <POLICY>'");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("[possible values: default, strict]"));
}

#[test]
fn unknown_jurisdiction_is_a_one_line_error() {
    let out = interdict()
        .args(["apps", "screen"])
        .arg(example())
        .args(["--jurisdiction", "UK"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(&out.stderr, "--jurisdiction: invalid jurisdiction `UK`");
}

#[test]
fn unknown_order_id_is_a_one_line_error_listing_the_known_ones() {
    let out = interdict()
        .args(["orders", "show", "EO99999"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(&out.stderr, "unknown order `EO99999`; known orders: ");
    assert!(String::from_utf8(out.stderr).unwrap().contains("EO13971"));
}

#[test]
fn a_bad_row_is_reported_with_line_and_column_and_the_rest_still_screened() {
    let dir = TempDir::new("badrow");
    let inv = dir.file(
        "inv.csv",
        b"name,app_id\nBlank,\nFree text,Alipay wallet\nWeChat,com.tencent.mm\n",
    );
    let out = interdict()
        .args(["apps", "screen"])
        .arg(&inv)
        .args(["--as-of", "2021-03-01", "--format", "jsonl"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 2, "{stderr}");
    assert!(
        errors[0].contains(&format!("{}:2:2: field `app_id`: empty", inv.display())),
        "{stderr}"
    );
    assert!(
        errors[1].contains(&format!(
            "{}:3:2: field `app_id`: `Alipay wallet` is not an app id",
            inv.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("2 row(s) rejected"), "{stderr}");
    // Each rejected row has a record in its place, with `error` where a
    // decision would be: the output had one record for three rows.
    let rows = jsonl(&out.stdout);
    assert_eq!(rows.len(), 3);
    let message = |i: usize| format!("error: {}", rows[i]["error"]["message"].as_str().unwrap());
    assert_eq!(
        (rows[0]["line"].clone(), message(0), rows[0]["error"]["field"].clone()),
        (serde_json::json!(2), errors[0].to_string(), serde_json::json!("app_id"))
    );
    assert!(rows[0].get("input").is_none() && rows[0].get("outcome").is_none());
    assert_eq!(
        (rows[1]["line"].clone(), message(1), rows[1]["input"].clone()),
        (
            serde_json::json!(3),
            errors[1].to_string(),
            serde_json::json!({"name": "Free text", "app_id": "Alipay wallet"})
        )
    );
    assert_eq!(
        (rows[2]["line"].clone(), rows[2]["outcome"].clone()),
        (serde_json::json!(4), serde_json::json!("review"))
    );

    let out = interdict()
        .args(["apps", "screen"])
        .arg(&inv)
        .args(["--as-of", "2021-03-01", "--format", "csv", "--no-audit"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let mut csv = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(csv.headers().unwrap().iter().next_back(), Some("error"));
    let rows: Vec<Vec<String>> = csv
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let summary: Vec<(&str, &str, &str, bool)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[3].as_str(), r[10].is_empty()))
        .collect();
    assert_eq!(
        summary,
        [
            ("2", "", "", false),
            ("3", "Alipay wallet", "", false),
            ("4", "com.tencent.mm", "review", true)
        ]
    );
}

#[test]
fn orders_list_shows_each_status_on_the_date() {
    let out = interdict()
        .args(["orders", "list", "--as-of", "2021-03-01", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let status = |id: &str| {
        v["orders"].as_array().unwrap().iter().find(|o| o["id"] == id).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(status("EO13971"), "in_force");
    assert_eq!(status("EO13943"), "enjoined");
    assert_eq!(status("EO13942"), "enjoined");
    assert_eq!(status("EO14034"), "not_signed");

    let table = interdict()
        .args(["orders", "list", "--as-of", "2021-01-20"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(table).unwrap();
    let eo = table.lines().find(|l| l.starts_with("EO13971")).unwrap();
    assert!(
        eo.contains("pending") && eo.contains("its prohibitions take effect on 2021-02-19"),
        "{eo}"
    );
}

#[test]
fn orders_show_gives_status_reason_identification_and_coverage() {
    let out = interdict()
        .args(["orders", "show", "EO13971", "--as-of", "2021-03-01"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Status on 2021-03-01: in_force: in force since 2021-02-19"),
        "{text}"
    );
    assert!(
        text.contains("Identification by the Secretary of Commerce: none issued"),
        "{text}"
    );
    assert!(text.contains("Ant Group Co., Ltd. [controller]"), "{text}");

    let out = interdict()
        .args(["orders", "show", "eo 13943", "--as-of", "2020-09-25"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(
            "Status on 2020-09-25: enjoined: enjoined since 2020-09-19 by U.S. WeChat Users Alliance v. Trump"
        ),
        "{text}"
    );

    // Two courts, each from its own date: the TikTok order was enjoined
    // whole only once the second injunction began.
    let out = interdict()
        .args(["orders", "show", "EO13942", "--as-of", "2020-11-15"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(
            "enjoined since 2020-10-30 by TikTok Inc. v. Trump (D.D.C.) from 2020-09-27; Marland v. Trump (E.D. Pa., \
             2:20-cv-04597) from 2020-10-30"
        ),
        "{text}"
    );
}

#[test]
fn orders_explain_says_why_ant_group_does_not_cover_alibaba() {
    let out = interdict()
        .args(["orders", "explain", "EO13971", "alibaba_group", "--as-of", "2021-03-01"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("is covered by EO13971 on 2021-03-01"), "{text}");
    assert!(text.contains("←owns 100%— Alibaba Group"), "{text}");
    assert!(text.contains("not as controller through Ant Group Co., Ltd.: owns 33% of Ant Group Co., Ltd., which does not pass the controller threshold > 50%"), "{text}");
}

#[test]
fn user_orders_load_beside_the_built_in_ones_and_bad_ones_name_their_line() {
    let dir = TempDir::new("userorders");
    let good = dir.file(
        "deny.toml",
        br#"format = "interdict/1"
[[sources]]
id = "INTERNAL-1"
title = "Internal policy memo 7"

[[orders]]
id = "INTERNAL-TELEGRAM"
title = "Internal ban on Telegram"
issuer = "Compliance"
signed = "2021-01-01"
summary = "No Telegram on company devices."
sources = ["INTERNAL-1"]
scope = { related_apps = ["telegram"] }

[[entities]]
id = "telegram"
kind = "application"
name = "Telegram"
identifiers = [{ type = "app.android", value = "org.telegram.messenger" }]
sources = ["INTERNAL-1"]
"#,
    );
    let out = interdict()
        .arg("--orders")
        .arg(&good)
        .args(["apps", "screen"])
        .arg(example())
        .args(["--as-of", "2021-03-01", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let rows = jsonl(&out.stdout);
    let telegram = rows.last().unwrap();
    assert_eq!(telegram["outcome"], "block");
    assert_eq!(telegram["orders"][0]["id"], "INTERNAL-TELEGRAM");

    let bad = dir.file(
        "bad.toml",
        b"format = \"interdict/1\"\n[[orders]]\nid = \"X\"\nsigned = \"2021-13-01\"\n",
    );
    let out = interdict()
        .arg("--orders")
        .arg(&bad)
        .args(["orders", "list"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_one_line_error(
        &out.stderr,
        &format!("{}:4:10: field `signed`: invalid date `2021-13-01`", bad.display()),
    );
}

#[test]
fn an_allowlist_refresh_out_of_range_is_a_usage_error_before_the_server_starts() {
    for (value, said) in [
        ("-1", "-1: give 0 (off) or 0.001 to 86400 seconds"),
        ("soon", "`soon` is not a number of seconds"),
    ] {
        let out = interdict()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .arg(format!("--allowlist-refresh={value}"))
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert_one_line_error(&out.stderr, said);
    }
}
