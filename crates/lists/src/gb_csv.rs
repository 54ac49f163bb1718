//! Private helpers shared by the two UK list readers, [`crate::uk`] (the
//! OFSI consolidated list) and [`crate::uksl`] (the FCDO UK Sanctions
//! List): CSV rows with their line numbers, fields decoded as UTF-8 or
//! Windows-1252, columns by header name, partial dates, numbered values,
//! identity documents, aliases, languages and countries.

use std::collections::HashMap;
use std::path::Path;

use interdict_model::{
    CountryCode, Date, Entity, Identifier, IdentifierKind, IdentifierRecord, Name, NameKind, PartialDate,
};

use crate::error::Error;

/// One CSV row: its first line and its fields, decoded and trimmed.
pub(crate) struct Row {
    pub(crate) line: u64,
    pub(crate) fields: Vec<String>,
}

/// Splits the bytes into rows, skipping rows whose fields are all empty.
pub(crate) fn parse_rows(name: &Path, data: &[u8]) -> Result<Vec<Row>, Error> {
    let body: &[u8] = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut rows = Vec::new();
    crate::csv_records::for_each(name, body, b',', |line, record| {
        let fields: Vec<String> = record.iter().map(field).collect();
        if fields.iter().any(|f| !f.is_empty()) {
            rows.push(Row { line, fields });
        }
    })?;
    Ok(rows)
}

/// A field as text: UTF-8 where it is valid, Windows-1252 otherwise;
/// white space runs collapsed and trimmed.
fn field(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH
            .get(usize::from(b - 0x80))
            .copied()
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(b),
    }
}

/// Column positions, by header name (the first column of that name).
pub(crate) struct Columns(pub(crate) HashMap<String, usize>);

impl Columns {
    pub(crate) fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.0
            .get(column)
            .and_then(|&i| row.fields.get(i))
            .map_or("", String::as_str)
    }

    /// The value, or `None` when empty.
    pub(crate) fn opt<'r>(&self, row: &'r Row, column: &str) -> Option<&'r str> {
        Some(self.get(row, column)).filter(|s| !s.is_empty())
    }
}

/// A date as the UK lists write it.
pub(crate) enum DateParts {
    /// A whole date.
    Day(Date),
    /// Day unknown (`00/MM/YYYY`, `dd/MM/YYYY`).
    Month(i32, u32),
    /// Day and month unknown (`00/00/YYYY`, `dd/mm/YYYY`) or `YYYY`.
    Year(i32),
}

impl DateParts {
    pub(crate) fn partial(self) -> Option<PartialDate> {
        let text = match self {
            DateParts::Day(d) => d.to_string(),
            DateParts::Month(y, m) => format!("{y:04}-{m:02}"),
            DateParts::Year(y) => format!("{y:04}"),
        };
        text.parse().ok()
    }
}

/// `(1) A (2) B` → `A`, `B`; a value without numbers → itself.
pub(crate) fn numbered(text: &str) -> Vec<String> {
    numbered_items(text).into_iter().map(|(_, v)| v).collect()
}

