//! `interdict screen payments`: payments as JSON lines (or one JSON object
//! or array), each screened on its own date; one decision per payment, in
//! input order. The decision is documented in docs/output.md.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::time::Instant;

use anyhow::Context as _;
use interdict_index::NameIndex;
use interdict_model::Outcome;
use interdict_model::Payment;
use interdict_screen::{Screener, Thresholds};

use crate::args::{Cli, Finished, ScreenFormat, ScreenPayments};
use crate::commands::audit::{self, screening_snapshot_used, AuditInput, Screened};
use crate::output::Table;

/// The longest JSON line accepted: a payment is a few kilobytes.
const MAX_LINE: usize = 1 << 20;

pub fn screen(cli: &Cli, args: &ScreenPayments) -> anyhow::Result<Finished> {
    anyhow::ensure!(
        args.review <= args.block,
        "--review {} is above --block {}: review must be the lower threshold",
        args.review,
        args.block
    );
    let started = Instant::now();
    let file = File::open(&args.file).with_context(|| format!("{}", args.file.display()))?;
    let mut reader = BufReader::new(file);
    let (snapshot, lists_notice, used) = screening_snapshot_used(cli, &args.list)?;
    let names = NameIndex::build(snapshot.dataset());
    let entries = audit::allowlist(cli)?;
    let screener = Screener::new(&snapshot).with_allowlist(entries.clone());
    let thresholds = Thresholds {
        block: args.block,
        review: args.review,
    };
    let path = args.file.display().to_string();

    // A whole-file JSON object or array, or JSON lines.
    let mut first = [0u8; 1];
    let peeked = {
        let buf = reader.fill_buf()?;
        let skip = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        first[0] = buf.get(skip).copied().unwrap_or(b'{');
        buf.len() > skip
    };
    let format = interdict_lists::messages::detect(reader.fill_buf()?);
    let mut rows: Box<dyn Iterator<Item = (u64, Result<Payment, String>)>> = if let Some(format) = format {
        // pacs.008 or MT103: a message file is read whole; an error in it
        // stops the run, naming file, line and element or tag.
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).with_context(|| path.clone())?;
        let all = interdict_lists::messages::read(&args.file, &bytes, format)?;
        Box::new(all.into_iter().enumerate().map(|(i, p)| (i as u64 + 1, Ok(p))))
    } else if peeked && first[0] == b'[' {
        let mut text = String::new();
        reader.read_to_string(&mut text).with_context(|| path.clone())?;
        let all: Vec<Payment> = serde_json::from_str(&text).with_context(|| path.clone())?;
        Box::new(all.into_iter().enumerate().map(|(i, p)| (i as u64 + 1, Ok(p))))
    } else {
        Box::new(JsonLines { reader, line: 0 })
    };

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut table = Table::new(&[
        ("id", 24),
        ("decision", 18),
        ("date", 10),
        ("outcome", 7),
        ("hits", 160),
    ]);
    let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut top: BTreeMap<String, usize> = BTreeMap::new();
    let mut rejected = 0usize;
    let mut pending: Vec<Pending> = Vec::new();
    for (line, row) in &mut rows {
        let payment = match row {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {path}:{line}: {e}");
                rejected += 1;
                continue;
            }
        };
        let decision = match screener.screen_payment(&payment, &names, thresholds, args.policy.into()) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {path}:{line}: {e} (payment {})", payment.id);
                rejected += 1;
                continue;
            }
        };
        *counts.entry(decision.outcome).or_default() += 1;
        for h in decision.hits.iter().filter(|h| h.hit.outcome > Outcome::Allow) {
            *top.entry(format!("{} ({})", h.hit.name, h.hit.entity_id)).or_default() += 1;
        }
        let row = vec![
            decision.id.clone(),
            decision.as_of.to_string(),
            decision.outcome.as_str().to_string(),
            decision
                .hits
                .iter()
                .filter(|h| h.hit.outcome > Outcome::Allow)
                .map(|h| format!("{} {}: {} {:.2}", h.hit.outcome, h.field, h.hit.name, h.hit.score))
                .chain(
                    decision
                        .apps
                        .iter()
                        .filter(|a| a.decision.outcome > Outcome::Allow)
                        .map(|a| format!("{} {}: {}", a.decision.outcome, a.field, a.app)),
                )
                .collect::<Vec<_>>()
                .join("; "),
        ];
        let value = serde_json::to_value(&decision)?;
        let record = if args.no_audit {
            None
        } else {
            let input = AuditInput {
                used: used.clone(),
                allowlist: audit::entries_for(&entries, &value),
                screened: Screened::Payment {
                    payment: Box::new(payment),
                    policy: interdict_model::Policy::from(args.policy).as_str().to_string(),
                    block: args.block,
                    review: args.review,
                },
            };
            Some(audit::new_record(
                &snapshot,
                &decision.as_of.to_string(),
                &input,
                &value,
            )?)
        };
        pending.push((value, row, record));
        if pending.len() >= AUDIT_BATCH {
            flush(cli, &mut pending, args.format, &mut out, &mut table)?;
        }
    }
    flush(cli, &mut pending, args.format, &mut out, &mut table)?;
    if !matches!(args.format, ScreenFormat::Jsonl) {
        table.write(&mut out)?;
    }
    out.flush()?;

    let summary: Vec<String> = counts.iter().map(|(o, n)| format!("{n} {o}")).collect();
    eprintln!(
        "{} payments in {:.2} s: {}{}; {lists_notice}",
        counts.values().sum::<usize>(),
        started.elapsed().as_secs_f64(),
        if summary.is_empty() {
            "none".to_string()
        } else {
            summary.join(", ")
        },
        if rejected > 0 {
            format!("; {rejected} rejected")
        } else {
            String::new()
        },
    );
    let mut top: Vec<(String, usize)> = top.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (name, n) in top.iter().take(5) {
        eprintln!("  {n} × {name}");
    }
    Ok(if rejected > 0 {
        Finished::WithRejectedInput
    } else {
        Finished::Ok
    })
}

