//! Property tests of each step of [`latin_forms`]: what holds for every
//! name, beyond the examples the unit tests pick.

use proptest::prelude::*;
use proptest::sample::Index;
use unicode_normalization::UnicodeNormalization;

use super::*;
use crate::tokenize;

/// Every character [`is_invisible`] holds invisible.
fn invisibles() -> Vec<char> {
    ('\0'..=char::MAX).filter(|c| is_invisible(*c)).collect()
}

/// A character of a name in any of the scripts and forms the steps handle:
/// ASCII, accented Latin, loose accents, invisible characters, Greek and
/// Cyrillic (with their look-alikes), Hebrew, Arabic, Kana, Han, Hangul
/// jamo and syllables, full-width forms, general punctuation, and any
/// character at all.
fn name_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range('a', 'z'),
        2 => prop::char::range(' ', '~'),
        2 => prop::char::range('\u{C0}', '\u{17F}'),
        2 => prop::char::range('\u{300}', '\u{36F}'),
        2 => prop::sample::select(invisibles()),
        1 => prop::char::range('\u{370}', '\u{3FF}'),
        1 => prop::char::range('\u{400}', '\u{52F}'),
        1 => prop::char::range('\u{591}', '\u{5F4}'),
        1 => prop::char::range('\u{600}', '\u{6FF}'),
        1 => prop::char::range('\u{3040}', '\u{30FF}'),
        1 => prop::char::range('\u{4E00}', '\u{9FFF}'),
        1 => prop::char::range('\u{1100}', '\u{11FF}'),
        1 => prop::char::range('\u{AC00}', '\u{D7A3}'),
        1 => prop::char::range('\u{FF00}', '\u{FFEF}'),
        1 => prop::char::range('\u{2000}', '\u{206F}'),
        1 => any::<char>(),
    ]
}

/// Up to 30 characters: short enough that no spelling below reaches
/// [`MAX_NAME_BYTES`], where the cut would tell spellings apart.
fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(name_char(), 0..30).prop_map(String::from_iter)
}

/// Words in one script each, upper and lower case: Latin with accents,
/// Cyrillic, or Greek. Not the micro sign `µ`, whose capital is the Greek
/// `Μ`: in a Latin word, one is a look-alike of `u`, the other of `M`.
fn cased_word() -> impl Strategy<Value = String> {
    let latin: Vec<char> = ('A'..='\u{17F}').filter(|c| c.is_alphabetic() && *c != 'µ').collect();
    let greek: Vec<char> = ('\u{386}'..='\u{3CE}').filter(|c| c.is_alphabetic()).collect();
    prop_oneof![
        prop::collection::vec(prop::sample::select(latin), 1..10),
        prop::collection::vec(prop::char::range('\u{400}', '\u{45F}'), 1..10),
        prop::collection::vec(prop::sample::select(greek), 1..10),
    ]
    .prop_map(String::from_iter)
}

/// The Cyrillic and Greek letters [`latin_lookalike`] takes for `latin`.
fn lookalikes_of(latin: char) -> Vec<char> {
    ('\u{80}'..='\u{2000}')
        .filter(|c| latin_lookalike(*c) == Some(latin))
        .collect()
}

fn tokens_of(raw: &str) -> Vec<crate::Tokens> {
    latin_forms(raw).iter().map(|form| tokenize(form)).collect()
}

/// Punctuation that stands between two words, in ASCII and beyond.
const SEPARATORS: &[char] = &[
    ' ', '-', ',', '/', '(', ')', '&', '+', ';', ':', '!', '?', '"', '.', '_', '*', '#', '@', '|', '\\', '<', '>', '[',
    ']', '{', '}', '=', '~', '^', '$', '%', '\u{2014}', '\u{2013}', '\u{2010}', '\u{2011}', '«', '»', '\u{201C}',
    '\u{201D}', '\u{201E}', '\u{2039}', '\u{203A}', '、', '。', '，', '\u{060C}', '\u{061B}', '\u{00B7}', '\u{2022}',
    '\u{2026}', '\u{30FB}', '\u{05BE}', '¿', '¡', '〈', '〉', '（', '）', '／', '\u{3000}', '\u{00A0}',
];

