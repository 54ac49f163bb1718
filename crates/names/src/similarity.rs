//! How alike two tokens are, and the keys that find alike tokens without
//! comparing every pair.
//!
//! Every rule in [`similarity`] that can give a non-zero score has a key
//! that two tokens matched by that rule share (see [`Keys`] and
//! [`deletion_variants`]). That is what lets an index find, through its key
//! maps, every token a full scan would find.

use serde::Serialize;

/// Why two tokens were judged alike. The order is the order of preference
/// when several rules apply with the same score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenMatch {
    Exact,
    /// Equal once OCR confusions are folded (`rn`/`m`, `0`/`o`, `1`/`l`).
    Ocr,
    /// Equal once spelled by sound: doubled letters, `y`/`i`, `kh`/`h`,
    /// `ph`/`f`, `ou`/`u` (`Yury`, `Yuriy`, `Iurii`).
    Phonetic,
    /// The same consonants, one side written without vowels (`mhmd`,
    /// `Mohammed`): how Arabic and Hebrew script and vowel-dropped
    /// spellings come out.
    VowelDropped,
    /// The same consonants in the same order (`Muhammad`, `Mohammed`).
    Consonants,
    /// One is the start of the other (a fixed-width field cut it short).
    Truncated,
    /// A few edits apart: a typo, a transposition, a letter dropped.
    Edit,
    /// A single letter against a name that starts with it.
    Initial,
}

/// The similarity given by each rule.
pub mod weight {
    pub const OCR: f32 = 0.95;
    pub const PHONETIC: f32 = 0.93;
    pub const VOWEL_DROPPED: f32 = 0.9;
    pub const CONSONANTS: f32 = 0.8;
    pub const TRUNCATED: f32 = 0.9;
    pub const INITIAL: f32 = 0.75;
}

/// 64-bit hash of a byte string (FxHash-style multiply and rotate): keys of
/// the index maps. Collisions only add candidates, which are verified.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h: u64 = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    h
}

/// The keys of a token, precomputed once per token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    pub ocr: u64,
    pub phonetic: u64,
    pub consonants: u64,
    /// The consonants with each `c` read as the letter it sounds as (see
    /// [`consonants_sounding_c`]); `consonants` when the token has no `c`.
    /// Two tokens share their consonants when either skeleton of one is
    /// either of the other's.
    pub consonants_sounded: u64,
    /// Length of the shorter consonant skeleton (a `c` read as `k` can
    /// join the letter beside it); skeletons shorter than two letters say
    /// nothing.
    pub consonants_len: u8,
    pub vowels: u8,
    /// The skeleton ended in `d`, read as `t` (see [`consonants_into`]):
    /// a spelling without vowels keeps its letters, so it meets a word
    /// whose skeleton ends in the same letter, not in the other.
    pub ends_in_d: bool,
}