/// Decisions are appended to the audit log this many at a time, each batch
/// in one transaction, and written once they have their ids.
const AUDIT_BATCH: usize = 500;

/// A decision waiting for its batch: as JSON, as a table row, and its
/// audit record.
type Pending = (serde_json::Value, Vec<String>, Option<interdict_store::NewRecord>);

fn flush(
    cli: &Cli,
    pending: &mut Vec<Pending>,
    format: ScreenFormat,
    out: &mut impl Write,
    table: &mut Table,
) -> anyhow::Result<()> {
    let records: Vec<_> = pending.iter().filter_map(|p| p.2.clone()).collect();
    let mut ids = audit::append(cli, &records)?.into_iter();
    for (value, mut row, record) in pending.drain(..) {
        let id = record.and_then(|_| ids.next());
        match format {
            ScreenFormat::Jsonl => {
                serde_json::to_writer(&mut *out, &audit::with_id(id.as_deref(), value))?;
                writeln!(out)?;
            }
            ScreenFormat::Table | ScreenFormat::Csv => {
                row.insert(1, id.unwrap_or_default());
                table.row(row);
            }
        }
    }
    Ok(())
}

/// Payments one a line; blank lines are skipped. A line that is too long,
/// not UTF-8 or not a payment is an error for that line only.
struct JsonLines<R> {
    reader: R,
    line: u64,
}

impl<R: BufRead> Iterator for JsonLines<R> {
    type Item = (u64, Result<Payment, String>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut buf = Vec::new();
            self.line += 1;
            match (&mut self.reader).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some((self.line, Err(e.to_string()))),
            }
            if buf.len() > MAX_LINE {
                // Skip the rest of the over-long line.
                let mut rest = Vec::new();
                let _ = self.reader.read_until(b'\n', &mut rest);
                return Some((self.line, Err(format!("line longer than {MAX_LINE} bytes"))));
            }
            if buf.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            let parsed = std::str::from_utf8(&buf)
                .map_err(|e| format!("not UTF-8: {e}"))
                .and_then(|s| {
                    // The error names the field: `beneficiary.identifiers[0]`.
                    let mut de = serde_json::Deserializer::from_str(s);
                    serde_path_to_error::deserialize::<_, Payment>(&mut de).map_err(|e| {
                        let field = e.path().to_string();
                        let inner = e.into_inner();
                        if field == "." {
                            inner.to_string()
                        } else {
                            format!("{field}: {inner}")
                        }
                    })
                });
            return Some((self.line, parsed));
        }
    }
}
