//! Name structure: words, and what each word is (a particle, a title, a
//! legal form...), which decides how much it counts.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::normalize::SYLLABLE_JOINT;

/// What a token of a name is. Only [`TokenKind::Word`] tokens carry a
/// match: the others count for little, so that `CORP`, `TRADING` or `AL`
/// never make two names look alike on their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A name part: a given name, a family name, a company's own name.
    Word,
    /// One letter standing for a name part (`J.`).
    Initial,
    /// `al`, `bin`, `van`, `de`...
    Particle,
    /// `jr`, `iii`...
    Suffix,
    /// A patronymic (`Vladimirovich`, `Ivanovna`, `ogly`): part of the
    /// name, often left out.
    Patronymic,
    /// `ltd`, `llc`, `gmbh`, `ooo`, `有限公司`...
    LegalForm,
    /// Words many organisations share: `trading`, `holding`, `group`...
    Generic,
}

impl TokenKind {
    /// How much a token of this kind counts, before its rarity in the list
    /// is taken into account.
    pub fn weight(self) -> f32 {
        match self {
            TokenKind::Word => 1.0,
            TokenKind::Patronymic => 0.5,
            TokenKind::Initial => 0.3,
            TokenKind::Generic => 0.25,
            TokenKind::Particle | TokenKind::Suffix => 0.15,
            TokenKind::LegalForm => 0.1,
        }
    }

    /// Whether a match on tokens of this kind alone is no match.
    pub fn is_weak(self) -> bool {
        !matches!(self, TokenKind::Word)
    }
}

/// One token of an analysed name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub kind: TokenKind,
    /// Written in one word with the token before it: a syllable of Han or
    /// Hangul after another (`a li ba ba`), which lists may also write as
    /// one word (`Alibaba`).
    pub same_word: bool,
}

/// A name split into tokens. Titles and honorifics are taken out, since
/// they say nothing of who a person is; they are kept for the explanation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    pub titles: Vec<String>,
}

const PARTICLES: &[&str] = &[
    "al", "el", "ul", "bin", "ibn", "bn", "bint", "bte", "ben", "abu", "abou", "bw", "ould", "van", "von", "der",
    "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "ter", "ten", "zu", "y",
];

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "lord",
    "lady",
    "dame",
    "sheikh",
    "shaikh",
    "sheik",
    "shaykh",
    // The same titles as Arabic script comes out without short vowels
    // (شيخ, حاج, ملا, مفتي).
    "shykh",
    "hj",
    "mla",
    "mfty",
    "mufti",
    "haji",
    "hajji",
    "hadji",
    "hajj",
    "imam",
    "mullah",
    "mulla",
    "maulana",
    "maulvi",
    "mawlawi",
    "mawlana",
    "general",
    "gen",
    "colonel",
    "col",
    "major",
    "maj",
    "captain",
    "capt",
    "lieutenant",
    "lt",
    "admiral",
    "adm",
    "brigadier",
    "commander",
    "rev",
    "reverend",
    "excellency",
    "hon",
    "honorable",
    "honourable",
    "ambassador",
    "mufti",
    "ayatollah",
    "hojatoleslam",
    "hojjatoleslam",
    "engineer",
    "eng",
];

const SUFFIXES: &[&str] = &["jr", "junior", "sr", "senior", "ii", "iii", "iv", "2nd", "3rd"];

/// Legal forms that are never a name part.
const LEGAL_FORMS: &[&str] = &[
    "ltd",
    "limited",
    "llc",
    "llp",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "plc",
    "jsc",
    "ojsc",
    "cjsc",
    "pjsc",
    "oao",
    "ooo",
    "zao",
    "pao",
    "tov",
    "gmbh",
    "ohg",
    "sarl",
    "srl",
    "spa",
    "sas",
    "oyj",
    "pte",
    "pty",
    "bhd",
    "sdn",
    "fzco",
    "fze",
    "fzc",
    "fzllc",
    "ltda",
    "eirl",
    "sro",
    "kft",
    "zrt",
    "doo",
    "ead",
    "ood",
    "spzoo",
    "sae",
    "wll",
    "aktsionernoe",
    "aktsionernoye",
    "obshchestvo",
    "ogranichennoy",
    "ogranichennoi",
    "otvetstvennostyu",
    "otvetstvennostiu",
    "publichnoe",
    "publichnoye",
    "zakrytoe",
    "zakrytoye",
    "otkrytoe",
    "otkrytoye",
    "tovarystvo",
    "sirketi",
    "anonim",
    "youxiangongsi",
    "gufenyouxiangongsi",
    "youxianzerengongsi",
    "coltd",
    "gongsi",
    "establishment",
    "est",
];

