//! `interdict screen names`: screen names against the lists.
//!
//! One output record per input row, in input order; bad rows are reported
//! on stderr with file, line and field and the rest of the file goes on
//! (the exit code is then 1). The JSONL record is documented in
//! docs/output.md.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use interdict_index::names::parse_birth_date_input;
use interdict_index::{NameHit, NameIndex, Snapshot};
use interdict_lists::names_input::{NameRow, NamesReader};
use interdict_model::CountryCode;
use interdict_names::{Adjustment, Evidence, Features, PartyKind};
use serde::Serialize;

use crate::args::{load_list_snapshot, load_screening_snapshot, Cli, Finished, ScreenFormat, ScreenNames};
use crate::output::Table;

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

/// The secondary evidence of an input row; a value that cannot be read is
/// an error naming its field.
pub fn row_evidence(row: &NameRow) -> Result<Evidence, (&'static str, String)> {
    let mut evidence = Evidence::default();
    if let Some(kind) = &row.kind {
        evidence.kind = Some(parse_kind(kind).ok_or((
            "type",
            format!("unknown type `{kind}`: expected person, organization, vessel or aircraft"),
        ))?);
    }
    if let Some(date) = &row.birth_date {
        let parsed = parse_birth_date_input(date).ok_or((
            "birth_date",
            format!("`{date}` is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ))?;
        evidence.birth_dates.push(parsed);
    }
    if let Some(country) = &row.country {
        let code: CountryCode = country.parse().map_err(|e| ("country", format!("{e}")))?;
        evidence.countries.push(code.as_str().to_string());
    }
    Ok(evidence)
}

fn parse_kind(s: &str) -> Option<PartyKind> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "person" | "individual" => PartyKind::Person,
        "organization" | "organisation" | "company" | "entity" | "legalentity" => PartyKind::Organization,
        "vessel" | "ship" => PartyKind::Vessel,
        "aircraft" | "airplane" => PartyKind::Aircraft,
        _ => return None,
    })
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

pub fn names(cli: &Cli, args: &ScreenNames) -> anyhow::Result<Finished> {
    let started = Instant::now();
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
            w.write_record(["line", "input", "rank", "entity_id", "name", "score", "kind"])?;
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
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                eprintln!("error: {e}");
                rejected += 1;
                continue;
            }
        };
        let evidence = match row_evidence(&row) {
            Ok(e) => e,
            Err((field, message)) => {
                eprintln!(
                    "error: {}:{}: field `{field}`: {message}",
                    args.input.display(),
                    row.line
                );
                rejected += 1;
                continue;
            }
        };
        let hits = index.search(&row.name, &evidence, args.threshold, args.limit);
        screened += 1;
        with_hits += usize::from(!hits.is_empty());
        let records: Vec<HitRecord> = hits.iter().map(|h| HitRecord::new(&snapshot, h)).collect();
        match args.format {
            ScreenFormat::Jsonl => {
                let input = row
                    .fields
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect();
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
                if records.is_empty() {
                    w.write_record([
                        row.line.to_string(),
                        row.name.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                    ])?;
                }
                for (rank, h) in records.iter().enumerate() {
                    w.write_record([
                        row.line.to_string(),
                        row.name.clone(),
                        (rank + 1).to_string(),
                        h.entity_id.to_string(),
                        h.name.to_string(),
                        format!("{:.3}", h.score),
                        h.kind.to_string(),
                    ])?;
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
