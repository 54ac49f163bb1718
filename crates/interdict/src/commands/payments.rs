//! `interdict screen payments`: payments as JSON lines (or one JSON object
//! or array), each screened on its own date; one decision per payment, in
//! input order, and for a payment that cannot be screened a record saying
//! so in its place. Both are documented in docs/output.md.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::time::Instant;

use anyhow::Context as _;
use interdict_index::NameIndex;
use interdict_model::object::Object;
use interdict_model::Outcome;
use interdict_model::Payment;
use interdict_screen::{Screener, Thresholds};

use crate::args::{Cli, Finished, ScreenFormat, ScreenPayments};
use crate::commands::audit::{self, screening_snapshot_used};
use crate::output::{spreadsheet_safe, RejectedError, Table};
use interdict_screen::record::{AuditInput, Screened};

/// The largest file read whole (a JSON array, a pacs.008 or MT103 file);
/// JSON lines and CSV stream at any size.
const MAX_WHOLE_FILE: u64 = 256 << 20;

/// The most payments for review or blocked listed in an HTML report.
const REPORT_ROWS: usize = 10_000;

/// What the HTML report shows: the payments for review or blocked.
#[derive(Default)]
struct Report {
    rows: Vec<(String, String, Outcome, Vec<String>)>,
    more: usize,
}

impl Report {
    fn add(&mut self, d: &interdict_screen::PaymentDecision) {
        if d.outcome == Outcome::Allow {
            return;
        }
        if self.rows.len() >= REPORT_ROWS {
            self.more += 1;
            return;
        }
        let mut why: Vec<String> = d
            .hits
            .iter()
            .filter(|h| h.hit.outcome > Outcome::Allow)
            .map(|h| {
                format!(
                    "{} {}: {} ({}), score {:.2}: {}",
                    h.hit.outcome, h.field, h.hit.name, h.hit.entity_id, h.hit.score, h.hit.reason
                )
            })
            .collect();
        why.extend(d.apps.iter().filter(|a| a.decision.outcome > Outcome::Allow).map(|a| {
            format!(
                "{} {}: {}: {}",
                a.decision.outcome, a.field, a.app, a.decision.path_text
            )
        }));
        self.rows.push((d.id.clone(), d.as_of.to_string(), d.outcome, why));
    }

