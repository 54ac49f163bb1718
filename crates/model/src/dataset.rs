//! A Dataset: sources, orders, entities and relations loaded together, and
//! the checks that tie them together (every id a reference names exists).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::designation::Designation;
use crate::entity::{AppKind, Entity, EntityKind};
use crate::order::{Order, Source};
use crate::relation::{Relation, RelationKind};

/// Everything that was read, before it is indexed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub sources: Vec<Source>,
    pub orders: Vec<Order>,
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<Designation>,
}

/// Which record a validation issue is about: an index into the Dataset's
/// vectors, so that a reader can map it back to a file and line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemRef {
    Source(usize),
    Order(usize),
    Entity(usize),
    Relation(usize),
    Designation(usize),
}

/// One broken rule in a Dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub item: ItemRef,
    /// The field at fault, as written in the data (`scope.apps`).
    pub field: String,
    pub message: String,
}

impl Dataset {
    /// Appends another dataset's records.
    pub fn extend(&mut self, other: Dataset) {
        append(&mut self.sources, other.sources);
        append(&mut self.orders, other.orders);
        append(&mut self.entities, other.entities);
        append(&mut self.relations, other.relations);
        append(&mut self.designations, other.designations);
    }

    /// Checks the rules that span records: unique ids, references that
    /// resolve, dates in order, percentages in range. Returns every issue,
    /// not only the first, so that a data author can fix them in one pass.
    pub fn validate(&self) -> Vec<Issue> {
        self.check(false)
    }

    /// As [`Dataset::validate`], and also requires every order, entity,
    /// relation, identification and injunction to cite a source: the rule
    /// for hand-written data (interdict's TOML format), where the source is
    /// the only provenance. Records read from official lists carry their
    /// dataset instead.
    pub fn validate_sourced(&self) -> Vec<Issue> {
        self.check(true)
    }

    fn check(&self, require_sources: bool) -> Vec<Issue> {
        let mut issues = Vec::new();
        let mut push = |item, field: &str, message: String| {
            issues.push(Issue {
                item,
                field: field.to_string(),
                message,
            })
        };

        let mut source_ids = HashSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            if !source_ids.insert(s.id.as_str()) {
                push(ItemRef::Source(i), "id", format!("duplicate source id `{}`", s.id));
            }
        }
        let mut entities: HashMap<&str, &Entity> = HashMap::new();
        for (i, e) in self.entities.iter().enumerate() {
            if entities.insert(e.id.as_str(), e).is_some() {
                push(ItemRef::Entity(i), "id", format!("duplicate entity id `{}`", e.id));
            }
        }
        let mut order_ids = HashSet::new();
        for (i, o) in self.orders.iter().enumerate() {
            if !order_ids.insert(o.id.as_str()) {
                push(ItemRef::Order(i), "id", format!("duplicate order id `{}`", o.id));
            }
        }

        let check_sources = |item: ItemRef, field: &str, cited: &[String], required: bool, issues: &mut Vec<Issue>| {
            if required && cited.is_empty() {
                issues.push(Issue {
                    item,
                    field: field.to_string(),
                    message: "no source cited: every fact must carry its source".to_string(),
                });
            }
            for s in cited {
                if !source_ids.contains(s.as_str()) {
                    issues.push(Issue {
                        item,
                        field: field.to_string(),
                        message: format!("unknown source `{s}`"),
                    });
                }
            }
        };
        let entity_of_kind = |id: &str, kind: Option<EntityKind>| -> Result<&Entity, String> {
            match entities.get(id) {
                None => Err(format!("unknown entity `{id}`")),
                Some(e) if kind.is_some_and(|k| k != e.kind) => Err(format!(
                    "`{id}` is a {}, expected a {}",
                    e.kind,
                    kind.map_or("", |k| k.as_str())
                )),
                Some(e) => Ok(e),
            }
        };

        for (i, e) in self.entities.iter().enumerate() {
            let item = ItemRef::Entity(i);
            check_sources(item, "sources", &e.sources, require_sources, &mut issues);
            if e.app_kind.is_some() && e.kind != EntityKind::Application {
                issues.push(Issue {
                    item,
                    field: "app_kind".into(),
                    message: format!("only applications have an app_kind; `{}` is a {}", e.id, e.kind),
                });
            }
            if e.name.trim().is_empty() {
                issues.push(Issue {
                    item,
                    field: "name".into(),
                    message: "empty name".into(),
                });
            }
        }

