//! The audit log: appending, the hash chain, and tampering found.

use std::path::PathBuf;

use interdict_store::{NewRecord, Store, DB_FILE, GENESIS};

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-audit-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn record(n: u32) -> NewRecord {
    NewRecord {
        kind: "party".to_string(),
        snapshot_id: "sha256:abc".to_string(),
        as_of: "2021-03-01".to_string(),
        input: format!(r#"{{"names":["Party {n}"]}}"#),
        decision: format!(r#"{{"outcome":"allow","n":{n}}}"#),
        alert: None,
    }
}

fn filled(dir: &TempDir) -> Store {
    let mut store = Store::open(&dir.0).unwrap();
    store.append_decisions(&[record(1), record(2)]).unwrap();
    store.append_decisions(&[record(3)]).unwrap();
    store
}

/// Runs SQL on the database behind the store's back, as an attacker would.
fn tamper(dir: &TempDir, sql: &str) {
    let conn = rusqlite::Connection::open(dir.0.join(DB_FILE)).unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn records_chain_in_order_and_verify() {
    let dir = TempDir::new("chain");
    let store = filled(&dir);
    let check = store.verify_audit().unwrap();
    assert_eq!(check.records, 3);
    assert_eq!(check.first_broken, None);
    let first = store.decision(&store_id(&store, 1)).unwrap().unwrap();
    assert_eq!(first.prev_hash, GENESIS);
    let second = store.decision(&store_id(&store, 2)).unwrap().unwrap();
    assert_eq!(second.prev_hash, first.hash);
    assert_eq!(second.decision, r#"{"outcome":"allow","n":2}"#);
    assert_eq!(second.decision_id, format!("d-2-{}", &second.hash[..16]));
    assert!(store.decision("d-0000000000000000").unwrap().is_none());
}

#[test]
fn an_id_is_found_only_when_its_sequence_number_and_hash_digits_both_match() {
    let dir = TempDir::new("ids");
    let store = filled(&dir);
    let second = store.decision(&store_id(&store, 2)).unwrap().unwrap();
    let third = store.decision(&store_id(&store, 3)).unwrap().unwrap();
    // The right digits under another record's number, a number with no
    // record, and digits cut short are all unknown ids.
    for id in [
        format!("d-3-{}", &second.hash[..16]),
        format!("d-2-{}", &third.hash[..16]),
        format!("d-9-{}", &second.hash[..16]),
        format!("d-2-{}", &second.hash[..15]),
        format!("d-{}", &second.hash[..16]),
        "d--".to_string(),
        "d-2".to_string(),
    ] {
        assert!(store.decision(&id).unwrap().is_none(), "{id}");
    }
    assert_eq!(store.decision(&second.decision_id).unwrap().unwrap().seq, 2);
}

fn store_id(store: &Store, seq: i64) -> String {
    // Ids come from hashes; find them through verify's order.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.query_row("SELECT decision_id FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_changed_decision_is_found_at_its_record() {
    let dir = TempDir::new("changed");
    let store = filled(&dir);
    tamper(
        &dir,
        r#"UPDATE audit SET decision = '{"outcome":"block","n":2}' WHERE seq = 2"#,
    );
    let check = store.verify_audit().unwrap();
    assert_eq!(
        check.first_broken,
        Some((2, "its content does not match its hash".to_string()))
    );
}

#[test]
fn a_changed_decision_id_is_found_at_its_record() {
    let dir = TempDir::new("changed-id");
    let store = filled(&dir);
    // The hash digits of another record (a chance of 2^-64 that they are
    // this one's).
    tamper(
        &dir,
        "UPDATE audit SET decision_id = 'd-2-0000000000000000' WHERE seq = 2",
    );
    assert_eq!(
        store.verify_audit().unwrap().first_broken,
        Some((2, "its content does not match its hash".to_string()))
    );
}

#[test]
fn a_rehashed_record_breaks_the_next_link() {
    let dir = TempDir::new("rehashed");
    let store = filled(&dir);
    // Changing a record and its own hash still breaks the record after it.
    tamper(&dir, "UPDATE audit SET hash = 'f00' WHERE seq = 1");
    let check = store.verify_audit().unwrap();
    assert_eq!(check.first_broken.map(|b| b.0), Some(1));
    tamper(&dir, "DELETE FROM audit WHERE seq = 1");
    let check = store.verify_audit().unwrap();
    assert_eq!(
        check.first_broken,
        Some((2, "record 1 is missing (next is 2)".to_string()))
    );
}

#[test]
fn a_removed_record_is_found() {
    let dir = TempDir::new("removed");
    let store = filled(&dir);
    tamper(&dir, "DELETE FROM audit WHERE seq = 2");
    let check = store.verify_audit().unwrap();
    assert_eq!(
        check.first_broken,
        Some((3, "record 2 is missing (next is 3)".to_string()))
    );
}

/// A decision as long as a real one, whose keys repeat as JSON's do.
fn long_record(n: u32) -> NewRecord {
    let hits: Vec<String> = (0..6)
        .map(|h| format!(r#"{{"entity_id":"e-{n}-{h}","score":0.9{h},"features":{{"aligned":[],"extra":[],"missing":[]}},"outcome":"review"}}"#))
        .collect();
    NewRecord {
        decision: format!(r#"{{"outcome":"review","hits":[{}],"warnings":[]}}"#, hits.join(",")),
        ..record(n)
    }
}

/// How SQLite holds a record's decision: `text` or `blob`.
fn stored_type(dir: &TempDir, seq: i64) -> String {
    let conn = rusqlite::Connection::open(dir.0.join(DB_FILE)).unwrap();
    conn.query_row("SELECT typeof(decision) FROM audit WHERE seq = ?1", [seq], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_long_decision_is_stored_packed_and_reads_back_as_written() {
    let dir = TempDir::new("packed");
    let mut store = Store::open(&dir.0).unwrap();
    let (short, long) = (record(1), long_record(2));
    store.append_decisions(&[short.clone(), long.clone()]).unwrap();
    assert_eq!(stored_type(&dir, 1), "text", "a text that packs no smaller stays text");
    assert_eq!(stored_type(&dir, 2), "blob");
    let conn = rusqlite::Connection::open(dir.0.join(DB_FILE)).unwrap();
    let stored: i64 = conn
        .query_row("SELECT length(decision) FROM audit WHERE seq = 2", [], |r| r.get(0))
        .unwrap();
    assert!(
        (stored as usize) < long.decision.len() / 2,
        "{stored} bytes stored for {}",
        long.decision.len()
    );
    let read = store.decision(&store_id(&store, 2)).unwrap().unwrap();
    assert_eq!((read.input, read.decision), (long.input, long.decision));
    assert_eq!(
        store.decision(&store_id(&store, 1)).unwrap().unwrap().decision,
        short.decision
    );
    assert_eq!(store.verify_audit().unwrap().first_broken, None);
}

/// Records written before decisions were packed hold their text as text:
/// they still read back, and still verify, beside packed ones.
#[test]
fn a_decision_stored_as_text_reads_and_verifies_beside_packed_ones() {
    let dir = TempDir::new("unpacked");
    let mut store = Store::open(&dir.0).unwrap();
    let long = long_record(1);
    store.append_decisions(&[long.clone(), long_record(2)]).unwrap();
    let text = long.decision.replace('\'', "''");
    tamper(&dir, &format!("UPDATE audit SET decision = '{text}' WHERE seq = 1"));
    assert_eq!(
        (stored_type(&dir, 1), stored_type(&dir, 2)),
        ("text".into(), "blob".into())
    );
    assert_eq!(
        store.decision(&store_id(&store, 1)).unwrap().unwrap().decision,
        long.decision
    );
    assert_eq!(
        store.verify_audit().unwrap(),
        interdict_store::ChainCheck {
            records: 2,
            first_broken: None
        }
    );
}

/// A packed decision that is damaged, of an unknown packing, or claiming
/// a length far past any decision is reported at its record by the check,
/// and is an error, not a crash or a huge allocation, when read.
#[test]
fn a_damaged_packed_decision_is_found_at_its_record() {
    for (name, blob, why) in [
        ("truncated", "X'01FF000000AB'", "does not unpack"),
        ("unknown", "X'02FF000000AB'", "unknown byte 2"),
        ("huge", "X'01FFFFFFFF00'", "claims 4294967295 bytes"),
        ("short", "X'01FF'", "cut short"),
        ("empty", "X''", "is empty"),
    ] {
        let dir = TempDir::new(&format!("damaged-{name}"));
        let mut store = Store::open(&dir.0).unwrap();
        store
            .append_decisions(&[long_record(1), long_record(2), long_record(3)])
            .unwrap();
        tamper(&dir, &format!("UPDATE audit SET decision = {blob} WHERE seq = 2"));
        let (seq, reason) = store.verify_audit().unwrap().first_broken.unwrap();
        assert_eq!(seq, 2, "{name}");
        assert!(
            reason.starts_with("its content cannot be read") && reason.contains(why),
            "{name}: {reason}"
        );
        let err = store.decision(&store_id(&store, 2)).unwrap_err().to_string();
        assert!(err.contains(why), "{name}: {err}");
    }
}