/// Legal forms that can also be a name part (`AB` is a Swedish company and
/// a person's initials): legal forms only at the end of a name.
const TRAILING_LEGAL_FORMS: &[&str] = &[
    "ab", "ag", "as", "asa", "sa", "ad", "dd", "kk", "sl", "pp", "ao", "co", "nv", "bv", "oy", "kg", "ug", "lp", "sal",
];

/// Words of legal forms written out in several tokens, merged into one
/// (each merged spelling is a legal form or a generic word above).
const LEGAL_PHRASES: &[&[&str]] = &[
    &["gu", "fen", "you", "xian", "gong", "si"],
    &["you", "xian", "ze", "ren", "gong", "si"],
    &["you", "xian", "gong", "si"],
    &["sp", "z", "o", "o"],
    &["co", "ltd"],
    &["gong", "si"],
    &["ji", "tuan"],
];

/// Generic words of Chinese company names, by syllable (控股 `kong gu`,
/// holding): merged into one generic token when written in characters
/// after the name they qualify, so that 腾讯 meets 腾讯控股有限公司 as
/// `Tencent` meets `Tencent Holdings`. Only after another syllable of the
/// same written word: 毛毅 (Mao Yi) and 中信 (Zhong Xin, CITIC) are names,
/// and so is `Ke Ji` in Latin. The merged spellings are not generic words
/// of their own: `Maoyi` in Latin is a name.
const CHINESE_GENERIC_WORDS: &[&[&str]] = &[
    &["kong", "gu"],
    &["ke", "ji"],
    &["ji", "shu"],
    &["mao", "yi"],
    &["guo", "ji"],
    &["tou", "zi"],
    &["shi", "ye"],
    &["fa", "zhan"],
    &["yin", "hang"],
    &["wang", "luo"],
    &["xin", "xi"],
    &["ruan", "jian"],
    &["ji", "suan", "ji"],
    &["xi", "tong"],
    &["dian", "zi"],
    &["fu", "wu"],
    &["zhong", "xin"],
];

const GENERIC: &[&str] = &[
    "trading",
    "trade",
    "traders",
    "holding",
    "holdings",
    "group",
    "groups",
    "international",
    "intl",
    "industries",
    "industry",
    "industrial",
    "enterprise",
    "enterprises",
    "services",
    "service",
    "general",
    "global",
    "import",
    "export",
    "commercial",
    "commerce",
    "investment",
    "investments",
    "development",
    "technology",
    "technologies",
    "tech",
    "bank",
    "organization",
    "organisation",
    "foundation",
    "association",
    "society",
    "institute",
    "center",
    "centre",
    "factory",
    "shipping",
    "marine",
    "logistics",
    "energy",
    "construction",
    "engineering",
    "management",
    "partners",
    "ventures",
    "capital",
    "resources",
    "systems",
    "solutions",
    "products",
    "manufacturing",
    "electronics",
    "national",
    "united",
    "the",
    "and",
    "of",
    "for",
    "agency",
    "office",
    "jituan",
    "exchange",
    "consulting",
    "network",
    "media",
];

/// The tables a word is in.
#[derive(Clone, Copy, Default)]
struct Listed {
    title: bool,
    legal_form: bool,
    trailing_legal_form: bool,
    particle: bool,
    suffix: bool,
    generic: bool,
}