impl Keys {
    pub fn of(token: &str) -> Keys {
        // Keys are made for every unit of every query and of every listed
        // name: the spellings they hash are written into two buffers kept
        // per thread, not into new strings each time.
        thread_local! {
            static BUFFERS: std::cell::RefCell<(String, String)> = std::cell::RefCell::default();
        }
        BUFFERS.with(|buffers| {
            let (spelling, scratch) = &mut *buffers.borrow_mut();
            ocr_fold_into(token, spelling);
            let ocr = hash_bytes(spelling.as_bytes());
            phonetic_into(token, scratch, spelling);
            let phonetic = hash_bytes(spelling.as_bytes());
            let ends_in_d = consonants_into(token, false, scratch, spelling);
            let consonants = hash_bytes(spelling.as_bytes());
            let mut consonants_len = spelling.len();
            let consonants_sounded = if token.contains('c') {
                consonants_into(token, true, scratch, spelling);
                consonants_len = consonants_len.min(spelling.len());
                hash_bytes(spelling.as_bytes())
            } else {
                consonants
            };
            Keys {
                ocr,
                phonetic,
                consonants,
                consonants_sounded,
                consonants_len: consonants_len.min(255) as u8,
                vowels: token
                    .bytes()
                    .filter(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u'))
                    .count()
                    .min(255) as u8,
                ends_in_d,
            }
        })
    }

    /// The hashes an index keys this token's consonants under: both
    /// skeletons (one when they are the same), none when the skeleton is
    /// too short to say anything. Two tokens whose keys meet here share
    /// consonants ([`shares_consonants`]).
    pub fn consonant_keys(&self) -> impl Iterator<Item = u64> {
        let keys = [self.consonants, self.consonants_sounded];
        let count = match (self.consonants_len >= 2, self.consonants_sounded != self.consonants) {
            (false, _) => 0,
            (true, false) => 1,
            (true, true) => 2,
        };
        keys.into_iter().take(count)
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Folds the letters OCR confuses onto one spelling.
pub fn ocr_fold(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    ocr_fold_into(token, &mut out);
    out
}

fn ocr_fold_into(token: &str, out: &mut String) {
    out.clear();
    let b = token.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let pair = b.get(i..i + 2);
        if pair == Some(b"rn") {
            out.push('m');
            i += 2;
            continue;
        }
        if pair == Some(b"vv") {
            out.push('w');
            i += 2;
            continue;
        }
        out.push(match b[i] {
            b'0' => 'o',
            b'1' | b'i' | b'|' => 'l',
            b'5' => 's',
            b'8' => 'b',
            b'6' => 'g',
            other => other as char,
        });
        i += 1;
    }
}

/// A spelling by sound, for the romanisation variants lists are full of.
pub fn phonetic(token: &str) -> String {
    let (mut spelled, mut out) = (String::new(), String::new());
    phonetic_into(token, &mut spelled, &mut out);
    out
}

/// [`phonetic`] into `out`, with `s` for the spelling before doubles are
/// collapsed.
fn phonetic_into(token: &str, s: &mut String, out: &mut String) {
    s.clear();
    // Names ending in Allah (Abdullah, Nasrallah) come from Arabic script
    // as `-llh`: the `h` there is the silent one of `-llah`.
    let owned;
    let b = match token.as_bytes() {
        [head @ .., b'l', b'h'] => {
            owned = [head, b"lah"].concat();
            &owned[..]
        }
        b => b,
    };
    let mut i = 0;
    // `Abd al-` (servant of) starts Arabic names in every romanisation:
    // Abdul, Abdel, Abdal, Abdoul, and `abd al` joined from Arabic script.
    if let Some(vowels) = b.strip_prefix(b"abd") {
        let n = vowels.iter().take_while(|&&c| is_vowel(c)).count();
        if n > 0 && vowels.get(n) == Some(&b'l') {
            s.push_str("abdul");
            i = 3 + n + 1;
        }
    }
    while i < b.len() {
        let rest = &b[i..];
        let (push, skip): (&str, usize) = if rest.starts_with(b"sch") {
            ("sh", 3)
        } else if rest.starts_with(b"tch") {
            ("ch", 3)
        } else if rest.starts_with(b"dzh") {
            ("j", 3)
        } else if rest.starts_with(b"ph") {
            ("f", 2)
        } else if rest.starts_with(b"ck") {
            ("k", 2)
        } else if rest.starts_with(b"zh") {
            ("j", 2)
        } else if rest.starts_with(b"kh") {
            ("h", 2)
        } else if rest.starts_with(b"gh") {
            ("g", 2)
        } else if rest.starts_with(b"th") {
            ("t", 2)
        } else if rest.starts_with(b"dh") {
            ("d", 2)
        } else if rest.starts_with(b"ou") || rest.starts_with(b"oo") {
            ("u", 2)
        } else if rest.starts_with(b"ee") {
            ("i", 2)
        } else {
            let c = match rest[0] {
                b'q' => "k",
                b'c' if rest.get(1) != Some(&b'h') => "k",
                b'x' => "ks",
                b'w' => "v",
                b'y' => "i",
                b'j' if i == 0 && matches!(rest.get(1), Some(b'u' | b'a' | b'e')) => "i",
                b'j' if i + 1 == b.len() && i > 0 && is_vowel(b[i - 1]) => "i",
                // `h` after a vowel and before a consonant or the end is
                // silent: `John`, `Fatimah`.
                b'h' if i > 0 && is_vowel(b[i - 1]) && rest.get(1).is_none_or(|n| !is_vowel(*n)) => "",
                _ => {
                    s.push(rest[0] as char);
                    i += 1;
                    continue;
                }
            };
            (c, 1)
        };
        s.push_str(push);
        i += skip;
    }
    collapse_doubles_into(s, out);
}

fn collapse_doubles_into(s: &str, out: &mut String) {
    out.clear();
    let mut last = None;
    for c in s.chars() {
        if Some(c) != last {
            out.push(c);
        }
        last = Some(c);
    }
}

/// The consonants of a token, as Arabic and Hebrew script write it: no
/// vowels, no `w` or `y` after the first letter (they stand for long
/// vowels there), `q` as `k`, doubles collapsed, a final `h` (tā' marbūṭa:
/// `Usamah`, `Usama`) dropped, a final `d` read as `t`.
pub fn consonants(token: &str) -> String {
    let (mut skeleton, mut out) = (String::new(), String::new());
    consonants_into(token, false, &mut skeleton, &mut out);
    out
}

/// [`consonants`] with each `c` read as the letter Arabic script writes
/// for it. French romanisations write ش as `ch` (Bechir, بشير) and س as
/// `c` before a front vowel (Moncef, منصف; Youcef, يوسف); a `c` before
/// any other letter or last is ك or ق (Escalon, اسكلون). It is a second
/// skeleton, not the only one: written without vowels (`Prvnc`), a `c`
/// has lost the letter it is read by, and only the `c` as written meets
/// the listed spelling's (Province).
pub fn consonants_sounding_c(token: &str) -> String {
    let (mut skeleton, mut out) = (String::new(), String::new());
    consonants_into(token, true, &mut skeleton, &mut out);
    out
}

/// [`consonants`], or with `sound_c` [`consonants_sounding_c`], into
/// `collapsed`, with `out` for the skeleton before doubles are collapsed.
fn consonants_into(token: &str, sound_c: bool, out: &mut String, collapsed: &mut String) -> bool {
    out.clear();
    let bytes = token.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let c = match b {
            b'a' | b'e' | b'i' | b'o' | b'u' => continue,
            b'w' | b'y' if i > 0 => continue,
            b'c' if sound_c => match bytes.get(i + 1) {
                Some(b'h' | b'e' | b'i' | b'y') => 's',
                _ => 'k',
            },
            // Arabic script has no `p` or `v`: `Tavallaei` is written with
            // an `f`, `Abdulpatta` with a `b`.
            b'q' => 'k',
            b'v' => 'f',
            b'p' => 'b',
            b if b.is_ascii_alphabetic() => b as char,
            _ => continue,
        };
        out.push(c);
    }
    if out.len() > 2 && out.ends_with('h') {
        out.pop();
    }
    collapse_doubles_into(out, collapsed);
    // Turkish writes a final `d` as the `t` it sounds as: Ahmet, Mehmet,
    // Murat for Ahmad, Muhammad, Murad.
    let ends_in_d = collapsed.ends_with('d');
    if ends_in_d {
        collapsed.pop();
        collapsed.push('t');
    }
    ends_in_d
}

/// The longest edit distance [`similarity`] accepts between tokens whose
/// shorter one has `min_len` bytes.
pub fn max_edits(min_len: usize) -> usize {
    match min_len {
        0..=2 => 0,
        3..=7 => 1,
        _ => 2,
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent
/// transpositions), or `None` when it exceeds `bound`.
///
/// Only the cells within `bound` of the diagonal are computed: a cell
/// further out costs more than `bound` on any path through it. Every token
/// the index finds is verified here, so the band (5 cells a row for a bound
/// of 2, not the whole row) is most of its cost.
pub fn osa_distance(a: &[u8], b: &[u8], bound: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    let n = b.len();
    // Cells outside the band read as `over`: more than the bound.
    let over = bound + 1;
    // Three rows of the table; names' tokens fit on the stack.
    const STACK: usize = 64;
    let mut heap;
    let mut stack = [over; 3 * STACK];
    let rows: &mut [usize] = if n < STACK {
        &mut stack[..3 * (n + 1)]
    } else {
        heap = vec![over; 3 * (n + 1)];
        &mut heap
    };
    let (prev2, rest) = rows.split_at_mut(n + 1);
    let (prev, cur) = rest.split_at_mut(n + 1);
    let (mut prev2, mut prev, mut cur) = (prev2, prev, cur);
    for (j, v) in prev.iter_mut().enumerate().take(over) {
        *v = j;
    }
    for i in 1..=a.len() {
        let (lo, hi) = (i.saturating_sub(bound).max(1), (i + bound).min(n));
        // The cell left of the band: column 0 while the band touches it,
        // else outside the band (and maybe stale from three rows back).
        cur[lo - 1] = if lo == 1 { i.min(over) } else { over };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            let v = v.min(over);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > bound {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[n];
    (d <= bound).then_some(d)
}

/// How alike two tokens are, from 0 to 1, and by which rule; `None` when
/// no rule applies. Symmetric. `max_edit` caps the edit rule (concatenated
/// tokens allow none).
pub fn similarity(a: &str, ka: &Keys, b: &str, kb: &Keys, max_edit: usize) -> Option<(f32, TokenMatch)> {
    if a == b {
        return Some((1.0, TokenMatch::Exact));
    }
    let min_len = a.len().min(b.len());
    if min_len == 0 {
        return None;
    }
    let mut best: Option<(f32, TokenMatch)> = None;
    let mut offer = |score: f32, how: TokenMatch| {
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, how));
        }
    };
    if ka.ocr == kb.ocr && min_len >= 2 {
        offer(weight::OCR, TokenMatch::Ocr);
    }
    if ka.phonetic == kb.phonetic && min_len >= 2 {
        offer(weight::PHONETIC, TokenMatch::Phonetic);
    }
    let consonants_len = ka.consonants_len.min(kb.consonants_len);
    if consonants_len >= 2 && shares_consonants(ka, kb) {
        // One side has (nearly) no vowels and is the shorter: written
        // without them (`mhmd`, `amd` for Imad, `erp` for Europe), not a
        // different name. The one vowel such a spelling keeps is its first
        // letter, the other's first letter too (or Arabic script's alef,
        // `a`, for any vowel there); or inside it, an alef: `kim` is no
        // `aqim` written without vowels, nor `ant` a `neda`, `spir` a
        // `sibir` or `uvz` an `ovuiza`.
        let (fewer, fewer_text, more, more_text) = if ka.vowels <= kb.vowels {
            (ka, a, kb, b)
        } else {
            (kb, b, ka, a)
        };
        let plain_vowel = |c: u8| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u');
        let kept_vowel_fits = match fewer_text.bytes().position(plain_vowel) {
            None => true,
            Some(0) => {
                let (kept, first) = (fewer_text.as_bytes()[0], more_text.as_bytes()[0]);
                plain_vowel(first) && (kept == first || kept == b'a')
            }
            Some(at) => fewer_text.as_bytes()[at] == b'a',
        };
        let dropped =
            fewer.vowels <= 1 && fewer.vowels < more.vowels && kept_vowel_fits && fewer.ends_in_d == more.ends_in_d;
        if dropped {
            offer(weight::VOWEL_DROPPED, TokenMatch::VowelDropped);
        } else if consonants_len >= 3 {
            offer(weight::CONSONANTS, TokenMatch::Consonants);
        }
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if is_truncation(short, long) {
        offer(weight::TRUNCATED, TokenMatch::Truncated);
    }
    let bound = max_edits(min_len).min(max_edit);
    if bound > 0 {
        if let Some(d) = osa_distance(a.as_bytes(), b.as_bytes(), bound) {
            let score = 1.0 - 0.8 * d as f32 / a.len().max(b.len()) as f32;
            offer(score, TokenMatch::Edit);
        }
    }
    best
}

/// Whether either consonant skeleton of `a` is either of `b`'s.
pub fn shares_consonants(a: &Keys, b: &Keys) -> bool {
    a.consonants == b.consonants
        || a.consonants == b.consonants_sounded
        || a.consonants_sounded == b.consonants
        || a.consonants_sounded == b.consonants_sounded
}

/// Whether `short` is `long` cut short: at least four letters, and at least
/// five or 60% of the whole.
pub fn is_truncation(short: &str, long: &str) -> bool {
    short.len() >= 4
        && short.len() < long.len()
        && (short.len() >= 5 || short.len() * 5 >= long.len() * 3)
        && long.as_bytes().starts_with(short.as_bytes())
}

/// The strings that two tokens within the edit rule's distance share: the
/// token itself, every one-letter deletion when it has three letters or
/// more, and every two-letter deletion when it has eight or more (and
/// `max_edit` allows two).
pub fn deletion_variants(token: &str, max_edit: usize, out: &mut Vec<u64>) {
    let b = token.as_bytes();
    out.push(hash_bytes(b));
    if b.len() < 3 || max_edit == 0 {
        return;
    }
    let mut one = Vec::with_capacity(b.len());
    let mut two = Vec::with_capacity(b.len());
    for i in 0..b.len() {
        one.clear();
        one.extend_from_slice(&b[..i]);
        one.extend_from_slice(&b[i + 1..]);
        out.push(hash_bytes(&one));
        if b.len() >= 8 && max_edit >= 2 {
            // Deleting letter j of the token is deleting letter j - 1 of
            // `one`.
            for j in i..one.len() {
                two.clear();
                two.extend_from_slice(&one[..j]);
                two.extend_from_slice(&one[j + 1..]);
                out.push(hash_bytes(&two));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> Option<(f32, TokenMatch)> {
        similarity(a, &Keys::of(a), b, &Keys::of(b), 2)
    }

    #[test]
    fn abd_al_is_one_sound_in_every_romanisation() {
        for v in ["abdal", "abdel", "abdoul", "abdol"] {
            assert_eq!(phonetic(v), phonetic("abdul"), "{v}");
        }
        assert_eq!(phonetic("abdalaziz"), phonetic("abdulaziz"));
        // Allah compounds as Arabic script gives them.
        assert_eq!(phonetic("abdallh"), phonetic("abdullah"));
        assert_eq!(phonetic("nsrallh"), phonetic("nsrallah"));
        // Only at the start, and only before an `l`.
        assert_ne!(phonetic("abdu"), phonetic("abdul"));
        assert_eq!(phonetic("rabdal"), "rabdal");
    }

    #[test]
    fn jon_and_john_are_the_same_by_sound() {
        assert_eq!(sim("jon", "john"), Some((weight::PHONETIC, TokenMatch::Phonetic)));
    }

    #[test]
    fn cyrillic_romanisations_of_yuri_meet() {
        for v in ["yury", "yuriy", "iurii", "jurij"] {
            assert_eq!(sim("yuri", v).map(|s| s.1), Some(TokenMatch::Phonetic), "{v}");
        }
    }

    #[test]
    fn arabic_script_without_vowels_meets_the_romanisation() {
        assert_eq!(
            sim("mhmd", "mohammed"),
            Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped))
        );
        assert_eq!(
            sim("smh", "usama"),
            Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped))
        );
    }

    /// `Kim` met the alias `AQIM` at 0.9, a review on its own, as if it
    /// were `aqim` written without vowels; `ant` met `Neda` so.
    #[test]
    fn a_spelling_with_a_latin_vowel_or_a_misplaced_first_vowel_is_not_vowel_dropped() {
        assert_eq!(sim("kim", "aqim"), None);
        assert_ne!(sim("ant", "neda").map(|s| s.1), Some(TokenMatch::VowelDropped));
        assert_ne!(sim("tom", "atom").map(|s| s.1), Some(TokenMatch::VowelDropped));
        // Arabic script's own: an initial alef where the name starts with a
        // vowel, a ya standing for a long vowel.
        let dropped = Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped));
        assert_eq!(sim("amd", "imad"), dropped);
        assert_eq!(sim("bshyr", "bashir"), dropped);
        // A Latin spelling without vowels keeps the first one.
        assert_eq!(sim("erp", "europe"), dropped);
        assert_eq!(sim("omr", "omar"), dropped);
        assert_eq!(sim("ismyl", "ismail"), dropped);
        assert_ne!(sim("spir", "sibir").map(|s| s.1), Some(TokenMatch::VowelDropped));
        assert_ne!(sim("uvz", "ovuiza").map(|s| s.1), Some(TokenMatch::VowelDropped));
    }

