//! `interdict screen names`: screen names against the lists.
//!
//! One output record per input row, in input order. A bad row is reported
//! on stderr with file, line and field, and gets a record that says why in
//! place of hits, so that the output still lines up with the input; the
//! rest of the file goes on (the exit code is then 1). The records are
//! documented in docs/output.md.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use interdict_index::names::parse_birth_date_input;
use interdict_index::{NameHit, NameIndex, Snapshot};
use interdict_lists::names_input::{NameRow, NamesReader};
use interdict_model::{CountryCode, Date};
use interdict_names::{Adjustment, Evidence, Features, PartyKind};
use serde::Serialize;

use crate::args::{load_list_snapshot, load_screening_snapshot, Cli, Finished, ScreenFormat, ScreenNames};
use crate::output::{spreadsheet_safe, RejectedError, RejectedRecord, Table};

/// How often a long run reports progress on stderr.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// One hit of the JSONL output.
#[derive(Serialize)]
pub struct HitRecord<'a> {
    pub entity_id: &'a str,
    /// The listed name or alias that matched.
    pub name: &'a str,
    pub score: f32,
    /// The entity's primary name, when the match was on an alias.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_name: Option<&'a str>,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub datasets: &'a [String],
    pub features: FeatureRecord<'a>,
}

#[derive(Serialize)]
pub struct FeatureRecord<'a> {
    #[serde(flatten)]
    pub name: &'a Features,
    #[serde(skip_serializing_if = "is_zero_adjustment")]
    pub evidence: &'a Adjustment,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub weak_alias: bool,
}

fn is_zero_adjustment(a: &&Adjustment) -> bool {
    **a == Adjustment::default()
}

impl<'a> HitRecord<'a> {
    pub fn new(snapshot: &'a Snapshot, hit: &'a NameHit) -> HitRecord<'a> {
        let entity = &snapshot.dataset().entities[hit.entity];
        HitRecord {
            entity_id: &entity.id,
            name: &hit.name,
            score: hit.score,
            entity_name: (entity.name != hit.name).then_some(entity.name.as_str()),
            kind: entity.kind.as_str(),
            datasets: &entity.datasets,
            features: FeatureRecord {
                name: &hit.features,
                evidence: &hit.adjustment,
                weak_alias: hit.weak_alias,
            },
        }
    }
}

#[derive(Serialize)]
struct Record<'a> {
    line: u64,
    input: serde_json::Map<String, serde_json::Value>,
    hits: Vec<HitRecord<'a>>,
}

/// Why a row was not screened: where, and the message printed on stderr.
struct Rejection {
    line: Option<u64>,
    field: Option<String>,
    message: String,
}

fn input_object(row: &NameRow) -> serde_json::Map<String, serde_json::Value> {
    row.fields.iter().cloned().collect()
}

/// The secondary evidence of an input row, screened on `today`; a value
/// that cannot be read (or a birth after `today`) is an error naming its
/// field.
pub fn row_evidence(row: &NameRow, today: Date) -> Result<Evidence, (&'static str, String)> {
    let mut evidence = Evidence::default();
    if let Some(kind) = &row.kind {
        evidence.kind = Some(PartyKind::from_word(kind).ok_or((
            "type",
            format!("unknown type `{kind}`: expected person, organization, vessel or aircraft"),
        ))?);
    }
    if let Some(date) = &row.birth_date {
        let parsed = parse_birth_date_input(date, today).map_err(|message| ("birth_date", message))?;
        evidence.birth_dates.push(parsed);
    }
    if let Some(country) = &row.country {
        let code: CountryCode = country.parse().map_err(|e| ("country", format!("{e}")))?;
        evidence.countries.push(code.as_str().to_string());
    }
    Ok(evidence)
}

/// The snapshot to screen against: `--list` files with the built-in data,
/// or what `apps screen` uses (the active snapshot, else the bundled lists).
pub fn screening_snapshot(cli: &Cli, lists: &[PathBuf]) -> anyhow::Result<(Snapshot, String)> {
    if lists.is_empty() {
        load_screening_snapshot(cli)
    } else {
        load_list_snapshot(cli, lists)
    }
}

/// A row of the CSV output (`line,input,rank,entity_id,name,score,kind,
/// error`): one per hit, ranked from 1; with no hit, the hit's columns are
/// empty, and `error` is filled only for a rejected row.
fn csv_row(line: &str, input: &str, hit: Option<(usize, &HitRecord)>, error: &str) -> [String; 8] {
    let (rank, entity_id, name, score, kind) = match hit {
        Some((rank, h)) => (
            (rank + 1).to_string(),
            h.entity_id.to_string(),
            h.name.to_string(),
            format!("{:.3}", h.score),
            h.kind.to_string(),
        ),
        None => Default::default(),
    };
    [
        line.to_string(),
        input.to_string(),
        rank,
        entity_id,
        name,
        score,
        kind,
        error.to_string(),
    ]
    .map(spreadsheet_safe)
}

