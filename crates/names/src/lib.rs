//! Name matching for interdict: from any script to comparable Latin
//! tokens, and an explainable score between two names.
//!
//! The pipeline, in order:
//! 1. [`latin_forms`]: NFKC, invisible characters removed, look-alike
//!    letters folded, every script transliterated to lower-case ASCII
//!    (Han to pinyin, Hangul to list spellings), diacritics folded, with a
//!    German-style second form (`ü` as `ue`).
//! 2. [`tokenize`]: tokens and what they are (particle, title, legal form,
//!    generic word, initial, or a real name part).
//! 3. [`Analyzed::new`]: weights (kind times rarity) and the units that
//!    meet concatenated and split spellings.
//! 4. [`Scorer`]: tokens aligned in any order, each pair scored by
//!    [`similarity::similarity`], the score explained by [`Features`].
//! 5. [`evidence::adjust`]: birth dates, countries and the kind of party
//!    move the score up or down.

pub mod evidence;
pub mod normalize;
pub mod score;
pub mod similarity;
pub mod token;

pub use evidence::{adjust, Adjustment, BirthDate, Evidence, PartyKind};
pub use normalize::latin_forms;
pub use score::{Aligned, Analyzed, Features, Joined, Scorer, Unit};
pub use similarity::TokenMatch;
pub use token::{tokenize, TokenKind, Tokens};

/// Analyses `raw` into its forms, each ready to score, with the weights
/// `weigh` gives. Forms with no tokens are left out, so an empty result
/// means the name has nothing to match on.
pub fn analyze(raw: &str, weigh: impl Fn(&str, TokenKind) -> f32 + Copy) -> Vec<Analyzed> {
    latin_forms(raw)
        .iter()
        .map(|form| Analyzed::new(tokenize(form), weigh))
        .filter(|a| !a.is_empty())
        .collect()
}
