//! `interdict lists import|show|diff`: official list files into versioned
//! snapshots in the store.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::Duration;

use anyhow::{bail, Context as _};
use interdict_lists::files::{ListFiles, ReadFile};
use interdict_lists::{download, Format, Strictness};
use interdict_model::Dataset;
use interdict_store::{EntityChange, SnapshotInfo, SourceFile, Store};
use serde_json::json;

use crate::args::{Cli, DiffFormat, Finished, ListsCommand, ShowFormat};

/// Bad records printed before "... and N more".
const SHOWN_REJECTS: usize = 20;

pub fn run(cli: &Cli, cmd: &ListsCommand) -> anyhow::Result<Finished> {
    let dir = cli.data_dir()?;
    match cmd {
        ListsCommand::Import { files, format, strict } => {
            let format = match format.as_str() {
                "auto" => None,
                other => Some(
                    other
                        .parse::<Format>()
                        .map_err(|e| crate::args::usage(format!("--format: {e}, or auto")))?,
                ),
            };
            let mode = if *strict {
                Strictness::Strict
            } else {
                Strictness::Lenient
            };
            // Read everything before touching the store: a failure leaves it as it was.
            let base = interdict_lists::native::load_with_builtin(&cli.orders)?;
            let (dataset, sources) = read_all(files, format, mode, &base)?;
            let mut store = Store::open(&dir)?;
            let info = store.import(&dataset, &sources)?;
            eprintln!("{}", summary(&info));
            println!("{}", info.id);
            Ok(Finished::Ok)
        }
        ListsCommand::Update {
            sources,
            only,
            offline,
            strict,
            attempts,
            backoff_ms,
            timeout,
        } => {
            let mode = if *strict {
                Strictness::Strict
            } else {
                Strictness::Lenient
            };
            let mut specs = download::parse_sources(Path::new("builtin/sources.toml"), download::DEFAULT_SOURCES)?;
            if let Some(path) = sources {
                let text = fs::read_to_string(path).with_context(|| path.display().to_string())?;
                specs = download::merge(specs, download::parse_sources(path, &text)?);
            }
            if !only.is_empty() {
                if let Some(unknown) = only.iter().find(|n| !specs.iter().any(|s| &s.name == *n)) {
                    let known: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
                    bail!(
                        "--only: unknown source `{unknown}`; known sources: {}",
                        known.join(", ")
                    );
                }
                specs.retain(|s| only.contains(&s.name));
            }
            let retry = download::Retry {
                attempts: *attempts,
                backoff: Duration::from_millis(*backoff_ms),
                timeout: Duration::from_secs(*timeout),
                ..Default::default()
            };
            let base = interdict_lists::native::load_with_builtin(&cli.orders)?;
            update(&dir, &specs, offline.as_deref(), &retry, mode, &base)
        }
        ListsCommand::Show { format } => {
            let store = Store::open(&dir)?;
            let snapshots = store.snapshots()?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match format {
                ShowFormat::Json => {
                    serde_json::to_writer_pretty(&mut out, &json!({ "store": store.path(), "snapshots": snapshots }))?;
                    writeln!(out)?;
                }
                ShowFormat::Table if snapshots.is_empty() => writeln!(
                    out,
                    "no snapshots in {}; add one with `interdict lists import FILE...`",
                    store.path().display()
                )?,
                ShowFormat::Table => {
                    for s in &snapshots {
                        writeln!(out, "{}{}", s.id, if s.active { "  (active)" } else { "" })?;
                        writeln!(out, "  created  {}", s.created)?;
                        writeln!(out, "  counts   {}", counts_text(s))?;
                        for src in &s.sources {
                            writeln!(
                                out,
                                "  source   {} [{}] modified {}; {} records, {} rejected, {} warnings, {}",
                                src.path,
                                src.format,
                                src.modified.as_deref().unwrap_or("unknown"),
                                src.records,
                                src.rejected,
                                src.warnings,
                                src.sha256
                            )?;
                        }
                    }
                }
            }
            out.flush()?;
            Ok(Finished::Ok)
        }
        ListsCommand::Diff { a, b, format } => {
            let store = Store::open(&dir)?;
            let (a, b) = (store.resolve(a)?, store.resolve(b)?);
            let changes = store.diff(&a, &b)?;
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match format {
                DiffFormat::Jsonl => {
                    for c in &changes {
                        serde_json::to_writer(&mut out, c)?;
                        writeln!(out)?;
                    }
                }
                DiffFormat::Table => write_diff(&changes, &mut out)?,
            }
            out.flush()?;
            let (mut added, mut removed, mut changed) = (0, 0, 0);
            for c in &changes {
                match c {
                    EntityChange::Added { .. } => added += 1,
                    EntityChange::Removed { .. } => removed += 1,
                    EntityChange::Changed { .. } => changed += 1,
                }
            }
            eprintln!("{a} → {b}: {added} added, {removed} removed, {changed} changed");
            Ok(Finished::Ok)
        }
    }
}