/// Writes the record of a rejected row in the chosen format: JSONL a
/// [`RejectedRecord`], CSV a row with the `error` column filled and no hit,
/// the table a row saying it was rejected.
fn write_rejected(
    format: ScreenFormat,
    out: &mut impl Write,
    csv_out: Option<&mut csv::Writer<BufWriter<io::Stdout>>>,
    table: &mut Table,
    row: Option<&NameRow>,
    rejection: &Rejection,
) -> anyhow::Result<()> {
    let line = rejection.line.map(|l| l.to_string()).unwrap_or_default();
    let name = row.map(|r| r.name.clone()).unwrap_or_default();
    match format {
        ScreenFormat::Jsonl => {
            let record = RejectedRecord {
                line: rejection.line,
                input: row.map(input_object),
                error: RejectedError {
                    message: &rejection.message,
                    field: rejection.field.as_deref(),
                },
            };
            serde_json::to_writer(&mut *out, &record)?;
            writeln!(out)?;
        }
        ScreenFormat::Csv => {
            let w = csv_out.expect("csv writer");
            w.write_record(csv_row(&line, &name, None, &rejection.message))?;
        }
        ScreenFormat::Table => {
            table.row(vec![line, name, "-".into(), "-".into(), "rejected: see stderr".into()]);
        }
    }
    Ok(())
}

pub fn names(cli: &Cli, args: &ScreenNames) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let today: Date = chrono::Utc::now().date_naive().into();
    let (snapshot, lists_notice) = screening_snapshot(cli, &args.list)?;
    let built = Instant::now();
    let index = NameIndex::build(snapshot.dataset());
    let build_time = built.elapsed();
    let reader = NamesReader::open(&args.input).with_context(|| "--input".to_string())?;

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut csv_out = match args.format {
        ScreenFormat::Csv => {
            let mut w = csv::Writer::from_writer(BufWriter::new(io::stdout()));
            w.write_record(["line", "input", "rank", "entity_id", "name", "score", "kind", "error"])?;
            Some(w)
        }
        _ => None,
    };
    let mut table = Table::new(&[
        ("line", 8),
        ("input", 40),
        ("score", 5),
        ("entity_id", 36),
        ("matched name", 48),
    ]);
    let (mut screened, mut with_hits, mut rejected) = (0usize, 0usize, 0usize);
    let mut last_progress = Instant::now();
    for row in reader {
        let outcome = match row {
            Ok(row) => match row_evidence(&row, today) {
                Ok(evidence) => Ok((row, evidence)),
                Err((field, message)) => Err((
                    Rejection {
                        line: Some(row.line),
                        field: Some(field.to_string()),
                        message: format!("{}:{}: field `{field}`: {message}", args.input.display(), row.line),
                    },
                    Some(row),
                )),
            },
            Err(e) => Err((
                Rejection {
                    line: e.line_number(),
                    field: e.field_name().map(str::to_string),
                    message: e.to_string(),
                },
                None,
            )),
        };
        let (row, evidence) = match outcome {
            Ok(screenable) => screenable,
            Err((rejection, row)) => {
                eprintln!("error: {}", rejection.message);
                rejected += 1;
                write_rejected(
                    args.format,
                    &mut out,
                    csv_out.as_mut(),
                    &mut table,
                    row.as_ref(),
                    &rejection,
                )?;
                continue;
            }
        };
        let hits = index.search(&row.name, &evidence, args.threshold, args.limit);
        screened += 1;
        with_hits += usize::from(!hits.is_empty());
        let records: Vec<HitRecord> = hits.iter().map(|h| HitRecord::new(&snapshot, h)).collect();
        match args.format {
            ScreenFormat::Jsonl => {
                let input = input_object(&row);
                serde_json::to_writer(
                    &mut out,
                    &Record {
                        line: row.line,
                        input,
                        hits: records,
                    },
                )?;
                writeln!(out)?;
            }
            ScreenFormat::Csv => {
                let w = csv_out.as_mut().expect("csv writer");
                let line = row.line.to_string();
                if records.is_empty() {
                    w.write_record(csv_row(&line, &row.name, None, ""))?;
                }
                for (rank, h) in records.iter().enumerate() {
                    w.write_record(csv_row(&line, &row.name, Some((rank, h)), ""))?;
                }
            }
            ScreenFormat::Table => {
                if records.is_empty() {
                    table.row(vec![
                        row.line.to_string(),
                        row.name.clone(),
                        "-".into(),
                        "-".into(),
                        "no hit".into(),
                    ]);
                }
                for h in &records {
                    table.row(vec![
                        row.line.to_string(),
                        row.name.clone(),
                        format!("{:.3}", h.score),
                        h.entity_id.to_string(),
                        h.name.to_string(),
                    ]);
                }
            }
        }
        if last_progress.elapsed() >= PROGRESS_EVERY {
            eprintln!(
                "... {screened} name(s) screened, {with_hits} with hits, {:.1?}",
                started.elapsed()
            );
            last_progress = Instant::now();
        }
    }
    if let ScreenFormat::Table = args.format {
        table.write(&mut out)?;
    }
    out.flush()?;
    if let Some(mut w) = csv_out {
        w.flush()?;
    }
    eprintln!(
        "screened {screened} name(s) at threshold {}: {with_hits} with hits{}; {} names indexed in {:.1?}; snapshot {}; {:.1?}",
        args.threshold,
        if rejected > 0 { format!("; {rejected} row(s) rejected") } else { String::new() },
        index.len(),
        build_time,
        snapshot.id(),
        started.elapsed(),
    );
    eprintln!("{lists_notice}");
    Ok(Finished::after(rejected))
}
