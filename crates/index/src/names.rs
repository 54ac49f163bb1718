//! The name side of a snapshot: every listed name analysed once, and key
//! maps that find, for a query, the names that can reach a threshold
//! without scoring the whole list.
//!
//! Completeness: every rule of [`interdict_names::similarity::similarity`]
//! that gives two units a non-zero score has a key both share (exact text,
//! OCR fold, phonetic key, consonant skeleton, deletion variants, prefixes,
//! first letter for initials). The index finds every vocabulary unit that
//! shares a key with a query unit and verifies it with the same rule. Then a
//! bound in the manner of prefix filtering leaves out the query units that,
//! matched alone, cannot lift a name to the threshold; the names reached
//! through the other units are scored in full. A name left out can only
//! match the left-out units, so it scores below the threshold: the search
//! returns exactly what [`NameIndex::search_brute_force`] returns.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use interdict_model::{Dataset, Entity, EntityKind, NameKind};
use interdict_names::evidence::max_raise;
use interdict_names::score::{
    may_be_truncated, round3, unit_similarity, Scorer, Unit, MAX_UNITS, TRUNCATED_NAME, WEAK_ONLY_CAP,
};
use interdict_names::similarity::weight::INITIAL as INITIAL_SIMILARITY;
use interdict_names::similarity::{deletion_variants, hash_bytes, is_truncation, TokenMatch};
use interdict_names::{adjust, analyze, Adjustment, Analyzed, BirthDate, Evidence, Features, PartyKind, TokenKind};

/// A weak alias (OFAC's "weak a.k.a.") counts for this fraction of a full
/// name's score: lists mark them as too loose to screen on alone.
pub const WEAK_ALIAS_FACTOR: f32 = 0.9;

/// Weights never fall below this share of their kind's weight, however
/// common the token: `Mohammed` still counts.
const MIN_RARITY: f32 = 0.15;

/// Map keys are already hashes; hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

/// Which map a key belongs to, mixed into the key's hash.
#[derive(Clone, Copy)]
enum KeyKind {
    Exact = 1,
    Ocr,
    Phonetic,
    Consonants,
    Deletion,
    Prefix,
}

