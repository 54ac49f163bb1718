//! The audit log from the CLI: screening commands append their decisions;
//! `audit verify` checks the chain, `explain` shows a decision, `replay`
//! screens its input again against the snapshot it used and shows what
//! differs.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use interdict_index::{NameIndex, Snapshot};
use interdict_model::{allow_key, AllowEntry, AllowKeyKind};
pub use interdict_screen::record::{entries_for, with_id};
use interdict_screen::record::{AuditInput, Screened, Used};
use interdict_screen::{Context, Screener, Thresholds};
use interdict_store::{NewAlert, NewAllowEntry, NewRecord, Store};
use serde_json::Value;

use crate::args::{
    load_list_snapshot, load_screening_snapshot_at, parse_jurisdictions, usage, AllowlistAdd, Cli, Explain, Finished,
    Replay, ShowFormat,
};

/// The allowlist in the data directory; empty when there is no store.
pub fn allowlist(cli: &Cli) -> anyhow::Result<Vec<AllowEntry>> {
    let dir = cli.data_dir()?;
    if !dir.join(interdict_store::DB_FILE).is_file() {
        return Ok(Vec::new());
    }
    Ok(Store::open(&dir)?.allow_entries()?)
}

pub fn allowlist_add(cli: &Cli, args: &AllowlistAdd) -> anyhow::Result<Finished> {
    anyhow::ensure!(!args.reason.trim().is_empty(), "--reason: give the reason");
    anyhow::ensure!(!args.author.trim().is_empty(), "--author: say who decided");
    let expires = match &args.expires {
        Some(d) => {
            let expires = d
                .parse::<interdict_model::Date>()
                .with_context(|| "--expires".to_string())?;
            // The first day it no longer applies.
            let today: interdict_model::Date = chrono::Utc::now().date_naive().into();
            anyhow::ensure!(
                expires > today,
                "--expires: {expires} is not after today: the entry would never apply"
            );
            Some(expires)
        }
        None => None,
    };
    let (snapshot, _, _) = screening_snapshot_used(cli, &args.list)?;
    let digest = snapshot
        .entity_digest(&args.entity)
        .with_context(|| format!("--entity {}: no such entity in the lists screening uses", args.entity))?;
    // Names are keyed as screening keys them; references as given;
    // identifiers as screening writes them.
    let (key, key_kind) = match (&args.reference, &args.name, &args.identifier) {
        (Some(reference), _, _) => {
            if reference.trim().is_empty() {
                return Err(usage("--reference: give the party's reference"));
            }
            (reference.trim().to_string(), AllowKeyKind::Reference)
        }
        (_, Some(name), _) => {
            let key = allow_key(name);
            if key.is_empty() {
                return Err(usage("--name: give a name"));
            }
            (key, AllowKeyKind::Name)
        }
        (_, _, Some(identifier)) => {
            let parsed = identifier
                .parse::<interdict_model::Identifier>()
                .map_err(|e| usage(format!("--identifier: {e}")))?;
            (parsed.to_string(), AllowKeyKind::Identifier)
        }
        (None, None, None) => unreachable!("clap requires one of the three"),
    };
    let mut store = Store::open(&cli.data_dir()?)?;
    let today: interdict_model::Date = chrono::Utc::now().date_naive().into();
    let (entry, audited) = store.add_allow_entry(
        &NewAllowEntry {
            input_key: key,
            key_kind,
            entity_id: args.entity.clone(),
            entity_digest: digest,
            reason: args.reason.clone(),
            author: args.author.clone(),
            expires,
        },
        snapshot.id(),
        &today.to_string(),
    )?;
    println!(
        "added {}: the {} `{}` is not {} ({}); audit record {audited}",
        entry.id,
        key_kind.as_str(),
        entry.input_key,
        entry.entity_id,
        snapshot.entity(&entry.entity_id).map(|e| e.name.as_str()).unwrap_or("")
    );
    Ok(Finished::Ok)
}

pub fn allowlist_list(cli: &Cli, format: ShowFormat) -> anyhow::Result<Finished> {
    let entries = allowlist(cli)?;
    let mut out = io::stdout().lock();
    match format {
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &entries)?;
            writeln!(out)?;
        }
        ShowFormat::Table => {
            let mut table = crate::output::Table::new(&[
                ("id", 8),
                ("kind", 10),
                ("key", 30),
                ("entity", 24),
                ("author", 16),
                ("expires", 10),
                ("reason", 60),
            ]);
            for e in &entries {
                table.row(vec![
                    e.id.clone(),
                    e.key_kind.map(|k| k.as_str()).unwrap_or("any").to_string(),
                    e.input_key.clone(),
                    e.entity_id.clone(),
                    e.author.clone(),
                    e.expires.map(|d| d.to_string()).unwrap_or_default(),
                    e.reason.clone(),
                ]);
            }
            table.write(&mut out)?;
        }
    }
    Ok(Finished::Ok)
}