/// The tables `word` is in, in one lookup: every word of every name passes
/// here, and most are in none of the tables.
fn listed(word: &str) -> Listed {
    static TABLES: OnceLock<HashMap<&'static str, Listed>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let mut map: HashMap<&'static str, Listed> = HashMap::new();
        let mut mark = |words: &[&'static str], set: fn(&mut Listed)| {
            for &w in words {
                set(map.entry(w).or_default());
            }
        };
        mark(TITLES, |l| l.title = true);
        mark(LEGAL_FORMS, |l| l.legal_form = true);
        mark(TRAILING_LEGAL_FORMS, |l| l.trailing_legal_form = true);
        mark(PARTICLES, |l| l.particle = true);
        mark(SUFFIXES, |l| l.suffix = true);
        mark(GENERIC, |l| l.generic = true);
        map
    });
    tables.get(word).copied().unwrap_or_default()
}

/// Splits a Latin form (see [`crate::latin_forms`]) into tokens and tells
/// their kinds. `S.A.` and `J.P.` become `sa` and `jp`; apostrophes vanish
/// (`O'Brien` is `obrien`); every other non-alphanumeric splits.
pub fn tokenize(latin: &str) -> Tokens {
    let (words, written_in) = split_words(latin);
    let Merged {
        words,
        written_in,
        chinese_generic,
    } = merge_phrases(words, written_in);
    let count = words.len();
    // A syllable of a word of several (Han, Hangul) is never an initial:
    // 阿 is `a`.
    let syllable =
        |i: usize| (i > 0 && written_in[i - 1] == written_in[i]) || written_in.get(i + 1) == Some(&written_in[i]);
    let mut out = Tokens::default();
    // The written word of the last token kept.
    let mut last_written_in = None;
    for (i, word) in words.into_iter().enumerate() {
        let w = word.as_str();
        let last = i + 1 == count;
        let tables = listed(w);
        let kind = if tables.title && count > 1 {
            out.titles.push(word);
            continue;
        } else if tables.legal_form || (last && count > 1 && tables.trailing_legal_form) {
            TokenKind::LegalForm
        } else if tables.particle {
            TokenKind::Particle
        } else if tables.suffix && i > 0 {
            TokenKind::Suffix
        } else if tables.generic || chinese_generic[i] {
            TokenKind::Generic
        } else if i > 0 && is_patronymic(w) {
            TokenKind::Patronymic
        } else if w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic() && !syllable(i) {
            TokenKind::Initial
        } else {
            TokenKind::Word
        };
        let same_word = last_written_in == Some(written_in[i]);
        last_written_in = Some(written_in[i]);
        out.tokens.push(Token {
            text: word,
            kind,
            same_word,
        });
    }
    out
}

/// Russian-style patronymics (`-ovich`, `-evna`...) and Turkic `ogly`,
/// `kyzy`.
fn is_patronymic(w: &str) -> bool {
    const ENDINGS: &[&str] = &["ovich", "evich", "ovych", "evych", "ovna", "evna", "ichna", "ilyich"];
    (w.len() >= 7 && ENDINGS.iter().any(|e| w.ends_with(e))) || matches!(w, "ogly" | "oglu" | "ogli" | "kyzy" | "qizi")
}

/// The words of `latin`, and for each the number of the written word it is
/// in: words split at a [`SYLLABLE_JOINT`] are syllables of one.
fn split_words(latin: &str) -> (Vec<String>, Vec<u32>) {
    let bytes = latin.as_bytes();
    let mut words: Vec<String> = Vec::new();
    let mut written_in: Vec<u32> = Vec::new();
    let mut written = 0u32;
    let mut current = String::new();
    // A run of single letters each followed by a dot (`s.a.`) is one word.
    let mut dotted_run = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            current.push(b as char);
        } else if b == b'\'' || b == b'`' {
            // inside a word: dropped without splitting
        } else if b == SYLLABLE_JOINT as u8 {
            dotted_run = false;
            flush(&mut current, &mut words, &mut written_in, written);
        } else if b == b'.' {
            let single = current.len() == 1 || (dotted_run && !current.is_empty());
            let next_is_single_letter = i + 2 <= bytes.len()
                && bytes.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic())
                && bytes.get(i + 2).is_none_or(|c| !c.is_ascii_alphanumeric());
            if single && next_is_single_letter && current.len() < 8 {
                dotted_run = true;
            } else {
                dotted_run = false;
                flush(&mut current, &mut words, &mut written_in, written);
                written += 1;
            }
        } else {
            dotted_run = false;
            flush(&mut current, &mut words, &mut written_in, written);
            written += 1;
        }
        i += 1;
    }
    flush(&mut current, &mut words, &mut written_in, written);
    (words, written_in)
}

