//! Order coverage: who an order covers on a date, and through whom.
//!
//! The scope of an EO-style order ("persons that develop or control the
//! application, or their subsidiaries") is computed in three passes over
//! the relations that held on the date:
//!
//! 1. **Anchors.** Named entities, named apps, and related apps.
//! 2. **Developers and controllers**, breadth first and upwards from each
//!    named app: whoever develops or operates it; then whoever controls a
//!    developer or controller (`controls`, ownership passing the order's
//!    controller threshold, or being the parent in `subsidiary_of`).
//!    Breadth first, so each entity keeps its shortest path.
//! 3. **Subsidiaries**, downwards from every covered person, as a fixpoint:
//!    an entity is covered when the shares held in it by covered owners,
//!    summed, pass the subsidiary threshold. The fixpoint terminates on
//!    cyclic ownership because an entity is added at most once.
//!
//! Every relation that was looked at and did not pass (Alibaba's 33% of Ant
//! Group) is kept as a [`NotCovering`] with its reason, so the answer to
//! "why not?" is data, like the answer to "why?".

use std::collections::{BTreeMap, HashMap, VecDeque};

use interdict_model::{
    path_text, CoverageRole, Covered, Date, Direction, Entity, EntityKind, Explanation, NotCovering, Order, PathLink,
    PathStep, Relation, RelationKind,
};

use crate::Snapshot;

/// The entities an order covers on a date.
#[derive(Clone, Debug)]
pub struct Coverage {
    pub order: String,
    pub as_of: Date,
    /// By entity id; named and related apps are included, with their roles.
    pub covered: BTreeMap<String, Covered>,
    /// Relations that were looked at and did not extend coverage.
    pub not_covering: Vec<NotCovering>,
}

impl Coverage {
    pub fn get(&self, entity_id: &str) -> Option<&Covered> {
        self.covered.get(entity_id)
    }

    /// Covered persons (not apps), in id order.
    pub fn persons(&self) -> impl Iterator<Item = &Covered> {
        self.covered
            .values()
            .filter(|c| !matches!(c.role, CoverageRole::NamedApp | CoverageRole::RelatedApp))
    }
}

/// One step of a path: `entity`, reached over `link` when it is not the first.
pub fn step(entity: &Entity, link: Option<(&Relation, Direction)>) -> PathStep {
    PathStep {
        entity_id: entity.id.clone(),
        name: entity.name.clone(),
        label: entity.label(),
        link: link.map(|(r, direction)| PathLink {
            relation: r.kind,
            direction,
            percent: r.percent,
            basis: r.basis.clone(),
            as_of: r.as_of.clone(),
            confidence: r.confidence,
            sources: r.sources.clone(),
        }),
    }
}

fn covered(entity: &Entity, role: CoverageRole, path: Vec<PathStep>) -> Covered {
    Covered {
        entity_id: entity.id.clone(),
        name: entity.name.clone(),
        role,
        path_text: path_text(&path),
        path,
    }
}

fn extend(path: &[PathStep], next: PathStep) -> Vec<PathStep> {
    let mut p = path.to_vec();
    p.push(next);
    p
}