/// The snapshot for `--list` files or, without them, the store's active
/// snapshot or the bundled lists; with what was used.
pub fn screening_snapshot_used(cli: &Cli, lists: &[PathBuf]) -> anyhow::Result<(Snapshot, String, Used)> {
    let mut used = Used {
        orders: cli.orders.clone(),
        ..Used::default()
    };
    if lists.is_empty() {
        let (snapshot, notice, store_snapshot) = load_screening_snapshot_at(cli, None)?;
        used.store_snapshot = store_snapshot;
        Ok((snapshot, notice, used))
    } else {
        let (snapshot, notice) = load_list_snapshot(cli, lists)?;
        used.lists = lists.to_vec();
        Ok((snapshot, notice, used))
    }
}

/// An audit record for a decision.
pub fn new_record(snapshot: &Snapshot, as_of: &str, input: &AuditInput, decision: &Value) -> anyhow::Result<NewRecord> {
    Ok(NewRecord {
        kind: input.kind().to_string(),
        snapshot_id: snapshot.id().to_string(),
        as_of: as_of.to_string(),
        input: serde_json::to_string(input)?,
        decision: serde_json::to_string(decision)?,
        alert: interdict_screen::record::alert(input, decision).map(|(outcome, subject)| NewAlert { outcome, subject }),
    })
}

/// Appends `records` to the audit log in the data directory and returns
/// their decision ids.
pub fn append(cli: &Cli, records: &[NewRecord]) -> anyhow::Result<Vec<String>> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut store = Store::open(&cli.data_dir()?)?;
    Ok(store
        .append_decisions(records)?
        .into_iter()
        .map(|r| r.decision_id)
        .collect())
}

/// Appends a batch of records, some absent (`--no-audit`), in one
/// transaction, and returns each one's decision id in the same order.
pub fn append_each(cli: &Cli, records: &[Option<NewRecord>]) -> anyhow::Result<Vec<Option<String>>> {
    let present: Vec<NewRecord> = records.iter().flatten().cloned().collect();
    let mut ids = append(cli, &present)?.into_iter();
    Ok(records.iter().map(|r| r.as_ref().and_then(|_| ids.next())).collect())
}

pub fn verify(cli: &Cli) -> anyhow::Result<Finished> {
    let dir = cli.data_dir()?;
    // Opening would create an empty store, and "intact: 0 records" for a
    // mistyped directory reads like a clean log.
    anyhow::ensure!(
        dir.join(interdict_store::DB_FILE).exists(),
        "no store in {}: nothing was ever recorded there (is --data-dir or INTERDICT_DATA_DIR right?)",
        dir.display()
    );
    let store = Store::open(&dir)?;
    let check = store.verify_audit()?;
    match &check.first_broken {
        None => {
            // The chain holds; the alerts and allowlist beside it must say
            // what it says.
            let differences = store.verify_state()?;
            if let Some(first) = differences.first() {
                for d in differences.iter().skip(1).take(19) {
                    eprintln!("  {d}");
                }
                anyhow::bail!(
                    "audit log intact ({} records), but the store disagrees with it in {} place(s): {first}{}",
                    check.records,
                    differences.len(),
                    if differences.len() > 1 {
                        " (the others above)"
                    } else {
                        ""
                    }
                );
            }
            println!(
                "audit log intact: {} records; the alerts and allowlist agree with it",
                check.records
            );
            Ok(Finished::Ok)
        }
        Some((seq, why)) => {
            anyhow::bail!(
                "audit log broken at record {seq}: {why} ({} records read)",
                check.records
            )
        }
    }
}

fn record(cli: &Cli, id: &str) -> anyhow::Result<interdict_store::AuditRecord> {
    let store = Store::open(&cli.data_dir()?)?;
    store
        .decision(id)?
        .with_context(|| format!("no decision `{id}` in the audit log at {}", store.path().display()))
}

