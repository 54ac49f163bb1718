//! The audit log end to end: screening records decisions, `audit verify`
//! checks the chain and finds a tampered row, `explain` shows a decision and
//! `replay` reproduces it.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{json, Value};

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-audit-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn interdict(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("interdict")
        .unwrap()
        .env_remove("INTERDICT_ORDERS")
        .env("INTERDICT_DATA_DIR", dir)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn screen_examples(dir: &Path) -> Vec<Value> {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/payments.jsonl");
    let out = interdict(dir, &["screen", "payments", examples.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn decisions_are_recorded_chained_explained_and_replayed() {
    let dir = TempDir::new("flow");
    let decisions = screen_examples(&dir.0);
    let ids: Vec<&str> = decisions.iter().map(|d| d["decision_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4);
    // `d-`, the record's number, `-` and 16 hex digits of its hash.
    for (n, id) in ids.iter().enumerate() {
        let digits = id
            .strip_prefix(&format!("d-{}-", n + 1))
            .unwrap_or_else(|| panic!("{ids:?}"));
        assert!(
            digits.len() == 16 && digits.bytes().all(|b| b.is_ascii_hexdigit()),
            "{ids:?}"
        );
    }

    let out = interdict(&dir.0, &["audit", "verify"]);
    assert!(out.status.success());
    assert_eq!(
        stdout(&out),
        "audit log intact: 4 records; the alerts and allowlist agree with it\n"
    );

    let out = interdict(&dir.0, &["explain", ids[0]]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("outcome: REVIEW"), "{text}");
    // Which lists: the decision's snapshot id is the lists with the
    // orders, and names no stored snapshot; the text says what it was.
    assert!(text.contains("\nlists: the bundled lists\n"), "{text}");
    assert!(
        text.contains("beneficiary: review Alipay.com Co., Ltd. (alipay_com_co)"),
        "{text}"
    );

    let out = interdict(&dir.0, &["explain", ids[2], "--format", "json"]);
    let stored: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stored, decisions[2]);

    let out = interdict(&dir.0, &["replay", ids[1]]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("the same decision (allow)"), "{}", stdout(&out));
}

#[test]
fn a_tampered_record_is_found_and_never_shown_as_a_decision() {
    let dir = TempDir::new("tamper");
    let decisions = screen_examples(&dir.0);
    let id = decisions[2]["decision_id"].as_str().unwrap().to_string();
    // Someone turns the block on p-3 into an allow in the database (the
    // stored decision may be packed: they write the text in its place).
    let mut changed = decisions[2].clone();
    assert_eq!(changed["outcome"], "block");
    changed["outcome"] = json!("allow");
    changed.as_object_mut().unwrap().remove("decision_id");
    let conn = rusqlite::Connection::open(dir.0.join("interdict.db")).unwrap();
    let updated = conn
        .execute(
            "UPDATE audit SET decision = ?1 WHERE decision_id = ?2",
            [changed.to_string(), id.clone()],
        )
        .unwrap();
    assert_eq!(updated, 1);
    drop(conn);

    let out = interdict(&dir.0, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("audit log broken at record 3: its content does not match its hash"),
        "{err}"
    );

    // `explain` showed the forged allow as the decision, and `replay`
    // called the change a difference of the engine's. Both refuse it.
    for command in ["explain", "replay"] {
        let out = interdict(&dir.0, &[command, &id]);
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert!(stdout(&out).is_empty(), "{command}: {}", stdout(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!(
                "audit record {id} was altered: its content does not match its hash"
            )),
            "{command}: {err}"
        );
    }
    // The record before it is as it was, and still shown.
    let before = decisions[1]["decision_id"].as_str().unwrap();
    assert_eq!(interdict(&dir.0, &["explain", before]).status.code(), Some(0));

    // Record 1 stays whole, but the record after it no longer links to it
    // (its `prev_hash` was rewritten): record 1 is refused too.
    let first = decisions[0]["decision_id"].as_str().unwrap().to_string();
    let conn = rusqlite::Connection::open(dir.0.join("interdict.db")).unwrap();
    conn.execute(
        "UPDATE audit SET prev_hash = 'x' || substr(prev_hash, 2) WHERE seq = 2",
        [],
    )
    .unwrap();
    drop(conn);
    let err = String::from_utf8_lossy(&interdict(&dir.0, &["explain", &first]).stderr).to_string();
    assert!(
        err.contains(&format!(
            "audit record {first} was altered: the record after it does not link to it"
        )),
        "{err}"
    );

    // The last record, its id rewritten (its content and hash as they
    // were): found by the new id, refused as not its hash's.
    let last = decisions[3]["decision_id"].as_str().unwrap().to_string();
    let forged = format!("d-4-{}", "0".repeat(16));
    assert_ne!(last, forged);
    let conn = rusqlite::Connection::open(dir.0.join("interdict.db")).unwrap();
    conn.execute("UPDATE audit SET decision_id = ?1 WHERE seq = 4", [&forged])
        .unwrap();
    drop(conn);
    let err = String::from_utf8_lossy(&interdict(&dir.0, &["explain", &forged]).stderr).to_string();
    assert!(
        err.contains(&format!(
            "audit record {forged} was altered: its id does not match its hash"
        )),
        "{err}"
    );
}

#[test]
fn no_audit_records_nothing_and_unknown_ids_are_named() {
    let dir = TempDir::new("none");
    let out = interdict(
        &dir.0,
        &[
            "screen",
            "party",
            "--name",
            "Kim Jong Un",
            "--as-of",
            "2021-03-01",
            "--no-audit",
        ],
    );
    assert!(out.status.success());
    assert!(!stdout(&out).contains("decision d-"));
    // Nothing was recorded, so no store was made: `verify` says so rather
    // than making an empty one and calling it intact (as it did for any
    // mistyped --data-dir).
    let out = interdict(&dir.0, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: no store in "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.0.join("interdict.db").exists());
    let out = interdict(&dir.0, &["explain", "d-0000000000000000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no decision `d-0000000000000000` in the audit log"));
}

#[test]
fn an_allowlist_entry_is_used_recorded_and_replayed() {
    let dir = TempDir::new("allow");
    let out = interdict(
        &dir.0,
        &[
            "allowlist",
            "add",
            "--name",
            "Kim Jong Un",
            "--entity",
            "us_ofac_sdn-20157",
            "--reason",
            "a different person, born 1990 in Seoul",
            "--author",
            "analyst.kim",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The entry is in the hash chain, as a disposition's is: it was not
    // audited at all.
    let added = stdout(&out);
    let audited = added
        .strip_prefix("added a-1: the name `kim jong un` is not us_ofac_sdn-20157 (KIM, Jong Un); audit record ")
        .unwrap_or_else(|| panic!("{added}"))
        .trim()
        .to_string();
    assert!(audited.starts_with("d-1-"), "{added}");
    let text = stdout(&interdict(&dir.0, &["explain", &audited]));
    assert!(
        text.contains("(allowlist)")
            && text.contains("author: analyst.kim\n")
            && text.contains("allowlist entry a-1: the name `kim jong un` is not us_ofac_sdn-20157\n"),
        "{text}"
    );
    let out = interdict(&dir.0, &["replay", &audited]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&interdict(&dir.0, &["audit", "verify"])),
        "audit log intact: 1 records; the alerts and allowlist agree with it\n"
    );

    let screen = &[
        "screen",
        "party",
        "--name",
        "KIM  Jong Un",
        "--as-of",
        "2021-03-01",
        "--format",
        "json",
    ];
    let out = interdict(&dir.0, screen);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "allow");
    assert_eq!(d["hits"].as_array().unwrap().len(), 0);
    assert_eq!(d["suppressed"][0]["entity_id"], "us_ofac_sdn-20157");
    assert_eq!(d["suppressed"][0]["suppressed_by"]["entry_id"], "a-1");
    assert_eq!(d["suppressed"][0]["suppressed_by"]["author"], "analyst.kim");

    // The use is in the audit log, and a replay applies the same entry.
    let id = d["decision_id"].as_str().unwrap();
    let out = interdict(&dir.0, &["explain", id, "--format", "json"]);
    let stored: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(stored["suppressed"][0]["suppressed_by"]["entry_id"], "a-1");
    // The text says so too: it read "no hits", hiding the hit and the
    // entry that cleared it.
    let text = stdout(&interdict(&dir.0, &["explain", id]));
    assert!(
        text.contains("KIM, Jong Un (us_ofac_sdn-20157), score 1")
            && text.contains(
                "    suppressed by allowlist entry a-1 (analyst.kim: a different person, born 1990 in Seoul)\n"
            )
            && !text.contains("no hits"),
        "{text}"
    );
    let out = interdict(&dir.0, &["replay", id]);
    assert!(out.status.success(), "{}", stdout(&out));

    // Given with the listed birth date, the party may be Kim Jong Un
    // himself: the name entry does not clear him, and the text says why.
    let mut with_birth = screen.to_vec();
    with_birth.extend(["--birth-date", "1984-01-08"]);
    let out = interdict(&dir.0, &with_birth);
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["outcome"], "block", "{d}");
    assert!(d["suppressed"].is_null(), "{d}");
    let text = stdout(&interdict(&dir.0, &["explain", d["decision_id"].as_str().unwrap()]));
    assert!(
        text.contains("\nwarning allowlist_evidence_agrees: allowlist entry a-1 (for the name `kim jong un`)"),
        "{text}"
    );

    let out = interdict(
        &dir.0,
        &[
            "allowlist",
            "add",
            "--name",
            "x",
            "--entity",
            "nobody",
            "--reason",
            "r",
            "--author",
            "a",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--entity nobody: no such entity"));

    // An entry that would never apply is refused, and nothing is added.
    let out = interdict(
        &dir.0,
        &[
            "allowlist",
            "add",
            "--name",
            "Kim Jong Un",
            "--entity",
            "us_ofac_sdn-20157",
            "--reason",
            "r",
            "--author",
            "a",
            "--expires",
            "2021-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --expires: 2021-01-01 is not after today: the entry would never apply\n"
    );
    let out = interdict(&dir.0, &["allowlist", "list"]);
    let listed = stdout(&out);
    assert!(listed.contains("a-1") && !listed.contains("a-2"), "{listed}");
}

#[test]
fn app_decisions_are_recorded_and_replayed_too() {
    let dir = TempDir::new("apps");
    let inventory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/inventory.csv");
    let out = interdict(
        &dir.0,
        &[
            "apps",
            "screen",
            inventory.to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--format",
            "jsonl",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let id = rows[0]["decision_id"].as_str().unwrap();
    assert_eq!(
        stdout(&interdict(&dir.0, &["audit", "verify"])),
        format!(
            "audit log intact: {} records; the alerts and allowlist agree with it\n",
            rows.len()
        )
    );
    let text = stdout(&interdict(&dir.0, &["explain", id]));
    assert!(
        text.contains("(app)") && text.contains("- order EO13971 (in_force): review"),
        "{text}"
    );
    let out = interdict(&dir.0, &["replay", id]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("the same decision (review)"));
}

/// Records deleted from the end left a shorter chain that `audit verify`
/// called intact, and their numbers were given out again (the old
/// `d-4-...` then named nothing, a new `d-4-...` something else). The log's
/// head tells both.
#[test]
fn records_cut_from_the_end_are_found_and_their_numbers_not_reused() {
    let dir = TempDir::new("tail");
    let decisions = screen_examples(&dir.0);
    assert_eq!(decisions.len(), 4);
    let conn = rusqlite::Connection::open(dir.0.join("interdict.db")).unwrap();
    conn.execute("DELETE FROM alerts WHERE seq >= 3", []).unwrap();
    assert_eq!(conn.execute("DELETE FROM audit WHERE seq >= 3", []).unwrap(), 2);
    drop(conn);
    let out = interdict(&dir.0, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        err.contains(
            "audit log broken at record 3: the log ends at record 2, but record 4 was appended: the records after 2 \
             were removed"
        ),
        "{err}"
    );
    // The next decision is record 5, not a second record 3.
    let again = screen_examples(&dir.0);
    assert!(
        again[0]["decision_id"].as_str().unwrap().starts_with("d-5-"),
        "{}",
        again[0]["decision_id"]
    );
    let err = String::from_utf8_lossy(&interdict(&dir.0, &["audit", "verify"]).stderr).to_string();
    assert!(err.contains("record 3 is missing (next is 5)"), "{err}");
}

/// An entry's key is one of three kinds, given by its flag: exactly one,
/// and an identifier must be one.
#[test]
fn an_allowlist_entry_takes_exactly_one_kind_of_key() {
    let dir = TempDir::new("allow-kinds");
    let add = |key: &[&str]| {
        let mut args = vec!["allowlist", "add"];
        args.extend_from_slice(key);
        args.extend(["--entity", "us_ofac_sdn-20157", "--reason", "r", "--author", "a"]);
        interdict(&dir.0, &args)
    };
    for key in [&[][..], &["--name", "Kim Jong Un", "--reference", "cust-1"][..]] {
        let out = add(key);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{key:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = add(&["--identifier", "no-such-type:x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: --identifier: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = add(&["--reference", "CUST-1042"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout(&out).starts_with("added a-1: the reference `CUST-1042` is not us_ofac_sdn-20157"),
        "{}",
        stdout(&out)
    );
    let listed: Value =
        serde_json::from_slice(&interdict(&dir.0, &["allowlist", "list", "--format", "json"]).stdout).unwrap();
    assert_eq!(listed[0]["key_kind"], "reference");
    assert_eq!(listed.as_array().unwrap().len(), 1, "the refused ones added nothing");

    // An entry changed in the database is not what the log recorded:
    // `audit verify` said "intact", since the chain holds.
    let conn = rusqlite::Connection::open(dir.0.join(interdict_store::DB_FILE)).unwrap();
    conn.execute("UPDATE allowlist SET entity_id = 'us_ofac_sdn-1' WHERE id = 1", [])
        .unwrap();
    drop(conn);
    let out = interdict(&dir.0, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: audit log intact (1 records), but the store disagrees with it in 1 place(s): allowlist entry a-1 \
             differs from its audit record d-1-"
        ) && stderr.trim_end().ends_with(": entity_id"),
        "{stderr}"
    );
}
