//! `interdict apps screen FILE`: screen an app inventory.
//!
//! Output goes to stdout, one record per input row, in input order. A row
//! that cannot be screened is reported on stderr with file, line and
//! column, and has a record of its own saying so in its place; the rest of
//! the file goes on, and the exit code is then 1. The records are
//! documented in docs/output.md.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::time::Instant;

use interdict_lists::inventory::{AppRow, InventoryReader};
use interdict_model::{Decision, Outcome, WarningCode};
use interdict_screen::{Context, Screener};
use serde::Serialize;

use crate::args::{parse_jurisdictions, AppsScreen, Cli, Finished, ScreenFormat};
use crate::commands::audit::{self, screening_snapshot_used};
use crate::output::{spreadsheet_safe, RejectedError, RejectedRecord, Table};
use interdict_screen::record::{AuditInput, Screened};

/// One line of `--format jsonl`.
#[derive(Serialize)]
struct Record<'a> {
    /// Its id in the audit log; absent with `--no-audit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    decision_id: Option<String>,
    line: u64,
    input: serde_json::Map<String, serde_json::Value>,
    #[serde(flatten)]
    decision: &'a Decision,
}

/// A row that could not be screened, in the place of its record.
struct Rejected {
    line: Option<u64>,
    /// The row, when it was read (its app id was refused).
    row: Option<AppRow>,
    /// What stderr said, without `error: `.
    message: String,
    field: Option<String>,
}

/// A row's outcome: screened, with its decision and audit id, or rejected.
enum Done {
    Screened(AppRow, Decision, Option<String>),
    Rejected(Rejected),
}

/// Where rows go: JSONL and CSV stream; a table needs every row first to
/// size its columns.
enum Sink<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
    Table(Vec<Done>),
}

pub fn screen(cli: &Cli, args: &AppsScreen) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let ctx = Context {
        as_of: args.date.resolve()?,
        jurisdictions: parse_jurisdictions(&args.jurisdiction)?,
        policy: args.policy.into(),
    };
    let (snapshot, lists_notice, used) = screening_snapshot_used(cli, &[])?;
    let screener = Screener::new(&snapshot);
    let reader = InventoryReader::open(&args.file)?;

    let stdout = io::stdout();
    let mut sink = match args.format {
        ScreenFormat::Jsonl => Sink::Jsonl(BufWriter::new(stdout.lock())),
        ScreenFormat::Csv => {
            let mut w = csv::Writer::from_writer(BufWriter::new(stdout.lock()));
            w.write_record([
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
                "error",
            ])?;
            Sink::Csv(Box::new(w))
        }
        ScreenFormat::Table => Sink::Table(Vec::new()),
    };
    let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut rejected = 0usize;
    let mut pending: Vec<Pending> = Vec::new();

    for row in reader {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let message = e.to_string();
                eprintln!("error: {message}");
                rejected += 1;
                pending.push(Pending::Rejected(Rejected {
                    line: e.line_number(),
                    row: None,
                    message,
                    field: e.field_name().map(str::to_string),
                }));
                continue;
            }
        };
        let decision = match screener.screen_app(&row.app_id, &ctx) {
            Ok(d) => d,
            Err(e) => {
                let col = row
                    .fields
                    .iter()
                    .position(|(h, _)| h.eq_ignore_ascii_case("app_id"))
                    .map_or(0, |i| i + 1);
                let message = format!("{}:{}:{col}: field `app_id`: {e}", args.file.display(), row.line);
                eprintln!("error: {message}");
                rejected += 1;
                pending.push(Pending::Rejected(Rejected {
                    line: Some(row.line),
                    row: Some(row),
                    message,
                    field: Some("app_id".to_string()),
                }));
                continue;
            }
        };
        *counts.entry(decision.outcome).or_default() += 1;
        let record = if args.no_audit {
            None
        } else {
            let input = AuditInput {
                used: used.clone(),
                screened: Screened::App {
                    app_id: row.app_id.clone(),
                    as_of: ctx.as_of,
                    jurisdictions: args.jurisdiction.clone(),
                    policy: ctx.policy.as_str().to_string(),
                },
                allowlist: Vec::new(),
            };
            let value = interdict_screen::record::to_json_value(&decision)?;
            Some(audit::new_record(&snapshot, &ctx.as_of.to_string(), &input, &value)?)
        };
        pending.push(Pending::Screened(row, Box::new(decision), record));
        if pending.len() >= AUDIT_BATCH {
            flush(cli, &mut pending, &mut sink)?;
        }
    }
    flush(cli, &mut pending, &mut sink)?;
    match sink {
        Sink::Jsonl(mut out) => out.flush()?,
        Sink::Csv(mut w) => w.flush()?,
        Sink::Table(rows) => {
            let mut out = BufWriter::new(stdout.lock());
            write_table(&rows, &ctx, &mut out)?;
            out.flush()?;
        }
    }

    let total: usize = counts.values().sum();
    let jurisdictions: Vec<String> = ctx.jurisdictions.iter().map(|j| j.to_string()).collect();
    eprintln!(
        "screened {total} app(s) as of {} (jurisdiction {}, policy {}): {} block, {} review, {} allow{}; snapshot {}; {:.1?}",
        ctx.as_of,
        if jurisdictions.is_empty() { "none".to_string() } else { jurisdictions.join(",") },
        ctx.policy.as_str(),
        counts.get(&Outcome::Block).unwrap_or(&0),
        counts.get(&Outcome::Review).unwrap_or(&0),
        counts.get(&Outcome::Allow).unwrap_or(&0),
        if rejected > 0 { format!("; {rejected} row(s) rejected") } else { String::new() },
        snapshot.id(),
        started.elapsed(),
    );
    eprintln!("{lists_notice}");
    Ok(Finished::after(rejected))
}

