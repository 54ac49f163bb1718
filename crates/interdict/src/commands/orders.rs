//! `interdict orders list|show|explain`.

use std::io::{self, BufWriter, Write};

use anyhow::{bail, Context as _};
use interdict_index::Snapshot;
use interdict_model::{Date, Explanation, Order, OrderStatus};
use serde_json::json;

use crate::args::{load_snapshot, Cli, Finished, OrdersCommand, ShowFormat};
use crate::output::Table;

pub fn run(cli: &Cli, cmd: &OrdersCommand) -> anyhow::Result<Finished> {
    let snapshot = load_snapshot(&cli.orders)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match cmd {
        OrdersCommand::List { date, format } => list(&snapshot, date.resolve()?, *format, &mut out)?,
        OrdersCommand::Show { id, date, format } => {
            let order = find_order(&snapshot, id)?;
            show(&snapshot, order, date.resolve()?, *format, &mut out)?
        }
        OrdersCommand::Explain {
            id,
            entity,
            date,
            format,
        } => {
            let order = find_order(&snapshot, id)?;
            let entity_id = find_entity(&snapshot, entity)?;
            let explanation = snapshot
                .explain(order, &entity_id, date.resolve()?)
                .context("entity vanished from the snapshot")?;
            explain(&explanation, *format, &mut out)?
        }
    }
    out.flush()?;
    Ok(Finished::Ok)
}

fn find_order<'a>(snapshot: &'a Snapshot, id: &str) -> anyhow::Result<&'a Order> {
    let wanted = id.replace([' ', '.'], "").to_ascii_uppercase();
    match snapshot.order(&wanted).or_else(|| snapshot.order(id)) {
        Some(o) => Ok(o),
        None => {
            let known: Vec<&str> = snapshot.orders().iter().map(|o| o.id.as_str()).collect();
            bail!("unknown order `{id}`; known orders: {}", known.join(", "))
        }
    }
}

fn find_entity(snapshot: &Snapshot, key: &str) -> anyhow::Result<String> {
    if let Some(e) = snapshot.entity(key) {
        return Ok(e.id.clone());
    }
    let lower = key.to_lowercase();
    let by_name: Vec<&str> = snapshot
        .dataset()
        .entities
        .iter()
        .filter(|e| e.name.to_lowercase() == lower || e.aliases.iter().any(|a| a.name.to_lowercase() == lower))
        .map(|e| e.id.as_str())
        .collect();
    match by_name.as_slice() {
        [one] => Ok(one.to_string()),
        [] => bail!("unknown entity `{key}`: give an entity id (such as alibaba_group) or an exact name"),
        many => bail!("`{key}` names several entities: {}; give an id", many.join(", ")),
    }
}