fn flush(current: &mut String, words: &mut Vec<String>, written_in: &mut Vec<u32>, written: u32) {
    if !current.is_empty() {
        words.push(std::mem::take(current));
        written_in.push(written);
    }
}

/// Words after [`merge_phrases`]: each word, the written word it is in, and
/// whether it is a generic word of Chinese merged from its syllables.
struct Merged {
    words: Vec<String>,
    written_in: Vec<u32>,
    chinese_generic: Vec<bool>,
}

/// Joins the words of each legal phrase (`you xian gong si`) into one, in
/// the written word of its first, and the syllables of a generic word of
/// Chinese (`kong gu`) that follow another syllable of their written word.
fn merge_phrases(mut words: Vec<String>, written_in: Vec<u32>) -> Merged {
    let mut out = Merged {
        words: Vec::with_capacity(words.len()),
        written_in: Vec::with_capacity(words.len()),
        chinese_generic: Vec::with_capacity(words.len()),
    };
    let push = |out: &mut Merged, word: String, written: u32, generic: bool| {
        out.words.push(word);
        out.written_in.push(written);
        out.chinese_generic.push(generic);
    };
    let mut i = 0;
    'outer: while i < words.len() {
        let matches = |phrase: &[&str]| {
            let end = i + phrase.len();
            end <= words.len() && words[i..end].iter().zip(phrase.iter()).all(|(w, p)| w == p)
        };
        if let Some(phrase) = LEGAL_PHRASES.iter().find(|p| matches(p)) {
            push(&mut out, phrase.concat(), written_in[i], false);
            i += phrase.len();
            continue 'outer;
        }
        let after_a_syllable = i > 0 && written_in[i - 1] == written_in[i];
        if after_a_syllable {
            let of_one_word = |phrase: &[&str]| written_in[i..i + phrase.len()].iter().all(|&w| w == written_in[i]);
            if let Some(phrase) = CHINESE_GENERIC_WORDS.iter().find(|p| matches(p) && of_one_word(p)) {
                push(&mut out, phrase.concat(), written_in[i], true);
                i += phrase.len();
                continue 'outer;
            }
        }
        push(&mut out, std::mem::take(&mut words[i]), written_in[i], false);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Co., Ltd.` merged into `coltd`, which no table held: it weighed as
    /// a rare name word, so `Bank Rossiya Co., Ltd.` scored 0.809 against
    /// BANK ROSSIYA and `Ant Group` 0.805 against `Ant Group Co., Ltd.`.
    #[test]
    fn every_merged_legal_phrase_is_a_legal_form_or_generic() {
        for phrase in LEGAL_PHRASES {
            let merged = phrase.concat();
            let tables = listed(&merged);
            assert!(tables.legal_form || tables.generic, "{merged}");
        }
        let t = tokenize("ant group co ltd");
        assert_eq!(
            texts(&t),
            vec![
                ("ant", TokenKind::Word),
                ("group", TokenKind::Generic),
                ("coltd", TokenKind::LegalForm)
            ]
        );
    }

    #[test]
    fn a_chinese_generic_word_in_characters_is_one_generic_token() {
        // 腾讯控股有限公司: `kong gu` (holding) weighed as two name words,
        // and 腾讯 alone fell below the threshold against it.
        let t = tokenize(&crate::latin_forms("腾讯控股有限公司")[0]);
        assert_eq!(
            texts(&t),
            vec![
                ("teng", TokenKind::Word),
                ("xun", TokenKind::Word),
                ("konggu", TokenKind::Generic),
                ("youxiangongsi", TokenKind::LegalForm)
            ]
        );
        // In Latin, two words may be a person's name, and so may the
        // syllables of a written word that starts with them: 毛毅 (Mao Yi),
        // 中信 (CITIC).
        let t = tokenize("ke ji");
        assert_eq!(texts(&t), vec![("ke", TokenKind::Word), ("ji", TokenKind::Word)]);
        for name in ["毛毅", "中信"] {
            let t = tokenize(&crate::latin_forms(name)[0]);
            assert!(
                t.tokens.iter().all(|t| t.kind == TokenKind::Word),
                "{name}: {:?}",
                texts(&t)
            );
        }
        let t = tokenize("maoyi");
        assert_eq!(texts(&t), vec![("maoyi", TokenKind::Word)]);
    }

    fn texts(t: &Tokens) -> Vec<(&str, TokenKind)> {
        t.tokens.iter().map(|t| (t.text.as_str(), t.kind)).collect()
    }

    #[test]
    fn dotted_legal_forms_and_initials_are_one_word() {
        let t = tokenize("banco s.a.");
        assert_eq!(
            texts(&t),
            vec![("banco", TokenKind::Word), ("sa", TokenKind::LegalForm)]
        );
        let t = tokenize("j.p. morgan");
        assert_eq!(texts(&t), vec![("jp", TokenKind::Word), ("morgan", TokenKind::Word)]);
        let t = tokenize("j. smith");
        assert_eq!(texts(&t), vec![("j", TokenKind::Initial), ("smith", TokenKind::Word)]);
    }

    #[test]
    fn apostrophes_do_not_split() {
        let t = tokenize("'abbas, yasir 'aziz");
        assert_eq!(
            texts(&t),
            vec![
                ("abbas", TokenKind::Word),
                ("yasir", TokenKind::Word),
                ("aziz", TokenKind::Word)
            ]
        );
    }

    #[test]
    fn titles_are_taken_out_but_kept() {
        let t = tokenize("sheikh dr. ahmed al-hassan");
        assert_eq!(
            texts(&t),
            vec![
                ("ahmed", TokenKind::Word),
                ("al", TokenKind::Particle),
                ("hassan", TokenKind::Word)
            ]
        );
        assert_eq!(t.titles, vec!["sheikh".to_string(), "dr".to_string()]);
    }

    #[test]
    fn a_lone_title_word_stays_a_name() {
        assert_eq!(texts(&tokenize("general")), vec![("general", TokenKind::Generic)]);
    }

    #[test]
    fn chinese_legal_form_in_pinyin_is_one_legal_form() {
        let t = tokenize("a li ba ba you xian gong si");
        assert_eq!(t.tokens.last().unwrap().text, "youxiangongsi");
        assert_eq!(t.tokens.last().unwrap().kind, TokenKind::LegalForm);
    }

    #[test]
    fn ambiguous_legal_forms_only_at_the_end() {
        let t = tokenize("ab volvo");
        assert_eq!(t.tokens[0].kind, TokenKind::Word);
        let t = tokenize("volvo ab");
        assert_eq!(t.tokens[1].kind, TokenKind::LegalForm);
    }

    #[test]
    fn corp_and_trading_are_not_words() {
        let t = tokenize("acme trading corp");
        assert_eq!(t.tokens[1].kind, TokenKind::Generic);
        assert_eq!(t.tokens[2].kind, TokenKind::LegalForm);
    }

    #[test]
    fn patronymics_count_half() {
        let t = tokenize("vladimir vladimirovich putin");
        assert_eq!(t.tokens[1].kind, TokenKind::Patronymic);
        assert_eq!(TokenKind::Patronymic.weight(), 0.5);
    }

    #[test]
    fn generational_suffix_after_a_name() {
        let t = tokenize("john smith jr");
        assert_eq!(t.tokens[2].kind, TokenKind::Suffix);
    }
}