fn percent_text(p: f64) -> String {
    let s = format!("{p:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Shares held in one entity by covered owners: the sum, and each holding.
type Holdings<'a> = (f64, Vec<(&'a Entity, &'a Relation)>);

impl Snapshot {
    /// Who `order` covers on `date`. An order with an empty scope covers
    /// nobody.
    pub fn coverage(&self, order: &Order, date: Date) -> Coverage {
        let scope = &order.scope;
        let mut cov: BTreeMap<String, Covered> = BTreeMap::new();
        let mut not_covering = Vec::new();

        for id in &scope.entities {
            if let Some(e) = self.entity(id) {
                cov.entry(e.id.clone())
                    .or_insert_with(|| covered(e, CoverageRole::Named, vec![step(e, None)]));
            }
        }
        for (ids, role) in [
            (&scope.apps, CoverageRole::NamedApp),
            (&scope.related_apps, CoverageRole::RelatedApp),
        ] {
            for id in ids {
                if let Some(e) = self.entity(id) {
                    cov.entry(e.id.clone())
                        .or_insert_with(|| covered(e, role, vec![step(e, None)]));
                }
            }
        }

        self.climb(order, &scope.apps, date, &mut cov, &mut not_covering);

        if scope.subsidiaries {
            self.add_subsidiaries(order, date, &mut cov, &mut not_covering);
        }
        not_covering.sort_by(|a, b| (&a.entity_id, &a.through_id).cmp(&(&b.entity_id, &b.through_id)));
        not_covering.dedup_by(|a, b| a.entity_id == b.entity_id && a.through_id == b.through_id);

        Coverage {
            order: order.id.clone(),
            as_of: date,
            covered: cov,
            not_covering,
        }
    }

    /// Pass 2: developers of `apps`, then their controllers, breadth first.
    /// Each app must already be in `cov` as an anchor.
    fn climb(
        &self,
        order: &Order,
        apps: &[String],
        date: Date,
        cov: &mut BTreeMap<String, Covered>,
        not_covering: &mut Vec<NotCovering>,
    ) {
        let scope = &order.scope;
        let mut queue: VecDeque<String> = VecDeque::new();
        for app_id in apps {
            let Some(app_path) = cov.get(app_id).map(|c| c.path.clone()) else {
                continue;
            };
            for (dev, rel) in self.incoming(app_id, &[RelationKind::Develops, RelationKind::Operates], date) {
                if cov.contains_key(&dev.id) {
                    continue;
                }
                let path = extend(&app_path, step(dev, Some((rel, Direction::Up))));
                cov.insert(dev.id.clone(), covered(dev, CoverageRole::Developer, path));
                queue.push_back(dev.id.clone());
            }
        }
        while let Some(id) = queue.pop_front() {
            let here = cov[&id].clone();
            let mut parents: Vec<(&Entity, &Relation)> = Vec::new();
            for (owner, rel) in self.incoming(&id, &[RelationKind::Controls, RelationKind::Owns], date) {
                let passes = match (rel.kind, rel.percent) {
                    (RelationKind::Controls, _) => true,
                    (_, Some(p)) => scope.controller_threshold.passes(p),
                    (_, None) => false,
                };
                if passes {
                    parents.push((owner, rel));
                } else {
                    // Kept even when the owner is covered another way: the
                    // explanation must still say that this relation does
                    // not cover it (Alibaba via Ant Group).
                    let share = rel
                        .percent
                        .map_or("an unpublished share".to_string(), |p| format!("{}%", percent_text(p)));
                    not_covering.push(NotCovering {
                        entity_id: owner.id.clone(),
                        name: owner.name.clone(),
                        through_id: here.entity_id.clone(),
                        through_name: here.name.clone(),
                        relation: rel.kind,
                        percent: rel.percent,
                        would_be: CoverageRole::Controller,
                        reason: format!(
                            "owns {share} of {}, which does not pass the controller threshold {}",
                            here.name, scope.controller_threshold
                        ),
                    });
                }
            }
            parents.extend(self.outgoing(&id, &[RelationKind::SubsidiaryOf], date));
            for (parent, rel) in parents {
                if parent.kind == EntityKind::Application || cov.contains_key(&parent.id) {
                    continue;
                }
                let path = extend(&here.path, step(parent, Some((rel, Direction::Up))));
                cov.insert(parent.id.clone(), covered(parent, CoverageRole::Controller, path));
                queue.push_back(parent.id.clone());
            }
        }
    }

    /// The developers and controllers that cover one named app, with paths
    /// that start at that app. Coverage keeps one (shortest) path per entity
    /// for the whole order; when a company develops two named apps (Tenpay:
    /// QQ Wallet and WeChat Pay), a reviewer of one app needs the path from
    /// that app, not from the other.
    pub fn covered_from_app(&self, order: &Order, app_id: &str, date: Date) -> Vec<Covered> {
        let Some(app) = self.entity(app_id) else {
            return Vec::new();
        };
        if !order.scope.apps.iter().any(|a| a == app_id) {
            return Vec::new();
        }
        let mut cov = BTreeMap::new();
        cov.insert(
            app.id.clone(),
            covered(app, CoverageRole::NamedApp, vec![step(app, None)]),
        );
        self.climb(order, std::slice::from_ref(&app.id), date, &mut cov, &mut Vec::new());
        cov.remove(app_id);
        cov.into_values().collect()
    }

    fn add_subsidiaries(
        &self,
        order: &Order,
        date: Date,
        cov: &mut BTreeMap<String, Covered>,
        not_covering: &mut Vec<NotCovering>,
    ) {
        let threshold = order.scope.subsidiary_threshold;
        let is_person = |c: &Covered| !matches!(c.role, CoverageRole::NamedApp | CoverageRole::RelatedApp);
        loop {
            // Shares held by covered persons, per candidate subsidiary.
            let mut held: HashMap<&str, Holdings> = HashMap::new();
            let mut by_parent: Vec<(&Entity, &Relation, String)> = Vec::new();
            for c in cov.values().filter(|c| is_person(c)) {
                for (sub, rel) in self.outgoing(&c.entity_id, &[RelationKind::Owns], date) {
                    if cov.contains_key(&sub.id) || sub.kind == EntityKind::Application {
                        continue;
                    }
                    let entry = held.entry(sub.id.as_str()).or_default();
                    entry.0 += rel.percent.unwrap_or(0.0);
                    entry
                        .1
                        .push((self.entity(&c.entity_id).expect("covered entity exists"), rel));
                }
                for (sub, rel) in self.incoming(&c.entity_id, &[RelationKind::SubsidiaryOf], date) {
                    if !cov.contains_key(&sub.id) {
                        by_parent.push((sub, rel, c.entity_id.clone()));
                    }
                }
            }
            let mut added = Vec::new();
            for (sub, rel, parent) in by_parent {
                let path = extend(&cov[&parent].path, step(sub, Some((rel, Direction::Down))));
                added.push((sub.id.clone(), covered(sub, CoverageRole::Subsidiary, path)));
            }
            for (sub_id, (total, owners)) in &held {
                if !threshold.passes(*total) {
                    continue;
                }
                // The path goes through the largest single holder.
                let (owner, rel) = owners
                    .iter()
                    .max_by(|a, b| a.1.percent.unwrap_or(0.0).total_cmp(&b.1.percent.unwrap_or(0.0)))
                    .expect("at least one owner");
                let sub = self.entity(sub_id).expect("subsidiary exists");
                let path = extend(&cov[&owner.id].path, step(sub, Some((rel, Direction::Down))));
                added.push((sub.id.clone(), covered(sub, CoverageRole::Subsidiary, path)));
            }
            if added.is_empty() {
                for (sub_id, (total, owners)) in held {
                    let sub = self.entity(sub_id).expect("subsidiary exists");
                    for (owner, rel) in owners {
                        let share = rel
                            .percent
                            .map_or("an unpublished share".to_string(), |p| format!("{}%", percent_text(p)));
                        let of_total = if (total - rel.percent.unwrap_or(0.0)).abs() > f64::EPSILON {
                            format!(" ({}% in all by covered owners)", percent_text(total))
                        } else {
                            String::new()
                        };
                        not_covering.push(NotCovering {
                            entity_id: sub.id.clone(),
                            name: sub.name.clone(),
                            through_id: owner.id.clone(),
                            through_name: owner.name.clone(),
                            relation: RelationKind::Owns,
                            percent: rel.percent,
                            would_be: CoverageRole::Subsidiary,
                            reason: format!(
                                "{} owns {share} of it{of_total}, which does not pass the subsidiary threshold {threshold}",
                                owner.name
                            ),
                        });
                    }
                }
                return;
            }
            for (id, c) in added {
                cov.entry(id).or_insert(c);
            }
        }
    }

    /// Everything `order` says about one entity on `date`: the paths that
    /// cover it, and the relations that were looked at and did not.
    pub fn explain(&self, order: &Order, entity_id: &str, date: Date) -> Option<Explanation> {
        let entity = self.entity(entity_id)?;
        let coverage = self.coverage(order, date);
        let paths: Vec<Covered> = coverage.get(entity_id).cloned().into_iter().collect();
        let not_covering: Vec<NotCovering> = coverage
            .not_covering
            .into_iter()
            .filter(|n| n.entity_id == entity_id)
            .collect();
        Some(Explanation {
            order: order.id.clone(),
            entity_id: entity.id.clone(),
            name: entity.name.clone(),
            as_of: date,
            covered: !paths.is_empty(),
            paths,
            not_covering,
        })
    }
}
