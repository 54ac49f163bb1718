//! The review queue: decisions that need an analyst open alerts; a
//! disposition is audited in the chain and can add an allowlist entry, all
//! or nothing.

use std::path::PathBuf;

use interdict_store::{AlertStatus, NewAlert, NewAllowEntry, NewDisposition, NewRecord, Store};

struct TempDir(PathBuf);
impl TempDir {
    fn new(name: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("interdict-alerts-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        TempDir(p)
    }
}
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn record(subject: &str, outcome: &str) -> NewRecord {
    NewRecord {
        kind: "party".to_string(),
        snapshot_id: "sha256:abc".to_string(),
        as_of: "2021-03-01".to_string(),
        input: format!(r#"{{"names":["{subject}"]}}"#),
        decision: format!(r#"{{"outcome":"{outcome}"}}"#),
        alert: (outcome != "allow").then(|| NewAlert {
            outcome: outcome.to_string(),
            subject: subject.to_string(),
        }),
    }
}

fn disposition(alert_id: &str, status: AlertStatus) -> NewDisposition {
    NewDisposition {
        alert_id: alert_id.to_string(),
        status,
        comment: "checked the passport".to_string(),
        author: "analyst-1".to_string(),
        allow: None,
        as_of: "2021-03-02".to_string(),
    }
}

#[test]
fn only_review_and_block_decisions_open_alerts_in_order() {
    let dir = TempDir::new("open");
    let mut store = Store::open(&dir.0).unwrap();
    let ids: Vec<String> = store
        .append_decisions(&[record("A", "review"), record("B", "allow"), record("C", "block")])
        .unwrap()
        .into_iter()
        .map(|r| r.decision_id)
        .collect();
    let open = store.alerts(Some(AlertStatus::Open), 10, None).unwrap();
    let subjects: Vec<&str> = open.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects, ["A", "C"]);
    assert_eq!(open[0].id, ids[0]);
    assert_eq!(open[1].outcome, "block");
    assert!(store.alert(&ids[1]).unwrap().is_none());
    // Paging: after the first, only the second.
    let next = store.alerts(Some(AlertStatus::Open), 10, Some(&ids[0])).unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].id, ids[2]);
}

#[test]
fn a_disposition_moves_the_alert_and_is_a_record_of_the_chain() {
    let dir = TempDir::new("dispose");
    let mut store = Store::open(&dir.0).unwrap();
    let id = store.append_decisions(&[record("A", "review")]).unwrap()[0]
        .decision_id
        .clone();
    let d = store.dispose(&disposition(&id, AlertStatus::Escalated)).unwrap();
    assert_eq!(d.status, AlertStatus::Escalated);
    assert_eq!(store.alert(&id).unwrap().unwrap().status, AlertStatus::Escalated);
    assert!(store.alerts(Some(AlertStatus::Open), 10, None).unwrap().is_empty());
    let audited = store.decision(&d.audit_decision_id).unwrap().unwrap();
    assert_eq!(audited.kind, "disposition");
    assert!(audited.input.contains(&id), "{}", audited.input);
    assert!(audited.input.contains("checked the passport"));
    assert_eq!(audited.prev_hash, store.decision(&id).unwrap().unwrap().hash);
    let check = store.verify_audit().unwrap();
    assert_eq!((check.records, check.first_broken), (2, None));
    assert_eq!(store.dispositions(&id).unwrap(), vec![d]);
}

#[test]
fn a_false_positive_adds_its_allowlist_entry_in_the_same_transaction() {
    let dir = TempDir::new("fp");
    let mut store = Store::open(&dir.0).unwrap();
    let id = store.append_decisions(&[record("A", "review")]).unwrap()[0]
        .decision_id
        .clone();
    let mut fp = disposition(&id, AlertStatus::FalsePositive);
    fp.allow = Some(NewAllowEntry {
        input_key: "name:a".to_string(),
        key_kind: interdict_model::AllowKeyKind::Name,
        entity_id: "E1".to_string(),
        entity_digest: "sha256:e1".to_string(),
        reason: "different birth date".to_string(),
        author: "analyst-1".to_string(),
        expires: Some("2022-01-01".parse().unwrap()),
    });
    let d = store.dispose(&fp).unwrap();
    let entry = d.allow_entry.clone().expect("an allowlist entry");
    assert_eq!(store.allow_entries().unwrap(), vec![entry.clone()]);
    assert_eq!(store.dispositions(&id).unwrap()[0].allow_entry, Some(entry));
}