/// Decisions are appended to the audit log this many at a time, each batch
/// in one transaction, and written out once they have their ids.
const AUDIT_BATCH: usize = 500;

/// A row waiting for its batch: screened, with its audit record, or
/// rejected, kept in its place.
enum Pending {
    // Boxed: a decision is large beside a rejected row.
    Screened(AppRow, Box<Decision>, Option<interdict_store::NewRecord>),
    Rejected(Rejected),
}

fn input_object(row: &AppRow) -> serde_json::Map<String, serde_json::Value> {
    row.fields
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect()
}

fn flush<W: Write>(cli: &Cli, pending: &mut Vec<Pending>, sink: &mut Sink<W>) -> anyhow::Result<()> {
    let records: Vec<_> = pending
        .iter_mut()
        .map(|p| match p {
            Pending::Screened(_, _, record) => record.take(),
            Pending::Rejected(_) => None,
        })
        .collect();
    let ids = audit::append_each(cli, &records)?;
    for (p, decision_id) in pending.drain(..).zip(ids) {
        let done = match p {
            Pending::Screened(row, decision, _) => Done::Screened(row, *decision, decision_id),
            Pending::Rejected(r) => Done::Rejected(r),
        };
        match sink {
            Sink::Jsonl(out) => {
                match &done {
                    Done::Screened(row, decision, decision_id) => serde_json::to_writer(
                        &mut *out,
                        &Record {
                            decision_id: decision_id.clone(),
                            line: row.line,
                            input: input_object(row),
                            decision,
                        },
                    )?,
                    Done::Rejected(r) => serde_json::to_writer(
                        &mut *out,
                        &RejectedRecord {
                            line: r.line,
                            input: r.row.as_ref().map(input_object),
                            error: RejectedError {
                                message: &r.message,
                                field: r.field.as_deref(),
                            },
                        },
                    )?,
                }
                writeln!(out)?;
            }
            Sink::Csv(w) => w.write_record(csv_row(&done))?,
            Sink::Table(rows) => rows.push(done),
        }
    }
    Ok(())
}

fn orders_cell(d: &Decision) -> String {
    d.orders
        .iter()
        .map(|f| format!("{}:{}:{}", f.id, f.status, f.outcome))
        .collect::<Vec<_>>()
        .join(";")
}

fn reason_cell(d: &Decision) -> String {
    if let Some(l) = d
        .listings
        .iter()
        .find(|l| l.outcome == d.outcome && l.outcome > Outcome::Allow)
    {
        return format!("{}: {}", l.name, l.reason);
    }
    let decisive = d
        .orders
        .iter()
        .filter(|f| f.outcome == d.outcome)
        .max_by_key(|f| f.path.len());
    match decisive {
        Some(f) => format!("{}: {}", f.id, f.reason),
        None if d.matches.is_empty() => "no listed app or entity has this identifier".to_string(),
        None => "no order covers it".to_string(),
    }
}