/// The items of `(1) A (2) B` with their numbers; an unnumbered value is
/// one item without a number.
pub(crate) fn numbered_items(text: &str) -> Vec<(Option<u32>, String)> {
    let mut items = Vec::new();
    let mut rest = text.trim();
    let mut current: Option<(Option<u32>, String)> = None;
    if !rest.starts_with('(') {
        current = Some((None, String::new()));
    }
    while !rest.is_empty() {
        // A marker `(n)`.
        let marker = rest.strip_prefix('(').and_then(|r| {
            let close = r.find(')')?;
            let n: u32 = r.get(..close)?.parse().ok()?;
            (close <= 3).then_some((n, r.get(close + 1..)?))
        });
        if let Some((n, after)) = marker {
            if let Some(item) = current.take() {
                items.push(item);
            }
            current = Some((Some(n), String::new()));
            rest = after;
            continue;
        }
        let mut chars = rest.chars();
        let Some(ch) = chars.next() else { break };
        match current.as_mut() {
            Some((_, text)) => text.push(ch),
            None => current = Some((None, ch.to_string())),
        }
        rest = chars.as_str();
    }
    if let Some(item) = current {
        items.push(item);
    }
    items
        .into_iter()
        .map(|(n, v)| (n, v.trim().trim_end_matches(',').trim().to_string()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

/// Passports or national ids from a number column and its details column.
pub(crate) fn documents(
    e: &mut Entity,
    notes: &mut Vec<String>,
    numbers: &str,
    details: &str,
    make: fn(Option<CountryCode>) -> IdentifierKind,
    label: &str,
) {
    let details = numbered_items(details);
    let numbers = numbered_items(numbers);
    let single = numbers.len() == 1;
    for (n, number) in numbers {
        let detail = details
            .iter()
            .find(|(d, _)| d.is_some() && *d == n)
            .or_else(|| details.iter().find(|(d, _)| d.is_none()))
            .or_else(|| {
                if single && details.len() == 1 {
                    details.first()
                } else {
                    None
                }
            })
            .map(|(_, text)| text.clone());
        let cc = detail.as_deref().and_then(country_in);
        let identifier = if plain_number(&number) {
            Identifier::new(make(cc), &number).ok()
        } else {
            None
        };
        match identifier {
            Some(identifier) => {
                if !e.identifiers.iter().any(|r| r.identifier == identifier) {
                    e.identifiers.push(IdentifierRecord {
                        identifier,
                        confidence: Default::default(),
                        note: detail,
                    });
                }
            }
            None => match detail {
                Some(d) => add_note(notes, format!("{label} {number}: {d}")),
                None => add_note(notes, format!("{label} {number}")),
            },
        }
    }
}

/// Whether `n` reads as a document number: letters, digits, spaces and
/// `-./` only, at least one digit, every word holding a digit or at most
/// two letters.
pub(crate) fn plain_number(n: &str) -> bool {
    n.len() <= 40
        && n.bytes().any(|c| c.is_ascii_digit())
        && n.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-' | b'.' | b'/'))
        && n.split_whitespace()
            .all(|w| w.bytes().any(|c| c.is_ascii_digit()) || w.len() <= 2)
}

pub(crate) fn add_note(notes: &mut Vec<String>, note: String) {
    if !note.is_empty() && !notes.contains(&note) {
        notes.push(note);
    }
}

pub(crate) fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

pub(crate) fn add_alias(e: &mut Entity, name: String, lang: Option<String>, kind: NameKind) {
    let lower = name.to_lowercase();
    if lower == e.name.to_lowercase() {
        return;
    }
    if let Some(existing) = e.aliases.iter_mut().find(|a| a.name.to_lowercase() == lower) {
        if existing.kind == NameKind::WeakAlias && kind == NameKind::Alias {
            existing.kind = NameKind::Alias;
        }
        return;
    }
    e.aliases.push(Name {
        name,
        lang,
        kind,
        confidence: Default::default(),
    });
}

/// BCP 47 tags of the languages named in `Non-latin script language`.
pub(crate) fn language(name: &str) -> Option<String> {
    let tag = match name.to_ascii_lowercase().as_str() {
        "arabic" => "ar",
        "belarusian" => "be",
        "bulgarian" => "bg",
        "chinese" => "zh",
        "greek" => "el",
        "hebrew" => "he",
        "korean" => "ko",
        "persian" | "farsi" => "fa",
        "russian" => "ru",
        "serbian" => "sr",
        "ukrainian" => "uk",
        "burmese" => "my",
        "georgian" => "ka",
        "japanese" => "ja",
        _ => return None,
    };
    Some(tag.to_string())
}

/// Country names as the UK lists write them, with their adjectives (for passport
/// details such as `Russian passport`), to ISO 3166-1 alpha-2. Names not
/// here are kept in notes or address text.
pub(crate) const COUNTRIES: &[(&str, &str)] = &[
    ("Afghanistan", "AF"),
    ("Afghan", "AF"),
    ("Algeria", "DZ"),
    ("Belarus", "BY"),
    ("Belarusian", "BY"),
    ("Bosnia and Herzegovina", "BA"),
    ("Burma", "MM"),
    ("Myanmar", "MM"),
    ("China", "CN"),
    ("Chinese", "CN"),
    ("Cyprus", "CY"),
    ("Democratic People's Republic of Korea", "KP"),
    ("North Korea", "KP"),
    ("Democratic Republic of the Congo", "CD"),
    ("Egypt", "EG"),
    ("Egyptian", "EG"),
    ("Eritrea", "ER"),
    ("France", "FR"),
    ("Germany", "DE"),
    ("Guinea", "GN"),
    ("Haiti", "HT"),
    ("Hong Kong", "HK"),
    ("India", "IN"),
    ("Iran", "IR"),
    ("Iranian", "IR"),
    ("Iraq", "IQ"),
    ("Iraqi", "IQ"),
    ("Israel", "IL"),
    ("Jordan", "JO"),
    ("Kazakhstan", "KZ"),
    ("Kenya", "KE"),
    ("Kuwait", "KW"),
    ("Lebanon", "LB"),
    ("Lebanese", "LB"),
    ("Libya", "LY"),
    ("Libyan", "LY"),
    ("Mali", "ML"),
    ("Moldova", "MD"),
    ("Nicaragua", "NI"),
    ("Pakistan", "PK"),
    ("Pakistani", "PK"),
    ("Qatar", "QA"),
    ("Russia", "RU"),
    ("Russian Federation", "RU"),
    ("Russian", "RU"),
    ("Saudi Arabia", "SA"),
    ("Saudi", "SA"),
    ("Somalia", "SO"),
    ("South Sudan", "SS"),
    ("Sudan", "SD"),
    ("Switzerland", "CH"),
    ("Syria", "SY"),
    ("Syrian", "SY"),
    ("Tunisia", "TN"),
    ("Turkey", "TR"),
    ("Türkiye", "TR"),
    ("Ukraine", "UA"),
    ("Ukrainian", "UA"),
    ("United Arab Emirates", "AE"),
    ("United Kingdom", "GB"),
    ("British", "GB"),
    ("United States", "US"),
    ("USA", "US"),
    ("Venezuela", "VE"),
    ("Yemen", "YE"),
    ("Zimbabwe", "ZW"),
];

/// ISO code of a country name (or adjective) in [`COUNTRIES`].
pub(crate) fn country(name: &str) -> Option<CountryCode> {
    let lower = name.trim().trim_end_matches('.').to_lowercase();
    COUNTRIES
        .iter()
        .find(|(n, _)| n.to_lowercase() == lower)
        .and_then(|(_, code)| code.parse().ok())
}

/// The one country that `text` names as a whole word, if exactly one.
pub(crate) fn country_in(text: &str) -> Option<CountryCode> {
    let lower = text.to_lowercase();
    let mut found: Option<CountryCode> = None;
    for (name, code) in COUNTRIES {
        let n = name.to_lowercase();
        let hit = lower.match_indices(&n).any(|(i, m)| {
            let before = lower.get(..i).and_then(|s| s.chars().next_back());
            let after = lower.get(i + m.len()..).and_then(|s| s.chars().next());
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
        });
        if hit {
            let cc: CountryCode = code.parse().ok()?;
            match found {
                Some(f) if f != cc => return None,
                _ => found = Some(cc),
            }
        }
    }
    found
}
