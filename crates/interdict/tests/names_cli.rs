//! `interdict screen names` end to end: input layouts, hits, per-row errors.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-names-cli-{}-{name}", std::process::id()));
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

const LIST: &str = r#"{"id": "us_ofac_sdn-6365", "schema": "Person", "properties": {"name": ["BIN LADIN, Usama"], "alias": ["BIN LADEN, Osama"], "birthDate": ["1957-03-10"]}, "datasets": ["us_ofac_sdn"]}
{"id": "arg-1", "schema": "Company", "properties": {"name": ["JSC ARGUMENT"]}, "datasets": ["eu_fsf"]}
{"id": "ros-1", "schema": "Company", "properties": {"name": ["BANK ROSSIYA"]}, "datasets": ["us_ofac_sdn"]}
{"id": "acme-1", "schema": "Company", "properties": {"name": ["ACME TRADING CORP"]}, "datasets": ["us_ofac_sdn"]}
"#;

fn screen(dir: &TempDir, input: &PathBuf, extra: &[&str]) -> std::process::Output {
    let list = dir.file("list.ftm.jsonl", LIST.as_bytes());
    let mut cmd = Command::cargo_bin("interdict").unwrap();
    cmd.env_remove("INTERDICT_ORDERS")
        .env("INTERDICT_DATA_DIR", dir.0.join("store"))
        .args(["screen", "names", "--input"])
        .arg(input)
        .arg("--list")
        .arg(&list)
        .args(extra);
    cmd.output().unwrap()
}

