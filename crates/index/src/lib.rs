//! Immutable snapshots: a [`Dataset`] built once into the structures that
//! screening reads, and then never changed.
//!
//! - an identifier map: normalised identifier → entities, so an app package
//!   name or a domain finds its entity in one hash lookup;
//! - the relation graph, with in- and out-edges per entity;
//! - order coverage ([`Snapshot::coverage`]): who an order covers on a date,
//!   and the path that covers each of them.
//!
//! A snapshot is identified by a content hash of its data, so that a
//! decision can name exactly the data it used.

mod coverage;
mod error;
pub mod names;
mod ownership;

use std::collections::HashMap;

use interdict_model::{Dataset, Entity, Identifier, IdentifierRecord, MatchKind, Order, Relation, RelationKind};
use sha2::{Digest, Sha256};

pub use coverage::{step as path_step, Coverage};
pub use error::{Error, ErrorKind};
pub use names::{NameHit, NameIndex};
pub use ownership::OwnershipBlocks;

/// Built once from a Dataset; read-only afterwards.
#[derive(Debug)]
pub struct Snapshot {
    id: String,
    dataset: Dataset,
    entity_index: HashMap<String, usize>,
    order_index: HashMap<String, usize>,
    /// (identifier type, comparison key) → (entity, identifier) positions.
    identifiers: HashMap<(String, String), Vec<(usize, usize)>>,
    /// Per entity: indices of relations whose `from` is the entity.
    out_edges: Groups,
    /// Per entity: indices of relations whose `to` is the entity.
    in_edges: Groups,
    /// Per entity: indices of its designations.
    designations: Groups,
}

/// Indices grouped by entity, in one array: `items[starts[g]..starts[g + 1]]`
/// is group `g`'s, in the order they were given. A list of millions of
/// entities, most with no relation and no designation, would otherwise hold
/// three empty vectors (72 bytes) for each of them.
#[derive(Debug)]
struct Groups {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups `pairs` of (group, item) for groups `0..groups`.
    fn new(groups: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> Groups {
        let mut starts = vec![0u32; groups + 1];
        for (g, _) in pairs.clone() {
            starts[g + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; starts[groups] as usize];
        for (g, item) in pairs {
            items[next[g] as usize] = item as u32;
            next[g] += 1;
        }
        Groups { starts, items }
    }

    fn get(&self, group: usize) -> impl Iterator<Item = usize> + '_ {
        self.items[self.starts[group] as usize..self.starts[group + 1] as usize]
            .iter()
            .map(|&item| item as usize)
    }
}

/// An entity found by identifier.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    pub entity: &'a Entity,
    pub record: &'a IdentifierRecord,
    pub kind: MatchKind,
}