/// A false positive confirmed after all kept its allowlist entry, so the
/// listed party it had hidden stayed allowed; and each repeated false
/// positive added one more entry. The latest disposition stands: it
/// withdraws the entries the earlier ones added, in its own transaction and
/// audit record, and the history still shows them.
#[test]
fn a_later_disposition_withdraws_the_allowlist_entries_of_earlier_ones() {
    let dir = TempDir::new("withdraw");
    let mut store = Store::open(&dir.0).unwrap();
    let ids: Vec<String> = store
        .append_decisions(&[record("A", "review"), record("B", "review")])
        .unwrap()
        .into_iter()
        .map(|r| r.decision_id)
        .collect();
    let false_positive = |id: &str| {
        let mut fp = disposition(id, AlertStatus::FalsePositive);
        fp.allow = Some(NewAllowEntry {
            input_key: format!("name:{id}"),
            key_kind: interdict_model::AllowKeyKind::Name,
            entity_id: "E1".to_string(),
            entity_digest: "sha256:e1".to_string(),
            reason: "different birth date".to_string(),
            author: "analyst-1".to_string(),
            expires: None,
        });
        fp
    };
    let other = store.dispose(&false_positive(&ids[1])).unwrap().allow_entry.unwrap();
    let first = store.dispose(&false_positive(&ids[0])).unwrap().allow_entry.unwrap();
    let again = store.dispose(&false_positive(&ids[0])).unwrap();
    assert_eq!(again.withdrawn_allow_entries, vec![first.id.clone()]);
    let second = again.allow_entry.clone().unwrap();
    let entries = |store: &Store| -> Vec<String> { store.allow_entries().unwrap().into_iter().map(|e| e.id).collect() };
    assert_eq!(entries(&store), [other.id.clone(), second.id.clone()]);

    let confirmed = store.dispose(&disposition(&ids[0], AlertStatus::Confirmed)).unwrap();
    assert_eq!(confirmed.withdrawn_allow_entries, vec![second.id.clone()]);
    assert_eq!(
        entries(&store),
        std::slice::from_ref(&other.id),
        "the other alert's entry stays"
    );
    let audited = store.decision(&confirmed.audit_decision_id).unwrap().unwrap();
    assert!(
        audited
            .input
            .contains(&format!(r#""withdrawn_allow_entries":["{}"]"#, second.id)),
        "{}",
        audited.input
    );
    let history = store.dispositions(&ids[0]).unwrap();
    let withdrawn: Vec<&[String]> = history.iter().map(|d| d.withdrawn_allow_entries.as_slice()).collect();
    assert_eq!(withdrawn, [&[][..], &[first.id.clone()][..], &[second.id.clone()][..]]);
    assert_eq!(
        history[1].allow_entry,
        Some(second.clone()),
        "a withdrawn entry is still in the history"
    );
    assert_eq!(history[2], confirmed);
    let escalated = store.dispose(&disposition(&ids[0], AlertStatus::Escalated)).unwrap();
    assert!(escalated.withdrawn_allow_entries.is_empty());
    assert_eq!(store.verify_audit().unwrap().first_broken, None);
    assert_eq!(store.verify_state().unwrap(), Vec::<String>::new());

    // The alerts and the allowlist sit beside the chain: changed in the
    // database, they cleared parties while `audit verify` said "intact".
    // The log says what they must be.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute_batch(&format!(
        "UPDATE alerts SET status = 'false_positive' WHERE decision_id = '{a}';
         UPDATE allowlist SET entity_id = 'E2', expires = '2099-01-01' WHERE id = {other};
         UPDATE allowlist SET withdrawn_by = NULL WHERE id = {second};
         INSERT INTO allowlist (input_key, entity_id, entity_digest, reason, author, created, key_kind)
             VALUES ('kim jong un', 'E9', 'sha256:e9', 'forged', 'nobody', '2026-01-01T00:00:00Z', 'name');",
        a = ids[0],
        other = &other.id[2..],
        second = &second.id[2..],
    ))
    .unwrap();
    drop(conn);
    assert_eq!(
        store.verify_audit().unwrap().first_broken,
        None,
        "the chain cannot see them"
    );
    let added_other = &store.dispositions(&ids[1]).unwrap()[0].audit_decision_id;
    assert_eq!(
        store.verify_state().unwrap(),
        [
            format!(
                "alert {} is `false_positive` in the store, but its last disposition in the log ({}) made it \
                 `escalated`",
                ids[0], escalated.audit_decision_id
            ),
            format!(
                "allowlist entry {} differs from its audit record {added_other}: entity_id, expires",
                other.id
            ),
            format!(
                "allowlist entry {} was withdrawn by {} in the log, but is in force in the store",
                second.id, confirmed.audit_decision_id
            ),
            "allowlist entry a-4 (`kim jong un` is not E9) is in no audit record (entries added with `allowlist \
             add` before it was recorded have none)"
                .to_string(),
        ]
    );
    // A row removed is missed as well.
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute("DELETE FROM allowlist WHERE id = 4", []).unwrap();
    conn.execute(&format!("DELETE FROM allowlist WHERE id = {}", &other.id[2..]), [])
        .unwrap();
    drop(conn);
    assert_eq!(
        store.verify_state().unwrap().last().unwrap(),
        &format!(
            "allowlist entry {}, added in the log ({added_other}), is not in the store",
            other.id
        )
    );
}