fn records(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn top(record: &Value) -> Option<(String, f64)> {
    let hit = record["hits"].as_array().unwrap().first()?;
    Some((
        hit["entity_id"].as_str().unwrap().to_string(),
        hit["score"].as_f64().unwrap(),
    ))
}

#[test]
fn text_input_finds_spelling_variants_script_and_concatenation() {
    let dir = TempDir::new("text");
    let input = dir.file(
        "names.txt",
        "Osama bin Laden\nБанк Россия\nJSCARGUMENT\nCORP\nJohn Doe\n".as_bytes(),
    );
    let out = screen(&dir, &input, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = records(&out.stdout);
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["input"]["name"], "Osama bin Laden");
    assert_eq!(top(&rows[0]), Some(("us_ofac_sdn-6365".into(), 1.0)));
    assert_eq!(rows[0]["hits"][0]["name"], "BIN LADEN, Osama");
    assert_eq!(top(&rows[1]), Some(("ros-1".into(), 1.0)));
    assert_eq!(top(&rows[2]), Some(("arg-1".into(), 0.97)));
    assert_eq!(rows[2]["hits"][0]["features"]["aligned"][0]["joined"], "concatenated");
    assert_eq!(top(&rows[3]), None, "CORP alone must not match");
    assert_eq!(top(&rows[4]), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("screened 5 name(s) at threshold 0.8: 3 with hits"),
        "{stderr}"
    );
}

#[test]
fn csv_secondary_evidence_moves_the_score() {
    let dir = TempDir::new("csv");
    let input = dir.file(
        "names.csv",
        b"ref,name,type,birth_date\n1,Usama bin Ladin,person,1957-03-10\n2,Usama bin Ladin,person,1990\n",
    );
    let out = screen(&dir, &input, &["--threshold", "0.5"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = records(&out.stdout);
    assert_eq!(rows[0]["input"]["ref"], "1");
    assert_eq!(top(&rows[0]), Some(("us_ofac_sdn-6365".into(), 1.0)));
    assert_eq!(
        rows[0]["hits"][0]["features"]["evidence"]["birth_date"].as_f64(),
        Some(0.05)
    );
    assert_eq!(top(&rows[1]), Some(("us_ofac_sdn-6365".into(), 0.85)));
}

#[test]
fn bad_rows_are_reported_with_line_and_field_and_the_rest_runs() {
    let dir = TempDir::new("bad");
    let input = dir.file(
        "names.csv",
        b"name,type,country\n,person,US\nBank Rossiya,spaceship,RU\nBank Rossiya,,XX1\nBank Rossiya,,RU\n",
    );
    let out = screen(&dir, &input, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("names.csv:2") && stderr.contains("empty name"),
        "{stderr}"
    );
    assert!(
        stderr.contains("names.csv:3: field `type`: unknown type `spaceship`"),
        "{stderr}"
    );
    assert!(stderr.contains("names.csv:4: field `country`"), "{stderr}");
    // Every row has its record, in input order: a rejected one says why
    // and has no `hits`, so it cannot pass for a row that matched nothing.
    let rows = records(&out.stdout);
    assert_eq!(rows.len(), 4);
    for (row, line, field) in [(&rows[0], 2, "name"), (&rows[1], 3, "type"), (&rows[2], 4, "country")] {
        assert_eq!(row["line"], line);
        assert_eq!(row["error"]["field"], field);
        assert!(row.get("hits").is_none(), "{row}");
    }
    assert!(
        rows[1]["error"]["message"].as_str().unwrap().ends_with(
            "names.csv:3: field `type`: unknown type `spaceship`: expected person, organization, vessel or aircraft"
        ),
        "{}",
        rows[1]
    );
    assert_eq!(rows[1]["input"]["type"], "spaceship");
    assert_eq!(rows[3]["line"], 5);
    assert_eq!(top(&rows[3]), Some(("ros-1".into(), 1.0)));
    assert!(rows[3].get("error").is_none());
}

#[test]
fn a_rejected_row_keeps_its_place_in_csv_and_jsonl_output() {
    let dir = TempDir::new("bad-place");
    // Line 2 is not valid UTF-8: the row cannot be read at all, so its
    // record has the line and the reason but no input.
    let input = dir.file("names.txt", b"Bank Rossiya\nbad \xFF name\nJSC ARGUMENT\n");
    let out = screen(&dir, &input, &[]);
    assert_eq!(out.status.code(), Some(1));
    let rows = records(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(top(&rows[0]), Some(("ros-1".into(), 1.0)));
    assert_eq!(rows[1]["line"], 2);
    assert!(rows[1].get("input").is_none(), "{}", rows[1]);
    assert!(
        rows[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("names.txt:2:5: not valid UTF-8"),
        "{}",
        rows[1]
    );
    assert_eq!(top(&rows[2]), Some(("arg-1".into(), 1.0)));

    let out = screen(&dir, &input, &["--format", "csv"]);
    assert_eq!(out.status.code(), Some(1));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(
        reader.headers().unwrap(),
        vec!["line", "input", "rank", "entity_id", "name", "score", "kind", "error"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][0], "1");
    assert_eq!(&rows[0][3], "ros-1");
    assert_eq!(&rows[0][7], "");
    assert_eq!(&rows[1][0], "2");
    assert_eq!(&rows[1][3], "");
    assert!(rows[1][7].contains("names.txt:2:5: not valid UTF-8"), "{:?}", rows[1]);
    assert_eq!(&rows[2][3], "arg-1");
}

#[test]
fn csv_without_a_name_column_is_refused() {
    let dir = TempDir::new("noname");
    let input = dir.file("names.csv", b"id,full_name\n1,x\n");
    let out = screen(&dir, &input, &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("names.csv:1") && stderr.contains("`name`"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn threshold_outside_zero_to_one_is_an_error() {
    let dir = TempDir::new("threshold");
    let input = dir.file("names.txt", b"x\n");
    // A usage error, checked before anything is read; a value past 1 by
    // less than an f32 can tell is past it all the same.
    for value in ["1.5", "-0.1", "1.0000000001", "x"] {
        let out = screen(&dir, &input, &[&format!("--threshold={value}")]);
        assert_eq!(out.status.code(), Some(2), "{value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("--threshold") && stderr.contains(value),
            "{value}: {stderr}"
        );
    }
    // Written apart from the flag, a negative value is the flag's value,
    // not an unknown flag `-0`.
    let out = screen(&dir, &input, &["--threshold", "-0.1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("'-0.1' for '--threshold <T>'"), "{stderr}");
}

/// A limit of 0 reported no hit for any row, an exact match included, and
/// exited 0: a clean screen to look at.
#[test]
fn a_limit_of_zero_is_a_usage_error() {
    let dir = TempDir::new("limit");
    let input = dir.file("names.txt", b"x\n");
    let out = screen(&dir, &input, &["--limit", "0"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("'0' for '--limit <N>': 0 would report no hits at all"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// `bench names --passes N` times every case N times and reports each
/// case's quickest: the summary says how many passes, the hits and the
/// per-case costs are those of one pass, and there is one timing per case.
#[test]
fn bench_names_times_every_case_in_each_pass_and_keeps_one_timing_per_case() {
    let dir = TempDir::new("bench-passes");
    let list = dir.file("list.ftm.jsonl", LIST.as_bytes());
    let cases = dir.file(
        "cases.jsonl",
        br#"{"id": "c1", "class": "exact", "query": "JSC ARGUMENT", "type": "organization", "expected": "arg-1"}
{"id": "c2", "class": "typo", "query": "Usama bin Ladn", "type": "person", "expected": "us_ofac_sdn-6365"}
{"id": "c3", "class": "negative", "query": "Zebulon Quartermaine", "type": "person"}
"#,
    );
    let bench = |passes: &str, timings: &PathBuf| {
        let out = Command::cargo_bin("interdict")
            .unwrap()
            .env_remove("INTERDICT_ORDERS")
            .env("INTERDICT_DATA_DIR", dir.0.join("store"))
            .args(["bench", "names", "--cases"])
            .arg(&cases)
            .arg("--list")
            .arg(&list)
            .args(["--passes", passes, "--timings"])
            .arg(timings)
            .output()
            .unwrap();
        (
            out.status.code(),
            out.stdout,
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (one_timings, three_timings) = (dir.0.join("one.jsonl"), dir.0.join("three.jsonl"));
    let (code, stdout, stderr) = bench("1", &one_timings);
    assert_eq!(code, Some(0), "{stderr}");
    let one: Value = serde_json::from_slice(&stdout).unwrap();
    let (code, stdout, stderr) = bench("3", &three_timings);
    assert_eq!(code, Some(0), "{stderr}");
    let three: Value = serde_json::from_slice(&stdout).unwrap();
    assert_eq!((one["passes"].as_u64(), three["passes"].as_u64()), (Some(1), Some(3)));
    assert_eq!(three["cases"].as_u64(), Some(3));
    assert!(one["hits"].as_u64().unwrap() >= 2, "{one}");
    assert_eq!(three["hits"], one["hits"], "hits are counted in one pass");
    let lines = |path: &PathBuf| -> Vec<Value> { records(&fs::read(path).unwrap()) };
    let (a, b) = (lines(&one_timings), lines(&three_timings));
    let ids: Vec<&str> = b.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!((&x["reached"], &x["scored"]), (&y["reached"], &y["scored"]));
        assert!(y["micros"].as_f64().unwrap() > 0.0);
    }
    let (code, _, stderr) = bench("0", &three_timings);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--passes"), "{stderr}");
}

/// `interdict screen names ... | head -1` ended "error: Broken pipe" with
/// exit 1, which the docs keep for bad input: a reader that has read
/// enough is no failure, in JSON lines or CSV.
#[test]
fn a_reader_that_stops_early_is_no_error() {
    use std::io::Read;
    let dir = TempDir::new("pipe");
    let list = dir.file("list.ftm.jsonl", LIST.as_bytes());
    let input = dir.file("names.txt", "Usama bin Ladin\n".repeat(20_000).as_bytes());
    for format in ["jsonl", "csv"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("interdict"))
            .env_remove("INTERDICT_ORDERS")
            .env("INTERDICT_DATA_DIR", dir.0.join("store"))
            .args(["screen", "names", "--format", format, "--input"])
            .arg(&input)
            .arg("--list")
            .arg(&list)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 64];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe is closed here, with most of the output unwritten.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{format}: {stderr}");
    }
}

/// A name a customer typed as a formula reached the CSV as it was, and a
/// spreadsheet opening the output ran it. The JSON lines keep it exact.
#[test]
fn csv_output_keeps_formulas_from_running_in_a_spreadsheet() {
    let dir = TempDir::new("formula");
    let input = dir.file(
        "names.txt",
        b"=HYPERLINK(\"http://x\",\"BANK ROSSIYA\")\n@BANK ROSSIYA\n",
    );
    let out = screen(&dir, &input, &["--format", "csv", "--threshold", "0.5"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][1], "'=HYPERLINK(\"http://x\",\"BANK ROSSIYA\")");
    let last = rows.last().unwrap();
    assert_eq!(&last[1], "'@BANK ROSSIYA");
    assert_eq!(&last[3], "ros-1");
    assert_eq!(&last[4], "BANK ROSSIYA");

    let out = screen(&dir, &input, &[]);
    let rows = records(&out.stdout);
    assert_eq!(rows[0]["input"]["name"], "=HYPERLINK(\"http://x\",\"BANK ROSSIYA\")");
    assert_eq!(rows[1]["input"]["name"], "@BANK ROSSIYA");
}

/// A birth date of `0000` or a year to come moved scores as if it were
/// real; such a row is now refused on `birth_date`, and the rest run.
#[test]
fn birth_dates_no_one_can_have_are_refused_on_their_field() {
    let dir = TempDir::new("births");
    let input = dir.file(
        "names.csv",
        b"name,birth_date\nBANK ROSSIYA,0000\nBANK ROSSIYA,2999-01\nBANK ROSSIYA,1800\n",
    );
    let out = screen(&dir, &input, &[]);
    assert_eq!(out.status.code(), Some(1));
    let rows = records(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["error"]["field"], "birth_date");
    assert!(
        rows[0]["error"]["message"]
            .as_str()
            .unwrap()
            .ends_with("`0000` is before 1800: not a birth date"),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1]["error"]["field"], "birth_date");
    assert!(
        rows[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`2999-01` is after "),
        "{}",
        rows[1]
    );
    assert_eq!(top(&rows[2]), Some(("ros-1".into(), 1.0)));
}

/// A JSONL row's fields came back as strings: `"ref": 5` as `"5"`, an
/// object as its JSON text, and `"type": null` as `""`. They are echoed
/// as written, in input order, and null is no type.
#[test]
fn jsonl_fields_are_echoed_as_written() {
    let dir = TempDir::new("echo");
    let input = dir.file(
        "names.jsonl",
        br#"{"ref": 5, "name": "BANK ROSSIYA", "type": null, "meta": {"z": 1, "a": [true]}}
"#,
    );
    let out = screen(&dir, &input, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            r#"{"line":1,"input":{"ref":5,"name":"BANK ROSSIYA","type":null,"meta":{"z":1,"a":[true]}},"hits":[{"entity_id":"ros-1","#
        ),
        "{text}"
    );
}
