//! `interdict bench names`: the name-matching benchmark's engine side.
//!
//! Pass 1 scores every case (bench/names/generate.py writes them) against
//! the whole list and writes, per case, the best score of the expected
//! entity and the best score of any entity: bench/names/report.py turns
//! those into recall and false-positive rates. Pass 2 times every query at
//! the screening threshold, single-threaded, for the latency figures; with
//! `--passes N` it runs N times over all cases and keeps each case's
//! quickest time, its hits and costs being those of the first.
//! The summary goes to stdout as one JSON object.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::time::Instant;

use anyhow::Context as _;
use interdict_index::NameIndex;
use interdict_names::{Evidence, PartyKind};
use serde::Deserialize;
use serde_json::json;

use crate::args::{load_list_snapshot, BenchNames, Cli, Finished};

#[derive(Deserialize)]
struct Case {
    id: String,
    query: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    expected: Option<String>,
}

fn evidence(case: &Case) -> Evidence {
    let kind = match case.kind.as_deref() {
        Some("person") => Some(PartyKind::Person),
        Some("organization") => Some(PartyKind::Organization),
        _ => None,
    };
    Evidence {
        kind,
        ..Evidence::default()
    }
}

/// Peak resident memory of this process, in MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub fn names(cli: &Cli, args: &BenchNames) -> anyhow::Result<Finished> {
    let file = File::open(&args.cases).with_context(|| format!("{}", args.cases.display()))?;
    let mut cases = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", args.cases.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let case: Case = serde_json::from_str(&line).with_context(|| format!("{}:{}", args.cases.display(), i + 1))?;
        cases.push(case);
    }
    let (snapshot, _) = load_list_snapshot(cli, &args.list)?;
    let started = Instant::now();
    let index = NameIndex::build(snapshot.dataset());
    let build_seconds = started.elapsed().as_secs_f64();
    let ids: Vec<&str> = snapshot.dataset().entities.iter().map(|e| e.id.as_str()).collect();

    let mut out: Box<dyn Write> = match &args.out {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("{}", p.display()))?,
        )),
        None => Box::new(std::io::sink()),
    };
    let quality_started = Instant::now();
    for case in &cases {
        let hits = index.search(&case.query, &evidence(case), args.floor, usize::MAX);
        let top = hits.first().map_or(0.0, |h| h.score);
        let expected = case
            .expected
            .as_deref()
            .and_then(|want| hits.iter().find(|h| ids[h.entity] == want))
            .map_or(0.0, |h| h.score);
        let best = hits.first().map(|h| ids[h.entity]);
        serde_json::to_writer(
            &mut out,
            &json!({"id": case.id, "expected_score": expected, "top_score": top, "top_entity": best}),
        )?;
        writeln!(out)?;
    }
    out.flush()?;
    let quality_seconds = quality_started.elapsed().as_secs_f64();

    let mut micros: Vec<f64> = Vec::with_capacity(cases.len());
    let mut costs = Vec::with_capacity(cases.len());
    let latency_started = Instant::now();
    let mut hits_total = 0usize;
    for pass in 0..args.passes {
        for (at, case) in cases.iter().enumerate() {
            let ev = evidence(case);
            let t = Instant::now();
            let (hits, stats) = index.search_with_stats(&case.query, &ev, args.threshold, 10);
            let took = t.elapsed().as_secs_f64() * 1e6;
            if pass == 0 {
                micros.push(took);
                hits_total += hits.len();
                costs.push(stats);
            } else {
                micros[at] = micros[at].min(took);
            }
        }
    }
    let latency_seconds = latency_started.elapsed().as_secs_f64();
    if let Some(path) = &args.timings {
        let mut timings = BufWriter::new(File::create(path).with_context(|| format!("{}", path.display()))?);
        for ((case, micros), stats) in cases.iter().zip(&micros).zip(&costs) {
            let line = json!({"id": case.id, "micros": micros, "reached": stats.reached, "scored": stats.scored});
            writeln!(timings, "{line}")?;
        }
        timings.flush()?;
    }
    micros.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        micros
            .get(((micros.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let summary = json!({
        "engine": "interdict",
        "names": index.len(),
        "vocabulary": index.vocabulary_len(),
        "entities": ids.len(),
        "cases": cases.len(),
        "build_seconds": build_seconds,
        "quality_pass_seconds": quality_seconds,
        "threshold": args.threshold,
        "passes": args.passes,
        "p50_micros": pct(0.5),
        "p90_micros": pct(0.9),
        "p99_micros": pct(0.99),
        "max_micros": micros.last().copied().unwrap_or(0.0),
        "mean_micros": micros.iter().sum::<f64>() / micros.len().max(1) as f64,
        "queries_per_second": (cases.len() * args.passes as usize) as f64 / latency_seconds.max(1e-9),
        "hits": hits_total,
        "peak_rss_mb": peak_rss_mb(),
    });
    println!("{}", serde_json::to_string_pretty(&summary)?);
    Ok(Finished::Ok)
}
