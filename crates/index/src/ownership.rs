//! Blocking by ownership: who an ownership rule blocks on a date, and
//! through whom.
//!
//! The seeds are the entities with a designation the rule extends, active
//! on the date. An entity is blocked when the shares its blocked owners
//! hold in it, summed, reach the rule's threshold; indirect ownership
//! counts only through owners that are blocked themselves. That is a
//! fixpoint: each newly blocked entity re-examines what it owns. It ends on
//! cyclic ownership because an entity is blocked at most once. Control
//! without ownership, and holdings whose share is not published, block
//! nothing.

use std::collections::{BTreeMap, HashMap, VecDeque};

use interdict_model::{
    path_text, Date, Direction, OwnerShare, OwnershipFinding, OwnershipRule, PathStep, RelationKind,
};

use crate::coverage::step;
use crate::Snapshot;

/// What an ownership rule does on a date.
#[derive(Clone, Debug, Default)]
pub struct OwnershipBlocks {
    /// Entities the rule's designations name directly.
    pub designated: Vec<String>,
    /// Entities blocked through ownership, by id.
    pub owned: BTreeMap<String, OwnershipFinding>,
}

impl Snapshot {
    /// The entities `rule` blocks on `date` through ownership. Empty when
    /// the rule is not in force on the date.
    pub fn ownership_blocks(&self, rule: &OwnershipRule, date: Date) -> OwnershipBlocks {
        let mut out = OwnershipBlocks::default();
        if !rule.in_force(date) {
            return out;
        }
        let dataset = self.dataset();
        let mut paths: HashMap<&str, Vec<PathStep>> = HashMap::new();
        let mut queue: VecDeque<&str> = VecDeque::new();
        for d in &dataset.designations {
            if rule.extends(d) && d.active_on(date) && !paths.contains_key(d.entity_id.as_str()) {
                if let Some(entity) = self.entity(&d.entity_id) {
                    paths.insert(entity.id.as_str(), vec![step(entity, None)]);
                    queue.push_back(entity.id.as_str());
                    out.designated.push(entity.id.clone());
                }
            }
        }
        while let Some(owner) = queue.pop_front() {
            for (asset, _) in self.outgoing(owner, &[RelationKind::Owns], date) {
                if paths.contains_key(asset.id.as_str()) {
                    continue;
                }
                // Each blocked owner once, at its largest published share
                // (two sources may state the same holding).
                let mut owners: Vec<(&interdict_model::Entity, &interdict_model::Relation, f64)> = Vec::new();
                for (o, r) in self.incoming(&asset.id, &[RelationKind::Owns], date) {
                    let (Some(p), true) = (r.percent, paths.contains_key(o.id.as_str())) else {
                        continue;
                    };
                    match owners.iter_mut().find(|x| x.0.id == o.id) {
                        Some(x) if x.2 < p => *x = (o, r, p),
                        Some(_) => {}
                        None => owners.push((o, r, p)),
                    }
                }
                let share: f64 = owners.iter().map(|x| x.2).sum();
                // Shares are published with two decimals at most.
                if share + 1e-9 < rule.threshold {
                    continue;
                }
                owners.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.id.cmp(&b.0.id)));
                let (top, rel, _) = owners[0];
                let mut path = paths[top.id.as_str()].clone();
                path.push(step(asset, Some((rel, Direction::Down))));
                out.owned.insert(
                    asset.id.clone(),
                    OwnershipFinding {
                        rule: rule.id.clone(),
                        rule_title: rule.title.clone(),
                        entity_id: asset.id.clone(),
                        name: asset.name.clone(),
                        share,
                        owners: owners
                            .iter()
                            .map(|(o, _, p)| OwnerShare {
                                entity_id: o.id.clone(),
                                name: o.name.clone(),
                                percent: *p,
                            })
                            .collect(),
                        path_text: path_text(&path),
                        path: path.clone(),
                    },
                );
                paths.insert(asset.id.as_str(), path);
                queue.push_back(asset.id.as_str());
            }
        }
        out
    }
}