        for (i, r) in self.relations.iter().enumerate() {
            let item = ItemRef::Relation(i);
            check_sources(item, "sources", &r.sources, require_sources, &mut issues);
            for (field, id) in [("from", &r.from), ("to", &r.to)] {
                if let Err(m) = entity_of_kind(id, None) {
                    issues.push(Issue {
                        item,
                        field: field.into(),
                        message: m,
                    });
                }
            }
            if r.from == r.to {
                issues.push(Issue {
                    item,
                    field: "to".into(),
                    message: format!("`{}` is related to itself", r.from),
                });
            }
            match (r.kind, r.percent) {
                (RelationKind::Owns, Some(p)) if !(p > 0.0 && p <= 100.0) => issues.push(Issue {
                    item,
                    field: "percent".into(),
                    message: format!("percentage {p} is not more than 0 and at most 100"),
                }),
                (kind, Some(_)) if kind != RelationKind::Owns => issues.push(Issue {
                    item,
                    field: "percent".into(),
                    message: format!("only `owns` relations carry a percentage, not `{kind}`"),
                }),
                _ => {}
            }
            if let (Some(s), Some(e)) = (r.start, r.end) {
                if e <= s {
                    issues.push(Issue {
                        item,
                        field: "end".into(),
                        message: format!("end {e} is not after start {s}"),
                    });
                }
            }
            let need_app = |id: &str| entity_of_kind(id, Some(EntityKind::Application)).err();
            let app_target = match r.kind {
                RelationKind::Develops | RelationKind::Operates => need_app(&r.to).map(|m| ("to", m)),
                RelationKind::FeatureOf => need_app(&r.from)
                    .map(|m| ("from", m))
                    .or_else(|| need_app(&r.to).map(|m| ("to", m)))
                    .or_else(|| {
                        (entities.get(r.from.as_str()).and_then(|e| e.app_kind) != Some(AppKind::Feature))
                            .then(|| ("from", format!("`{}` must have app_kind = \"feature\"", r.from)))
                    }),
                _ => None,
            };
            if let Some((field, message)) = app_target {
                if entities.contains_key(r.from.as_str()) && entities.contains_key(r.to.as_str()) {
                    issues.push(Issue {
                        item,
                        field: field.into(),
                        message,
                    });
                }
            }
        }

