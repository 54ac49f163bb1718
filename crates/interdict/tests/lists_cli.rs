//! `interdict lists import|show|diff` end to end, each in its own data
//! directory.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct DataDir(PathBuf);
impl DataDir {
    fn new(name: &str) -> DataDir {
        let p = std::env::temp_dir().join(format!("interdict-lists-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        DataDir(p)
    }
    fn cmd(&self) -> Command {
        let mut c = Command::cargo_bin("interdict").unwrap();
        c.env_remove("INTERDICT_ORDERS").arg("--data-dir").arg(&self.0);
        c
    }
}
impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn import(dir: &DataDir, file: &str) -> String {
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(fixture(file))
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn show(dir: &DataDir) -> Value {
    let out = dir
        .cmd()
        .args(["lists", "show", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn import_creates_an_active_snapshot_with_counts_and_sources() {
    let dir = DataDir::new("import");
    let id = import(&dir, "lists-v1.ftm.jsonl");
    assert!(id.starts_with("sha256:") && id.len() == 71, "{id}");
    let v = show(&dir);
    let snaps = v["snapshots"].as_array().unwrap();
    assert_eq!(snaps.len(), 1);
    let s = &snaps[0];
    assert_eq!(s["id"], id.as_str());
    assert_eq!(s["active"], true);
    assert_eq!(
        s["counts"],
        serde_json::json!({"designations": 2, "organization": 1, "person": 1, "relations": 0, "vessel": 1})
    );
    assert_eq!(s["sources"][0]["format"], "ftm");
    assert_eq!(s["sources"][0]["records"], 5);
    assert!(s["sources"][0]["sha256"].as_str().unwrap().starts_with("sha256:"));
    let modified = s["sources"][0]["modified"].as_str().unwrap();
    assert!(
        modified.len() == 20 && modified.ends_with('Z'),
        "RFC 3339 UTC: {modified}"
    );
}

/// A path given relative to where the import ran was stored as given, and
/// named nothing once read from anywhere else.
#[test]
fn a_snapshot_records_the_absolute_path_of_a_file_given_relative() {
    let dir = DataDir::new("relative");
    dir.cmd()
        .current_dir(fixture(""))
        .args(["lists", "import", "lists-v1.ftm.jsonl"])
        .assert()
        .success();
    assert_eq!(
        show(&dir)["snapshots"][0]["sources"][0]["path"],
        fixture("lists-v1.ftm.jsonl").display().to_string()
    );
}

#[test]
fn diff_between_two_imports_lists_each_change() {
    let dir = DataDir::new("diff");
    let v1 = import(&dir, "lists-v1.ftm.jsonl");
    let v2 = import(&dir, "lists-v2.ftm.jsonl");
    let out = dir
        .cmd()
        .args(["lists", "diff", &v1[..19], "active", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(String, String)> = lines
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().to_string(),
                c["entity_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [("changed", "t-1"), ("removed", "t-3"), ("added", "t-4")].map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(lines[0]["fields"][0]["field"], "aliases");
    assert_eq!(lines[0]["fields"][0]["before"], Value::Null);
    assert_eq!(lines[0]["fields"][0]["after"][0]["name"], "John Doe");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("{v1} → {v2}: 1 added, 1 removed, 1 changed")),
        "{stderr}"
    );
}

#[test]
fn lenient_import_reports_bad_records_and_strict_import_changes_nothing() {
    let dir = DataDir::new("bad");
    let good = import(&dir, "lists-v1.ftm.jsonl");
    let bad = fixture("lists-bad.ftm.jsonl");
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(&bad)
        .arg("--strict")
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.trim(),
        format!(
            "error: {}:2: field `schema`: unknown schema `Persn` (is it `Person`?)",
            bad.display()
        )
    );
    let v = show(&dir);
    assert_eq!(
        v["snapshots"].as_array().unwrap().len(),
        1,
        "strict failure stores nothing"
    );
    assert_eq!(v["snapshots"][0]["id"], good.as_str());
    assert_eq!(v["snapshots"][0]["active"], true);

    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(&bad)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: skipped: {}:2: field `schema`: unknown schema `Persn` (is it `Person`?)",
                bad.display()
            ),
            format!(
                "warning: skipped: {}:3: the line ends before its JSON does: is the file truncated?",
                bad.display()
            ),
        ]
    );
    assert!(stderr.contains("; 2 bad record(s) skipped"), "{stderr}");
    let v = show(&dir);
    assert_eq!(v["snapshots"].as_array().unwrap().len(), 2);
    assert_eq!(v["snapshots"][0]["counts"]["person"], 1);
}

#[test]
fn a_misspelt_property_is_a_warning_and_refuses_a_strict_import() {
    let dir = DataDir::new("misspelt");
    std::fs::create_dir_all(&dir.0).unwrap();
    let list = dir.0.join("misspelt.ftm.jsonl");
    std::fs::write(
        &list,
        concat!(
            r#"{"id": "m-1", "schema": "Person", "properties": {"name": ["DOE, John"], "birthdate": ["1970-01-02"]}}"#,
            "\n",
            r#"{"id": "m-1-s", "schema": "Sanction", "properties": {"entity": ["m-1"], "authority": ["US OFAC"]}}"#,
            "\n",
        ),
    )
    .unwrap();
    let message = format!(
        "{}:1: field `birthdate`: `birthdate` is not a property of Person (is it `birthDate`?); its values would not be read",
        list.display()
    );
    let out = dir
        .cmd()
        .args(["lists", "import", "--strict"])
        .arg(&list)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        format!("error: {message}")
    );
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(&list)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(
        warnings,
        [format!(
            "warning: {}:1: field `birthdate`: `birthdate` is not a property of Person (is it `birthDate`?); its \
             values are not read (1 record(s), the first here)",
            list.display()
        )]
    );
    let shown = show(&dir);
    assert_eq!(shown["snapshots"][0]["counts"]["person"], 1);
    // The snapshot says what its read left out.
    assert_eq!(shown["snapshots"][0]["sources"][0]["warnings"], 1);
    assert_eq!(shown["snapshots"][0]["sources"][0]["rejected"], 0);
}

#[test]
fn unknown_formats_and_snapshots_are_one_line_errors() {
    let dir = DataDir::new("errors");
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(fixture("../../Cargo.toml"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot tell the list format"), "{stderr}");
    let out = dir
        .cmd()
        .args(["lists", "diff", "abc", "def"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        "error: no snapshot `abc`; `interdict lists show` lists them"
    );
    let out = dir
        .cmd()
        .args(["lists", "import", "x.jsonl", "--format", "pdf"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .starts_with("error: --format: unknown format `pdf`: expected one of ftm, ofac-sdn, ofac-cons, un, csl, csl-json, dpl, eu, uk, uk-sl, interdict, or auto"));
}

#[test]
fn screening_uses_the_active_snapshot_once_there_is_one() {
    let dir = DataDir::new("screen");
    let inv = dir.0.with_extension("inv.csv");
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(&inv, "app_id\nacme.example\nwww.ramakdutyfree.net\n").unwrap();
    let screen = |dir: &DataDir| {
        let out = dir
            .cmd()
            .args(["apps", "screen"])
            .arg(&inv)
            .args(["--as-of", "2021-03-01", "--format", "jsonl"])
            .assert()
            .success()
            .get_output()
            .clone();
        let rows: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (rows, String::from_utf8(out.stderr).unwrap())
    };
    // Before any import: the bundled lists (OFAC SDN 2021-07 has RAMAK's website).
    let (rows, stderr) = screen(&dir);
    assert_eq!(
        (rows[0]["outcome"].as_str(), rows[1]["outcome"].as_str()),
        (Some("allow"), Some("block"))
    );
    assert!(
        stderr.contains("lists: bundled OFAC SDN list (CSV) as of 2021-07"),
        "{stderr}"
    );
    // After an import: that snapshot replaces the bundled lists.
    let id = import(&dir, "lists-v1.ftm.jsonl");
    let (rows, stderr) = screen(&dir);
    assert_eq!(
        (rows[0]["outcome"].as_str(), rows[1]["outcome"].as_str()),
        (Some("block"), Some("allow"))
    );
    assert_eq!(rows[0]["listings"][0]["entity_id"], "t-2");
    assert!(stderr.contains(&format!("lists: snapshot {id}")), "{stderr}");
    let _ = std::fs::remove_file(&inv);
}

#[test]
fn an_internal_deny_list_in_interdicts_own_format_imports_and_blocks() {
    let dir = DataDir::new("native");
    let id = import(&dir, "deny-list.toml");
    let v = show(&dir);
    assert_eq!(v["snapshots"][0]["id"], id.as_str());
    assert_eq!(v["snapshots"][0]["sources"][0]["format"], "interdict");
    let inv = dir.0.with_extension("deny.csv");
    std::fs::write(&inv, "app_id\npay.shadypay.example\nshadypay.example\n").unwrap();
    let out = dir
        .cmd()
        .args(["apps", "screen"])
        .arg(&inv)
        .args(["--as-of", "2024-06-01", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    let outcomes: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(3).unwrap()).collect();
    assert_eq!(outcomes, ["review", "block"]);
    let out = dir
        .cmd()
        .args(["apps", "screen"])
        .arg(&inv)
        .args(["--as-of", "2023-06-01", "--format", "jsonl"])
        .assert()
        .success()
        .get_output()
        .clone();
    let first: Value = serde_json::from_str(String::from_utf8(out.stdout).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["outcome"], "allow", "not listed yet on 2023-06-01");
    assert_eq!(first["warnings"][0]["code"], "listing_pending");
    let _ = std::fs::remove_file(&inv);
}

#[test]
fn the_json_form_of_interdicts_format_imports_too() {
    let dir = DataDir::new("native-json");
    import(&dir, "deny-list.json");
    let v = show(&dir);
    assert_eq!(v["snapshots"][0]["sources"][0]["format"], "interdict");
    assert_eq!(v["snapshots"][0]["counts"]["person"], 1);
    assert_eq!(v["snapshots"][0]["counts"]["designations"], 1);
}

fn list_fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../lists/tests/fixtures")
        .join(path)
}

/// OFAC's SDN files and the Consolidated Screening List (which carries the
/// SDN list too) were imported and made active together, and then no
/// screen could load the store: "duplicate source id `us_ofac_sdn`". They
/// are one snapshot that screens.
#[test]
fn the_sdn_files_and_the_consolidated_screening_list_import_and_screen_together() {
    let dir = DataDir::new("sdn-csl");
    dir.cmd()
        .args(["lists", "import"])
        .arg(list_fixture("ofac/sdn"))
        .arg(list_fixture("csl/2025.csv"))
        .assert()
        .success();
    let names = dir.0.with_extension("names.txt");
    std::fs::write(&names, "Nobody Atall\n").unwrap();
    let out = dir
        .cmd()
        .args(["screen", "names", "--input"])
        .arg(&names)
        .assert()
        .success()
        .get_output()
        .clone();
    let row: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(row["hits"], serde_json::json!([]), "{row}");
    let _ = std::fs::remove_file(&names);
}

/// A list that gives an id the built-in data has was stored and made
/// active, and every screen after failed: it is refused at its file and
/// record, and the active snapshot stays.
#[test]
fn a_list_clashing_with_the_built_in_data_is_refused_and_the_active_snapshot_stays() {
    let dir = DataDir::new("clash");
    let good = import(&dir, "lists-v1.ftm.jsonl");
    let list = fixture("clashes-with-builtin.toml");
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(&list)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim(),
        format!(
            "error: {}: field `id`: entity `ant_group`: the built-in data or an order file has this id too; \
             give the list's record an id of its own",
            list.display()
        )
    );
    let v = show(&dir);
    assert_eq!(v["snapshots"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["snapshots"][0]["id"], good.as_str());
    assert_eq!(v["snapshots"][0]["active"], true);
}

/// A deny list imported alone became the whole snapshot, so OFAC and the
/// UN were no longer screened, and nothing said so. It still imports (it
/// may be meant), with a warning; beside an official list, no warning.
#[test]
fn a_deny_list_alone_is_imported_with_a_warning() {
    let dir = DataDir::new("deny-alone");
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(fixture("deny-list.toml"))
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: no official list among these files"),
        "{stderr}"
    );
    let out = dir
        .cmd()
        .args(["lists", "import"])
        .arg(fixture("deny-list.toml"))
        .arg(fixture("lists-v1.ftm.jsonl"))
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("no official list"), "{stderr}");
}

/// A decision's `snapshot_id` (the lists with the orders) is no id that
/// `lists show` knows; `explain` names the stored snapshot it screened on.
#[test]
fn explain_names_the_stored_snapshot_a_decision_used() {
    let dir = DataDir::new("explain-stored");
    let stored = import(&dir, "lists-v1.ftm.jsonl");
    let out = dir
        .cmd()
        .args([
            "screen",
            "party",
            "--name",
            "John Doe",
            "--as-of",
            "2021-03-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let decision: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_ne!(decision["snapshot_id"], stored.as_str());
    let out = dir
        .cmd()
        .args(["explain", decision["decision_id"].as_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(&format!("\nlists: stored snapshot {stored}\n")), "{text}");
}
