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
    is_truncated_name, max_edits, may_be_truncated, round3, unit_similarity, Candidate, Scorer, Shape, Unit, UnitView,
    TRUNCATED_NAME, WEAK_ONLY_CAP,
};
use interdict_names::similarity::weight::INITIAL as INITIAL_SIMILARITY;
use interdict_names::similarity::Keys;
use interdict_names::similarity::{deletion_variants, hash_bytes, is_truncation, TokenMatch};
use interdict_names::{adjust, analyze, Adjustment, Analyzed, BirthDate, Evidence, Features, PartyKind, TokenKind};

/// A weak alias (OFAC's "weak a.k.a.") counts for this fraction of a full
/// name's score: lists mark them as too loose to screen on alone.
pub const WEAK_ALIAS_FACTOR: f32 = 0.9;

/// Weights never fall below this share of their kind's weight, however
/// common the token: `Mohammed` still counts.
const MIN_RARITY: f32 = 0.15;

/// A fast hasher for the token and unit maps built over millions of names
/// (FxHash-style; the keys are list data, not attacker-chosen requests).
#[derive(Default)]
struct TextHasher(u64);

impl Hasher for TextHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = (self.0.rotate_left(5) ^ hash_bytes(bytes)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

type TextMap<V> = HashMap<String, V, BuildHasherDefault<TextHasher>>;

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

/// One listed name (one of its Latin forms). Its analysis is not kept:
/// the search reads [`NameHead`] and [`UnitHead`], and the few names that
/// need more (hits to explain, a cut-short check) are analysed again.
#[derive(Clone, Copy, Debug)]
struct IndexedName {
    entity: u32,
    /// The name as the list gives it: `name_text[text.0..text.0 + text.1]`,
    /// one arena for all names rather than an allocation each.
    text: (u32, u32),
    /// Which of the text's Latin forms this is.
    form: u8,
    weak: bool,
}

/// What the search reads of a candidate, and of a name that may be the
/// query cut short, eight bytes a name (the names merely reached are
/// bounded through [`WeightFloor`]s, two bytes each). A candidate's units
/// are in flat arrays, so that it costs a cache line or two, not a walk
/// through the heap of its analysis.
#[derive(Clone, Copy, Debug)]
struct NameHead {
    total_weight: f32,
    /// Token id of the first token.
    first_token: u32,
}

/// A name's total weight in 1/256ths, rounded down: a bound made over it
/// is never below the one made over the exact weight.
#[derive(Clone, Copy, Debug)]
struct WeightFloor(u16);

impl WeightFloor {
    const STEPS: f32 = 256.0;

    fn of(weight: f32) -> WeightFloor {
        WeightFloor((weight * Self::STEPS).floor().clamp(0.0, f32::from(u16::MAX)) as u16)
    }

    fn get(self) -> f32 {
        f32::from(self.0) / Self::STEPS
    }
}

/// One unit of an indexed name, in the flat array; its [`Shape`] is at the
/// same position in `unit_shapes`.
#[derive(Clone, Copy, Debug)]
struct UnitHead {
    vocab: u32,
    first_byte: u8,
    /// The unit is one letter (an initial, or a one-letter particle).
    one_letter: bool,
    /// The token's kind, for a unit of one token.
    kind: TokenKind,
}

/// A distinct unit text over all names. Texts and postings live in shared
/// arrays: a vocabulary of millions of units then costs a few allocations.
#[derive(Debug)]
struct VocabUnit {
    /// `vocab_text[text.0..text.0 + text.1]`.
    text: (u32, u16),
    keys: Keys,
    span: u8,
    initial: bool,
    /// The heaviest this unit weighs in any name.
    weight: f32,
    /// `postings[postings.0..postings.0 + postings.1]`: the names holding
    /// this unit, ascending.
    postings: (u32, u32),
}

impl VocabUnit {
    /// Whether a query initial of this unit's first letter meets it
    /// exactly (similarity 1): a listed initial, or a word of that one
    /// letter (讍 is `e`); any other word of the letter meets it as an
    /// initial meets a word.
    fn meets_its_initial_exactly(&self) -> bool {
        self.initial || self.text.1 == 1
    }
}

/// The key maps: (key, vocabulary id) pairs, sorted. Keys are hashes, so
/// their top bits spread them evenly, and a directory on those bits leads
/// straight to a run of a few keys: no hash table, no probing, and about a
/// third of the memory of one (a 2M-name list has tens of millions of
/// keys). A query looks up a hundred keys or so, most of them misses in
/// memory far beyond the caches; [`KeyIndex::get_many`] takes them in
/// stages so that the loads of different keys overlap.
///
/// A pair is one `u64` while the index is built: the key's top bits and
/// the id in the low `id_bits`. Pairs are the largest thing a build holds,
/// and the keys only ever add candidates that are verified, so the bits a
/// key gives up cost nothing but a rare extra comparison.
#[derive(Default)]
struct KeyIndex {
    /// How many low bits of a packed pair hold the id.
    id_bits: u32,
    /// `64 - bits` of the directory.
    shift: u32,
    /// `keys[directory[b]..directory[b + 1]]` are the keys whose top bits
    /// are `b`.
    directory: Vec<u32>,
    /// Distinct keys (their top `64 - id_bits` bits), ascending.
    keys: Vec<u64>,
    /// `ids[starts[i]..starts[i + 1]]` are the ids of `keys[i]`.
    starts: Vec<u32>,
    ids: Vec<u32>,
}

/// Builds the pairs of a [`KeyIndex`] for ids below `ids`.
struct KeyPairs {
    id_bits: u32,
    packed: Vec<u64>,
}

impl KeyPairs {
    fn new(ids: usize) -> KeyPairs {
        KeyPairs {
            id_bits: (usize::BITS - ids.leading_zeros()).max(1),
            packed: Vec::new(),
        }
    }

    fn push(&mut self, key: u64, id: u32) {
        self.packed.push((key >> self.id_bits) << self.id_bits | u64::from(id));
    }
}

impl KeyIndex {
    fn build(pairs: KeyPairs) -> KeyIndex {
        let KeyPairs { id_bits, mut packed } = pairs;
        packed.sort_unstable();
        packed.dedup();
        let distinct = packed.chunk_by(|a, b| a >> id_bits == b >> id_bits).count();
        // About four keys a bucket: one cache line of keys to scan.
        let bits = (distinct / 4).max(2).next_power_of_two().trailing_zeros();
        let shift = 64 - bits;
        let id_mask = (1u64 << id_bits) - 1;
        let mut directory = Vec::with_capacity((1 << bits) + 1);
        let mut starts = Vec::with_capacity(distinct + 1);
        let mut ids = Vec::with_capacity(packed.len());
        // The keys are written over the pairs as they are read (a key is
        // never written ahead of the pair being read): a build of tens of
        // millions of pairs then never holds a second array of that size.
        let (mut read, mut write) = (0, 0);
        while read < packed.len() {
            let (pair, key) = (packed[read], packed[read] >> id_bits);
            while directory.len() <= (pair >> shift) as usize {
                directory.push(write as u32);
            }
            starts.push(ids.len() as u32);
            while read < packed.len() && packed[read] >> id_bits == key {
                ids.push((packed[read] & id_mask) as u32);
                read += 1;
            }
            packed[write] = key;
            write += 1;
        }
        packed.truncate(write);
        packed.shrink_to_fit();
        while directory.len() <= 1 << bits {
            directory.push(write as u32);
        }
        starts.push(ids.len() as u32);
        KeyIndex {
            id_bits,
            shift,
            directory,
            keys: packed,
            starts,
            ids,
        }
    }

    /// The keys of `key`'s bucket: `keys[lo..hi]`.
    fn bucket(&self, key: u64) -> (u32, u32) {
        let bucket = (key >> self.shift) as usize;
        (self.directory[bucket], self.directory[bucket + 1])
    }

    /// The position of `key` among `keys[lo..hi]`, its bucket, if it is there.
    fn find_in(&self, (lo, hi): (u32, u32), key: u64) -> Option<usize> {
        let (lo, hi) = (lo as usize, hi as usize);
        let key = key >> self.id_bits;
        self.keys[lo..hi].iter().position(|&k| k == key).map(|p| lo + p)
    }

    fn ids_at(&self, i: usize) -> &[u32] {
        &self.ids[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    fn get(&self, key: u64) -> &[u32] {
        self.find_in(self.bucket(key), key).map_or(&[], |i| self.ids_at(i))
    }

    /// The ids of every key of `keys`, appended to `out`. The lookups go
    /// stage by stage (directory, keys, then ids) over all the keys: the
    /// loads of one stage do not wait on each other, so their cache misses
    /// overlap instead of queueing one key after another.
    fn get_many(&self, keys: &[u64], runs: &mut Vec<(u32, u32)>, out: &mut Vec<u32>) {
        runs.clear();
        runs.extend(keys.iter().map(|&key| self.bucket(key)));
        for (run, &key) in runs.iter_mut().zip(keys) {
            *run = match self.find_in(*run, key) {
                Some(i) => (self.starts[i], self.starts[i + 1]),
                None => (0, 0),
            };
        }
        for &(start, end) in runs.iter() {
            out.extend_from_slice(&self.ids[start as usize..end as usize]);
        }
    }

    fn len(&self) -> usize {
        self.ids.len()
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

/// One way a query unit meets listed names, what it can add to a score
/// (its lift, see `plan`), and how many postings looking it up reads.
struct Entry {
    unit: usize,
    /// The vocabulary unit matched and the similarity; `None` for an
    /// initial, which meets every listed word of its letter.
    vocab: Option<(u32, f32)>,
    lift: f32,
    /// The most it adds to the sum of a name holding it: s(wq + wc) for a
    /// spelling, wq plus the lift for an initial.
    value: f32,
    cost: usize,
}

/// What an initial in a query can meet: the listed words and initials
/// starting with its letter.
#[derive(Clone, Copy, Default)]
struct Letter {
    /// The heaviest listed word with this first letter.
    word_weight: f32,
    /// The heaviest listed initial of this letter, or word of this one
    /// letter: each meets the initial exactly (similarity 1), and a
    /// one-letter word can weigh more than any initial (讍 is `e`).
    initial_weight: f32,
    /// Postings of those words and initials together.
    postings: usize,
}

/// The order to number names in: by the ranks of their units, commonest
/// first (rank 0 is the unit most names hold), comparing up to four, then
/// as listed. Names that share their commonest units then sit together, and
/// so do the holders of a unit within each such run.
fn locality_order(counts: &[u32], unit_starts: &[u32], unit_heads: &[UnitHead]) -> Vec<u32> {
    let mut by_count: Vec<u32> = (0..counts.len() as u32).collect();
    by_count.sort_unstable_by_key(|&v| (std::cmp::Reverse(counts[v as usize]), v));
    let mut rank = vec![0u32; counts.len()];
    for (r, &v) in by_count.iter().enumerate() {
        rank[v as usize] = r as u32;
    }
    drop(by_count);
    let mut keyed: Vec<(u128, u32)> = unit_starts
        .windows(2)
        .enumerate()
        .map(|(name, range)| {
            let mut ranks = [u32::MAX; 4];
            for u in &unit_heads[range[0] as usize..range[1] as usize] {
                let r = rank[u.vocab as usize];
                if ranks.contains(&r) {
                    continue;
                }
                if let Some(at) = ranks.iter().position(|&x| r < x) {
                    ranks.copy_within(at..3, at + 1);
                    ranks[at] = r;
                }
            }
            let key = ranks.iter().fold(0u128, |key, &r| key << 32 | u128::from(r));
            (key, name as u32)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, name)| name).collect()
}

/// `items` in `order` (positions into `items`).
fn permuted<T: Copy>(items: Vec<T>, order: &[u32]) -> Vec<T> {
    order.iter().map(|&i| items[i as usize]).collect()
}

/// `items`, in runs (run `i` is `items[starts[i]..starts[i + 1]]`), with the
/// runs in `order`; and the new runs' starts.
fn permuted_runs<T: Copy>(starts: &[u32], items: Vec<T>, order: &[u32]) -> (Vec<u32>, Vec<T>) {
    let mut new_starts = Vec::with_capacity(starts.len());
    let mut out = Vec::with_capacity(items.len());
    new_starts.push(0);
    for &i in order {
        out.extend_from_slice(&items[starts[i as usize] as usize..starts[i as usize + 1] as usize]);
        new_starts.push(out.len() as u32);
    }
    (new_starts, out)
}

/// A set of ids as bits, kept per thread and emptied by clearing the words
/// of the ids set: emptying costs what was set, not the size.
#[derive(Default)]
struct BitSet(Vec<u64>);

impl BitSet {
    /// Room for ids below `len`.
    fn reserve(&mut self, len: usize) {
        let words = len.div_ceil(64);
        if self.0.len() < words {
            self.0.resize(words, 0);
        }
    }

    fn insert(&mut self, id: u32) {
        self.0[id as usize / 64] |= 1 << (id % 64);
    }

    fn remove(&mut self, id: u32) {
        self.0[id as usize / 64] &= !(1 << (id % 64));
    }

    fn contains(&self, id: u32) -> bool {
        self.0[id as usize / 64] & (1 << (id % 64)) != 0
    }

    /// Puts `ids`, none of which the set holds, in ascending order by
    /// passing them through the set, and leaves it empty: a pass over the
    /// words between the lowest and the highest id, cheaper than a sort when
    /// the ids are dense.
    fn sort(&mut self, ids: &mut Vec<u32>) {
        if ids.is_empty() {
            return;
        }
        let (mut low, mut high) = (u32::MAX, 0);
        for &id in ids.iter() {
            self.insert(id);
            low = low.min(id);
            high = high.max(id);
        }
        ids.clear();
        for word in low as usize / 64..=high as usize / 64 {
            let mut bits = std::mem::take(&mut self.0[word]);
            while bits != 0 {
                ids.push((word * 64) as u32 + bits.trailing_zeros());
                bits &= bits - 1;
            }
        }
    }

    /// Empties the set, given every id inserted since it was last empty.
    fn clear(&mut self, inserted: impl IntoIterator<Item = u32>) {
        for id in inserted {
            self.0[id as usize / 64] = 0;
        }
    }
}

/// The bound of a candidate that may be the query cut short: it is always
/// scored.
const CUT_SHORT_BOUND: f32 = f32::INFINITY;

/// Candidates are scored highest bound first when a search with a limit
/// has more than this many; and loaded this many at a time.
const ORDER_BY_BOUND_MIN: usize = 64;
const LOAD_CHUNK: usize = 64;

/// Orders `candidates` by bound, highest first, in 64 bands between the
/// lowest bound and 1 (a counting sort: a query can have tens of thousands
/// of candidates, and the order within a band does not matter).
fn order_by_bound(candidates: &mut Vec<(u32, f32)>, ordered: &mut Vec<(u32, f32)>) {
    const BANDS: usize = 64;
    let low = candidates.iter().map(|c| c.1).fold(f32::INFINITY, f32::min);
    let width = (1.0 - low).max(f32::EPSILON) / BANDS as f32;
    // Band 0 holds the highest bounds (1 and above, and cut-short names).
    let band = |bound: f32| BANDS - 1 - (((bound - low) / width) as usize).min(BANDS - 1);
    let mut starts = [0usize; BANDS + 1];
    for c in candidates.iter() {
        starts[band(c.1) + 1] += 1;
    }
    for b in 0..BANDS {
        starts[b + 1] += starts[b];
    }
    ordered.clear();
    ordered.resize(candidates.len(), (0, 0.0));
    for &c in candidates.iter() {
        let slot = &mut starts[band(c.1)];
        ordered[*slot] = c;
        *slot += 1;
    }
    std::mem::swap(candidates, ordered);
}

/// Left-out postings are read for the names reached when there are more
/// candidates than this; a left-out list only while it holds at most this
/// many postings per candidate still left.
const REFINE_MIN_CANDIDATES: usize = 32;
const REFINE_POSTINGS_PER_CANDIDATE: usize = 256;
/// A left-out list this short, or no longer than the candidates, is read
/// without bounding the candidates first: a pass over them costs about as
/// much.
const REFINE_READ_FREELY: usize = 4096;

/// Names touched are put in id order when more than this many: the per-name
/// arrays (`sums`, `weight_floors`) are then read in order rather than at
/// random, a cache miss each saved.
const SORT_TOUCHED_MIN: usize = 4096;

/// A plan reading at least this many postings reaches names a block of
/// ids at a time. Its postings are first dealt out by block, each list
/// read straight through; then each block's sums (a quarter of a
/// megabyte) stay in the core's cache while its postings add to them, where
/// reaching all names at once misses the cache at nearly every posting on
/// a list of millions. Its names are bounded after, by the refine.
const BLOCKED_POSTINGS_MIN: usize = 16_384;
const REACH_BLOCK: u32 = 1 << 16;

/// How many names ahead a loop reading them at random asks for the next
/// name's data: enough for the misses of that many to overlap.
const PREFETCH_AHEAD: usize = 32;

/// How many vocabulary units ahead the loop weighing a query's matches asks
/// for the next unit's entry.
const VOCAB_AHEAD: usize = 8;

/// Asks the core to bring `items[at]` into its cache without waiting for
/// it, so that a loop reading names at random, asking a few names ahead,
/// has their misses in memory overlap rather than come one after another
/// (on a list of millions, about twice as fast). Past the end it asks for
/// nothing.
#[inline(always)]
fn prefetch<T>(items: &[T], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = items.get(at) {
        // SAFETY: a prefetch is a hint: it cannot fault, and changes nothing
        // the program can read; the address is that of a live element.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((item as *const T).cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (items, at);
}

/// One posting list a plan reads: its postings (`at..end`, into the
/// index's postings) and what it adds to each name on it.
#[derive(Clone, Copy)]
struct ReadList {
    at: u32,
    end: u32,
    value: f32,
}

/// Reaching names through the lists a plan reads: each list adds its value
/// to the running sum of every name on it, and a name reached becomes a
/// candidate when its sum, with what the left-out matches can add, bounds
/// its score at or above the floor (reaching by blocks, every name reached
/// is a candidate, left for the refine to bound).
struct Reach<'a> {
    sums: &'a mut [f32],
    /// Beside each candidate, its bound's denominator: bounding it again
    /// by what it holds then reads its sum alone. Zero for a name reached
    /// by blocks, not bounded yet.
    denominators: &'a mut Vec<f32>,
    weight_floors: &'a [WeightFloor],
    total_weight: f32,
    skipped_value: f32,
    floor: f32,
}

impl Reach<'_> {
    /// Adds each posting's value to its name's sum, and appends to
    /// `touched` the names reached first.
    fn add<T: Copy>(&mut self, postings: &[T], posting: impl Fn(T) -> (u32, f32), touched: &mut Vec<u32>) {
        for (at, &p) in postings.iter().enumerate() {
            if let Some(&ahead) = postings.get(at + PREFETCH_AHEAD) {
                prefetch(self.sums, posting(ahead).0 as usize);
            }
            let (n, value) = posting(p);
            let sum = &mut self.sums[n as usize];
            if *sum == 0.0 {
                touched.push(n);
            }
            *sum += value;
        }
    }

    fn bound(&mut self, names: &[u32], candidates: &mut Vec<(u32, f32)>) {
        for (at, &name) in names.iter().enumerate() {
            if let Some(&ahead) = names.get(at + PREFETCH_AHEAD) {
                prefetch(self.sums, ahead as usize);
                prefetch(self.weight_floors, ahead as usize);
            }
            let value = self.skipped_value + self.sums[name as usize];
            let den = self.total_weight + self.weight_floors[name as usize].get();
            if den > 0.0 && value / den >= self.floor {
                candidates.push((name, value / den));
                self.denominators.push(den);
            } else {
                // Back to zero while its line is in the cache: only the
                // candidates' sums are read again.
                self.sums[name as usize] = 0.0;
            }
        }
    }

    /// Every list read through, then the names reached bounded in id order.
    fn at_once(
        mut self,
        postings: &[u32],
        lists: &[ReadList],
        touched: &mut Vec<u32>,
        ordering: &mut BitSet,
        candidates: &mut Vec<(u32, f32)>,
    ) {
        for list in lists {
            let names = &postings[list.at as usize..list.end as usize];
            self.add(names, |n| (n, list.value), touched);
        }
        if touched.len() > SORT_TOUCHED_MIN {
            ordering.reserve(self.sums.len());
            ordering.sort(touched);
        }
        self.bound(touched, candidates);
    }

    /// Every list dealt out into `blocks` by name id (a block's postings
    /// in list order, so each name's sum adds up as `at_once` adds it),
    /// then each block's postings added up while its sums are in the
    /// core's cache. The names reached are not bounded here: a plan this
    /// large always has them bounded by the refine (see `plan`), by what
    /// they hold of the left-out matches, which is never looser; bounding
    /// them here too cost a pass over every name reached. So each is a
    /// candidate with an infinite bound and a denominator of zero, which
    /// the refine computes when it first bounds it.
    fn by_blocks(
        mut self,
        postings: &[u32],
        lists: &[ReadList],
        blocks: &mut Vec<Vec<(u32, f32)>>,
        touched: &mut Vec<u32>,
        candidates: &mut Vec<(u32, f32)>,
    ) {
        let count = self.sums.len().div_ceil(REACH_BLOCK as usize);
        if blocks.len() < count {
            blocks.resize_with(count, Vec::new);
        }
        let blocks = &mut blocks[..count];
        for block in blocks.iter_mut() {
            block.clear();
        }
        for list in lists {
            for &n in &postings[list.at as usize..list.end as usize] {
                blocks[(n / REACH_BLOCK) as usize].push((n, list.value));
            }
        }
        for block in blocks.iter() {
            self.add(block, |dealt| dealt, touched);
        }
        candidates.extend(touched.iter().map(|&name| (name, f32::INFINITY)));
        self.denominators.resize(candidates.len(), 0.0);
    }
}

/// The second rarest list a cut-short name must be on filters the names of
/// the rarest when it is at most this many times longer: marking a name
/// costs a few nanoseconds, reading the head of one a miss in memory.
const CUT_FILTER_RATIO: usize = 64;

/// A left-out list this many times longer than the candidates is searched
/// for them, not read through: each search skips a run of postings.
const GALLOP_RATIO: usize = 8;

/// Calls `f` for each of `ids` in `postings`, both ascending and without
/// repeats, searching ahead from one id to the next (doubling the step,
/// then halving it), so that it reads a few postings per id rather than
/// every posting.
fn for_each_in(postings: &[u32], ids: &[u32], mut f: impl FnMut(u32)) {
    let mut rest = postings;
    for &id in ids {
        let mut step = 1;
        while step < rest.len() && rest[step - 1] < id {
            step *= 2;
        }
        let end = step.min(rest.len());
        match rest[..end].binary_search(&id) {
            Ok(at) => {
                f(id);
                rest = &rest[at + 1..];
            }
            Err(at) => rest = &rest[at..],
        }
        if rest.is_empty() {
            return;
        }
    }
}

/// The highest and second highest of `top` and `value`: what a spelling
/// that several query units match counts for a name holding it once, and
/// for each time more that the name holds it.
fn top_two((first, second): (f32, f32), value: f32) -> (f32, f32) {
    if value > first {
        (value, first)
    } else {
        (first, second.max(value))
    }
}

/// A set of vocabulary ids that may answer yes for an id not in it (a bit
/// per hash of an id, in 2 KiB): it stays in the core's nearest cache,
/// where a bit per vocabulary unit is a third of a megabyte on a list of
/// millions, a miss for most ids asked. A plan's matches are a few hundred
/// ids, so a wrong yes, which costs a search of them, is rare.
struct KnownFilter([u64; KnownFilter::WORDS]);

impl Default for KnownFilter {
    fn default() -> KnownFilter {
        KnownFilter([0; KnownFilter::WORDS])
    }
}

impl KnownFilter {
    /// The filter holds 2^BITS bits; an id's bit is the top BITS bits of
    /// its hash.
    const BITS: u32 = 14;
    const WORDS: usize = (1 << Self::BITS) / 64;

    fn bit(id: u32) -> usize {
        (id.wrapping_mul(0x9E37_79B1) >> (32 - Self::BITS)) as usize
    }

    fn insert(&mut self, id: u32) {
        let bit = Self::bit(id);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    fn may_hold(&self, id: u32) -> bool {
        let bit = Self::bit(id);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }

    fn clear(&mut self) {
        self.0 = [0; Self::WORDS];
    }
}

/// Per-thread scratch of the search: a running sum per name, zero for a
/// name the query has not reached (what a query adds is never zero: see
/// `plan`), and the names touched. A name's sum goes back to zero when it
/// is bounded out, or for a candidate when the query is done, so that a
/// query costs what it reaches, not the list's size. The sums, four bytes
/// a name, are read at random with the names' heads: the two fit in the
/// last-level cache together for two million names.
#[derive(Default)]
struct Scratch {
    sums: Vec<f32>,
    touched: Vec<u32>,
    /// Per entry of a plan's, whether its spelling is read as names are
    /// reached.
    read_here: Vec<bool>,
    /// One bit per vocabulary unit, set for the spellings a plan reads as
    /// names are reached while its left-out matches are checked against
    /// them: most are not, and a bit says so without a search.
    read_bits: BitSet,
    /// The spellings a plan reads as names are reached: (vocabulary id,
    /// the most a unit matching it gives, the second most, or 0).
    read_lists: Vec<(u32, f32, f32)>,
    /// The posting lists a plan reads, as ranges of the postings.
    reading: Vec<ReadList>,
    /// A plan's postings dealt out by block of name ids, when it reaches
    /// names by blocks.
    blocks: Vec<Vec<(u32, f32)>>,
    /// The denominators of a plan's candidates' bounds, in their order.
    denominators: Vec<f32>,
    /// The units of a plan's `known` while its candidates are scored: most
    /// units of a candidate match nothing in the query, and the filter
    /// says so without a search.
    known_filter: KnownFilter,
    /// One bit per name, set for the candidates while the postings left
    /// out are read: a quarter of a megabyte for two million names, where
    /// their running sums are eight.
    candidate_bits: BitSet,
    /// The candidates' ids, ascending, while the postings left out are
    /// read: a long list is searched for them rather than read through.
    sorted_candidates: Vec<u32>,
    /// The cut-short names a plan finds.
    cut_short: Vec<u32>,
    /// One bit per name, set for the holders of the second rarest list a
    /// cut-short name must be on, while those of the rarest are checked.
    cut_filter_bits: BitSet,
    /// A plan's verified matches per query unit, and its lookup buffers.
    matched: Vec<Vec<(u32, f32, TokenMatch)>>,
    found: Vec<u32>,
    lookup: Lookup,
    /// Candidates ordered by bound.
    ordered: Vec<(u32, f32)>,
    /// A plan's entries, their order by cost, which are left out, and the
    /// lift left out per query unit.
    entries: Vec<Entry>,
    order: Vec<u64>,
    skipped: Vec<bool>,
    unit_lift: Vec<f32>,
    /// A plan's candidates, handed back once they are scored.
    candidates: Vec<(u32, f32)>,
    /// While a candidate is bounded by its pairs: the best a query unit
    /// gets from one of them.
    best_per_unit: Vec<f32>,
    work: Work,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Scratch space of the candidates' alignment.
#[derive(Default)]
struct Work {
    scorer: Scorer,
    /// (query unit, candidate unit, similarity, rule) of one candidate.
    pairs: Vec<(u8, u8, f32, TokenMatch)>,
}

/// What the key lookups of one query form found.
struct Plan {
    /// Names that can reach the threshold, in the order first reached,
    /// each with the most it can score (before secondary evidence).
    candidates: Vec<(u32, f32)>,
    /// (vocabulary id, query unit, similarity, rule), sorted.
    known: Vec<(u32, u8, f32, TokenMatch)>,
    reached: usize,
    /// Whether a cut-short name can reach the plan's floor.
    truncation: bool,
    /// When it can: the vocabulary units spelling each query token but the
    /// last.
    leading: Vec<Vec<u32>>,
    /// The token id of the query's first token, if any name holds it.
    first_token: Option<u32>,
}

/// The name index of a dataset. Immutable once built.
pub struct NameIndex {
    names: Vec<IndexedName>,
    heads: Vec<NameHead>,
    /// Per name, its total weight rounded down, for the bounds of the names
    /// a plan reaches: two bytes a name where a head is eight, so that more
    /// of the names a query reaches at random are in the cache.
    weight_floors: Vec<WeightFloor>,
    /// Name `n`'s units are `unit_heads[unit_starts[n]..unit_starts[n + 1]]`.
    unit_starts: Vec<u32>,
    /// Per name, a bit for each first letter of its words ([`letter_bit`]):
    /// whether an initial in a query can meet anything in it, without
    /// reading its units.
    name_letters: Vec<u32>,
    unit_heads: Vec<UnitHead>,
    unit_shapes: Vec<Shape>,
    /// The texts of `names`.
    name_texts: String,
    vocab: Vec<VocabUnit>,
    vocab_text: String,
    postings: Vec<u32>,
    /// The units some names hold more than once, ascending: (vocabulary
    /// id, start in `postings` of its repeats). A unit's repeats are the
    /// names holding it again, ascending, a name once for each time more
    /// than once that it holds the unit; they end where the next unit's
    /// begin, or with `postings`.
    repeated_units: Vec<(u32, u32)>,
    keys: KeyIndex,
    /// `token_matches[token_match_starts[id]..token_match_starts[id + 1]]`
    /// are the matches of vocabulary unit `id` when it is a single token
    /// (not an initial), as [`NameIndex::find_matches`] finds them.
    token_match_starts: Vec<u32>,
    token_matches: Vec<(u32, f32, TokenMatch)>,
    /// Single-token vocabulary units by first letter: what an initial in a
    /// query can stand for.
    by_first_letter: Vec<Vec<u32>>,
    letters: Vec<Letter>,
    /// Each distinct token: how many names hold it, and its number.
    tokens: TextMap<TokenStats>,
    /// The distinct secondary evidence of the listed entities, and each
    /// entity's place in it: most entities of a large list share one of a
    /// few (a kind, no date, no country), and a place is 4 bytes where an
    /// `Evidence` is 56.
    evidence: Vec<Evidence>,
    evidence_of: Vec<u32>,
    name_count: u32,
}

impl std::fmt::Debug for NameIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NameIndex")
            .field("names", &self.names.len())
            .field("vocabulary", &self.vocab.len())
            .field("keys", &self.keys.len())
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

/// The earliest birth year read from a party: before it, a year is a
/// typing slip (`0000`, `0973`), not a customer's birth.
pub const EARLIEST_BIRTH_YEAR: i32 = 1800;

/// A birth date as a user gives it: a valid `YYYY`, `YYYY-MM` or
/// `YYYY-MM-DD` (a calendar date) from [`EARLIEST_BIRTH_YEAR`] on, and not
/// after `latest` (the date screened for: nobody is born after it). The
/// error says which of these it is not.
pub fn parse_birth_date_input(s: &str, latest: interdict_model::Date) -> Result<BirthDate, String> {
    let not_a_date = || format!("`{s}` is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD");
    let date = s.parse::<interdict_model::PartialDate>().map_err(|_| not_a_date())?;
    let birth = parse_birth_date(date.as_str()).ok_or_else(not_a_date)?;
    if birth.year < EARLIEST_BIRTH_YEAR {
        return Err(format!("`{s}` is before {EARLIEST_BIRTH_YEAR}: not a birth date"));
    }
    // The first day the date can be: a year or a month is after `latest`
    // only when all of it is.
    let first_day = interdict_model::Date::from_ymd(
        birth.year,
        birth.month.map_or(1, u32::from),
        birth.day.map_or(1, u32::from),
    )
    .ok_or_else(not_a_date)?;
    if first_day > latest {
        return Err(format!(
            "`{s}` is after {latest}, the date screened for: not a birth date"
        ));
    }
    Ok(birth)
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
        // Pass 1: how common each token is. The tokens are not kept: for
        // millions of names, analysing twice costs less than holding them.
        let mut tokens_seen: TextMap<TokenStats> = TextMap::default();
        let mut name_count = 0u32;
        for_each_name(dataset, |_, _, _, _, tokens| {
            name_count += 1;
            let mut seen: Vec<&str> = tokens.tokens.iter().map(|t| t.text.as_str()).collect();
            seen.sort_unstable();
            seen.dedup();
            for t in &seen {
                match tokens_seen.get_mut(*t) {
                    Some(stats) => stats.names += 1,
                    None => {
                        let id = tokens_seen.len() as u32;
                        tokens_seen.insert(t.to_string(), TokenStats { names: 1, id });
                    }
                }
            }
        });
        let name_count = name_count.max(1);
        let weigh = |text: &str, kind: TokenKind| rarity_weight(&tokens_seen, name_count, text, kind);

        // Pass 2: units, vocabulary and the flat per-name arrays.
        let mut vocab: Vec<VocabUnit> = Vec::new();
        let mut vocab_text = String::new();
        let mut vocab_ids: TextMap<u32> = TextMap::default();
        let mut names = Vec::new();
        let mut name_texts = String::new();
        let mut heads = Vec::new();
        let mut unit_starts = vec![0u32];
        let mut name_letters = Vec::new();
        let mut unit_heads: Vec<UnitHead> = Vec::new();
        let mut unit_shapes: Vec<Shape> = Vec::new();
        let mut key = String::new();
        for_each_name(dataset, |entity, text, form, weak, tokens| {
            let analyzed = Analyzed::without_keys(tokens, weigh);
            heads.push(NameHead {
                total_weight: analyzed.total_weight,
                first_token: tokens_seen[&analyzed.tokens[0].0].id,
            });
            for unit in &analyzed.units {
                // A unit's identity in the vocabulary is its text and shape:
                // the same text as a token and as two joined tokens compare
                // differently.
                key.clear();
                key.push_str(&unit.text);
                if unit.span >= 2 {
                    key.push('\u{1}');
                }
                if unit.initial {
                    key.push('\u{2}');
                }
                let id = match vocab_ids.get(key.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = vocab.len() as u32;
                        let start = vocab_text.len() as u32;
                        vocab_text.push_str(&unit.text);
                        vocab.push(VocabUnit {
                            text: (start, unit.text.len().min(u16::MAX as usize) as u16),
                            keys: Keys::of(&unit.text),
                            span: unit.span,
                            initial: unit.initial,
                            weight: unit.weight,
                            postings: (0, 0),
                        });
                        vocab_ids.insert(key.clone(), id);
                        id
                    }
                };
                // The same text weighs differently by its kind in each name
                // (a patronymic, or a first word): bounds need the heaviest.
                let entry = &mut vocab[id as usize];
                entry.weight = entry.weight.max(unit.weight);
                unit_shapes.push(unit.shape());
                unit_heads.push(UnitHead {
                    vocab: id,
                    first_byte: unit.text.as_bytes()[0],
                    one_letter: unit.text.len() == 1,
                    kind: analyzed.tokens[unit.first as usize].1,
                });
            }
            unit_starts.push(unit_heads.len() as u32);
            name_letters.push(
                analyzed
                    .units
                    .iter()
                    .filter(|u| u.span == 1)
                    .fold(0, |bits, u| bits | letter_bit(u.text.as_bytes()[0])),
            );
            // The Latin forms of a name come one after another: they share
            // its text.
            let same = names
                .last()
                .is_some_and(|last: &IndexedName| form > 0 && name_text(&name_texts, last.text) == text);
            let span = if same {
                names[names.len() - 1].text
            } else {
                name_texts.push_str(text);
                ((name_texts.len() - text.len()) as u32, text.len() as u32)
            };
            names.push(IndexedName {
                entity,
                text: span,
                form,
                weak,
            });
        });
        drop(vocab_ids);

        // Postings, by counting: each name once per unit it holds, and once
        // more for each time it holds a unit again (its repeats).
        let mut counts = vec![0u32; vocab.len()];
        let mut last = vec![u32::MAX; vocab.len()];
        let mut repeat_count = 0usize;
        for (name, units) in unit_starts.windows(2).enumerate() {
            for u in &unit_heads[units[0] as usize..units[1] as usize] {
                if last[u.vocab as usize] != name as u32 {
                    last[u.vocab as usize] = name as u32;
                    counts[u.vocab as usize] += 1;
                } else {
                    repeat_count += 1;
                }
            }
        }
        // Names are numbered so that names holding the same common units sit
        // together: a search reads the running sum and head of every name on
        // the lists it reads, and names in runs share cache lines.
        // The arrays are moved into their new order one at a time, each old
        // one freed before the next is copied: a build's peak memory is
        // what the key maps add later, and this must not raise it.
        let order = locality_order(&counts, &unit_starts, &unit_heads);
        let names = permuted(names, &order);
        let heads = permuted(heads, &order);
        let name_letters = permuted(name_letters, &order);
        let weight_floors = heads.iter().map(|h| WeightFloor::of(h.total_weight)).collect();
        let listed_starts = unit_starts;
        let (unit_starts, unit_heads) = permuted_runs(&listed_starts, unit_heads, &order);
        let (_, unit_shapes) = permuted_runs(&listed_starts, unit_shapes, &order);
        drop((order, listed_starts));
        let mut start = 0u32;
        for (v, &count) in vocab.iter_mut().zip(&counts) {
            v.postings = (start, 0);
            start += count;
        }
        // The repeats go after every list, by unit and then name, so that a
        // name holding a unit three times is on its repeats twice.
        let mut postings = Vec::with_capacity(start as usize + repeat_count);
        postings.resize(start as usize, 0u32);
        let mut repeats: Vec<u64> = Vec::with_capacity(repeat_count);
        last.fill(u32::MAX);
        for (name, units) in unit_starts.windows(2).enumerate() {
            for u in &unit_heads[units[0] as usize..units[1] as usize] {
                let v = &mut vocab[u.vocab as usize];
                if last[u.vocab as usize] != name as u32 {
                    last[u.vocab as usize] = name as u32;
                    postings[(v.postings.0 + v.postings.1) as usize] = name as u32;
                    v.postings.1 += 1;
                } else {
                    repeats.push(u64::from(u.vocab) << 32 | name as u64);
                }
            }
        }
        drop((counts, last));
        repeats.sort_unstable();
        let mut repeated_units = Vec::new();
        for run in repeats.chunk_by(|a, b| a >> 32 == b >> 32) {
            repeated_units.push(((run[0] >> 32) as u32, postings.len() as u32));
            postings.extend(run.iter().map(|&r| r as u32));
        }
        drop(repeats);

        // Pass 3: the key maps.
        let mut pairs = KeyPairs::new(vocab.len());
        let mut variants = Vec::new();
        let mut by_first_letter = vec![Vec::new(); 36];
        for (id, v) in vocab.iter().enumerate() {
            let id = id as u32;
            let text = &vocab_text[v.text.0 as usize..][..v.text.1 as usize];
            pairs.push(tag(KeyKind::Exact, hash_bytes(text.as_bytes())), id);
            if v.initial {
                continue;
            }
            pairs.push(tag(KeyKind::Ocr, v.keys.ocr), id);
            pairs.push(tag(KeyKind::Phonetic, v.keys.phonetic), id);
            for key in v.keys.consonant_keys() {
                pairs.push(tag(KeyKind::Consonants, key), id);
            }
            deletion_keys(text, v.span, &mut variants);
            for &h in &variants {
                pairs.push(tag(KeyKind::Deletion, h), id);
            }
            if v.span == 1 {
                let bytes = text.as_bytes();
                for len in 4..bytes.len() {
                    if is_truncation(&text[..len], text) {
                        pairs.push(tag(KeyKind::Prefix, hash_bytes(&bytes[..len])), id);
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
                letters[slot].word_weight = letters[slot].word_weight.max(v.weight);
                if v.meets_its_initial_exactly() {
                    letters[slot].initial_weight = letters[slot].initial_weight.max(v.weight);
                }
                letters[slot].postings += v.postings.1 as usize;
            }
        }
        for v in vocab.iter().filter(|v| v.initial) {
            if let Some(slot) = letter_slot(vocab_text.as_bytes()[v.text.0 as usize]) {
                letters[slot].initial_weight = letters[slot].initial_weight.max(v.weight);
                letters[slot].postings += v.postings.1 as usize;
            }
        }
        let mut evidence = Vec::new();
        let mut places: HashMap<Evidence, u32> = HashMap::new();
        let evidence_of = dataset
            .entities
            .iter()
            .map(|e| {
                *places.entry(entity_evidence(e)).or_insert_with_key(|distinct| {
                    evidence.push(distinct.clone());
                    evidence.len() as u32 - 1
                })
            })
            .collect();
        let mut index = NameIndex {
            names,
            heads,
            weight_floors,
            unit_starts,
            name_letters,
            unit_heads,
            unit_shapes,
            name_texts,
            vocab,
            vocab_text,
            postings,
            repeated_units,
            keys,
            by_first_letter,
            letters,
            tokens: tokens_seen,
            evidence,
            evidence_of,
            name_count,
            token_match_starts: Vec::new(),
            token_matches: Vec::new(),
        };
        index.store_token_matches();
        index
    }

    fn unit_text(&self, v: &VocabUnit) -> &str {
        &self.vocab_text[v.text.0 as usize..][..v.text.1 as usize]
    }

    fn view(&self, id: u32) -> UnitView<'_> {
        let v = &self.vocab[id as usize];
        UnitView {
            text: self.unit_text(v),
            keys: &v.keys,
            span: v.span,
            initial: v.initial,
        }
    }

    /// Reads the entries and texts of `ids` before they are compared, in
    /// two passes of loads that do not wait on each other: the entries lie
    /// scattered over megabytes, and read inside the comparison loop their
    /// cache misses would come one after another.
    fn load_vocab(&self, ids: &[u32]) {
        let mut seen = 0u64;
        for &id in ids {
            seen ^= self.vocab[id as usize].keys.ocr;
        }
        let text = self.vocab_text.as_bytes();
        for &id in ids {
            seen ^= u64::from(text[self.vocab[id as usize].text.0 as usize]);
        }
        std::hint::black_box(seen);
    }

    /// Reads the units of `names` before they are scored, as
    /// [`NameIndex::load_vocab`] reads vocabulary entries.
    fn load_candidates(&self, names: impl Iterator<Item = u32>) {
        let mut seen = 0u32;
        for name in names {
            let first = self.unit_starts[name as usize] as usize;
            seen ^= self.unit_heads[first].vocab;
            seen ^= self.unit_shapes[first].first as u32;
        }
        std::hint::black_box(seen);
    }

    /// The repeats of vocabulary unit `id`, as a range of `postings`:
    /// empty when no name holds it more than once.
    fn repeats_of(&self, id: u32) -> (u32, u32) {
        match self.repeated_units.binary_search_by_key(&id, |r| r.0) {
            Ok(at) => {
                let end = self
                    .repeated_units
                    .get(at + 1)
                    .map_or(self.postings.len() as u32, |r| r.1);
                (self.repeated_units[at].1, end)
            }
            Err(_) => (0, 0),
        }
    }

    fn postings_of(&self, id: u32) -> &[u32] {
        let (start, len) = self.vocab[id as usize].postings;
        &self.postings[start as usize..][..len as usize]
    }

    /// A listed name's analysis put back together from the index's arrays,
    /// as it was when indexed (without the titles, which only a query's
    /// analysis reports): what explaining a hit reads, without normalising,
    /// tokenising and keying the name again.
    fn stored_analysis(&self, name_id: u32) -> Analyzed {
        let (head, units, shapes) = self.candidate(name_id);
        let mut analyzed = Analyzed {
            total_weight: head.total_weight,
            ..Analyzed::default()
        };
        for (u, shape) in units.iter().zip(shapes) {
            let v = &self.vocab[u.vocab as usize];
            let text = self.unit_text(v);
            // A name's first units are its tokens, in order.
            if shape.span == 1 && analyzed.tokens.len() == shape.first as usize {
                analyzed.tokens.push((text.to_string(), u.kind, shape.weight));
            }
            analyzed.units.push(Unit {
                text: text.to_string(),
                keys: v.keys.clone(),
                first: shape.first,
                span: shape.span,
                weight: shape.weight,
                initial: v.initial,
                weak: shape.weak,
            });
        }
        analyzed
    }

    /// A listed name analysed again from its text, as it was when indexed:
    /// the brute-force reference shares nothing with the index's arrays.
    fn analyzed(&self, name_id: u32) -> Analyzed {
        let name = &self.names[name_id as usize];
        let forms = interdict_names::latin_forms(name_text(&self.name_texts, name.text));
        let tokens = interdict_names::tokenize(&forms[name.form as usize]);
        Analyzed::new(tokens, |t, k| self.weight(t, k))
    }

    fn candidate(&self, name_id: u32) -> (&NameHead, &[UnitHead], &[Shape]) {
        let head = &self.heads[name_id as usize];
        let range = self.unit_starts[name_id as usize] as usize..self.unit_starts[name_id as usize + 1] as usize;
        (head, &self.unit_heads[range.clone()], &self.unit_shapes[range])
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
        rarity_weight(&self.tokens, self.name_count, text, kind)
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
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            self.search_in(&mut scratch, name, evidence, threshold, limit)
        })
    }

    fn search_in(
        &self,
        scratch: &mut Scratch,
        name: &str,
        evidence: &Evidence,
        threshold: f32,
        limit: usize,
    ) -> (Vec<NameHit>, SearchStats) {
        let mut stats = SearchStats::default();
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        let raise = max_raise(evidence);
        let forms = self.analyze(name);
        // Once `limit` entities score at least `kth`, a name below it
        // cannot make the answer: the floor rises with the hits found.
        let mut kth: Option<f32> = None;
        // Scores are rounded to three decimals, which can lift one by half
        // a thousandth; secondary evidence can add `raise`.
        let floor_for = |score: f32| score - raise - 0.001;
        // Each form's matches, kept to explain the hits from.
        let mut knowns = Vec::with_capacity(forms.len());
        for (fi, form) in forms.iter().enumerate() {
            let mut plan = self.plan(scratch, form, floor_for(kth.unwrap_or(threshold)));
            stats.reached += plan.reached;
            for k in &plan.known {
                scratch.known_filter.insert(k.0);
            }
            let limited = limit < usize::MAX / 2;
            let mut candidates = std::mem::take(&mut plan.candidates);
            if limited && candidates.len() > ORDER_BY_BOUND_MIN {
                // The floor rises with the hits found: with the highest
                // bounds scored first it rises early, and most of the rest
                // fall below it without being read.
                order_by_bound(&mut candidates, &mut scratch.ordered);
            }
            for chunk in candidates.chunks(LOAD_CHUNK) {
                let floor = floor_for(kth.unwrap_or(threshold));
                self.load_candidates(chunk.iter().filter(|c| c.1 >= floor).map(|c| c.0));
                for &(name_id, bound) in chunk {
                    let floor = floor_for(kth.unwrap_or(threshold));
                    if bound < floor {
                        continue;
                    }
                    stats.scored += 1;
                    let score = self.score_planned(scratch, form, &plan, floor, name_id, evidence);
                    if score < threshold || kth.is_some_and(|k| score < k) {
                        continue;
                    }
                    self.keep_best(&mut best, fi, name_id, score);
                    if limited && best.len() >= 2 * limit.max(8) {
                        kth = Some(keep_top(&mut best, limit.max(1)));
                    }
                }
            }
            scratch.known_filter.clear();
            scratch.candidates = candidates;
            knowns.push(plan.known);
        }
        // The hits are explained from the pairs their scores came from, not
        // by comparing every unit pair again (a fifth of a search's work).
        let Work { scorer, pairs } = &mut scratch.work;
        let hits = self.finish(best, evidence, limit, |form, name_id| {
            let (query, listed) = (&forms[form], self.stored_analysis(name_id));
            self.planned_pairs(query, &knowns[form], name_id, |_| true, pairs);
            scorer
                .explain_pairs(query, &listed, pairs, || is_truncated_name(query, &listed))
                .1
        });
        (hits, stats)
    }

    /// Scores every indexed name: the reference the index must agree with.
    pub fn search_brute_force(&self, name: &str, evidence: &Evidence, threshold: f32, limit: usize) -> Vec<NameHit> {
        let mut best: HashMap<u32, (f32, u32)> = HashMap::new();
        let mut scorer = Scorer::default();
        let forms = self.analyze(name);
        for name_id in 0..self.names.len() as u32 {
            let listed = self.analyzed(name_id);
            for (fi, form) in forms.iter().enumerate() {
                let score = scorer.score(form, &listed);
                let score = self.finish_score(score, &self.names[name_id as usize], evidence);
                if score >= threshold {
                    self.keep_best(&mut best, fi, name_id, score);
                }
            }
        }
        self.finish(best, evidence, limit, |form, name_id| {
            scorer.explain(&forms[form], &self.analyzed(name_id)).1
        })
    }

    /// Keeps, per entity, its best-scoring name: on a tie the first form,
    /// then the name listed first, so that results never depend on map
    /// order (names are not numbered as listed, but their texts are stored
    /// so, a name's Latin forms one after another).
    fn keep_best(&self, best: &mut HashMap<u32, (f32, u32)>, form: usize, name_id: u32, score: f32) {
        let name = &self.names[name_id as usize];
        let packed = (form as u32) << 28 | name_id;
        let slot = best.entry(name.entity).or_insert((score, packed));
        let listed = |packed: u32| {
            let name = &self.names[(packed & 0x0FFF_FFFF) as usize];
            (packed >> 28, name.text.0, name.form)
        };
        if score > slot.0 || (score == slot.0 && listed(packed) < listed(slot.1)) {
            *slot = (score, packed);
        }
    }

    /// The secondary evidence of listed entity `entity`.
    fn evidence_of(&self, entity: u32) -> &Evidence {
        &self.evidence[self.evidence_of[entity as usize] as usize]
    }

    /// The weak-alias factor and the secondary evidence on a name score.
    fn finish_score(&self, mut score: f32, name: &IndexedName, evidence: &Evidence) -> f32 {
        if name.weak {
            score *= WEAK_ALIAS_FACTOR;
        }
        if evidence != &Evidence::default() {
            score += adjust(evidence, self.evidence_of(name.entity)).total();
        }
        round3(score.clamp(0.0, 1.0))
    }

    fn finish(
        &self,
        best: HashMap<u32, (f32, u32)>,
        evidence: &Evidence,
        limit: usize,
        mut explain: impl FnMut(usize, u32) -> Features,
    ) -> Vec<NameHit> {
        let mut ranked: Vec<(u32, f32, u32)> = best.into_iter().map(|(e, (s, p))| (e, s, p)).collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|(entity, score, packed)| {
                let (form, name_id) = ((packed >> 28) as usize, packed & 0x0FFF_FFFF);
                let name = &self.names[name_id as usize];
                let features = explain(form, name_id);
                NameHit {
                    entity: entity as usize,
                    name: name_text(&self.name_texts, name.text).to_string(),
                    score,
                    features,
                    adjustment: adjust(evidence, self.evidence_of(entity)),
                    weak_alias: name.weak,
                }
            })
            .collect()
    }

    /// The names that can score at least `floor` (the threshold less what
    /// secondary evidence can add) against `form`, ascending, and the unit
    /// matches found on the way.
    fn plan(&self, scratch: &mut Scratch, form: &Analyzed, floor: f32) -> Plan {
        // For each query unit: the vocabulary units it matches, verified.
        // The buffers are the thread's, kept from query to query.
        let (matched, found, lookup) = (&mut scratch.matched, &mut scratch.found, &mut scratch.lookup);
        if matched.len() < form.units.len() {
            matched.resize_with(form.units.len(), Vec::new);
        }
        let matched = &mut matched[..form.units.len()];
        for (unit, verified) in form.units.iter().zip(matched.iter_mut()) {
            verified.clear();
            if unit.initial {
                continue;
            }
            match self.listed_token(unit) {
                Some(id) => verified.extend_from_slice(self.token_matches(id)),
                None => self.find_matches(unit.view(), lookup, found, verified),
            }
        }
        let matched = &*matched;

        // What one match can add to a score. A match with similarity s adds
        // s(wq + wc) over a denominator holding wc; that is wq + w' over w'
        // with w' = s(wq + wc) - wq <= wc, and a ratio below 1 only grows
        // when the same amount joins both sides. So, with w'max the largest
        // lift among a unit's matches, (wq + w'max, w'max) bounds whatever
        // the unit adds, and the bounds of several units add up.
        let lift = |qi: usize, sim: f32, wc: f32| {
            let wq = form.units[qi].weight;
            (sim * (wq + wc) - wq).max(0.0)
        };
        // Every way a query unit meets listed names: a vocabulary unit, or
        // for an initial, its letter. Each unit's first few matches are
        // asked for at once: most units have only a few.
        for unit_matches in matched {
            for &(id, _, _) in unit_matches.iter().take(VOCAB_AHEAD) {
                prefetch(&self.vocab, id as usize);
            }
        }
        // The plan's own buffers, kept from query to query in the scratch
        // (put back below): allocating them was a few percent of a search.
        let mut entries = std::mem::take(&mut scratch.entries);
        entries.clear();
        for (qi, unit) in form.units.iter().enumerate() {
            if unit.initial {
                if let Some(slot) = letter_slot(unit.text.as_bytes()[0]) {
                    let letter = &self.letters[slot];
                    let w = lift(qi, 1.0, letter.initial_weight).max(lift(qi, INITIAL_SIMILARITY, letter.word_weight));
                    entries.push(Entry {
                        unit: qi,
                        vocab: None,
                        lift: w,
                        value: unit.weight + w,
                        cost: letter.postings,
                    });
                }
                continue;
            }
            for (at, &(id, sim, _)) in matched[qi].iter().enumerate() {
                if let Some(&(ahead, _, _)) = matched[qi].get(at + VOCAB_AHEAD) {
                    prefetch(&self.vocab, ahead as usize);
                }
                let v = &self.vocab[id as usize];
                entries.push(Entry {
                    unit: qi,
                    vocab: Some((id, sim)),
                    lift: lift(qi, sim, v.weight),
                    value: sim * (unit.weight + v.weight),
                    cost: v.postings.1 as usize,
                });
            }
        }
        // Leave out the matches that, all present together, still cannot
        // lift a name to the floor, those with the most postings first
        // (`Mohammed` goes, a rare spelling of it stays): a name left out
        // then holds none of the matches looked up, so it scores below the
        // floor.
        // Sorted as packed keys, most postings first, then in entry order:
        // plain integers sort several times faster than indices compared
        // through the entries.
        let mut order = std::mem::take(&mut scratch.order);
        order.clear();
        order.extend(
            entries
                .iter()
                .enumerate()
                .map(|(e, entry)| u64::from(u32::MAX - entry.cost.min(u32::MAX as usize) as u32) << 32 | e as u64),
        );
        order.sort_unstable();
        // The units a score picks never share a token, so together their
        // query weights come to at most the weight of the tokens the
        // skipped units cover; the lifts add up per unit.
        let mut skipped = std::mem::take(&mut scratch.skipped);
        skipped.clear();
        skipped.resize(entries.len(), false);
        let mut unit_lift = std::mem::take(&mut scratch.unit_lift);
        unit_lift.clear();
        unit_lift.resize(form.units.len(), 0.0);
        let (mut covered, mut covered_weight, mut lifts) = (0u32, 0.0f32, 0.0f32);
        for e in order.iter().map(|&key| key as u32 as usize) {
            let entry = &entries[e];
            if entry.cost == 0 {
                skipped[e] = true;
                continue;
            }
            let unit = &form.units[entry.unit];
            let mask = ((1u32 << unit.span) - 1) << unit.first;
            let more_weight: f32 = (0..form.tokens.len())
                .filter(|&t| mask & !covered & (1 << t) != 0)
                .map(|t| form.tokens[t].2)
                .sum();
            let more_lift = (entry.lift - unit_lift[entry.unit]).max(0.0);
            let (n, d) = (covered_weight + more_weight + lifts + more_lift, lifts + more_lift);
            let den = form.total_weight + d;
            let bound = if den > 0.0 && n <= den { n / den } else { 1.0 };
            if bound < floor {
                skipped[e] = true;
                covered |= mask;
                covered_weight += more_weight;
                lifts += more_lift;
                unit_lift[entry.unit] += more_lift;
            }
        }
        let skipped_value = covered_weight + lifts;

        // A cut-short name scores TRUNCATED_NAME whatever its other tokens.
        // The names it can be hold every query token but the last as it
        // is, so the names holding the rarest of those are always reached.
        let truncation = may_be_truncated(form) && floor <= TRUNCATED_NAME;
        let first_token = form.tokens.first().and_then(|t| self.tokens.get(&t.0)).map(|t| t.id);
        let cost = |ids: &[u32]| ids.iter().map(|&id| self.vocab[id as usize].postings.1).sum::<u32>();
        let mut leading: Vec<Vec<u32>> = Vec::new();
        if truncation {
            let n = form.tokens.len();
            leading.extend(
                form.tokens[..n - 1]
                    .iter()
                    .map(|(text, _, _)| self.spelled(text).collect()),
            );
        }
        // A cut-short name also holds, where the query has its last token,
        // that token or a longer one it starts: often far fewer names than
        // hold the rarest leading token (`Ali Karimian`: the names holding
        // `karimian` or `karimiani`, not every `Ali`).
        let cut_tokens = if truncation {
            self.started_by(&form.tokens[form.tokens.len() - 1].0)
        } else {
            None
        };
        // The names a cut-short name must be among: its holders of the
        // rarest of those are read, and the next rarest, when at most
        // CUT_FILTER_RATIO times longer, marks them in a bitset first, so
        // that only the names on both have their heads read (a miss in
        // memory each).
        let mut sources: Vec<&[u32]> = leading.iter().map(Vec::as_slice).chain(cut_tokens.as_deref()).collect();
        sources.sort_by_key(|ids| cost(ids));
        let starts: &[u32] = sources.first().copied().unwrap_or_default();
        let cut_filter: &[u32] = sources
            .get(1)
            .copied()
            .filter(|ids| cost(ids) as usize <= CUT_FILTER_RATIO * cost(starts) as usize)
            .unwrap_or_default();
        // Reach names through the other units, adding up for each name the
        // most each unit can give it.
        let mut reached = 0usize;
        let mut candidates = std::mem::take(&mut scratch.candidates);
        candidates.clear();
        {
            let sorted_candidates = &mut scratch.sorted_candidates;
            let (sums, touched, read_here, read_bits, read_lists, reading, blocks, denominators, candidate_bits) = (
                &mut scratch.sums,
                &mut scratch.touched,
                &mut scratch.read_here,
                &mut scratch.read_bits,
                &mut scratch.read_lists,
                &mut scratch.reading,
                &mut scratch.blocks,
                &mut scratch.denominators,
                &mut scratch.candidate_bits,
            );
            denominators.clear();
            if sums.len() < self.names.len() {
                sums.resize(self.names.len(), 0.0);
            }
            touched.clear();
            // A spelling several query units match (`abd` three times, `a`
            // as a near spelling of both `ali` and `al`) is read once. An
            // alignment pairs each token of a name once, so a name holding
            // the spelling once gives it to one of those units: it counts
            // at the most any of them gives, and again at the second most
            // for each time the name holds it again (its repeats). A
            // spelling that a kept match has is read here for every unit
            // matching it, left out or not, and not again below.
            read_lists.clear();
            read_lists.extend(
                entries
                    .iter()
                    .zip(&skipped)
                    .filter(|(_, &s)| !s)
                    .filter_map(|(entry, _)| Some((entry.vocab?.0, entry.value, 0.0))),
            );
            read_lists.sort_unstable_by_key(|list| list.0);
            read_lists.dedup_by(|later, first| {
                let same = later.0 == first.0;
                if same {
                    (first.1, first.2) = top_two((first.1, first.2), later.1);
                }
                same
            });
            read_here.clear();
            read_here.resize(entries.len(), false);
            read_bits.reserve(self.vocab.len());
            for list in read_lists.iter() {
                read_bits.insert(list.0);
            }
            for (e, entry) in entries.iter().enumerate().filter(|&(e, _)| skipped[e]) {
                let Some((id, _)) = entry.vocab.filter(|v| read_bits.contains(v.0)) else {
                    continue;
                };
                if let Ok(at) = read_lists.binary_search_by_key(&id, |list| list.0) {
                    let list = &mut read_lists[at];
                    (list.1, list.2) = top_two((list.1, list.2), entry.value);
                    read_here[e] = true;
                }
            }
            read_bits.clear(read_lists.iter().map(|list| list.0));
            // An initial kept in meets every word of its letter, and its
            // own letter exactly, as an initial or a one-letter word. Each
            // list adds what its own spelling can: the entry's value is the
            // most any of them can, and most words weigh less than the
            // heaviest.
            let initial_lists = entries
                .iter()
                .zip(&skipped)
                .filter(|(e, &s)| !s && e.vocab.is_none())
                .flat_map(|(entry, _)| {
                    let unit = &form.units[entry.unit];
                    let letter = letter_slot(unit.text.as_bytes()[0]);
                    let ids = letter.map(|s| self.by_first_letter[s].as_slice()).unwrap_or(&[]);
                    let same = self.keys.get(tag(KeyKind::Exact, hash_bytes(unit.text.as_bytes())));
                    ids.iter().chain(same).map(move |&id| {
                        let v = &self.vocab[id as usize];
                        let sim = if v.meets_its_initial_exactly() {
                            1.0
                        } else {
                            INITIAL_SIMILARITY
                        };
                        (id, unit.weight + lift(entry.unit, sim, v.weight))
                    })
                });
            // A value is at least the smallest positive number, so that a
            // sum of zero means "not reached" (a bound a little looser than
            // it could be is still a bound).
            let list = |(at, end): (u32, u32), value: f32| ReadList {
                at,
                end,
                value: value.max(f32::MIN_POSITIVE),
            };
            let whole = |id: u32| {
                let (start, len) = self.vocab[id as usize].postings;
                (start, start + len)
            };
            reading.clear();
            for &(id, first, second) in read_lists.iter() {
                reading.push(list(whole(id), first));
                if second > 0.0 {
                    let repeats = self.repeats_of(id);
                    if repeats.0 < repeats.1 {
                        reading.push(list(repeats, second));
                    }
                }
            }
            reading.extend(initial_lists.map(|(id, value)| list(whole(id), value)));
            let postings: usize = reading.iter().map(|c| (c.end - c.at) as usize).sum();
            reached += postings;
            let reach = Reach {
                sums: &mut sums[..self.names.len()],
                denominators: &mut *denominators,
                weight_floors: &self.weight_floors,
                total_weight: form.total_weight,
                skipped_value,
                floor,
            };
            // Cut-short names are found below, through the postings of
            // `starts`, not here: that is fewer names than those reached, and
            // each check reads the name's head, a miss in memory.
            let blocked = postings >= BLOCKED_POSTINGS_MIN;
            if blocked {
                reach.by_blocks(&self.postings, reading, blocks, touched, &mut candidates);
            } else {
                reach.at_once(&self.postings, reading, touched, candidate_bits, &mut candidates);
            }
            // The left-out matches were counted as if every name held them
            // all. When that leaves many candidates, reading left-out
            // postings can cost less than scoring the candidates (a posting
            // is a few nanoseconds, a candidate a few hundred): the names
            // already reached are then bounded by the matches they hold.
            // Names not reached hold only left-out matches and stay below
            // the floor. The lists go cheapest first, each read only while
            // it costs less than scoring the candidates still left, so that
            // one huge list of a light word (`al`) is left unread; what is
            // not read counts, per unit, at the most it can add.
            // Names reached by blocks are bounded here and only here.
            if blocked || candidates.len() > REFINE_MIN_CANDIDATES {
                let mut left_out: Vec<&Entry> = entries
                    .iter()
                    .enumerate()
                    .filter(|&(e, entry)| skipped[e] && !read_here[e] && entry.vocab.is_some())
                    .map(|(_, entry)| entry)
                    .collect();
                // By cost, the units matching one spelling together: its
                // list is read once for all of them.
                left_out.sort_by_key(|e| (e.cost, e.vocab.unwrap_or_default().0));
                // Initials left out meet every word of their letter: they
                // are never read, but count only for names with a word of
                // that letter.
                let initials: Vec<(u32, f32)> = entries
                    .iter()
                    .zip(&skipped)
                    .filter(|(e, &s)| s && e.vocab.is_none())
                    .map(|(e, _)| (letter_bit(form.units[e.unit].text.as_bytes()[0]), e.value))
                    .collect();
                let unread_after = |read: usize| -> f32 {
                    let mut per_unit = vec![0.0f32; form.units.len()];
                    for &entry in &left_out[read..] {
                        per_unit[entry.unit] = per_unit[entry.unit].max(entry.value);
                    }
                    per_unit.iter().sum()
                };
                candidate_bits.reserve(self.names.len());
                for &(n, _) in &candidates {
                    candidate_bits.insert(n);
                }
                // Sorted when first searched for, after each bounding.
                let mut sorted = false;
                // A list longer than the candidates is weighed against them
                // only once they are bounded by what they hold so far.
                let (mut read, mut filtered_at) = (0, None);
                loop {
                    let filtered = filtered_at == Some(read);
                    let next = left_out.get(read).filter(|entry| {
                        entry.cost <= candidates.len().max(REFINE_READ_FREELY)
                            || (filtered && entry.cost <= REFINE_POSTINGS_PER_CANDIDATE * candidates.len())
                    });
                    if let Some(&entry) = next {
                        let (id, _) = entry.vocab.unwrap_or_default();
                        let same = left_out[read..]
                            .iter()
                            .take_while(|e| e.vocab.unwrap_or_default().0 == id)
                            .count();
                        // As above: the most any of the units gives, and
                        // the second most for each repeat.
                        let (first, second) = left_out[read..read + same]
                            .iter()
                            .fold((0.0, 0.0), |top, e| top_two(top, e.value));
                        let (at, end) = if second > 0.0 { self.repeats_of(id) } else { (0, 0) };
                        let repeats = &self.postings[at as usize..end as usize];
                        let mut postings = self.postings_of(id);
                        reached += postings.len() + repeats.len();
                        if postings.len() >= GALLOP_RATIO * candidates.len() {
                            if !sorted {
                                sorted_candidates.clear();
                                sorted_candidates.extend(candidates.iter().map(|c| c.0));
                                sorted_candidates.sort_unstable();
                                sorted = true;
                            }
                            for_each_in(postings, sorted_candidates, |n| sums[n as usize] += first);
                            postings = &[];
                        }
                        // The repeats are always read through: a name is on
                        // them once for each time more than once it holds
                        // the spelling.
                        for (postings, value) in [(postings, first), (repeats, second)] {
                            for &n in postings {
                                if candidate_bits.contains(n) {
                                    sums[n as usize] += value;
                                }
                            }
                        }
                        read += same;
                        continue;
                    }
                    if filtered {
                        break;
                    }
                    let unread = unread_after(read);
                    // The candidates and their denominators kept in step.
                    let mut kept = 0;
                    for at in 0..candidates.len() {
                        if let Some(&(ahead, _)) = candidates.get(at + PREFETCH_AHEAD) {
                            prefetch(sums, ahead as usize);
                            if blocked {
                                prefetch(&self.weight_floors, ahead as usize);
                            }
                            if !initials.is_empty() {
                                prefetch(&self.name_letters, ahead as usize);
                            }
                        }
                        let (name, mut den) = (candidates[at].0, denominators[at]);
                        if den == 0.0 {
                            // Reached by blocks and not bounded yet (a name
                            // bounded when reached has a positive one).
                            den = form.total_weight + self.weight_floors[name as usize].get();
                        }
                        // Most queries leave no initial out, and then the
                        // candidates' letters are not read (a cache miss a
                        // candidate on a large list).
                        let initials: f32 = if initials.is_empty() {
                            0.0
                        } else {
                            let letters = self.name_letters[name as usize];
                            initials.iter().filter(|i| letters & i.0 != 0).map(|i| i.1).sum()
                        };
                        let bound = (unread + initials + sums[name as usize]) / den;
                        if den > 0.0 && bound >= floor {
                            candidates[kept] = (name, bound);
                            denominators[kept] = den;
                            kept += 1;
                        } else {
                            candidate_bits.remove(name);
                            sums[name as usize] = 0.0;
                        }
                    }
                    candidates.truncate(kept);
                    denominators.truncate(kept);
                    sorted = false;
                    filtered_at = Some(read);
                }
                candidate_bits.clear(candidates.iter().map(|c| c.0));
            }
            // A cut-short name is on the lists of `starts` (and of
            // `cut_filter`): each is a candidate at CUT_SHORT_BOUND, in place
            // of the bound it has as a name reached, if any.
            if !starts.is_empty() {
                let (cut_short, filter_bits) = (&mut scratch.cut_short, &mut scratch.cut_filter_bits);
                cut_short.clear();
                candidate_bits.reserve(self.names.len());
                let filtered = !cut_filter.is_empty();
                if filtered {
                    filter_bits.reserve(self.names.len());
                    for &id in cut_filter {
                        let holders = self.postings_of(id);
                        reached += holders.len();
                        for &name in holders {
                            filter_bits.insert(name);
                        }
                    }
                }
                for &id in starts {
                    for &name in self.postings_of(id) {
                        reached += 1;
                        if (!filtered || filter_bits.contains(name))
                            && !candidate_bits.contains(name)
                            && self.is_cut_short(form, &leading, first_token, name)
                        {
                            candidate_bits.insert(name);
                            cut_short.push(name);
                        }
                    }
                }
                if filtered {
                    filter_bits.clear(cut_filter.iter().flat_map(|&id| self.postings_of(id).iter().copied()));
                }
                if !cut_short.is_empty() {
                    candidates.retain(|c| !candidate_bits.contains(c.0));
                    candidates.extend(cut_short.iter().map(|&name| (name, CUT_SHORT_BOUND)));
                    candidate_bits.clear(cut_short.iter().copied());
                }
            }
            // The names reached that are no candidates went back to zero
            // when they were bounded out.
            for &(name, _) in candidates.iter() {
                sums[name as usize] = 0.0;
            }
        }
        let mut known: Vec<(u32, u8, f32, TokenMatch)> = matched
            .iter()
            .enumerate()
            .flat_map(|(qi, m)| m.iter().map(move |&(id, sim, how)| (id, qi as u8, sim, how)))
            .collect();
        // Each unit's matches come sorted by vocabulary id, units in order:
        // a stable sort by id merges those runs, and leaves the matches of
        // one id in unit order.
        known.sort_by_key(|k| k.0);
        (scratch.entries, scratch.order, scratch.skipped, scratch.unit_lift) = (entries, order, skipped, unit_lift);
        Plan {
            candidates,
            known,
            reached,
            truncation,
            leading,
            first_token,
        }
    }

    /// Scores a candidate from the unit matches of its plan; initials in the
    /// query, never looked up, are compared directly.
    fn score_planned(
        &self,
        scratch: &mut Scratch,
        form: &Analyzed,
        plan: &Plan,
        floor: f32,
        name_id: u32,
        evidence: &Evidence,
    ) -> f32 {
        let Scratch {
            work: Work { scorer, pairs },
            known_filter,
            best_per_unit,
            ..
        } = scratch;
        let (head, _, shapes) = self.candidate(name_id);
        self.planned_pairs(form, &plan.known, name_id, |vocab| known_filter.may_hold(vocab), pairs);
        // Each query unit counts once in a score, with at most its best
        // pair: names that cannot reach the floor even so are not aligned.
        let cut_short = plan.truncation && self.is_cut_short(form, &plan.leading, plan.first_token, name_id);
        if !cut_short {
            // As long as the query's units, not the most a name can have
            // (`MAX_UNITS`): zeroing that many for each candidate showed.
            let best = best_per_unit;
            best.clear();
            best.resize(form.units.len(), 0.0);
            let mut strong = false;
            // The query tokens some exact pair covers: a name of weak words
            // met whole and exactly is not capped (see WEAK_ONLY_CAP).
            let mut exact = 0u32;
            for &(qi, ci, sim, _) in pairs.iter() {
                let (qu, cu) = (&form.units[qi as usize], &shapes[ci as usize]);
                let slot = &mut best[qi as usize];
                *slot = slot.max(sim * (qu.weight + cu.weight));
                strong |= !qu.weak && !cu.weak;
                if sim >= 1.0 && !qu.initial {
                    exact |= qu.shape().mask();
                }
            }
            let total = form.total_weight + head.total_weight;
            let mut bound = if total > 0.0 {
                best.iter().sum::<f32>() / total
            } else {
                0.0
            };
            let may_be_whole = form.tokens.len() >= 2 && exact.count_ones() as usize == form.tokens.len();
            if !strong && !may_be_whole {
                bound = bound.min(WEAK_ONLY_CAP);
            }
            if bound < floor {
                return 0.0;
            }
        }
        let candidate = Candidate {
            units: shapes,
            total_weight: head.total_weight,
        };
        let score = scorer.score_pairs(form, candidate, pairs, || cut_short);
        self.finish_score(score, &self.names[name_id as usize], evidence)
    }

    /// Every matching pair of units of `form` and the listed name
    /// `name_id`: (query unit, name unit, similarity, rule), from `known`,
    /// a plan's matches, for the name units `may_be_known` lets through
    /// (a quick filter; it must pass every vocabulary id in `known`).
    fn planned_pairs(
        &self,
        form: &Analyzed,
        known: &[(u32, u8, f32, TokenMatch)],
        name_id: u32,
        may_be_known: impl Fn(u32) -> bool,
        pairs: &mut Vec<(u8, u8, f32, TokenMatch)>,
    ) {
        let (_, units, shapes) = self.candidate(name_id);
        pairs.clear();
        for (ci, cu) in units.iter().enumerate() {
            if !may_be_known(cu.vocab) {
                continue;
            }
            let start = known.partition_point(|k| k.0 < cu.vocab);
            for &(_, qi, sim, how) in known[start..].iter().take_while(|k| k.0 == cu.vocab) {
                pairs.push((qi, ci as u8, sim, how));
            }
        }
        // Initials in the query are not looked up: compare them here, as
        // `unit_similarity` does.
        for (qi, unit) in form.units.iter().enumerate().filter(|(_, u)| u.initial) {
            let letter = unit.text.as_bytes()[0];
            for (ci, (cu, shape)) in units.iter().zip(shapes).enumerate() {
                if shape.span != 1 || cu.first_byte != letter {
                    continue;
                }
                if cu.one_letter {
                    pairs.push((qi as u8, ci as u8, 1.0, TokenMatch::Exact));
                } else {
                    pairs.push((qi as u8, ci as u8, INITIAL_SIMILARITY, TokenMatch::Initial));
                }
            }
        }
    }

    /// Whether `form`, a query that may be truncated, is the listed name
    /// `name_id` cut short, as [`interdict_names::score::is_truncated_tokens`]
    /// has it, read from the name's token units. `leading` holds the
    /// vocabulary units spelling each query token but the last: those
    /// compare by id, and only the last token by its text. `first_token`
    /// is the token id of the query's first token: the name's head says
    /// whether it starts so before its units are read.
    fn is_cut_short(&self, form: &Analyzed, leading: &[Vec<u32>], first_token: Option<u32>, name_id: u32) -> bool {
        let n = form.tokens.len();
        // A query of one token is never cut short (`may_be_truncated`).
        if n < 2 || leading.len() + 1 != n || Some(self.heads[name_id as usize].first_token) != first_token {
            return false;
        }
        let (_, units, shapes) = self.candidate(name_id);
        // A name's first units are its tokens, in order.
        let count = shapes.iter().take_while(|s| s.span == 1).count();
        if count < n || !leading.iter().zip(units).all(|(ids, u)| ids.contains(&u.vocab)) {
            return false;
        }
        let last = form.tokens[n - 1].0.as_str();
        let cut = self.unit_text(&self.vocab[units[n - 1].vocab as usize]);
        cut.starts_with(last) && (count > n || last != cut)
    }

    /// Every vocabulary unit sharing a key with `unit` (unverified).
    fn lookup_keys(&self, unit: UnitView<'_>, lookup: &mut Lookup, found: &mut Vec<u32>) {
        let Lookup { keys, variants, runs } = lookup;
        let text = unit.text.as_bytes();
        keys.clear();
        keys.push(tag(KeyKind::Exact, hash_bytes(text)));
        keys.push(tag(KeyKind::Ocr, unit.keys.ocr));
        keys.push(tag(KeyKind::Phonetic, unit.keys.phonetic));
        keys.extend(unit.keys.consonant_keys().map(|key| tag(KeyKind::Consonants, key)));
        deletion_keys(unit.text, unit.span, variants);
        keys.extend(variants.iter().map(|&h| tag(KeyKind::Deletion, h)));
        if unit.span == 1 {
            // The query cut short: listed tokens it starts.
            keys.push(tag(KeyKind::Prefix, hash_bytes(text)));
            // A listed token cut short: the query's own prefixes.
            keys.extend((4..text.len()).map(|len| tag(KeyKind::Exact, hash_bytes(&text[..len]))));
            // A listed initial the query word starts with.
            keys.push(tag(KeyKind::Exact, hash_bytes(&text[..1])));
        }
        self.keys.get_many(keys, runs, found);
    }

    /// The vocabulary units that `unit` matches, with their similarity and
    /// rule, ascending by id: found through the key maps and verified.
    fn find_matches(
        &self,
        unit: UnitView<'_>,
        lookup: &mut Lookup,
        found: &mut Vec<u32>,
        matches: &mut Vec<(u32, f32, TokenMatch)>,
    ) {
        found.clear();
        self.lookup_keys(unit, lookup, found);
        found.sort_unstable();
        found.dedup();
        self.load_vocab(found);
        for &id in found.iter() {
            if let Some((sim, how)) = unit_similarity(unit, self.view(id)) {
                matches.push((id, sim, how));
            }
        }
    }

    /// The vocabulary id of `unit` when it is a listed token: its matches
    /// are then stored.
    fn listed_token(&self, unit: &Unit) -> Option<u32> {
        if unit.span != 1 || unit.initial {
            return None;
        }
        self.spelled(&unit.text).find(|&id| {
            let v = &self.vocab[id as usize];
            !v.initial && v.keys == unit.keys
        })
    }

    /// The single-token vocabulary units spelled `text` (as a word or as
    /// an initial).
    fn spelled<'a>(&'a self, text: &'a str) -> impl Iterator<Item = u32> + 'a {
        self.keys
            .get(tag(KeyKind::Exact, hash_bytes(text.as_bytes())))
            .iter()
            .copied()
            .filter(move |&id| {
                let v = &self.vocab[id as usize];
                v.span == 1 && self.unit_text(v) == text
            })
    }

    /// The single-token vocabulary units that are `text` or start with it,
    /// ascending, when the prefix keys can tell: a token of five letters
    /// or more has a key for every longer token it starts
    /// ([`is_truncation`]); a shorter one has not.
    fn started_by(&self, text: &str) -> Option<Vec<u32>> {
        if text.len() < 5 {
            return None;
        }
        let longer = self.keys.get(tag(KeyKind::Prefix, hash_bytes(text.as_bytes())));
        let mut ids: Vec<u32> = self
            .spelled(text)
            .chain(longer.iter().copied().filter(|&id| {
                let v = &self.vocab[id as usize];
                v.span == 1 && self.unit_text(v).starts_with(text)
            }))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    /// The stored matches of listed token `id`.
    fn token_matches(&self, id: u32) -> &[(u32, f32, TokenMatch)] {
        let (start, end) = (
            self.token_match_starts[id as usize],
            self.token_match_starts[id as usize + 1],
        );
        &self.token_matches[start as usize..end as usize]
    }

    /// Every listed token's matches in the vocabulary, as a query of that
    /// token finds them: most query tokens are listed tokens, and a stored
    /// list spares them a hundred key lookups and the verification of what
    /// those find.
    fn store_token_matches(&mut self) {
        let (mut lookup, mut found) = (Lookup::default(), Vec::new());
        let mut starts = Vec::with_capacity(self.vocab.len() + 1);
        let mut matches = Vec::new();
        for (id, v) in self.vocab.iter().enumerate() {
            starts.push(matches.len() as u32);
            if v.span == 1 && !v.initial {
                self.find_matches(self.view(id as u32), &mut lookup, &mut found, &mut matches);
            }
        }
        starts.push(matches.len() as u32);
        matches.shrink_to_fit();
        self.token_match_starts = starts;
        self.token_matches = matches;
    }
}

/// Buffers of [`NameIndex::lookup_keys`], kept across a query's units.
#[derive(Default)]
struct Lookup {
    keys: Vec<u64>,
    variants: Vec<u64>,
    runs: Vec<(u32, u32)>,
}

/// Keeps the `limit` best entities of `best` (by score, then entity, as
/// answers are ranked) and returns the lowest score kept. An entity dropped
/// can come back only with a higher score than it had, which still ranks
/// below every entity kept.
fn keep_top(best: &mut HashMap<u32, (f32, u32)>, limit: usize) -> f32 {
    let mut ranked: Vec<(u32, (f32, u32))> = best.drain().collect();
    ranked.sort_unstable_by(|a, b| b.1 .0.total_cmp(&a.1 .0).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    let kth = ranked.last().map_or(0.0, |r| r.1 .0);
    best.extend(ranked);
    kth
}

/// The deletion variants of a unit of `text` over `span` tokens, into
/// `variants`: its keys for the edit rule, the same when the index is built
/// and when a query looks them up. A unit that allows no edits (joined
/// tokens) gets none: its one variant, its own text, would only find units
/// the verification turns down.
fn deletion_keys(text: &str, span: u8, variants: &mut Vec<u64>) {
    variants.clear();
    if max_edits(span) > 0 {
        deletion_variants(text, max_edits(span), variants);
    }
}

/// A bit for the letter `b` in a name's letters: one each for `a` to `z`,
/// digits sharing six (a shared bit only lets more names through).
fn letter_bit(b: u8) -> u32 {
    match letter_slot(b) {
        Some(slot) if slot < 26 => 1 << slot,
        Some(slot) => 1 << (26 + (slot - 26) % 6),
        None => 0,
    }
}

fn letter_slot(b: u8) -> Option<usize> {
    match b {
        b'a'..=b'z' => Some((b - b'a') as usize),
        b'0'..=b'9' => Some(26 + (b - b'0') as usize),
        _ => None,
    }
}

/// What the index knows of a token.
#[derive(Clone, Copy, Debug)]
struct TokenStats {
    /// How many names hold it.
    names: u32,
    id: u32,
}

fn name_text(texts: &str, (start, len): (u32, u32)) -> &str {
    &texts[start as usize..][..len as usize]
}

fn rarity_weight(tokens: &TextMap<TokenStats>, names: u32, text: &str, kind: TokenKind) -> f32 {
    let count = tokens.get(text).map_or(1, |t| t.names).max(1) as f32;
    let n = names as f32;
    let rarity = ((1.0 + n / count).ln() / (1.0 + n).ln()).clamp(MIN_RARITY, 1.0);
    kind.weight() * rarity
}

/// Calls `f(entity, text, form, weak, tokens)` for every Latin form of
/// every name and alias of `dataset` that has a token, in a fixed order.
fn for_each_name(dataset: &Dataset, mut f: impl FnMut(u32, &str, u8, bool, interdict_names::Tokens)) {
    for (ei, entity) in dataset.entities.iter().enumerate() {
        let names = std::iter::once((entity.name.as_str(), false)).chain(
            entity
                .aliases
                .iter()
                .map(|a| (a.name.as_str(), a.kind == NameKind::WeakAlias)),
        );
        for (text, weak) in names {
            for (fi, form) in interdict_names::latin_forms(text).iter().enumerate() {
                let tokens = interdict_names::tokenize(form);
                if !tokens.tokens.is_empty() {
                    f(ei as u32, text, fi.min(u8::MAX as usize) as u8, weak, tokens);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weight_floor_is_never_above_the_weight_and_at_most_a_step_below() {
        for weight in [0.0f32, 0.001, 0.3, 1.0, 2.75, 17.25, 255.9, 300.0] {
            let floor = WeightFloor::of(weight).get();
            assert!(floor <= weight, "{weight}: {floor}");
            if weight < 255.0 {
                assert!(weight - floor < 1.0 / WeightFloor::STEPS, "{weight}: {floor}");
            }
        }
        // Past the largest step it stays at the largest, still a floor.
        assert_eq!(WeightFloor::of(1e9).get(), f32::from(u16::MAX) / WeightFloor::STEPS);
    }

    #[test]
    fn an_empty_key_index_finds_nothing() {
        let index = KeyIndex::build(KeyPairs::new(0));
        assert_eq!(index.get(0), &[] as &[u32]);
        assert_eq!(index.get(u64::MAX), &[] as &[u32]);
        let (mut runs, mut out) = (Vec::new(), Vec::new());
        index.get_many(&[0, 7, u64::MAX], &mut runs, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn key_index_returns_every_id_of_a_key_at_either_end_of_the_range() {
        let mut pairs = KeyPairs::new(1010);
        for (key, id) in [(0, 1), (0, 2), (u64::MAX, 3), (u64::MAX, 3), (1 << 63, 4)] {
            pairs.push(key, id);
        }
        // Enough keys for a directory of many buckets; the low bits of a
        // key, where a packed pair keeps its id, never matter.
        for i in 0..1000u64 {
            pairs.push((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15), i as u32 + 10);
        }
        let index = KeyIndex::build(pairs);
        assert_eq!(index.get(0), &[1, 2]);
        assert_eq!(index.get(u64::MAX), &[3], "duplicates are dropped");
        assert_eq!(index.get(1 << 63), &[4]);
        assert_eq!(index.get(1 << 40), &[] as &[u32]);
        assert_eq!(index.get(u64::MAX - 1), &[3], "only the top bits of a key count");
        for i in 0..1000u64 {
            assert_eq!(index.get((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)), &[i as u32 + 10]);
        }
        let (mut runs, mut out) = (Vec::new(), Vec::new());
        index.get_many(&[u64::MAX, 1 << 40, 0, 1 << 63], &mut runs, &mut out);
        assert_eq!(out, [3, 1, 2, 4]);
    }

    /// Reaches the same lists both ways over names spanning four blocks:
    /// a list on every block, one inside a single block, one that skips a
    /// block, an empty one, and one holding only the last name. At once,
    /// names are bounded as they are reached; by blocks, every name reached
    /// is a candidate left for the refine to bound, with its sum added up
    /// in the same order.
    #[test]
    fn reaching_by_blocks_adds_up_the_sums_of_reaching_at_once_and_leaves_the_bounds() {
        let names = 3 * REACH_BLOCK + 123;
        let lists: Vec<(Vec<u32>, f32)> = vec![
            ((0..names).step_by(3).collect(), 0.25),
            ((2 * REACH_BLOCK + 5..2 * REACH_BLOCK + 900).step_by(2).collect(), 0.5),
            (
                (0..names).filter(|n| n / REACH_BLOCK != 1 && n % 7 == 0).collect(),
                0.375,
            ),
            (Vec::new(), 0.9),
            (vec![names - 1], 0.8),
        ];
        let mut postings = Vec::new();
        let mut reading = Vec::new();
        let mut expected = vec![0.0f32; names as usize];
        for (list, value) in &lists {
            let at = postings.len() as u32;
            postings.extend_from_slice(list);
            reading.push(ReadList {
                at,
                end: postings.len() as u32,
                value: *value,
            });
            for &n in list {
                expected[n as usize] += value;
            }
        }
        let reached: Vec<u32> = (0..names).filter(|&n| expected[n as usize] != 0.0).collect();
        let weight_floors: Vec<WeightFloor> = (0..names).map(|n| WeightFloor::of((n % 5) as f32 * 0.25)).collect();
        let reach = |sums: &mut Vec<f32>, blocked: bool| {
            sums.clear();
            sums.resize(names as usize, 0.0);
            let (mut touched, mut candidates) = (Vec::new(), Vec::new());
            let mut denominators = Vec::new();
            let reach = Reach {
                sums,
                denominators: &mut denominators,
                weight_floors: &weight_floors,
                total_weight: 1.0,
                skipped_value: 0.125,
                floor: 0.5,
            };
            if blocked {
                // Blocks left from a larger index are cleared first: the
                // names span four.
                let mut blocks = vec![vec![(1, 1.0)]; 6];
                reach.by_blocks(&postings, &reading, &mut blocks, &mut touched, &mut candidates);
                let dealt: usize = blocks[..4].iter().map(Vec::len).sum();
                assert_eq!(dealt, postings.len(), "every posting is dealt out once");
            } else {
                reach.at_once(
                    &postings,
                    &reading,
                    &mut touched,
                    &mut BitSet::default(),
                    &mut candidates,
                );
            }
            touched.sort_unstable();
            assert_eq!(
                candidates.len(),
                denominators.len(),
                "a denominator beside each candidate"
            );
            let mut candidates: Vec<(u32, f32, f32)> = candidates
                .iter()
                .zip(&denominators)
                .map(|(&(name, bound), &den)| (name, bound, den))
                .collect();
            candidates.sort_unstable_by_key(|c| c.0);
            (touched, candidates)
        };

        let mut sums = Vec::new();
        let (touched, candidates) = reach(&mut sums, true);
        assert_eq!(touched, reached);
        assert_eq!(candidates.iter().map(|c| c.0).collect::<Vec<_>>(), reached);
        assert!(candidates.iter().all(|c| c.1 == f32::INFINITY && c.2 == 0.0));
        assert_eq!(sums, expected, "each name's sum, added in list order");

        let (touched, candidates) = reach(&mut sums, false);
        assert_eq!(touched, reached);
        // Some names reached fall below the floor, and the last name is a
        // candidate through its own list alone.
        assert!(!candidates.is_empty() && candidates.len() < touched.len());
        assert_eq!(candidates.last().map(|c| c.0), Some(names - 1));
        for &name in &touched {
            let den = 1.0 + weight_floors[name as usize].get();
            let bound = (0.125 + expected[name as usize]) / den;
            match candidates.binary_search_by_key(&name, |c| c.0) {
                Ok(at) => {
                    assert_eq!(candidates[at], (name, bound, den));
                    assert_eq!(sums[name as usize], expected[name as usize]);
                }
                // Bounded out, its sum is back at zero.
                Err(_) => {
                    assert!(bound < 0.5, "name {name}");
                    assert_eq!(sums[name as usize], 0.0, "name {name}");
                }
            }
        }
    }

    #[test]
    fn the_known_filter_holds_every_id_put_in_turns_most_others_away_and_empties() {
        let mut filter = KnownFilter::default();
        // A plan's matches: a few hundred ids, some close together.
        let known: Vec<u32> = (0..300u32).map(|i| i * 9_337 % 2_800_000 + i % 3).collect();
        for &id in &known {
            filter.insert(id);
        }
        assert!(known.iter().all(|&id| filter.may_hold(id)));
        let others = (0..10_000u32).map(|i| i * 271 + 1).filter(|id| !known.contains(id));
        let (wrong, asked) = others.fold((0, 0), |(wrong, asked), id| {
            (wrong + usize::from(filter.may_hold(id)), asked + 1)
        });
        assert!(wrong * 20 < asked, "{wrong} of {asked} ids not put in are let through");
        filter.clear();
        assert!(known.iter().all(|&id| !filter.may_hold(id)));
    }

    #[test]
    fn bitset_sort_puts_ids_in_ascending_order_and_leaves_the_set_empty() {
        let mut set = BitSet::default();
        set.reserve(1000);
        let mut ids = vec![999, 0, 64, 63, 130, 1, 65];
        set.sort(&mut ids);
        assert_eq!(ids, [0, 1, 63, 64, 65, 130, 999]);
        assert!(set.0.iter().all(|&word| word == 0), "the set is left empty");
        let mut none = Vec::new();
        set.sort(&mut none);
        assert!(none.is_empty());
    }

    /// The search through a long list finds exactly the ids a plain scan
    /// finds: ids before, between and after the postings, at either end,
    /// in runs, and in lists of every length up to a few hundred.
    #[test]
    fn searching_a_list_for_ids_finds_what_reading_it_through_finds() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |below: u32| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % u64::from(below)) as u32
        };
        for round in 0..500 {
            let universe = 1 + next(2000);
            let mut postings: Vec<u32> = (0..next(400)).map(|_| next(universe)).collect();
            let mut ids: Vec<u32> = (0..next(40)).map(|_| next(universe + 5)).collect();
            if round % 5 == 0 {
                ids.extend(postings.first().copied());
                ids.extend(postings.last().copied());
            }
            for v in [&mut postings, &mut ids] {
                v.sort_unstable();
                v.dedup();
            }
            let mut found = Vec::new();
            for_each_in(&postings, &ids, |id| found.push(id));
            let scanned: Vec<u32> = ids.iter().copied().filter(|id| postings.contains(id)).collect();
            assert_eq!(found, scanned, "postings {postings:?}, ids {ids:?}");
        }
        let mut found = Vec::new();
        for_each_in(&[], &[1, 2], |id| found.push(id));
        for_each_in(&[1, 2], &[], |id| found.push(id));
        assert!(found.is_empty());
    }
}