    /// `Ant Group` found the vessel ANDIA at 0.85, above Ant Group itself:
    /// `andia`'s final `d`, read as Turkish's `t`, made `ant` its spelling
    /// without vowels.
    #[test]
    fn a_spelling_without_vowels_keeps_its_last_consonant() {
        assert_eq!(sim("ant", "andia"), None);
        let dropped = Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped));
        assert_eq!(sim("frnnd", "fernando"), dropped);
        assert_eq!(sim("mhmd", "muhammad"), dropped);
        assert_eq!(
            sim("mhmt", "muhammad"),
            Some((weight::CONSONANTS, TokenMatch::Consonants))
        );
    }

    #[test]
    fn french_c_and_ch_meet_the_s_and_sh_of_arabic_script() {
        // As written, `Moncef` has the consonants `mncf`, and منصف `mnsf`:
        // they met by nothing.
        let dropped = Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped));
        assert_eq!(sim("mnsf", "moncef"), dropped);
        assert_eq!(sim("bshyr", "bechir"), dropped);
        assert_eq!(sim("ysf", "youcef"), dropped);
        assert_eq!(sim("sklwn", "escalon"), dropped);
        // Two romanisations of one name, both with vowels.
        assert_eq!(sim("bechir", "bashir").map(|s| s.1), Some(TokenMatch::Consonants));
        assert_eq!(consonants_sounding_c("moncef"), "mnsf");
        assert_eq!(consonants_sounding_c("escalon"), "skln");
        assert_eq!(consonants("escalon"), "scln");
    }

    #[test]
    fn turkish_ahmet_meets_ahmad_by_its_consonants() {
        // `hmt` and `hmd` met by nothing: 2 edits in 5 letters, where 1 is
        // allowed.
        assert_eq!(sim("ahmet", "ahmad").map(|s| s.1), Some(TokenMatch::Consonants));
        assert_eq!(sim("mehmet", "mohammed").map(|s| s.1), Some(TokenMatch::Consonants));
        assert_eq!(consonants("mehmed"), "mhmt");
        // Read after doubles count once, so that a name written with one
        // letter meets the one written with two (الاسد, `Assad`).
        assert_eq!(consonants("asd"), consonants("assad"));
        assert_eq!(
            sim("asd", "assad"),
            Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped))
        );
    }

    #[test]
    fn a_c_written_without_its_vowel_still_meets_the_word() {
        // Read by the letter after it, the last `c` of `Prvnc` is a `k` and
        // the `c` of `Province` an `s`: only the skeletons as written meet.
        let dropped = Some((weight::VOWEL_DROPPED, TokenMatch::VowelDropped));
        assert_eq!(sim("prvnc", "province"), dropped);
        assert_eq!(sim("avrc", "averica"), dropped);
        assert_eq!(sim("dfnc", "defence"), dropped);
    }

    #[test]
    fn a_skeleton_that_a_c_shortens_below_two_letters_says_nothing() {
        // `ck` read as `kk` collapses to `k`: one letter, as `ak` has.
        assert_eq!(Keys::of("ack").consonants_len, 1);
        assert_eq!(sim("ack", "ak"), sim("ak", "ack"));
        assert_ne!(sim("ack", "ok").map(|s| s.1), Some(TokenMatch::Consonants));
    }

    #[test]
    fn muhammad_and_mohammed_share_consonants() {
        assert_eq!(sim("muhammad", "mohammed").map(|s| s.1), Some(TokenMatch::Consonants));
        assert_eq!(
            sim("abdlrhmn", "abdelrahman").map(|s| s.1),
            Some(TokenMatch::VowelDropped)
        );
        assert_eq!(sim("sbwny", "sabouni").map(|s| s.1), Some(TokenMatch::VowelDropped));
    }

    #[test]
    fn ocr_confusions_are_nearly_exact() {
        assert_eq!(sim("rnohammed", "mohammed"), Some((weight::OCR, TokenMatch::Ocr)));
        assert_eq!(sim("h0ssein", "hossein"), Some((weight::OCR, TokenMatch::Ocr)));
        assert_eq!(sim("a1i", "ali"), Some((weight::OCR, TokenMatch::Ocr)));
    }

    #[test]
    fn one_typo_in_a_long_token_scores_high() {
        let (score, how) = sim("argumemt", "argument").unwrap();
        assert_eq!(how, TokenMatch::Edit);
        assert!((score - 0.9).abs() < 1e-6, "{score}");
    }

    /// The whole table, the definition the banded computation must agree
    /// with.
    fn osa_full(a: &[u8], b: &[u8]) -> usize {
        let (m, n) = (a.len(), b.len());
        let mut d = vec![vec![0usize; n + 1]; m + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=m {
            for j in 1..=n {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[m][n]
    }

    proptest::proptest! {
        #[test]
        fn banded_distance_agrees_with_the_whole_table(
            a in "[abcn]{0,12}",
            b in "[abcn]{0,12}",
            bound in 0usize..4,
        ) {
            let full = osa_full(a.as_bytes(), b.as_bytes());
            let expected = (full <= bound).then_some(full);
            proptest::prop_assert_eq!(osa_distance(a.as_bytes(), b.as_bytes(), bound), expected);
        }
    }

    #[test]
    fn a_token_of_70_letters_one_edit_apart_is_one_edit() {
        let a = "a".repeat(35) + &"b".repeat(35);
        let b = "a".repeat(35) + "c" + &"b".repeat(34);
        assert_eq!(osa_distance(a.as_bytes(), b.as_bytes(), 2), Some(1));
        assert_eq!(osa_distance(a.as_bytes(), b"ab", 2), None);
    }

    #[test]
    fn transposition_is_one_edit() {
        assert_eq!(osa_distance(b"hamsa", b"hmasa", 2), Some(1));
    }

    #[test]
    fn three_letter_tokens_two_edits_apart_do_not_match() {
        assert_eq!(sim("ali", "ola"), None);
    }

    #[test]
    fn truncated_token_matches_its_whole() {
        assert_eq!(
            sim("abdulrah", "abdulrahman"),
            Some((weight::TRUNCATED, TokenMatch::Truncated))
        );
        assert_eq!(sim("abd", "abdulrahman"), None);
    }

    #[test]
    fn doubled_letters_are_the_same_by_sound() {
        assert_eq!(sim("hasan", "hassan").map(|s| s.1), Some(TokenMatch::Phonetic));
    }

    #[test]
    fn similarity_is_symmetric() {
        for (a, b) in [
            ("mhmd", "mohammed"),
            ("jon", "john"),
            ("abdulrah", "abdulrahman"),
            ("kaptan", "kapitan"),
            ("mnsf", "moncef"),
            ("prvnc", "province"),
            ("bechir", "bashir"),
            ("ack", "ak"),
            ("ahmet", "ahmad"),
        ] {
            assert_eq!(sim(a, b), sim(b, a), "{a} {b}");
        }
    }

    #[test]
    fn tokens_within_the_edit_bound_share_a_deletion_variant() {
        for (a, b) in [
            ("argument", "argumnet"),
            ("hassan", "hasan"),
            ("kapitanov", "kapytanow"),
        ] {
            let bound = max_edits(a.len().min(b.len()));
            assert!(osa_distance(a.as_bytes(), b.as_bytes(), bound).is_some(), "{a} {b}");
            let (mut va, mut vb) = (vec![], vec![]);
            deletion_variants(a, 2, &mut va);
            deletion_variants(b, 2, &mut vb);
            assert!(va.iter().any(|h| vb.contains(h)), "{a} {b}");
        }
    }
}