fn list(snapshot: &Snapshot, date: Date, format: ShowFormat, out: &mut impl Write) -> anyhow::Result<()> {
    match format {
        ShowFormat::Json => {
            let orders: Vec<_> = snapshot
                .orders()
                .iter()
                .map(|o| {
                    json!({
                        "id": o.id, "title": o.title, "citation": o.citation,
                        "signed": o.signed, "effective": o.effective_date(), "revoked": o.revoked,
                        "revoked_by": o.revoked_by, "status": o.status_on(date), "reason": o.status_reason(date),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({"as_of": date, "snapshot_id": snapshot.id(), "orders": orders}),
            )?;
            writeln!(out)?;
        }
        ShowFormat::Table => {
            writeln!(out, "Orders as of {date}")?;
            let mut t = Table::new(&[
                ("ID", 10),
                ("STATUS", 10),
                ("SIGNED", 10),
                ("EFFECTIVE", 10),
                ("REVOKED", 10),
                ("TITLE", 48),
                ("REASON", 100),
            ]);
            for o in snapshot.orders() {
                t.row(vec![
                    o.id.clone(),
                    o.status_on(date).to_string(),
                    o.signed.to_string(),
                    o.effective_date().to_string(),
                    o.revoked.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
                    o.title.clone(),
                    o.status_reason(date),
                ]);
            }
            t.write(out)?;
        }
    }
    Ok(())
}

fn show(
    snapshot: &Snapshot,
    order: &Order,
    date: Date,
    format: ShowFormat,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let status = order.status_on(date);
    let coverage = (status != OrderStatus::NotSigned).then(|| snapshot.coverage(order, date));
    if let ShowFormat::Json = format {
        let value = json!({
            "as_of": date,
            "snapshot_id": snapshot.id(),
            "status": status,
            "reason": order.status_reason(date),
            "order": order,
            "transactions": order.transaction_types().iter().map(|t| json!({
                "type": t.kind, "status": (status == OrderStatus::InForce || status == OrderStatus::Enjoined).then(|| order.transaction_status_on(t, date)),
                "effective": t.effective.unwrap_or(order.effective_date()),
            })).collect::<Vec<_>>(),
            "coverage": coverage.as_ref().map(|c| json!({
                "covered": c.covered.values().collect::<Vec<_>>(),
                "not_covering": c.not_covering,
            })),
        });
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)?;
        return Ok(());
    }

    writeln!(out, "{}: {}", order.id, order.title)?;
    if let Some(c) = &order.citation {
        writeln!(
            out,
            "  citation      {c}{}",
            order
                .document_number
                .as_ref()
                .map(|d| format!(" (FR Doc. {d})"))
                .unwrap_or_default()
        )?;
    }
    writeln!(out, "  issuer        {}", order.issuer)?;
    writeln!(out, "  signed        {}", order.signed)?;
    writeln!(out, "  effective     {}", order.effective_date())?;
    if let Some(r) = order.revoked {
        writeln!(
            out,
            "  revoked       {r} by {}",
            order.revoked_by.as_deref().unwrap_or("?")
        )?;
    }
    if !order.revokes.is_empty() {
        writeln!(out, "  revokes       {}", order.revokes.join(", "))?;
    }
    if let Some(j) = order.jurisdiction {
        writeln!(out, "  nexus         {j}")?;
    }
    for (field, level) in &order.confidence {
        writeln!(out, "  confidence    {field}: {}", level.as_str())?;
    }
    writeln!(out)?;
    writeln!(out, "Status on {date}: {status}: {}", order.status_reason(date))?;
    writeln!(out)?;
    writeln!(out, "{}", order.summary)?;
    if let Some(r) = &order.reason {
        writeln!(out, "Reason given: {r}")?;
    }
    if let Some(ident) = &order.identification {
        writeln!(out)?;
        match ident.date {
            Some(d) => writeln!(out, "Identification by the {}: issued {d}", ident.authority)?,
            None => writeln!(out, "Identification by the {}: none issued", ident.authority)?,
        }
        if let Some(nb) = ident.not_before {
            writeln!(out, "  not before    {nb}")?;
        }
        if let Some(r) = ident.rescinded {
            writeln!(out, "  rescinded     {r}")?;
        }
        for t in &ident.transactions {
            let st = match status {
                OrderStatus::InForce | OrderStatus::Enjoined => {
                    order.transaction_status_on(t, date).as_str().to_string()
                }
                other => other.to_string(),
            };
            writeln!(
                out,
                "  - {} (from {}, {st} on {date}): {}",
                t.kind,
                t.effective.unwrap_or(order.effective_date()),
                t.description
            )?;
        }
    }
    if !order.enjoined.is_empty() {
        writeln!(out)?;
        writeln!(out, "Injunctions:")?;
        for i in &order.enjoined {
            let until = i.until.map(|u| format!(" until {u}")).unwrap_or_default();
            let active = if i.active_on(date) { " [in effect]" } else { "" };
            let scope = i.scope.as_deref().map(|s| format!("; scope: {s}")).unwrap_or_default();
            writeln!(out, "  - {} from {}{until}{active}{scope}", i.citation(), i.from)?;
        }
    }
    let scope = &order.scope;
    if !scope.is_empty() {
        writeln!(out)?;
        writeln!(out, "Scope:")?;
        let names = |ids: &[String]| -> String {
            ids.iter()
                .map(|id| snapshot.entity(id).map_or(id.clone(), |e| e.name.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !scope.entities.is_empty() {
            writeln!(out, "  named         {}", names(&scope.entities))?;
        }
        if !scope.apps.is_empty() {
            writeln!(
                out,
                "  apps          {} (their developers and controllers)",
                names(&scope.apps)
            )?;
        }
        if !scope.related_apps.is_empty() {
            writeln!(
                out,
                "  related apps  {} (transactions related to them)",
                names(&scope.related_apps)
            )?;
        }
        writeln!(
            out,
            "  thresholds    controller: owns {}; subsidiary: owned {}{}",
            scope.controller_threshold,
            scope.subsidiary_threshold,
            if scope.subsidiaries {
                ""
            } else {
                " (subsidiaries not covered)"
            }
        )?;
    }
    if let Some(c) = &coverage {
        let persons: Vec<_> = c.persons().collect();
        if !persons.is_empty() {
            writeln!(out)?;
            writeln!(out, "Covered on {date} ({}):", persons.len())?;
            for p in persons {
                writeln!(out, "  - {} [{}]: {}", p.name, p.role.as_str(), p.path_text)?;
            }
        }
        if !c.not_covering.is_empty() {
            writeln!(out)?;
            writeln!(out, "Looked at, not covering:")?;
            for n in &c.not_covering {
                writeln!(
                    out,
                    "  - {} (as {} via {}): {}",
                    n.name,
                    n.would_be.as_str(),
                    n.through_name,
                    n.reason
                )?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "Sources:")?;
    for id in &order.sources {
        match snapshot.dataset().sources.iter().find(|s| &s.id == id) {
            Some(s) => writeln!(
                out,
                "  [{id}] {}{}",
                s.title,
                s.url.as_ref().map(|u| format!(" <{u}>")).unwrap_or_default()
            )?,
            None => writeln!(out, "  [{id}]")?,
        }
    }
    Ok(())
}

fn explain(e: &Explanation, format: ShowFormat, out: &mut impl Write) -> anyhow::Result<()> {
    if let ShowFormat::Json = format {
        serde_json::to_writer_pretty(&mut *out, e)?;
        writeln!(out)?;
        return Ok(());
    }
    if e.covered {
        writeln!(out, "{} is covered by {} on {}:", e.name, e.order, e.as_of)?;
        for p in &e.paths {
            writeln!(out, "  as {}: {}", p.role.as_str(), p.path_text)?;
        }
    } else {
        writeln!(out, "{} is not covered by {} on {}.", e.name, e.order, e.as_of)?;
    }
    for n in &e.not_covering {
        writeln!(
            out,
            "  not as {} through {}: {}",
            n.would_be.as_str(),
            n.through_name,
            n.reason
        )?;
    }
    Ok(())
}