pub fn explain(cli: &Cli, args: &Explain) -> anyhow::Result<Finished> {
    let r = record(cli, &args.decision_id)?;
    let decision: Value = serde_json::from_str(&r.decision).context("the stored decision")?;
    let mut out = io::stdout().lock();
    if matches!(args.format, ShowFormat::Json) {
        serde_json::to_writer_pretty(&mut out, &with_id(Some(&r.decision_id), decision))?;
        writeln!(out)?;
        return Ok(Finished::Ok);
    }
    writeln!(out, "decision {} ({}), recorded {}", r.decision_id, r.kind, r.created)?;
    // An analyst's act, not a screening: what was done, by whom and why.
    if r.kind == "disposition" || r.kind == "allowlist" {
        let input: Value = serde_json::from_str(&r.input).context("the stored input")?;
        if r.kind == "disposition" {
            writeln!(
                out,
                "alert {}: {}",
                input["alert"].as_str().unwrap_or("?"),
                input["status"].as_str().unwrap_or("?")
            )?;
        }
        writeln!(out, "author: {}", input["author"].as_str().unwrap_or("?"))?;
        writeln!(out, "comment: {}", input["comment"].as_str().unwrap_or(""))?;
        let entry = &input["allow_entry"];
        if entry.is_object() {
            writeln!(
                out,
                "allowlist entry {}: {}`{}` is not {}{}",
                entry["id"].as_str().unwrap_or("?"),
                entry["key_kind"]
                    .as_str()
                    .map(|k| format!("the {k} "))
                    .unwrap_or_default(),
                entry["input_key"].as_str().unwrap_or("?"),
                entry["entity_id"].as_str().unwrap_or("?"),
                entry["expires"]
                    .as_str()
                    .map(|d| format!(", until {d}"))
                    .unwrap_or_default()
            )?;
        }
        for withdrawn in input["withdrawn_allow_entries"].as_array().into_iter().flatten() {
            writeln!(out, "withdraws allowlist entry {}", withdrawn.as_str().unwrap_or("?"))?;
        }
        return Ok(Finished::Ok);
    }
    writeln!(out, "as of {} on snapshot {}", r.as_of, r.snapshot_id)?;
    // The screening snapshot is the lists with the orders: its id is not
    // the stored list snapshot's, which `lists show` names.
    if let Ok(input) = serde_json::from_str::<AuditInput>(&r.input) {
        match (&input.used.store_snapshot, input.used.lists.as_slice()) {
            (Some(stored), _) => writeln!(out, "lists: stored snapshot {stored}")?,
            (None, []) => writeln!(out, "lists: the bundled lists")?,
            (None, files) => {
                let files: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
                writeln!(out, "lists: the files {}", files.join(", "))?
            }
        }
    }
    writeln!(
        out,
        "outcome: {}",
        decision["outcome"].as_str().unwrap_or("?").to_uppercase()
    )?;
    let hits: &[Value] = decision["hits"].as_array().map_or(&[], Vec::as_slice);
    // Suppressed hits decided the outcome as much as the others: an
    // auditor reading the text must see them and the entry that cleared
    // each.
    let suppressed: &[Value] = decision["suppressed"].as_array().map_or(&[], Vec::as_slice);
    for hit in hits.iter().chain(suppressed) {
        let field = hit["field"].as_str().map(|f| format!("{f}: ")).unwrap_or_default();
        writeln!(
            out,
            "- {}{} {} ({}), score {}: {}",
            field,
            hit["outcome"].as_str().unwrap_or("?"),
            hit["name"].as_str().unwrap_or("?"),
            hit["entity_id"].as_str().unwrap_or("?"),
            hit["score"],
            hit["reason"].as_str().unwrap_or("")
        )?;
        let by = &hit["suppressed_by"];
        if by.is_object() {
            writeln!(
                out,
                "    suppressed by allowlist entry {} ({}: {})",
                by["entry_id"].as_str().unwrap_or("?"),
                by["author"].as_str().unwrap_or("?"),
                by["reason"].as_str().unwrap_or("")
            )?;
        }
        if let Some(aligned) = hit["features"]["aligned"].as_array() {
            for a in aligned {
                writeln!(
                    out,
                    "    {} ~ {}: {} {}",
                    a["query"].as_str().unwrap_or(""),
                    a["candidate"].as_str().unwrap_or(""),
                    a["match"].as_str().unwrap_or(""),
                    a["similarity"]
                )?;
            }
        }
        for o in hit["ownership"].as_array().into_iter().flatten() {
            writeln!(out, "    ownership: {}", o["path_text"].as_str().unwrap_or(""))?;
        }
        for o in hit["orders"].as_array().into_iter().flatten() {
            writeln!(
                out,
                "    order {}: {}",
                o["id"].as_str().unwrap_or(""),
                o["path_text"].as_str().unwrap_or("")
            )?;
        }
    }
    // An app decision: its orders and the path that decided it.
    for o in decision["orders"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "- order {} ({}): {}: {}",
            o["id"].as_str().unwrap_or(""),
            o["status"].as_str().unwrap_or(""),
            o["outcome"].as_str().unwrap_or(""),
            o["reason"].as_str().unwrap_or("")
        )?;
    }
    if let Some(path) = decision["path_text"].as_str().filter(|p| !p.is_empty()) {
        writeln!(out, "  path: {path}")?;
    }
    if hits.is_empty() && suppressed.is_empty() && decision["orders"].as_array().is_none_or(|o| o.is_empty()) {
        writeln!(out, "no hits")?;
    }
    for w in decision["warnings"].as_array().into_iter().flatten() {
        writeln!(
            out,
            "warning {}: {}",
            w["code"].as_str().unwrap_or("?"),
            w["message"].as_str().unwrap_or("")
        )?;
    }
    Ok(Finished::Ok)
}