fn warnings_cell(d: &Decision) -> String {
    let mut codes: Vec<String> = Vec::new();
    for w in &d.warnings {
        if w.code == WarningCode::NoMatch {
            continue;
        }
        let text = match (&w.order, w.date) {
            (Some(o), Some(date)) => format!("{}({o} {date})", code_name(w.code)),
            (Some(o), None) => format!("{}({o})", code_name(w.code)),
            _ => code_name(w.code),
        };
        if !codes.contains(&text) {
            codes.push(text);
        }
    }
    codes.join(";")
}

fn code_name(code: WarningCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn csv_row(done: &Done) -> Vec<String> {
    let cells = match done {
        Done::Screened(row, d, decision_id) => vec![
            row.line.to_string(),
            row.app_id.clone(),
            row.name.clone().unwrap_or_default(),
            d.outcome.to_string(),
            orders_cell(d),
            reason_cell(d),
            d.path_text.clone(),
            warnings_cell(d),
            d.snapshot_id.clone(),
            decision_id.clone().unwrap_or_default(),
            String::new(),
        ],
        // The decision's columns empty, and the message in `error`.
        Done::Rejected(r) => vec![
            r.line.map(|l| l.to_string()).unwrap_or_default(),
            r.row.as_ref().map(|row| row.app_id.clone()).unwrap_or_default(),
            r.row.as_ref().and_then(|row| row.name.clone()).unwrap_or_default(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            r.message.clone(),
        ],
    };
    cells.into_iter().map(spreadsheet_safe).collect()
}

fn write_table(done: &[Done], ctx: &Context, out: &mut impl Write) -> io::Result<()> {
    if done.is_empty() {
        return writeln!(out, "(no rows)");
    }
    let rows: Vec<(&AppRow, &Decision, &Option<String>)> = done
        .iter()
        .filter_map(|d| match d {
            Done::Screened(row, decision, id) => Some((row, decision, id)),
            Done::Rejected(_) => None,
        })
        .collect();
    let jurisdictions: Vec<String> = ctx.jurisdictions.iter().map(|j| j.to_string()).collect();
    writeln!(
        out,
        "App screening as of {} (jurisdiction {}, policy {})",
        ctx.as_of,
        jurisdictions.join(","),
        ctx.policy.as_str()
    )?;
    let mut t = Table::new(&[
        ("LINE", 6),
        ("APP", 40),
        ("OUTCOME", 7),
        ("DECISION", 32),
        ("ORDERS", 60),
        ("WHY", 400),
    ]);
    for done in done {
        let (row, d, decision_id) = match done {
            Done::Screened(row, d, id) => (row, d, id),
            Done::Rejected(r) => {
                t.row(vec![
                    r.line.map(|l| l.to_string()).unwrap_or_else(|| "-".into()),
                    r.row
                        .as_ref()
                        .map(|row| row.app_id.clone())
                        .unwrap_or_else(|| "-".into()),
                    "ERROR".to_string(),
                    "-".to_string(),
                    "-".to_string(),
                    r.message.clone(),
                ]);
                continue;
            }
        };
        let label = match (&row.name, d.matches.first()) {
            (Some(n), _) => format!("{} ({n})", row.app_id),
            (None, Some(m)) => format!("{} ({})", row.app_id, m.name),
            (None, None) => row.app_id.clone(),
        };
        let orders = d
            .orders
            .iter()
            .map(|f| format!("{} {}", f.id, f.status))
            .collect::<Vec<_>>()
            .join(", ");
        t.row(vec![
            row.line.to_string(),
            label,
            d.outcome.to_string().to_uppercase(),
            decision_id.clone().unwrap_or_else(|| "-".into()),
            if orders.is_empty() { "-".into() } else { orders },
            reason_cell(d),
        ]);
    }
    t.write(out)?;
    let with_paths: Vec<_> = rows.iter().filter(|(_, d, _)| !d.path.is_empty()).collect();
    if !with_paths.is_empty() {
        writeln!(out)?;
        writeln!(out, "Paths:")?;
        for (row, d, _) in with_paths {
            writeln!(out, "  line {}: {}", row.line, d.path_text)?;
        }
    }
    let warned: Vec<_> = rows.iter().filter(|(_, d, _)| !warnings_cell(d).is_empty()).collect();
    if !warned.is_empty() {
        writeln!(out)?;
        writeln!(out, "Warnings:")?;
        for (row, d, _) in warned {
            writeln!(out, "  line {}: {}", row.line, warnings_cell(d))?;
        }
    }
    Ok(())
}