/// Apostrophes, and the modifier letters, primes and geresh written for
/// them: transliteration makes each an apostrophe or a backquote.
const APOSTROPHES: &[char] = &[
    '\'', '`', '\u{2019}', '\u{2018}', '\u{02BC}', '\u{02BB}', '\u{02B9}', '\u{05F3}', '\u{2032}',
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Nothing outside lower-case ASCII gets through: no invisible
    /// character, no capital, no accent, no other script.
    #[test]
    fn forms_are_lower_case_ascii_whatever_the_input(raw in name()) {
        // The main form, its German spelling, and one with الله as `allah`.
        let forms = latin_forms(&raw);
        prop_assert!(matches!(forms.len(), 1..=3), "{forms:?}");
        for form in &forms {
            prop_assert!(form.is_ascii(), "{raw:?} gave {form:?}");
            prop_assert!(!form.bytes().any(|b| b.is_ascii_uppercase()), "{raw:?} gave {form:?}");
            // No control character but the syllable joint, which only
            // transliteration puts.
            prop_assert!(
                !form.chars().any(|c| c.is_ascii_control() && c != SYLLABLE_JOINT),
                "{raw:?} gave {form:?}"
            );
        }
    }

    /// A form normalised again is itself, its syllable joints read as the
    /// spaces they are to anything but the tokens.
    #[test]
    fn normalising_a_form_again_changes_nothing(raw in name()) {
        for form in latin_forms(&raw) {
            prop_assert_eq!(latin_forms(&form), vec![form.replace(SYLLABLE_JOINT, " ")]);
        }
    }

    /// NFKC: a composed `é` and `e` followed by an accent are one name.
    #[test]
    fn composed_and_decomposed_spellings_give_the_same_forms(raw in name()) {
        let composed: String = raw.nfc().collect();
        let decomposed: String = raw.nfd().collect();
        prop_assert_eq!(latin_forms(&composed), latin_forms(&raw));
        prop_assert_eq!(latin_forms(&decomposed), latin_forms(&raw));
    }

    /// NFKC: full-width `ＡＣＭＥ` is `ACME`.
    #[test]
    fn full_width_ascii_gives_the_forms_of_ascii(raw in "[ -~]{0,30}") {
        let wide: String = raw
            .chars()
            .map(|c| match c {
                ' ' => '\u{3000}',
                c => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
            })
            .collect();
        prop_assert_eq!(latin_forms(&wide), latin_forms(&raw));
    }

    #[test]
    fn upper_and_lower_case_give_the_same_forms(words in prop::collection::vec(cased_word(), 1..4)) {
        let name = words.join(" ");
        prop_assert_eq!(latin_forms(&name.to_uppercase()), latin_forms(&name.to_lowercase()));
    }

    /// Invisible characters are dropped before anything else looks at
    /// the name: between a letter and its accent, between the two letters
    /// of Greek `ου` or of the Arabic article, or in an ASCII name.
    #[test]
    fn an_invisible_character_anywhere_changes_nothing(
        raw in name(),
        inserted in prop::collection::vec((any::<Index>(), prop::sample::select(invisibles())), 1..4),
    ) {
        let mut chars: Vec<char> = raw.chars().collect();
        for (at, c) in inserted {
            chars.insert(at.index(chars.len() + 1), c);
        }
        let disguised = String::from_iter(chars);
        prop_assert_eq!(latin_forms(&disguised), latin_forms(&raw), "{:?}", disguised);
    }

    /// Any Latin letter of a word that keeps one real Latin letter can be
    /// swapped for a Cyrillic or Greek look-alike without changing the
    /// forms.
    #[test]
    fn lookalikes_in_a_latin_word_give_the_latin_word(
        words in prop::collection::vec(
            ("[a-zA-Z]{1,10}", any::<Index>(), prop::collection::vec(any::<Option<Index>>(), 10)),
            1..4,
        ),
    ) {
        let mut plain = Vec::new();
        let mut disguised = Vec::new();
        for (word, keep, swaps) in words {
            let keep = keep.index(word.len());
            let swapped: String = word
                .chars()
                .zip(&swaps)
                .enumerate()
                .map(|(i, (c, swap))| {
                    let lookalikes = lookalikes_of(c);
                    match swap {
                        Some(pick) if i != keep && !lookalikes.is_empty() => *pick.get(&lookalikes),
                        _ => c,
                    }
                })
                .collect();
            plain.push(word);
            disguised.push(swapped);
        }
        let (plain, disguised) = (plain.join(" "), disguised.join(" "));
        prop_assert_eq!(latin_forms(&disguised), latin_forms(&plain), "{:?}", disguised);
    }

    /// Accents on Latin letters, composed by NFKC or left loose where no
    /// composed letter exists, fold to the bare letter in the main form.
    #[test]
    fn accented_latin_letters_fold_to_the_bare_letters(
        letters in prop::collection::vec(
            (
                prop::char::range('a', 'z'),
                any::<bool>(),
                prop::collection::vec(
                    prop::char::range('\u{300}', '\u{362}').prop_filter("invisible", |c| !is_invisible(*c)),
                    0..3,
                ),
            ),
            1..12,
        ),
    ) {
        let mut bare = String::new();
        let mut accented = String::new();
        for (letter, upper, accents) in letters {
            let letter = if upper { letter.to_ascii_uppercase() } else { letter };
            bare.push(letter);
            accented.push(letter);
            accented.extend(accents);
        }
        prop_assert_eq!(&latin_forms(&accented)[0], &latin_forms(&bare)[0], "{:?}", accented);
    }

    /// `ä ö ü` are `a o u` in the main form and `ae oe ue` in a second
    /// one, which exists exactly when the name has one of them; `ß` is
    /// `ss` in both.
    #[test]
    fn every_umlaut_gives_the_expanded_second_form(raw in "[a-zA-ZäöüÄÖÜß ]{0,20}") {
        let lower = raw.to_lowercase();
        let spell = |a: &str, o: &str, u: &str| {
            lower.replace('ä', a).replace('ö', o).replace('ü', u).replace('ß', "ss")
        };
        let mut expected = vec![spell("a", "o", "u")];
        if lower.contains(['ä', 'ö', 'ü']) {
            expected.push(spell("ae", "oe", "ue"));
        }
        prop_assert_eq!(latin_forms(&raw), expected);
    }

    /// Han (pinyin) and Hangul: each character is a syllable of Latin
    /// letters, and the syllables of one written word are one run, joined
    /// by the syllable joint.
    #[test]
    fn han_and_hangul_give_one_syllable_per_character(
        chars in prop::collection::vec(
            prop_oneof![
                prop::char::range('\u{4E00}', '\u{9FA5}'),
                prop::char::range('\u{AC00}', '\u{D7A3}'),
            ],
            1..12,
        ),
    ) {
        let forms = latin_forms(&String::from_iter(&chars));
        let words: Vec<&str> = forms[0].split_whitespace().collect();
        prop_assert_eq!(words.len(), 1, "{:?}", forms);
        let syllables: Vec<&str> = words[0].split(SYLLABLE_JOINT).collect();
        prop_assert_eq!(syllables.len(), chars.len(), "{:?}", forms);
        for syllable in syllables {
            prop_assert!(!syllable.is_empty() && syllable.bytes().all(|b| b.is_ascii_lowercase()), "{forms:?}");
        }
        // Tokens of one word (fewer when a title goes or a legal phrase
        // is merged): each after the first is of the same word.
        let tokens = &tokens_of(&String::from_iter(&chars))[0].tokens;
        prop_assert!(tokens.len() <= chars.len(), "{:?}", tokens);
        prop_assert!(tokens.iter().enumerate().all(|(i, t)| t.same_word == (i > 0)), "{:?}", tokens);
    }

    /// A run of Kana is at most one word of Latin letters, whatever small
    /// and long-vowel marks it holds; words separated by a space stay
    /// separate.
    #[test]
    fn a_run_of_kana_gives_one_word(
        runs in prop::collection::vec(
            prop::collection::vec(
                prop_oneof![
                    prop::char::range('\u{3041}', '\u{3096}'),
                    prop::char::range('\u{30A1}', '\u{30FA}'),
                    Just('\u{30FC}'),
                ],
                1..8,
            ),
            1..4,
        ),
    ) {
        let raw: Vec<String> = runs.iter().map(String::from_iter).collect();
        let forms = latin_forms(&raw.join(" "));
        let words: Vec<&str> = forms[0].split_whitespace().collect();
        prop_assert!(words.len() <= runs.len(), "{:?} {:?}", raw, forms);
        for word in words {
            prop_assert!(word.bytes().all(|b| b.is_ascii_lowercase()), "{forms:?}");
        }
    }

    /// A Cyrillic or Greek word is one word of Latin letters, with an
    /// apostrophe for the soft and hard signs (which tokens drop).
    #[test]
    fn cyrillic_and_greek_words_stay_one_word_each(
        words in prop::collection::vec(
            prop_oneof![
                prop::collection::vec(prop::char::range('\u{410}', '\u{451}'), 1..10),
                prop::collection::vec(
                    prop::sample::select(('\u{386}'..='\u{3CE}').filter(|c| c.is_alphabetic()).collect::<Vec<_>>()),
                    1..10,
                ),
            ]
            .prop_map(String::from_iter),
            1..4,
        ),
    ) {
        let forms = latin_forms(&words.join(" "));
        let out: Vec<&str> = forms[0].split_whitespace().collect();
        prop_assert_eq!(out.len(), words.len(), "{:?} gave {:?}", words, forms);
        for word in out {
            prop_assert!(word.bytes().all(|b| b.is_ascii_lowercase() || b == b'\''), "{forms:?}");
        }
    }

    /// Arabic and Hebrew letters give Latin letters, and apostrophes and
    /// backquotes for alef, ain and hamza, which tokens drop: never
    /// punctuation that would split a word. No word vanishes; the Arabic
    /// article may become a word of its own.
    #[test]
    fn arabic_and_hebrew_words_give_latin_letters_and_apostrophes(
        words in prop::collection::vec(
            prop_oneof![
                prop::collection::vec(
                    prop_oneof![
                        prop::char::range('\u{621}', '\u{63A}'),
                        prop::char::range('\u{641}', '\u{64A}'),
                    ],
                    1..10,
                ),
                prop::collection::vec(prop::char::range('\u{5D0}', '\u{5EA}'), 1..10),
            ]
            .prop_map(String::from_iter),
            1..4,
        ),
    ) {
        let forms = latin_forms(&words.join(" "));
        prop_assert!(forms[0].split_whitespace().count() >= words.len(), "{:?} gave {:?}", words, forms);
        prop_assert!(
            forms[0].bytes().all(|b| b.is_ascii_lowercase() || matches!(b, b' ' | b'\'' | b'`')),
            "{forms:?}"
        );
    }

    /// Punctuation between two words, in ASCII or not, and in runs, splits
    /// them as a space does.
    #[test]
    fn punctuation_between_words_splits_them_as_a_space_does(
        a in "[a-z]{2,10}",
        b in "[a-z]{2,10}",
        between in prop::collection::vec(prop::sample::select(SEPARATORS), 1..4),
    ) {
        let joined = format!("{a}{}{b}", String::from_iter(between));
        prop_assert_eq!(tokens_of(&joined), tokens_of(&format!("{a} {b}")), "{:?}", joined);
    }

    /// An apostrophe, in ASCII or not, joins the two halves of a word
    /// (`O’Brien` is `obrien`).
    #[test]
    fn an_apostrophe_inside_a_word_does_not_split_it(
        a in "[a-z]{1,10}",
        b in "[a-z]{1,10}",
        apostrophe in prop::sample::select(APOSTROPHES),
    ) {
        prop_assert_eq!(tokens_of(&format!("{a}{apostrophe}{b}")), tokens_of(&format!("{a}{b}")));
    }
}
