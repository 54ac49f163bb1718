//! `interdict screen party`: one party on one date, explained. The JSON
//! decision is documented in docs/output.md.

use std::io::{self, Write};

use interdict_index::NameIndex;
use interdict_model::Identifier;
use interdict_screen::{Context, Evidenced, Party, Screener, Thresholds};

use crate::args::{parse_jurisdictions, usage, Cli, Finished, ScreenParty, ShowFormat};
use crate::commands::audit::{self, screening_snapshot_used};
use crate::output::Table;
use interdict_screen::record::{AuditInput, Screened};

/// A threshold error, naming the flag: bad usage (exit 2).
pub fn setting_error(e: interdict_screen::Error) -> anyhow::Error {
    match e.kind() {
        interdict_screen::ErrorKind::ThresholdOutOfRange { field, value } => {
            usage(format!("--{field} {value}: expected a score from 0 to 1"))
        }
        interdict_screen::ErrorKind::ReviewAboveBlock { review, block } => usage(format!(
            "--review {review} is above --block {block}: review must be the lower threshold"
        )),
        _ => e.into(),
    }
}

/// A party field the screener refused, named by the flag that gave it
/// (`birth_date` is `--birth-date`): bad usage (exit 2).
fn party_flag_error(e: interdict_screen::Error) -> anyhow::Error {
    match e.kind() {
        interdict_screen::ErrorKind::InvalidParty { field, message } => {
            let flag = match field.as_str() {
                "names" => "--name",
                "type" => "--type",
                "birth_date" => "--birth-date",
                "countries" => "--country",
                "identifiers" => "--id",
                "jurisdiction" => "--jurisdiction",
                _ => return e.into(),
            };
            usage(format!("{flag}: {message}"))
        }
        _ => e.into(),
    }
}

pub fn screen(cli: &Cli, args: &ScreenParty) -> anyhow::Result<Finished> {
    let thresholds = Thresholds::new(args.block, args.review).map_err(setting_error)?;
    let party = Party {
        names: args.name.clone(),
        kind: args.kind.clone(),
        birth_date: args.birth_date.clone(),
        countries: args.country.clone(),
        identifiers: args
            .identifiers
            .iter()
            .map(|raw| {
                raw.parse::<Identifier>()
                    .map_err(|e| usage(format!("--id `{raw}`: {e}")))
            })
            .collect::<anyhow::Result<_>>()?,
        reference: args.reference.clone(),
    };
    let ctx = Context {
        as_of: args.date.resolve()?,
        jurisdictions: parse_jurisdictions(&args.jurisdiction)?,
        policy: args.policy.into(),
    };
    let (snapshot, lists_notice, used) = screening_snapshot_used(cli, &args.list)?;
    let names = NameIndex::build(snapshot.dataset());
    let entries = audit::allowlist(cli)?;
    let decision = Screener::new(&snapshot)
        .with_allowlist(entries.clone())
        .screen_party(&party, &names, thresholds, &ctx)
        .map_err(party_flag_error)?;
    let value = interdict_screen::record::to_json_value(&decision)?;
    let decision_id = if args.no_audit {
        None
    } else {
        let input = AuditInput {
            used,
            allowlist: audit::entries_for(&entries, &value),
            screened: Screened::Party {
                party: party.clone(),
                as_of: ctx.as_of,
                jurisdictions: args.jurisdiction.clone(),
                policy: ctx.policy.as_str().to_string(),
                block: args.block,
                review: args.review,
            },
        };
        let record = audit::new_record(&snapshot, &ctx.as_of.to_string(), &input, &value)?;
        audit::append(cli, &[record])?.pop()
    };

    let mut out = io::stdout().lock();
    match args.format {
        ShowFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &audit::with_id(decision_id.as_deref(), value))?;
            writeln!(out)?;
        }
        ShowFormat::Table => {
            writeln!(
                out,
                "{} on {} ({} hit{}){}",
                decision.outcome.as_str().to_uppercase(),
                decision.as_of,
                decision.hits.len(),
                if decision.hits.len() == 1 { "" } else { "s" },
                decision_id
                    .as_deref()
                    .map(|id| format!(", decision {id}"))
                    .unwrap_or_default()
            )?;
            let mut table = Table::new(&[
                ("outcome", 7),
                ("score", 5),
                ("entity", 24),
                ("name", 36),
                ("by", 30),
                ("reason", 200),
            ]);
            for hit in &decision.hits {
                let by = match &hit.evidenced {
                    Evidenced::Identifier { identifier } => identifier.to_string(),
                    Evidenced::Name { matched_name, .. } => format!("name: {matched_name}"),
                };
                table.row(vec![
                    hit.outcome.as_str().to_string(),
                    format!("{:.3}", hit.score),
                    hit.entity_id.clone(),
                    hit.name.clone(),
                    by,
                    hit.reason.clone(),
                ]);
            }
            table.write(&mut out)?;
            for h in &decision.suppressed {
                if let Some(u) = &h.suppressed_by {
                    writeln!(
                        out,
                        "suppressed: {} ({}) by allowlist entry {} ({}, {})",
                        h.name, h.entity_id, u.entry_id, u.author, u.reason
                    )?;
                }
            }
            for w in &decision.warnings {
                writeln!(out, "warning: {}", w.message)?;
            }
            eprintln!("{lists_notice}; snapshot {}", decision.snapshot_id);
        }
    }
    Ok(Finished::Ok)
}