impl Snapshot {
    /// Checks the dataset and builds the snapshot. A dataset with dangling
    /// references is refused: the index never holds a half-valid graph.
    pub fn build(dataset: Dataset) -> Result<Snapshot, Error> {
        let issues = dataset.validate();
        if !issues.is_empty() {
            return Err(Error::invalid(issues));
        }
        // Hashed as it is written: the JSON of a large list is hundreds of
        // megabytes that would otherwise be held at once, beside the dataset.
        let mut hasher = std::io::BufWriter::with_capacity(1 << 16, Sha256::new());
        serde_json::to_writer(&mut hasher, &dataset).map_err(Error::serialize)?;
        let hasher = hasher
            .into_inner()
            .map_err(|e| Error::serialize(serde_json::Error::io(e.into_error())))?;
        let id = format!("sha256:{:x}", hasher.finalize());

        let entity_index: HashMap<String, usize> = dataset
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let order_index = dataset
            .orders
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.clone(), i))
            .collect();
        let mut identifiers: HashMap<(String, String), Vec<(usize, usize)>> = HashMap::new();
        for (ei, e) in dataset.entities.iter().enumerate() {
            for (ii, rec) in e.identifiers.iter().enumerate() {
                let key = (rec.identifier.kind().to_string(), rec.identifier.key());
                identifiers.entry(key).or_default().push((ei, ii));
            }
        }
        // validate() guarantees that every reference resolves.
        let entities = dataset.entities.len();
        let relations = dataset.relations.iter().enumerate();
        let out_edges = Groups::new(entities, relations.clone().map(|(ri, r)| (entity_index[&r.from], ri)));
        let in_edges = Groups::new(entities, relations.map(|(ri, r)| (entity_index[&r.to], ri)));
        let designations = Groups::new(
            entities,
            dataset
                .designations
                .iter()
                .enumerate()
                .map(|(di, d)| (entity_index[&d.entity_id], di)),
        );
        Ok(Snapshot {
            id,
            designations,
            dataset,
            entity_index,
            order_index,
            identifiers,
            out_edges,
            in_edges,
        })
    }

    /// The content hash, `sha256:<hex>`.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    pub fn orders(&self) -> &[Order] {
        &self.dataset.orders
    }

    pub fn order(&self, id: &str) -> Option<&Order> {
        self.order_index.get(id).map(|&i| &self.dataset.orders[i])
    }

    /// Where entity `id` is in the dataset's entities.
    pub fn entity_position(&self, id: &str) -> Option<usize> {
        self.entity_index.get(id).copied()
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entity_index.get(id).map(|&i| &self.dataset.entities[i])
    }

    /// The content digest of an entity with its designations, `sha256:<hex>`
    /// of their JSON: an allowlist entry holds while it is unchanged.
    pub fn entity_digest(&self, id: &str) -> Option<String> {
        let entity = self.entity(id)?;
        let body = serde_json::to_vec(&(entity, self.designations_of(id))).ok()?;
        Some(format!("sha256:{:x}", Sha256::digest(&body)))
    }

    /// The designations of an entity, in the order the lists gave them.
    pub fn designations_of(&self, entity_id: &str) -> Vec<&interdict_model::Designation> {
        match self.entity_index.get(entity_id) {
            Some(&i) => self
                .designations
                .get(i)
                .map(|d| &self.dataset.designations[d])
                .collect(),
            None => Vec::new(),
        }
    }

    /// Entities that carry `identifier`. Domains also match their parents:
    /// `pay.weixin.qq.com` finds an entity listed with `qq.com`, as a
    /// `parent_domain` match.
    pub fn lookup(&self, identifier: &Identifier) -> Vec<Found<'_>> {
        let kind = identifier.kind().to_string();
        let mut keys = vec![(identifier.key(), MatchKind::Exact)];
        for parent in identifier.domain_ancestors().into_iter().skip(1) {
            keys.push((parent.to_string(), MatchKind::ParentDomain));
        }
        let mut found = Vec::new();
        for (key, match_kind) in keys {
            if let Some(hits) = self.identifiers.get(&(kind.clone(), key)) {
                for &(ei, ii) in hits {
                    let entity = &self.dataset.entities[ei];
                    found.push(Found {
                        entity,
                        record: &entity.identifiers[ii],
                        kind: match_kind,
                    });
                }
            }
        }
        found
    }

    /// Relations into `entity_id` of the given kinds that held on `date`,
    /// with the entity at their other end.
    pub fn incoming(
        &self,
        entity_id: &str,
        kinds: &[RelationKind],
        date: interdict_model::Date,
    ) -> Vec<(&Entity, &Relation)> {
        self.edges(entity_id, kinds, date, &self.in_edges, |r| &r.from)
    }

    /// Relations out of `entity_id` of the given kinds that held on `date`,
    /// with the entity at their other end.
    pub fn outgoing(
        &self,
        entity_id: &str,
        kinds: &[RelationKind],
        date: interdict_model::Date,
    ) -> Vec<(&Entity, &Relation)> {
        self.edges(entity_id, kinds, date, &self.out_edges, |r| &r.to)
    }

    fn edges<'a>(
        &'a self,
        entity_id: &str,
        kinds: &[RelationKind],
        date: interdict_model::Date,
        table: &'a Groups,
        other: impl Fn(&'a Relation) -> &'a String,
    ) -> Vec<(&'a Entity, &'a Relation)> {
        let Some(&i) = self.entity_index.get(entity_id) else {
            return Vec::new();
        };
        table
            .get(i)
            .map(|ri| &self.dataset.relations[ri])
            .filter(|r| kinds.contains(&r.kind) && r.active_on(date))
            .map(|r| (&self.dataset.entities[self.entity_index[other(r)]], r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Groups;

    #[test]
    fn groups_keep_each_groups_items_in_the_order_given_and_empty_groups_empty() {
        let pairs = [(2, 10), (0, 11), (2, 12), (3, 13), (2, 14)];
        let groups = Groups::new(5, pairs.iter().copied());
        let of = |g| groups.get(g).collect::<Vec<_>>();
        assert_eq!(of(0), [11]);
        assert_eq!(of(1), Vec::<usize>::new());
        assert_eq!(of(2), [10, 12, 14]);
        assert_eq!(of(3), [13]);
        assert_eq!(of(4), Vec::<usize>::new());
    }
}