    fn html(
        &self,
        input: &str,
        counts: &BTreeMap<Outcome, usize>,
        top: &[(String, usize)],
        lists: &str,
        seconds: f64,
    ) -> String {
        let esc = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let total: usize = counts.values().sum();
        let outcomes = [
            (Outcome::Allow, "#2e7d32"),
            (Outcome::Review, "#f9a825"),
            (Outcome::Block, "#c62828"),
        ];
        let max = outcomes
            .iter()
            .map(|(o, _)| counts.get(o).copied().unwrap_or(0))
            .max()
            .unwrap_or(0)
            .max(1);
        let mut bars = String::new();
        for (i, (o, colour)) in outcomes.iter().enumerate() {
            let n = counts.get(o).copied().unwrap_or(0);
            let width = 400 * n / max;
            let y = 10 + i * 40;
            bars.push_str(&format!(
                "<text x=\"0\" y=\"{}\">{}</text><rect x=\"70\" y=\"{}\" width=\"{}\" height=\"26\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>",
                y + 18,
                o.as_str(),
                y,
                width,
                colour,
                76 + width,
                y + 18,
                n
            ));
        }
        let mut rows = String::new();
        for (id, date, outcome, why) in &self.rows {
            let items: String = why.iter().map(|w| format!("<li>{}</li>", esc(w))).collect();
            rows.push_str(&format!(
                "<tr class=\"{o}\"><td>{}</td><td>{}</td><td>{o}</td><td><ul>{items}</ul></td></tr>\n",
                esc(id),
                esc(date),
                o = outcome.as_str()
            ));
        }
        let tops: String = top
            .iter()
            .take(10)
            .map(|(name, n)| format!("<li>{n} × {}</li>", esc(name)))
            .collect();
        let more = if self.more > 0 {
            format!("<p>{} more not listed.</p>", self.more)
        } else {
            String::new()
        };
        format!(
            r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>interdict: payments screened</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 6px; text-align: left; vertical-align: top; }}
tr.block td:nth-child(3) {{ color: #c62828; font-weight: bold; }}
tr.review td:nth-child(3) {{ color: #b26a00; font-weight: bold; }}
ul {{ margin: 0; padding-left: 1.2em; }}
.meta {{ color: #666; }}
</style></head><body>
<h1>Payments screened</h1>
<p class="meta">{input}: {total} payments in {seconds:.2} s. {lists}</p>
<h2>Outcomes</h2>
<svg id="outcomes" width="560" height="130" role="img" aria-label="payments per outcome">{bars}</svg>
<h2>Entities hit most</h2><ul>{tops}</ul>
<h2>For review or blocked</h2>
<table><thead><tr><th>payment</th><th>date</th><th>outcome</th><th>why</th></tr></thead><tbody>
{rows}</tbody></table>{more}
</body></html>
"#,
            input = esc(input),
            lists = esc(lists),
        )
    }
}

/// The longest JSON line accepted: a payment is a few kilobytes.
const MAX_LINE: usize = 1 << 20;

pub fn screen(cli: &Cli, args: &ScreenPayments) -> anyhow::Result<Finished> {
    // Checked before anything is read, so a bad flag fails at once.
    let thresholds = Thresholds::new(args.block, args.review).map_err(crate::commands::party::setting_error)?;
    let started = Instant::now();
    let as_of = match &args.as_of {
        Some(d) => Some(
            d.parse::<interdict_model::Date>()
                .with_context(|| "--as-of".to_string())?,
        ),
        None => None,
    };
    let file = File::open(&args.file).with_context(|| format!("{}", args.file.display()))?;
    let mut reader = BufReader::new(file);
    let (snapshot, lists_notice, used) = screening_snapshot_used(cli, &args.list)?;
    let names = NameIndex::build(snapshot.dataset());
    let entries = audit::allowlist(cli)?;
    let screener = Screener::new(&snapshot).with_allowlist(entries.clone());
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
    let is_csv = args.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let mut rows: Box<dyn Iterator<Item = (u64, Result<Payment, String>)>> = if is_csv {
        // The column mapping is in docs/output.md and interdict_lists::payments_csv.
        let csv = interdict_lists::payments_csv::PaymentsCsv::new(&args.file, reader)?;
        Box::new(csv.map(|(line, row)| (line, row.map_err(|e| e.to_string()))))
    } else if let Some(format) = format {
        // pacs.008 or MT103: a message file is read whole; an error in it
        // stops the run, naming file, line and element or tag.
        let mut bytes = Vec::new();
        (&mut reader)
            .take(MAX_WHOLE_FILE + 1)
            .read_to_end(&mut bytes)
            .with_context(|| path.clone())?;
        anyhow::ensure!(
            bytes.len() as u64 <= MAX_WHOLE_FILE,
            "{path}: message files are read whole, and this one is over {} MiB: split it",
            MAX_WHOLE_FILE >> 20
        );
        let all = interdict_lists::messages::read(&args.file, &bytes, format)?;
        Box::new(all.into_iter().enumerate().map(|(i, p)| (i as u64 + 1, Ok(p))))
    } else if peeked && first[0] == b'[' {
        let mut text = String::new();
        (&mut reader)
            .take(MAX_WHOLE_FILE + 1)
            .read_to_string(&mut text)
            .with_context(|| path.clone())?;
        anyhow::ensure!(
            text.len() as u64 <= MAX_WHOLE_FILE,
            "{path}: a JSON array is read whole, and this one is over {} MiB: write JSON lines instead",
            MAX_WHOLE_FILE >> 20
        );
        let all: Vec<Object<Payment>> = serde_json::from_str(&text).with_context(|| path.clone())?;
        Box::new(all.into_iter().enumerate().map(|(i, p)| (i as u64 + 1, Ok(p.0))))
    } else {
        Box::new(JsonLines { reader, line: 0 })
    };

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let csv_out = match args.format {
        ScreenFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record([
                "id",
                "decision_id",
                "date",
                "outcome",
                "hits",
                "warnings",
                "snapshot_id",
                "error",
            ])?;
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            true
        }
        _ => false,
    };
    let mut report = args.report.as_ref().map(|_| Report::default());
    // A spinner with counts on a terminal; nothing when stderr is a file.
    let progress = if std::io::IsTerminal::is_terminal(&io::stderr()) {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let mut table = Table::new(&[
        ("id", 24),
        ("decision", 32),
        ("date", 10),
        ("outcome", 7),
        ("hits", 160),
    ]);
    let mut counts: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut top: BTreeMap<String, usize> = BTreeMap::new();
    let mut rejected = 0usize;
    let mut pending: Vec<Pending> = Vec::new();
    for (line, row) in &mut rows {
        progress.set_message(format!(
            "{} payments screened, {} rejected",
            counts.values().sum::<usize>(),
            rejected
        ));
        progress.tick();
        let mut payment = match row {
            Ok(p) => p,
            Err(e) => {
                let message = format!("{path}:{line}: {e}");
                eprintln!("error: {message}");
                rejected += 1;
                pending.push(Pending::Rejected(Rejected {
                    line,
                    id: None,
                    message,
                    field: None,
                }));
                continue;
            }
        };
        if let Some(d) = as_of {
            payment.date = d;
        }
        let decision = match screener.screen_payment(&payment, &names, thresholds, args.policy.into()) {
            Ok(d) => d,
            Err(e) => {
                let message = format!("{path}:{line}: {e} (payment {})", payment.id);
                eprintln!("error: {message}");
                rejected += 1;
                let field = match e.kind() {
                    interdict_screen::ErrorKind::InvalidParty { field, .. } => Some(field.clone()),
                    _ => None,
                };
                pending.push(Pending::Rejected(Rejected {
                    line,
                    id: Some(payment.id.clone()),
                    message,
                    field,
                }));
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
        if let Some(r) = report.as_mut() {
            r.add(&decision);
        }
        let value = interdict_screen::record::to_json_value(&decision)?;
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
        let row = if csv_out {
            let warnings: Vec<&str> = decision.warnings.iter().map(|w| w.message.as_str()).collect();
            vec![
                row[0].clone(),
                row[1].clone(),
                row[2].clone(),
                row[3].clone(),
                warnings.join("; "),
                decision.snapshot_id.clone(),
                String::new(),
            ]
        } else {
            row
        };
        pending.push(Pending::Screened(value, row, record));
        if pending.len() >= AUDIT_BATCH {
            flush(cli, &mut pending, args.format, &mut out, &mut table)?;
        }
    }
    flush(cli, &mut pending, args.format, &mut out, &mut table)?;
    progress.finish_and_clear();
    if matches!(args.format, ScreenFormat::Table) {
        // The header even when nothing was screened.
        table.write_batch(&mut out)?;
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
    if let (Some(r), Some(file)) = (report, &args.report) {
        let html = r.html(&path, &counts, &top, &lists_notice, started.elapsed().as_secs_f64());
        std::fs::write(file, html).with_context(|| format!("--report {}", file.display()))?;
        eprintln!("report: {}", file.display());
    }
    Ok(Finished::after(rejected))
}

/// Decisions are appended to the audit log this many at a time, each batch
/// in one transaction, and written once they have their ids.
const AUDIT_BATCH: usize = 500;

/// A payment waiting for its batch: its decision as JSON, as a table row,
/// and its audit record; or the payment that could not be screened, kept in
/// its place.
enum Pending {
    Screened(serde_json::Value, Vec<String>, Option<interdict_store::NewRecord>),
    Rejected(Rejected),
}

/// A payment that could not be screened.
struct Rejected {
    line: u64,
    /// The payment's id, when it was read.
    id: Option<String>,
    /// What stderr said, without `error: `.
    message: String,
    field: Option<String>,
}

/// The JSONL record of a rejected payment: `error` in place of a decision,
/// so that a reader looking for `outcome` fails on it rather than taking
/// it for a payment that was allowed.
#[derive(serde::Serialize)]
struct RejectedRecord<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    error: RejectedError<'a>,
}

fn flush(
    cli: &Cli,
    pending: &mut Vec<Pending>,
    format: ScreenFormat,
    out: &mut impl Write,
    table: &mut Table,
) -> anyhow::Result<()> {
    let records: Vec<_> = pending
        .iter_mut()
        .map(|p| match p {
            Pending::Screened(_, _, record) => record.take(),
            Pending::Rejected(_) => None,
        })
        .collect();
    let ids = audit::append_each(cli, &records)?;
    for (p, id) in pending.drain(..).zip(ids) {
        let (value, mut row) = match p {
            Pending::Screened(value, row, _) => (value, row),
            Pending::Rejected(r) => {
                write_rejected(&r, format, out, table)?;
                continue;
            }
        };
        match format {
            ScreenFormat::Jsonl => {
                serde_json::to_writer(&mut *out, &audit::with_id(id.as_deref(), value))?;
                writeln!(out)?;
            }
            ScreenFormat::Table => {
                row.insert(1, id.unwrap_or_default());
                table.row(row);
            }
            ScreenFormat::Csv => {
                row.insert(1, id.unwrap_or_default());
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(row.into_iter().map(spreadsheet_safe))?;
                out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
            }
        }
    }
    if matches!(format, ScreenFormat::Table) {
        table.write_batch(out)?;
    }
    Ok(())
}

/// A rejected payment's record: in JSONL, `line`, `id` and `error`; in CSV,
/// a row with the id, empty decision columns and the message in `error`;
/// in a table, a row with the outcome `ERROR`.
fn write_rejected(r: &Rejected, format: ScreenFormat, out: &mut impl Write, table: &mut Table) -> anyhow::Result<()> {
    match format {
        ScreenFormat::Jsonl => {
            let record = RejectedRecord {
                line: r.line,
                id: r.id.as_deref(),
                error: RejectedError {
                    message: &r.message,
                    field: r.field.as_deref(),
                },
            };
            serde_json::to_writer(&mut *out, &record)?;
            writeln!(out)?;
        }
        ScreenFormat::Table => table.row(vec![
            r.id.clone().unwrap_or_else(|| format!("line {}", r.line)),
            "-".to_string(),
            "-".to_string(),
            "ERROR".to_string(),
            r.message.clone(),
        ]),
        ScreenFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let id = r.id.clone().unwrap_or_default();
            let cells = [
                id,
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                r.message.clone(),
            ];
            w.write_record(cells.into_iter().map(spreadsheet_safe))?;
            out.write_all(&w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
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
                    serde_path_to_error::deserialize::<_, Object<Payment>>(&mut de)
                        .map(|p| p.0)
                        .map_err(|e| {
                            let field = e.path().to_string();
                            let inner = e.into_inner();
                            // serde's "at line 1 column C" counts within the
                            // line, and contradicted the file's line given
                            // before it: the column alone is kept.
                            let text = inner.to_string();
                            let text = text.rfind(" at line ").map_or(&*text, |at| &text[..at]);
                            let at = match inner.column() {
                                0 => String::new(),
                                column => format!(" (column {column})"),
                            };
                            if field == "." {
                                format!("{text}{at}")
                            } else {
                                format!("{field}: {text}{at}")
                            }
                        })
                });
            return Some((self.line, parsed));
        }
    }
}