        for (i, o) in self.orders.iter().enumerate() {
            let item = ItemRef::Order(i);
            let mut p = |field: &str, message: String| {
                issues.push(Issue {
                    item,
                    field: field.into(),
                    message,
                })
            };
            if let Some(e) = o.effective {
                if e < o.signed {
                    p("effective", format!("effective {e} is before signed {}", o.signed));
                }
            }
            match (o.revoked, &o.revoked_by) {
                (Some(r), by) => {
                    if r < o.signed {
                        p("revoked", format!("revoked {r} is before signed {}", o.signed));
                    }
                    match by {
                        None => p(
                            "revoked_by",
                            "`revoked` needs `revoked_by`: the order that revoked it".into(),
                        ),
                        Some(by) if !order_ids.contains(by.as_str()) => {
                            p("revoked_by", format!("unknown order `{by}`"))
                        }
                        _ => {}
                    }
                }
                (None, Some(_)) => p("revoked", "`revoked_by` is set but `revoked` (the date) is not".into()),
                (None, None) => {}
            }
            for r in &o.revokes {
                if !order_ids.contains(r.as_str()) {
                    p("revokes", format!("unknown order `{r}`"));
                }
            }
            for id in &o.scope.entities {
                if let Err(m) = entity_of_kind(id, None) {
                    p("scope.entities", m);
                }
            }
            for (field, ids) in [
                ("scope.apps", &o.scope.apps),
                ("scope.related_apps", &o.scope.related_apps),
            ] {
                for id in ids {
                    if let Err(m) = entity_of_kind(id, Some(EntityKind::Application)) {
                        p(field, m);
                    }
                }
            }
            let types: Vec<&str> = o.transaction_types().iter().map(|t| t.kind.as_str()).collect();
            let mut seen = HashSet::new();
            for t in &types {
                if !seen.insert(*t) {
                    p(
                        "identification.transactions",
                        format!("duplicate transaction type `{t}`"),
                    );
                }
            }
            if let Some(ident) = &o.identification {
                use crate::order::IdentificationStatus as S;
                match (ident.status, ident.date) {
                    (S::Issued, None) => p("identification.date", "an issued identification needs its date".into()),
                    (S::NoneIssued, Some(_)) => p(
                        "identification.date",
                        "status is none_issued, so there is no date".into(),
                    ),
                    _ => {}
                }
                if let (Some(d), Some(r)) = (ident.date, ident.rescinded) {
                    if r < d {
                        p(
                            "identification.rescinded",
                            format!("rescinded {r} is before issued {d}"),
                        );
                    }
                }
            }
            for (k, inj) in o.enjoined.iter().enumerate() {
                if let Some(u) = inj.until {
                    if u <= inj.from {
                        p(
                            &format!("enjoined[{k}].until"),
                            format!("until {u} is not after from {}", inj.from),
                        );
                    }
                }
                for t in &inj.transactions {
                    if !types.contains(&t.as_str()) {
                        p(
                            &format!("enjoined[{k}].transactions"),
                            format!("`{t}` is not an identified transaction type of {}", o.id),
                        );
                    }
                }
            }
            for (k, ex) in o.exemptions.iter().enumerate() {
                if let Some(u) = ex.until {
                    if u <= ex.from {
                        p(
                            &format!("exemptions[{k}].until"),
                            format!("until {u} is not after from {}", ex.from),
                        );
                    }
                }
                for t in &ex.transactions {
                    if !types.contains(&t.as_str()) {
                        p(
                            &format!("exemptions[{k}].transactions"),
                            format!("`{t}` is not an identified transaction type of {}", o.id),
                        );
                    }
                }
            }
        }
        for (i, d) in self.designations.iter().enumerate() {
            if !entities.contains_key(d.entity_id.as_str()) {
                issues.push(Issue {
                    item: ItemRef::Designation(i),
                    field: "entity_id".into(),
                    message: format!("unknown entity `{}`", d.entity_id),
                });
            }
            if let (Some(s), Some(e)) = (d.start, d.end) {
                if e <= s {
                    issues.push(Issue {
                        item: ItemRef::Designation(i),
                        field: "end".into(),
                        message: format!("end {e} is not after start {s}"),
                    });
                }
            }
        }
        for (i, o) in self.orders.iter().enumerate() {
            let item = ItemRef::Order(i);
            check_sources(item, "sources", &o.sources, require_sources, &mut issues);
            if let Some(ident) = &o.identification {
                check_sources(
                    item,
                    "identification.sources",
                    &ident.sources,
                    require_sources,
                    &mut issues,
                );
            }
            for (k, inj) in o.enjoined.iter().enumerate() {
                check_sources(
                    item,
                    &format!("enjoined[{k}].sources"),
                    &inj.sources,
                    require_sources,
                    &mut issues,
                );
            }
        }
        issues
    }
}

/// `into` followed by `more`, built in whichever of the two buffers is the
/// larger: appending a large list to the few built-in records must not
/// copy the list into a new buffer while the old one is still held, which
/// would need its memory twice over at the peak.
fn append<T>(into: &mut Vec<T>, mut more: Vec<T>) {
    if more.len() > into.len() {
        more.splice(0..0, into.drain(..));
        *into = more;
    } else {
        into.append(&mut more);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_entities(ids: &[&str]) -> Dataset {
        Dataset {
            entities: ids
                .iter()
                .map(|id| Entity::new(*id, EntityKind::Company, *id))
                .collect(),
            ..Dataset::default()
        }
    }

    fn ids(d: &Dataset) -> Vec<&str> {
        d.entities.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn extending_with_a_larger_dataset_keeps_its_own_records_first() {
        let mut builtin = with_entities(&["a", "b"]);
        builtin.extend(with_entities(&["c", "d", "e"]));
        assert_eq!(ids(&builtin), ["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn extending_with_a_smaller_dataset_appends_its_records() {
        let mut list = with_entities(&["a", "b", "c"]);
        list.extend(with_entities(&["d", "e"]));
        list.extend(Dataset::default());
        assert_eq!(ids(&list), ["a", "b", "c", "d", "e"]);
    }
}