pub fn replay(cli: &Cli, args: &Replay) -> anyhow::Result<Finished> {
    let r = record(cli, &args.decision_id)?;
    anyhow::ensure!(
        r.kind != "disposition" && r.kind != "allowlist",
        "{} records an analyst's {}, not a screening; `interdict explain {}` shows it",
        r.decision_id,
        if r.kind == "allowlist" {
            "allowlist entry"
        } else {
            "disposition of an alert"
        },
        r.decision_id
    );
    let input: AuditInput = serde_json::from_str(&r.input).context("the stored input")?;
    anyhow::ensure!(
        input.used.orders == cli.orders,
        "decision {} used --orders {:?}; replay it with the same --orders",
        r.decision_id,
        input.used.orders
    );
    let (snapshot, _) = if input.used.lists.is_empty() {
        let (s, n, _) = load_screening_snapshot_at(cli, input.used.store_snapshot.as_deref())?;
        (s, n)
    } else {
        load_list_snapshot(cli, &input.used.lists)?
    };
    anyhow::ensure!(
        snapshot.id() == r.snapshot_id,
        "cannot rebuild snapshot {}: the data now gives {} (a list file or --orders file changed)",
        r.snapshot_id,
        snapshot.id()
    );
    let names = NameIndex::build(snapshot.dataset());
    let screener = Screener::new(&snapshot).with_allowlist(input.allowlist.clone());
    let policy = |p: &str| -> anyhow::Result<interdict_model::Policy> { p.parse().map_err(anyhow::Error::msg) };
    let again: Value = match &input.screened {
        Screened::Party {
            party,
            as_of,
            jurisdictions,
            policy: p,
            block,
            review,
        } => {
            let ctx = Context {
                as_of: *as_of,
                jurisdictions: parse_jurisdictions(jurisdictions)?,
                policy: policy(p)?,
            };
            let thresholds = Thresholds {
                block: *block,
                review: *review,
            };
            interdict_screen::record::to_json_value(&screener.screen_party(party, &names, thresholds, &ctx)?)?
        }
        Screened::App {
            app_id,
            as_of,
            jurisdictions,
            policy: p,
        } => {
            let ctx = Context {
                as_of: *as_of,
                jurisdictions: parse_jurisdictions(jurisdictions)?,
                policy: policy(p)?,
            };
            interdict_screen::record::to_json_value(&screener.screen_app(app_id, &ctx)?)?
        }
        Screened::Payment {
            payment,
            policy: p,
            block,
            review,
        } => {
            let thresholds = Thresholds {
                block: *block,
                review: *review,
            };
            interdict_screen::record::to_json_value(&screener.screen_payment(
                payment,
                &names,
                thresholds,
                policy(p)?,
            )?)?
        }
    };
    let stored: Value = serde_json::from_str(&r.decision).context("the stored decision")?;
    let mut differences = Vec::new();
    diff("", &stored, &again, &mut differences);
    let mut out = io::stdout().lock();
    if differences.is_empty() {
        writeln!(
            out,
            "replayed {} on snapshot {}: the same decision ({})",
            r.decision_id,
            r.snapshot_id,
            stored["outcome"].as_str().unwrap_or("?")
        )?;
        return Ok(Finished::Ok);
    }
    writeln!(
        out,
        "replayed {} on snapshot {}: {} difference{}",
        r.decision_id,
        r.snapshot_id,
        differences.len(),
        if differences.len() == 1 { "" } else { "s" }
    )?;
    for d in differences.iter().take(50) {
        writeln!(out, "  {d}")?;
    }
    anyhow::bail!("the replayed decision differs from the recorded one")
}

/// Whether two numbers are the same `f32`.
fn same_f32(a: Option<f64>, b: Option<f64>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a as f32 == b as f32)
}

/// The leaves where `a` and `b` differ, as `path: a → b`.
fn diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                diff(
                    &p,
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let p = format!("{path}[{i}]");
                diff(
                    &p,
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        // Records written before numbers were kept as written hold an f32
        // as its nearest f64 (0.949999988079071 for 0.95): the same number.
        (Value::Number(x), Value::Number(y)) if same_f32(x.as_f64(), y.as_f64()) => {}
        _ if a != b => out.push(format!("{path}: {a} → {b}")),
        _ => {}
    }
}