fn tag(kind: KeyKind, hash: u64) -> u64 {
    hash ^ (kind as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// One listed name (one of its Latin forms), analysed.
#[derive(Debug)]
struct IndexedName {
    entity: u32,
    /// The name as the list gives it.
    text: String,
    weak: bool,
    analyzed: Analyzed,
}

/// What the search reads of every candidate, kept together in flat arrays
/// so that a candidate costs a cache line or two, not a walk through the
/// heap of its analysis.
#[derive(Clone, Copy, Debug)]
struct NameHead {
    /// The name's units are `units[first_unit..first_unit + unit_count]`.
    first_unit: u32,
    unit_count: u8,
    total_weight: f32,
    /// Vocabulary id of the first token.
    first_token: u32,
}

/// One unit of an indexed name, in the flat array.
#[derive(Clone, Copy, Debug)]
struct UnitHead {
    vocab: u32,
    weight: f32,
    first_byte: u8,
    span: u8,
    /// The unit is one letter (an initial, or a one-letter particle).
    one_letter: bool,
    weak: bool,
}

/// A distinct unit text over all names.
#[derive(Debug)]
struct VocabUnit {
    unit: Unit,
    /// The names holding this unit, ascending.
    postings: Vec<u32>,
}

/// Sorted (key, vocabulary id) pairs looked up through an offset map.
#[derive(Default)]
struct KeyIndex {
    offsets: KeyMap<(u32, u32)>,
    ids: Vec<u32>,
}

impl KeyIndex {
    fn build(mut pairs: Vec<(u64, u32)>) -> KeyIndex {
        pairs.sort_unstable();
        pairs.dedup();
        let mut index = KeyIndex {
            offsets: KeyMap::default(),
            ids: Vec::with_capacity(pairs.len()),
        };
        let mut i = 0;
        while i < pairs.len() {
            let key = pairs[i].0;
            let start = index.ids.len() as u32;
            while i < pairs.len() && pairs[i].0 == key {
                index.ids.push(pairs[i].1);
                i += 1;
            }
            index.offsets.insert(key, (start, index.ids.len() as u32 - start));
        }
        index
    }

    fn get(&self, key: u64) -> &[u32] {
        match self.offsets.get(&key) {
            Some(&(start, len)) => &self.ids[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

/// A name hit: the entity, the listed name that matched best, the score
/// and its explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct NameHit {
    /// Position of the entity in the snapshot's dataset.
    pub entity: usize,
    pub name: String,
    pub score: f32,
    pub features: Features,
    pub adjustment: Adjustment,
    pub weak_alias: bool,
}

/// Counters of one search, for benchmarks and the explanation of cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Postings read: (name, unit) pairs reached through the key maps.
    pub reached: usize,
    /// Names scored in full.
    pub scored: usize,
}

/// The most one query unit can add to a score (numerator `value`,
/// denominator `weight`), and how many postings looking it up reads.
#[derive(Clone, Copy, Default)]
struct Reach {
    value: f32,
    weight: f32,
    cost: usize,
}

/// What an initial in a query can meet: the listed words and initials
/// starting with its letter.
#[derive(Clone, Copy, Default)]
struct Letter {
    /// The heaviest listed word with this first letter.
    word_weight: f32,
    /// The heaviest listed initial of this letter.
    initial_weight: f32,
    /// Postings of those words and initials together.
    postings: usize,
}

/// Per-thread scratch of the search: a running sum per name, stamped with
/// the query that wrote it, and the names touched, so that a query costs
/// what it reaches, not the list's size.
#[derive(Default)]
struct Scratch {
    sums: Vec<(u32, f32)>,
    stamp: u32,
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// What the key lookups of one query form found.
struct Plan {
    /// Names that can reach the threshold, in the order first reached.
    candidates: Vec<u32>,
    /// (vocabulary id, query unit, similarity, rule), sorted.
    known: Vec<(u32, u8, f32, TokenMatch)>,
    reached: usize,
    /// The floor the plan was made for, and whether a cut-short name can
    /// reach it.
    floor: f32,
    truncation: bool,
    /// The token id of the query's first token, if any name holds it.
    first_token: Option<u32>,
}

/// The name index of a dataset. Immutable once built.
pub struct NameIndex {
    names: Vec<IndexedName>,
    heads: Vec<NameHead>,
    unit_heads: Vec<UnitHead>,
    /// Each distinct token text, numbered.
    token_ids: HashMap<String, u32>,
    vocab: Vec<VocabUnit>,
    keys: KeyIndex,
    /// Single-token vocabulary units by first letter: what an initial in a
    /// query can stand for.
    by_first_letter: Vec<Vec<u32>>,
    letters: Vec<Letter>,
    /// Token → how many names hold it.
    document_frequency: HashMap<String, u32>,
    evidence: Vec<Evidence>,
    name_count: u32,
}

impl std::fmt::Debug for NameIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameIndex")
            .field("names", &self.names.len())
            .field("vocabulary", &self.vocab.len())
            .field("keys", &self.keys.ids.len())
            .finish()
    }
}

/// The secondary evidence a listed entity carries.
pub fn entity_evidence(entity: &Entity) -> Evidence {
    let kind = match entity.kind {
        EntityKind::Person => Some(PartyKind::Person),
        EntityKind::Organization | EntityKind::Company => Some(PartyKind::Organization),
        EntityKind::Vessel => Some(PartyKind::Vessel),
        EntityKind::Aircraft => Some(PartyKind::Aircraft),
        EntityKind::LegalEntity | EntityKind::Application | EntityKind::Wallet => None,
    };
    let mut countries: Vec<String> = entity
        .countries
        .iter()
        .chain(&entity.nationalities)
        .map(|c| c.as_str().to_string())
        .collect();
    countries.sort();
    countries.dedup();
    Evidence {
        kind,
        birth_dates: entity
            .birth_dates
            .iter()
            .filter_map(|d| parse_birth_date(d.as_str()))
            .collect(),
        countries,
    }
}

/// `1973`, `1973-03` or `1973-03-25` as a [`BirthDate`].
pub fn parse_birth_date(s: &str) -> Option<BirthDate> {
    let mut parts = s.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts
        .next()
        .and_then(|m| m.parse().ok())
        .filter(|m| (1..=12).contains(m));
    let day = parts
        .next()
        .and_then(|d| d.parse().ok())
        .filter(|d| (1..=31).contains(d));
    Some(BirthDate { year, month, day })
}

impl NameIndex {
    /// Analyses every name and alias of every entity of `dataset`.
    pub fn build(dataset: &Dataset) -> NameIndex {
        // Pass 1: Latin forms and tokens, to count how common each token is.
        let mut pending: Vec<(u32, String, bool, interdict_names::Tokens)> = Vec::new();
        for (ei, entity) in dataset.entities.iter().enumerate() {
            let names = std::iter::once((entity.name.as_str(), false)).chain(
                entity
                    .aliases
                    .iter()
                    .map(|a| (a.name.as_str(), a.kind == NameKind::WeakAlias)),
            );
            for (text, weak) in names {
                for form in interdict_names::latin_forms(text) {
                    let tokens = interdict_names::tokenize(&form);
                    if !tokens.tokens.is_empty() {
                        pending.push((ei as u32, text.to_string(), weak, tokens));
                    }
                }
            }
        }
        let mut document_frequency: HashMap<String, u32> = HashMap::new();
        for (_, _, _, tokens) in &pending {
            let mut seen: Vec<&str> = tokens.tokens.iter().map(|t| t.text.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            for t in seen {
                *document_frequency.entry(t.to_string()).or_default() += 1;
            }
        }
        let name_count = pending.len().max(1) as u32;
        let weigh = |text: &str, kind: TokenKind| rarity_weight(&document_frequency, name_count, text, kind);

        // Pass 2: units, vocabulary and postings.
        let mut vocab: Vec<VocabUnit> = Vec::new();
        let mut vocab_ids: HashMap<String, u32> = HashMap::new();
        let mut names = Vec::with_capacity(pending.len());
        let mut heads = Vec::with_capacity(pending.len());
        let mut unit_heads = Vec::new();
        let token_ids: HashMap<String, u32> = document_frequency
            .keys()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        for (entity, text, weak, tokens) in pending {
            let analyzed = Analyzed::new(tokens, weigh);
            let name_id = names.len() as u32;
            heads.push(NameHead {
                first_unit: unit_heads.len() as u32,
                unit_count: analyzed.units.len() as u8,
                total_weight: analyzed.total_weight,
                first_token: token_ids[&analyzed.tokens[0].0],
            });
            for unit in &analyzed.units {
                // A unit's identity in the vocabulary is its text and shape:
                // the same text as a token and as two joined tokens compare
                // differently.
                let key = format!(
                    "{}{}{}",
                    unit.text,
                    if unit.span >= 2 { "\u{1}" } else { "" },
                    if unit.initial { "\u{2}" } else { "" }
                );
                let id = *vocab_ids.entry(key).or_insert_with(|| {
                    vocab.push(VocabUnit {
                        unit: unit.clone(),
                        postings: Vec::new(),
                    });
                    (vocab.len() - 1) as u32
                });
                let entry = &mut vocab[id as usize];
                // The same text weighs differently by its kind in each name
                // (a patronymic, or a first word): bounds need the heaviest.
                entry.unit.weight = entry.unit.weight.max(unit.weight);
                if entry.postings.last() != Some(&name_id) {
                    entry.postings.push(name_id);
                }
                unit_heads.push(UnitHead {
                    vocab: id,
                    weight: unit.weight,
                    first_byte: unit.text.as_bytes()[0],
                    span: unit.span,
                    one_letter: unit.text.len() == 1,
                    weak: unit.weak,
                });
            }
            names.push(IndexedName {
                entity,
                text,
                weak,
                analyzed,
            });
        }

        // Pass 3: the key maps.
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut variants = Vec::new();
        let mut by_first_letter = vec![Vec::new(); 36];
        for (id, v) in vocab.iter().enumerate() {
            let id = id as u32;
            let unit = &v.unit;
            pairs.push((tag(KeyKind::Exact, hash_bytes(unit.text.as_bytes())), id));
            if unit.initial {
                continue;
            }
            pairs.push((tag(KeyKind::Ocr, unit.keys.ocr), id));
            pairs.push((tag(KeyKind::Phonetic, unit.keys.phonetic), id));
            if unit.keys.consonants_len >= 2 {
                pairs.push((tag(KeyKind::Consonants, unit.keys.consonants), id));
            }
            variants.clear();
            deletion_variants(&unit.text, unit.max_edits(), &mut variants);
            pairs.extend(variants.iter().map(|h| (tag(KeyKind::Deletion, *h), id)));
            if unit.span == 1 {
                let bytes = unit.text.as_bytes();
                for len in 4..bytes.len() {
                    if is_truncation(&unit.text[..len], &unit.text) {
                        pairs.push((tag(KeyKind::Prefix, hash_bytes(&bytes[..len])), id));
                    }
                }
                if let Some(slot) = letter_slot(bytes[0]) {
                    by_first_letter[slot].push(id);
                }
            }
        }
        let keys = KeyIndex::build(pairs);
        let mut letters = vec![Letter::default(); by_first_letter.len()];
        for (slot, ids) in by_first_letter.iter().enumerate() {
            for &id in ids {
                let v = &vocab[id as usize];
                letters[slot].word_weight = letters[slot].word_weight.max(v.unit.weight);
                letters[slot].postings += v.postings.len();
            }
        }
        for v in vocab.iter().filter(|v| v.unit.initial) {
            if let Some(slot) = letter_slot(v.unit.text.as_bytes()[0]) {
                letters[slot].initial_weight = letters[slot].initial_weight.max(v.unit.weight);
                letters[slot].postings += v.postings.len();
            }
        }
        let evidence = dataset.entities.iter().map(entity_evidence).collect();
        NameIndex {
            names,
            heads,
            unit_heads,
            token_ids,
            vocab,
            keys,
            by_first_letter,
            letters,
            document_frequency,
            evidence,
            name_count,
        }
    }

    /// How many names (forms of names and aliases) are indexed.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// How many distinct units the vocabulary holds.
    pub fn vocabulary_len(&self) -> usize {
        self.vocab.len()
    }

    /// A token's weight in this index: its kind's weight times how rare it
    /// is among the names. Tokens the list does not hold count fully.
    pub fn weight(&self, text: &str, kind: TokenKind) -> f32 {
        rarity_weight(&self.document_frequency, self.name_count, text, kind)
    }

    /// Analyses a query name with this index's weights.
    pub fn analyze(&self, name: &str) -> Vec<Analyzed> {
        analyze(name, |t, k| self.weight(t, k))
    }

    /// The entities whose names score at least `threshold` against `name`,
    /// best first (ties by entity position), at most `limit`.
    pub fn search(&self, name: &str, evidence: &Evidence, threshold: f32, limit: usize) -> Vec<NameHit> {
        self.search_with_stats(name, evidence, threshold, limit).0
    }

    /// [`NameIndex::search`], with what it cost.
    pub fn search_with_stats(
        &self,
        name: &str,
        evidence: &Evidence,
        threshold: f32,
        limit: usize,
    ) -> (Vec<NameHit>, SearchStats) {
        let mut stats = SearchStats::default();
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        let mut scorer = Scorer::default();
        let mut pairs = Vec::new();
        let raise = max_raise(evidence);
        let forms = self.analyze(name);
        for (fi, form) in forms.iter().enumerate() {
            // Scores are rounded to three decimals, which can lift one by
            // half a thousandth.
            let plan = self.plan(form, threshold - raise - 0.001);
            stats.reached += plan.reached;
            stats.scored += plan.candidates.len();
            for &name_id in &plan.candidates {
                let score = self.score_planned(&mut scorer, &mut pairs, form, &plan, name_id, evidence);
                if score >= threshold {
                    self.keep_best(&mut best, fi, name_id, score);
                }
            }
        }
        (self.finish(&forms, best, evidence, limit), stats)
    }

    /// Scores every indexed name: the reference the index must agree with.
    pub fn search_brute_force(&self, name: &str, evidence: &Evidence, threshold: f32, limit: usize) -> Vec<NameHit> {
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        let mut scorer = Scorer::default();
        let forms = self.analyze(name);
        for (fi, form) in forms.iter().enumerate() {
            for name_id in 0..self.names.len() as u32 {
                let score = self.score_name(&mut scorer, form, name_id, evidence);
                if score >= threshold {
                    self.keep_best(&mut best, fi, name_id, score);
                }
            }
        }
        self.finish(&forms, best, evidence, limit)
    }

    /// Keeps, per entity, its best-scoring name: on a tie the first form,
    /// then the first name, so that results never depend on map order.
    fn keep_best(&self, best: &mut HashMap<u32, (f32, u32)>, form: usize, name_id: u32, score: f32) {
        let entity = self.names[name_id as usize].entity;
        let packed = (form as u32) << 28 | name_id;
        let slot = best.entry(entity).or_insert((score, packed));
        if score > slot.0 || (score == slot.0 && packed < slot.1) {
            *slot = (score, packed);
        }
    }

    fn score_name(&self, scorer: &mut Scorer, form: &Analyzed, name_id: u32, evidence: &Evidence) -> f32 {
        let name = &self.names[name_id as usize];
        let score = scorer.score(form, &name.analyzed);
        self.finish_score(score, name, evidence)
    }

    /// The weak-alias factor and the secondary evidence on a name score.
    fn finish_score(&self, mut score: f32, name: &IndexedName, evidence: &Evidence) -> f32 {
        if name.weak {
            score *= WEAK_ALIAS_FACTOR;
        }
        if evidence != &Evidence::default() {
            score += adjust(evidence, &self.evidence[name.entity as usize]).total();
        }
        round3(score.clamp(0.0, 1.0))
    }

    fn finish(
        &self,
        forms: &[Analyzed],
        best: HashMap<u32, (f32, u32)>,
        evidence: &Evidence,
        limit: usize,
    ) -> Vec<NameHit> {
        let mut ranked: Vec<(u32, f32, u32)> = best.into_iter().map(|(e, (s, p))| (e, s, p)).collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        let mut scorer = Scorer::default();
        ranked
            .into_iter()
            .map(|(entity, score, packed)| {
                let (form, name_id) = ((packed >> 28) as usize, packed & 0x0FFF_FFFF);
                let name = &self.names[name_id as usize];
                let (_, features) = scorer.explain(&forms[form], &name.analyzed);
                NameHit {
                    entity: entity as usize,
                    name: name.text.clone(),
                    score,
                    features,
                    adjustment: adjust(evidence, &self.evidence[entity as usize]),
                    weak_alias: name.weak,
                }
            })
            .collect()
    }

    /// The names that can score at least `floor` (the threshold less what
    /// secondary evidence can add) against `form`, ascending, and the unit
    /// matches found on the way.
    fn plan(&self, form: &Analyzed, floor: f32) -> Plan {
        // For each query unit: the vocabulary units it matches, verified.
        let mut matched: Vec<Vec<(u32, f32, TokenMatch)>> = Vec::with_capacity(form.units.len());
        let mut found = Vec::new();
        let mut variants = Vec::new();
        for unit in &form.units {
            found.clear();
            let mut verified = Vec::new();
            if !unit.initial {
                self.lookup_keys(unit, &mut variants, &mut found);
                found.sort_unstable();
                found.dedup();
                for &id in &found {
                    if let Some((sim, how)) = unit_similarity(unit, &self.vocab[id as usize].unit) {
                        verified.push((id, sim, how));
                    }
                }
            }
            matched.push(verified);
        }

        // What a unit can add to a score it is part of. A match with
        // similarity s adds s(wq + wc) over a denominator holding wc; that
        // is wq + w' over w' with w' = s(wq + wc) - wq <= wc, and a ratio
        // below 1 only grows when the same amount joins both sides. So
        // (wq + w'max, w'max) bounds every match of the unit, and the
        // bounds of several units add up.
        let reach = |qi: usize| -> Reach {
            let unit = &form.units[qi];
            let wq = unit.weight;
            let lift = |sim: f32, wc: f32| (sim * (wq + wc) - wq).max(0.0);
            if unit.initial {
                let Some(slot) = letter_slot(unit.text.as_bytes()[0]) else {
                    return Reach::default();
                };
                let letter = &self.letters[slot];
                let w = lift(1.0, letter.initial_weight).max(lift(INITIAL_SIMILARITY, letter.word_weight));
                return Reach {
                    value: wq + w,
                    weight: w,
                    cost: letter.postings,
                };
            }
            if matched[qi].is_empty() {
                return Reach::default();
            }
            let mut r = Reach::default();
            for &(id, sim, _) in &matched[qi] {
                let v = &self.vocab[id as usize];
                r.weight = r.weight.max(lift(sim, v.unit.weight));
                r.cost += v.postings.len();
            }
            r.value = wq + r.weight;
            r
        };
        let reaches: Vec<Reach> = (0..form.units.len()).map(reach).collect();
        // Leave out the units that, all matched together, still cannot lift
        // a name to the floor, the ones with the most postings first: a name
        // left out then matches none of the units looked up, so it scores
        // below the floor.
        let mut order: Vec<usize> = (0..form.units.len()).collect();
        order.sort_unstable_by(|&a, &b| reaches[b].cost.cmp(&reaches[a].cost).then(a.cmp(&b)));
        let mut skipped = vec![false; form.units.len()];
        let (mut skipped_value, mut skipped_weight) = (0.0f32, 0.0f32);
        // A cut-short name scores TRUNCATED_NAME whatever its other tokens:
        // the names it can be share the query's first token, so that token
        // is always looked up.
        let truncation = may_be_truncated(form) && floor <= TRUNCATED_NAME;
        let first_token = form.tokens.first().and_then(|t| self.token_ids.get(&t.0)).copied();
        for &qi in &order {
            if truncation && qi == 0 {
                continue;
            }
            let r = reaches[qi];
            if r.cost == 0 {
                skipped[qi] = true;
                continue;
            }
            let (n, d) = (skipped_value + r.value, skipped_weight + r.weight);
            let den = form.total_weight + d;
            let bound = if den > 0.0 && n <= den { n / den } else { 1.0 };
            if bound < floor {
                skipped[qi] = true;
                skipped_value = n;
                skipped_weight = d;
            }
        }

        // Reach names through the other units, adding up for each name the
        // most each unit can give it.
        let mut reached = 0usize;
        let mut candidates = Vec::new();
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let Scratch { sums, stamp, touched } = &mut *scratch;
            if sums.len() < self.names.len() {
                sums.resize(self.names.len(), (0, 0.0));
            }
            *stamp = stamp.wrapping_add(1);
            if *stamp == 0 {
                // Stamps wrapped: old ones could pass for current.
                sums.fill((0, 0.0));
                *stamp = 1;
            }
            let stamp = *stamp;
            touched.clear();
            let mut add = |postings: &[u32], value: f32| {
                reached += postings.len();
                for &n in postings {
                    let sum = &mut sums[n as usize];
                    if sum.0 != stamp {
                        *sum = (stamp, 0.0);
                        touched.push(n);
                    }
                    sum.1 += value;
                }
            };
            for (qi, unit) in form.units.iter().enumerate() {
                if skipped[qi] {
                    continue;
                }
                if unit.initial {
                    let value = reaches[qi].value;
                    let letter = letter_slot(unit.text.as_bytes()[0]);
                    let ids = letter.map(|s| self.by_first_letter[s].as_slice()).unwrap_or(&[]);
                    let same = self.keys.get(tag(KeyKind::Exact, hash_bytes(unit.text.as_bytes())));
                    for &id in ids.iter().chain(same) {
                        add(&self.vocab[id as usize].postings, value);
                    }
                    continue;
                }
                for &(id, sim, _) in &matched[qi] {
                    let v = &self.vocab[id as usize];
                    add(&v.postings, sim * (unit.weight + v.unit.weight));
                }
            }
            for &name in touched.iter() {
                let value = skipped_value + sums[name as usize].1;
                let head = &self.heads[name as usize];
                let den = form.total_weight + head.total_weight;
                let cut_short = truncation && Some(head.first_token) == first_token;
                if cut_short || (den > 0.0 && value / den >= floor) {
                    candidates.push(name);
                }
            }
        });

        let mut known: Vec<(u32, u8, f32, TokenMatch)> = matched
            .iter()
            .enumerate()
            .flat_map(|(qi, m)| m.iter().map(move |&(id, sim, how)| (id, qi as u8, sim, how)))
            .collect();
        known.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        Plan {
            candidates,
            known,
            reached,
            floor,
            truncation,
            first_token,
        }
    }

    /// Scores a candidate from the unit matches of its plan; initials in the
    /// query, never looked up, are compared directly.
    fn score_planned(
        &self,
        scorer: &mut Scorer,
        pairs: &mut Vec<(u8, u8, f32, TokenMatch)>,
        form: &Analyzed,
        plan: &Plan,
        name_id: u32,
        evidence: &Evidence,
    ) -> f32 {
        let head = &self.heads[name_id as usize];
        let units = &self.unit_heads[head.first_unit as usize..][..head.unit_count as usize];
        pairs.clear();
        for (ci, cu) in units.iter().enumerate() {
            let start = plan.known.partition_point(|k| k.0 < cu.vocab);
            for &(_, qi, sim, how) in plan.known[start..].iter().take_while(|k| k.0 == cu.vocab) {
                pairs.push((qi, ci as u8, sim, how));
            }
        }
        // Initials in the query are not looked up: compare them here, as
        // `unit_similarity` does.
        for (qi, unit) in form.units.iter().enumerate().filter(|(_, u)| u.initial) {
            let letter = unit.text.as_bytes()[0];
            for (ci, cu) in units.iter().enumerate() {
                if cu.span != 1 || cu.first_byte != letter {
                    continue;
                }
                if cu.one_letter {
                    pairs.push((qi as u8, ci as u8, 1.0, TokenMatch::Exact));
                } else {
                    pairs.push((qi as u8, ci as u8, INITIAL_SIMILARITY, TokenMatch::Initial));
                }
            }
        }
        // Each query unit counts once in a score, with at most its best
        // pair: names that cannot reach the floor even so are not aligned.
        let same_first_token = Some(head.first_token) == plan.first_token;
        if !(plan.truncation && same_first_token) {
            let mut best = [0.0f32; MAX_UNITS];
            let mut strong = false;
            for &(qi, ci, sim, _) in pairs.iter() {
                let (qu, cu) = (&form.units[qi as usize], &units[ci as usize]);
                let slot = &mut best[qi as usize];
                *slot = slot.max(sim * (qu.weight + cu.weight));
                strong |= !qu.weak && !cu.weak;
            }
            let total = form.total_weight + head.total_weight;
            let mut bound = if total > 0.0 {
                best[..form.units.len()].iter().sum::<f32>() / total
            } else {
                0.0
            };
            if !strong {
                bound = bound.min(WEAK_ONLY_CAP);
            }
            if bound < plan.floor {
                return 0.0;
            }
        }
        let name = &self.names[name_id as usize];
        let score = scorer.score_pairs(form, &name.analyzed, pairs, same_first_token);
        self.finish_score(score, name, evidence)
    }

    /// Every vocabulary unit sharing a key with `unit` (unverified).
    fn lookup_keys(&self, unit: &Unit, variants: &mut Vec<u64>, found: &mut Vec<u32>) {
        let text = unit.text.as_bytes();
        found.extend_from_slice(self.keys.get(tag(KeyKind::Exact, hash_bytes(text))));
        found.extend_from_slice(self.keys.get(tag(KeyKind::Ocr, unit.keys.ocr)));
        found.extend_from_slice(self.keys.get(tag(KeyKind::Phonetic, unit.keys.phonetic)));
        if unit.keys.consonants_len >= 2 {
            found.extend_from_slice(self.keys.get(tag(KeyKind::Consonants, unit.keys.consonants)));
        }
        variants.clear();
        deletion_variants(&unit.text, unit.max_edits(), variants);
        for h in variants.iter() {
            found.extend_from_slice(self.keys.get(tag(KeyKind::Deletion, *h)));
        }
        if unit.span == 1 {
            // The query cut short: listed tokens it starts.
            found.extend_from_slice(self.keys.get(tag(KeyKind::Prefix, hash_bytes(text))));
            // A listed token cut short: the query's own prefixes.
            for len in 4..text.len() {
                found.extend_from_slice(self.keys.get(tag(KeyKind::Exact, hash_bytes(&text[..len]))));
            }
            // A listed initial the query word starts with.
            found.extend_from_slice(self.keys.get(tag(KeyKind::Exact, hash_bytes(&text[..1]))));
        }
    }
}

fn letter_slot(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as usize),
        b'0'..=b'9' => Some(26 + (b - b'0') as usize),
        _ => None,
    }
}

fn rarity_weight(df: &HashMap<String, u32>, names: u32, text: &str, kind: TokenKind) -> f32 {
    let count = df.get(text).copied().unwrap_or(1).max(1) as f32;
    let n = names as f32;
    let rarity = ((1.0 + n / count).ln() / (1.0 + n).ln()).clamp(MIN_RARITY, 1.0);
    kind.weight() * rarity
}