/// Fetches (or finds offline) and reads every source, then imports them as
/// one snapshot. Any failure: report every failed source, import nothing.
fn update(
    dir: &Path,
    specs: &[download::SourceSpec],
    offline: Option<&Path>,
    retry: &download::Retry,
    mode: Strictness,
    base: &Dataset,
) -> anyhow::Result<Finished> {
    let downloads = dir.join("downloads");
    let mut lists = ListFiles::default();
    let mut failures = Vec::new();
    for spec in specs {
        let folder = match offline {
            Some(d) => d.to_path_buf(),
            None => {
                // Into a fresh folder, swapped in only when every file arrived.
                let partial = downloads.join(format!("{}.partial", spec.name));
                let _ = fs::remove_dir_all(&partial);
                match download::fetch(spec, &partial, retry, &mut |m| eprintln!("{}: {m}", spec.name)) {
                    Ok(()) => {
                        let done = downloads.join(&spec.name);
                        let _ = fs::remove_dir_all(&done);
                        fs::rename(&partial, &done).with_context(|| done.display().to_string())?;
                        done
                    }
                    Err(e) => {
                        let _ = fs::remove_dir_all(&partial);
                        failures.push(format!("source `{}`: {e}", spec.name));
                        continue;
                    }
                }
            }
        };
        if let Some(missing) = spec.files.iter().map(|f| folder.join(&f.name)).find(|p| !p.is_file()) {
            failures.push(format!("source `{}`: {} is missing", spec.name, missing.display()));
            continue;
        }
        let path = spec.read_path(&folder);
        if let Err(e) = lists.read(&path, Some(spec.format), mode) {
            failures.push(format!("source `{}`: {e:#}", spec.name));
        }
    }
    if failures.is_empty() {
        // The sources are checked together, as the snapshot holds them.
        match lists.finish(base) {
            Ok(read) => {
                let (dataset, sources) = report_read(read);
                let mut store = Store::open(dir)?;
                let info = store.import(&dataset, &sources)?;
                eprintln!("{}", summary(&info));
                println!("{}", info.id);
                return Ok(Finished::Ok);
            }
            Err(e) => failures.push(format!("{e:#}")),
        }
    }
    for f in &failures {
        eprintln!("error: {f}");
    }
    let store = Store::open(dir)?;
    match store.active()? {
        Some(active) => eprintln!("nothing imported; the active snapshot is still {}", active.id),
        None => eprintln!("nothing imported; there is no active snapshot yet"),
    }
    Ok(Finished::WithRejectedInput)
}

/// Reads list files to screen beside `base` (the built-in data and order
/// files), reporting each bad record skipped; see
/// [`interdict_lists::files::read_files_beside`].
pub(crate) fn read_all(
    files: &[std::path::PathBuf],
    format: Option<Format>,
    mode: Strictness,
    base: &Dataset,
) -> anyhow::Result<(Dataset, Vec<SourceFile>)> {
    Ok(report_read(interdict_lists::files::read_files_beside(
        files, format, mode, base,
    )?))
}

/// Reports each bad record skipped in the files read, and gives the lists
/// with the files as the store records them.
fn report_read((dataset, read): (Dataset, Vec<ReadFile>)) -> (Dataset, Vec<SourceFile>) {
    // Lists read together are all that is screened: an internal deny list
    // alone leaves OFAC, the UN and the rest out, bundled lists included.
    if !read.is_empty() && read.iter().all(|f| f.format == Format::Native) {
        eprintln!(
            "warning: no official list among these files: screening with them checks only their own \
             entries (and the built-in orders), not OFAC, the UN or the bundled lists; read the official \
             lists with them to screen against both"
        );
    }
    for file in &read {
        for (i, e) in file.rejected.iter().enumerate() {
            if i == SHOWN_REJECTS {
                eprintln!(
                    "warning: ... and {} more bad record(s) in {}",
                    file.rejected.len() - SHOWN_REJECTS,
                    file.path.display()
                );
                break;
            }
            eprintln!("warning: skipped: {e}");
        }
        for (i, e) in file.warnings.iter().enumerate() {
            if i == SHOWN_REJECTS {
                eprintln!(
                    "warning: ... and {} more value(s) not read in {}",
                    file.warnings.len() - SHOWN_REJECTS,
                    file.path.display()
                );
                break;
            }
            eprintln!("warning: {e}");
        }
    }
    (dataset, read.iter().map(source_file).collect())
}

/// A file as read, as the store records it.
pub fn source_file(file: &interdict_lists::files::ReadFile) -> SourceFile {
    SourceFile::new(
        file.recorded_path(),
        file.format.to_string(),
        file.sha256.clone(),
        file.records,
        file.rejected.len() as u64,
        file.warnings.len() as u64,
        file.modified,
    )
}

fn counts_text(s: &SnapshotInfo) -> String {
    s.counts
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(info: &SnapshotInfo) -> String {
    let rejected: u64 = info.sources.iter().map(|s| s.rejected).sum();
    format!(
        "snapshot {} is active: {}; from {} source(s){}",
        info.id,
        counts_text(info),
        info.sources.len(),
        if rejected > 0 {
            format!("; {rejected} bad record(s) skipped")
        } else {
            String::new()
        }
    )
}

fn write_diff(changes: &[EntityChange], out: &mut impl Write) -> io::Result<()> {
    let name = |v: &serde_json::Value| v.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string();
    for c in changes {
        match c {
            EntityChange::Added { entity_id, after } => writeln!(out, "+ {entity_id}  {}", name(after))?,
            EntityChange::Removed { entity_id, before } => writeln!(out, "- {entity_id}  {}", name(before))?,
            EntityChange::Changed { entity_id, fields } => {
                writeln!(out, "~ {entity_id}")?;
                for f in fields {
                    writeln!(out, "    {}: {} → {}", f.field, f.before, f.after)?;
                }
            }
        }
    }
    Ok(())
}