/// Alerts and dispositions edited, forged or deleted in the database: the
/// review queue lost a decision, or showed an analyst's words changed.
#[test]
fn alerts_and_dispositions_changed_beside_the_log_are_named() {
    let dir = TempDir::new("queue-tamper");
    let mut store = Store::open(&dir.0).unwrap();
    let ids: Vec<String> = store
        .append_decisions(&[record("A", "review"), record("B", "block"), record("C", "review")])
        .unwrap()
        .into_iter()
        .map(|r| r.decision_id)
        .collect();
    let d = store.dispose(&disposition(&ids[0], AlertStatus::Escalated)).unwrap();
    assert_eq!(store.verify_state().unwrap(), Vec::<String>::new());
    let conn = rusqlite::Connection::open(store.path()).unwrap();
    conn.execute_batch(&format!(
        "DELETE FROM alerts WHERE decision_id = '{c}';
         UPDATE alerts SET outcome = 'review' WHERE decision_id = '{b}';
         UPDATE dispositions SET comment = 'nothing to see';",
        b = ids[1],
        c = ids[2],
    ))
    .unwrap();
    drop(conn);
    assert_eq!(store.verify_audit().unwrap().first_broken, None);
    assert_eq!(
        store.verify_state().unwrap(),
        [
            format!(
                "alert {} (review) is not a decision of the log that needed an analyst",
                ids[1]
            ),
            format!("decision {} (review) has no alert in the store", ids[2]),
            format!(
                "the disposition of alert {} recorded as {} differs from its record",
                ids[0], d.audit_decision_id
            ),
        ]
    );
}

#[test]
fn refused_dispositions_change_nothing() {
    let dir = TempDir::new("refused");
    let mut store = Store::open(&dir.0).unwrap();
    let id = store.append_decisions(&[record("A", "review")]).unwrap()[0]
        .decision_id
        .clone();
    let unknown = store
        .dispose(&disposition("d-0000000000000000", AlertStatus::Confirmed))
        .unwrap_err();
    assert_eq!(unknown.to_string(), "no alert `d-0000000000000000`");
    let reopen = store.dispose(&disposition(&id, AlertStatus::Open)).unwrap_err();
    assert!(reopen.to_string().starts_with("status: "), "{reopen}");
    let mut confirmed_with_entry = disposition(&id, AlertStatus::Confirmed);
    confirmed_with_entry.allow = Some(NewAllowEntry {
        input_key: "name:a".to_string(),
        key_kind: interdict_model::AllowKeyKind::Name,
        entity_id: "E1".to_string(),
        entity_digest: "sha256:e1".to_string(),
        reason: "r".to_string(),
        author: "a".to_string(),
        expires: None,
    });
    let err = store.dispose(&confirmed_with_entry).unwrap_err();
    assert!(err.to_string().starts_with("allowlist: "), "{err}");
    assert_eq!(store.alert(&id).unwrap().unwrap().status, AlertStatus::Open);
    assert!(store.allow_entries().unwrap().is_empty());
    assert_eq!(store.verify_audit().unwrap().records, 1);
    assert!(store.dispositions(&id).unwrap().is_empty());
}
