//! FollowTheMoney JSON lines, the format OpenSanctions publishes: one
//! entity per line, `{"id", "schema", "properties": {name: [values]},
//! "datasets"}`.
//!
//! Thing schemas (Person, Organization, Company, LegalEntity, Vessel,
//! Airplane, CryptoWallet) become entities; interval schemas become
//! designations (Sanction), relations (Ownership, Directorship, UnknownLink,
//! Associate, Family) or identifiers on their holder (Identification,
//! Passport, and the wallet's address). FtM ids are kept as given.
//! Nationalities and countries are ISO codes or country names, alone or
//! several in one value as older exports wrote them (`RU; CY`, `(1) Russia
//! (2) Cyprus`).
//!
//! Records are read line by line at constant memory per record. A line that
//! is not JSON, a schema FollowTheMoney does not have, a duplicated id or a
//! reference to an entity that is not in the file is a bad record: reported
//! with its line in lenient mode, an error in strict mode. Records of the
//! other FollowTheMoney schemata (Address, Security, Occupancy, ...) are
//! skipped with one warning per schema. A property that the record's schema
//! does not have (`birthdate` for `birthDate`), or a birth date that is no
//! date, is a dropped value: a warning in lenient mode, where the record is
//! kept without it, and an error in strict mode. Properties of the schema
//! that interdict does not use are ignored, since FtM has many more than
//! screening needs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use interdict_model::object::Object;
use interdict_model::{
    CountryCode, Date, Designation, Entity, EntityKind, Identifier, IdentifierKind, IdentifierRecord, Name, NameKind,
    PartialDate, Relation, RelationKind,
};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, ErrorKind};
use crate::ftm_schema;
use crate::report::{Report, Strictness};

/// Longest line accepted; FtM entities are a few kilobytes at most.
const MAX_LINE: usize = 8 * 1024 * 1024;

#[derive(Deserialize)]
struct Record {
    id: String,
    schema: String,
    #[serde(default)]
    properties: BTreeMap<String, Vec<Value>>,
    #[serde(default)]
    datasets: Vec<String>,
}

impl Record {
    /// String values of a property; nested entities give their id.
    fn values(&self, prop: &str) -> Vec<String> {
        self.properties
            .get(prop)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s.trim().to_string()),
                        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
                        _ => None,
                    })
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn first(&self, prop: &str) -> Option<String> {
        self.values(prop).into_iter().next()
    }
}

/// A link to resolve once every entity is known, with its line.
struct Pending<T> {
    line: u64,
    item: T,
    refs: Vec<(&'static str, String)>,
}

/// Reads a FollowTheMoney JSON lines file.
pub fn read(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    read_from(path, BufReader::new(file), mode)
}

/// Reads FtM JSON lines from any reader; `path` names it in errors.
pub fn read_from(path: &Path, reader: impl Read, mode: Strictness) -> Result<Report, Error> {
    let mut reader = BufReader::new(reader);
    let mut report = Report::default();
    let mut ids: HashSet<String> = HashSet::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut designations: Vec<Pending<Designation>> = Vec::new();
    let mut relations: Vec<Pending<Relation>> = Vec::new();
    let mut held: Vec<Pending<IdentifierRecord>> = Vec::new();
    // Records of schemata interdict does not read: how many per schema,
    // and their ids, so that a link to one is not taken for a broken link.
    let mut unread: BTreeMap<(String, bool), (u64, u64)> = BTreeMap::new();
    let mut unread_ids: HashSet<String> = HashSet::new();
    // Properties not in the schema, by schema, name and the property the
    // name is a misspelling of (if it is one): how often, and the first
    // line.
    let mut unknown_properties: BTreeMap<(String, String, Option<String>), (u64, u64)> = BTreeMap::new();
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut saw_content = false;

    loop {
        buf.clear();
        let n = (&mut reader)
            .take(MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::new(ErrorKind::Io(e)).at(path).line(line_no + 1))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.len() > MAX_LINE {
            return Err(Error::new(ErrorKind::TooLarge { limit: MAX_LINE as u64 })
                .at(path)
                .line(line_no));
        }
        let Ok(text) = std::str::from_utf8(&buf) else {
            report.reject(mode, Error::new(ErrorKind::Encoding).at(path).line(line_no))?;
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        saw_content = true;
        report.records += 1;
        let bad = |message: String, field: &str| {
            Error::new(ErrorKind::Invalid(message))
                .at(path)
                .line(line_no)
                .field(field)
        };
        // An object only: serde would also read a record from an array.
        let record: Record = match serde_json::from_str::<Object<Record>>(text) {
            Ok(r) => r.0,
            Err(e) => {
                let message = if e.is_eof() {
                    "the line ends before its JSON does: is the file truncated?".to_string()
                } else {
                    format!("not a FollowTheMoney entity: {e}")
                };
                report.reject(mode, Error::new(ErrorKind::Syntax(message)).at(path).line(line_no))?;
                continue;
            }
        };
        if record.id.trim().is_empty() {
            report.reject(mode, bad("empty id".into(), "id"))?;
            continue;
        }
        if !ids.insert(record.id.clone()) {
            report.reject(mode, bad(format!("duplicate id `{}`", record.id), "id"))?;
            continue;
        }
        let Some(properties) = ftm_schema::properties(&record.schema) else {
            // A misspelt schema would drop a party: a bad record. Another
            // schema (one interdict does not read, or one newer than these
            // tables) is skipped, with one warning for all its records.
            if let Some(meant) = near_miss(&record.schema, READ_SCHEMATA) {
                let message = format!("unknown schema `{}` (is it `{meant}`?)", record.schema);
                report.reject(mode, bad(message, "schema"))?;
            } else {
                let known = ftm_schema::SCHEMATA.contains(&record.schema.as_str());
                unread.entry((record.schema.clone(), known)).or_insert((0, line_no)).0 += 1;
                unread_ids.insert(record.id.clone());
            }
            continue;
        };
        for name in record.properties.keys() {
            if properties.binary_search(&name.as_str()).is_ok() {
                continue;
            }
            // A misspelling (`birthdate`) loses what it holds: a dropped
            // value. Another name may be a property of a newer release: read
            // past, with one warning for all the records that have it.
            // A name some schema has is no misspelling: a newer release may
            // have given it to this one too.
            let meant = if ftm_schema::ALL_PROPERTIES.binary_search(&name.as_str()).is_ok() {
                None
            } else {
                near_miss(name, properties)
            };
            if let (Some(meant), Strictness::Strict) = (meant, mode) {
                let message = format!(
                    "`{name}` is not a property of {} (is it `{meant}`?); its values would not be read",
                    record.schema
                );
                return Err(bad(message, name));
            }
            let key = (record.schema.clone(), name.clone(), meant.map(str::to_string));
            unknown_properties.entry(key).or_insert((0, line_no)).0 += 1;
        }
        let kind = match record.schema.as_str() {
            "Person" => Some(EntityKind::Person),
            "Organization" => Some(EntityKind::Organization),
            "Company" | "PublicBody" => Some(EntityKind::Company),
            "LegalEntity" => Some(EntityKind::LegalEntity),
            "Vessel" => Some(EntityKind::Vessel),
            "Airplane" => Some(EntityKind::Aircraft),
            "CryptoWallet" => Some(EntityKind::Wallet),
            _ => None,
        };
        if let Some(kind) = kind {
            let mut dropped = Vec::new();
            match entity(&record, kind, &mut dropped) {
                Ok(e) => {
                    for (message, field) in dropped {
                        report.drop_value(mode, bad(message, field))?;
                    }
                    if let Some(address) = (kind == EntityKind::Wallet)
                        .then(|| record.first("publicKey"))
                        .flatten()
                    {
                        let chain = record
                            .first("currency")
                            .unwrap_or_else(|| "unknown".into())
                            .to_ascii_lowercase();
                        if let (Ok(k), Some(holder)) = (
                            format!("crypto.{chain}").parse::<IdentifierKind>(),
                            record.first("holder"),
                        ) {
                            if let Ok(identifier) = Identifier::new(k, &address) {
                                held.push(Pending {
                                    line: line_no,
                                    item: IdentifierRecord {
                                        identifier,
                                        confidence: Default::default(),
                                        note: None,
                                    },
                                    refs: vec![("holder", holder)],
                                });
                            }
                        }
                    }
                    index.insert(e.id.clone(), report.dataset.entities.len());
                    report.dataset.entities.push(e);
                }
                Err((message, field)) => report.reject(mode, bad(message, field))?,
            }
            continue;
        }
        match record.schema.as_str() {
            "Sanction" => {
                let mut dropped = Vec::new();
                match designation(&record, &mut dropped) {
                    Ok((d, entity)) => {
                        for (message, field) in dropped {
                            report.drop_value(mode, bad(message, field))?;
                        }
                        designations.push(Pending {
                            line: line_no,
                            item: d,
                            refs: vec![("entity", entity)],
                        })
                    }
                    Err((message, field)) => report.reject(mode, bad(message, field))?,
                }
            }
            "Ownership" | "Directorship" | "UnknownLink" | "Associate" | "Family" => match relation(&record) {
                Ok((r, from_field, to_field)) => relations.push(Pending {
                    line: line_no,
                    refs: vec![(from_field, r.from.clone()), (to_field, r.to.clone())],
                    item: r,
                }),
                Err((message, field)) => report.reject(mode, bad(message, field))?,
            },
            "Identification" | "Passport" => match identification(&record) {
                Ok(Some((rec, holder))) => held.push(Pending {
                    line: line_no,
                    item: rec,
                    refs: vec![("holder", holder)],
                }),
                Ok(None) => {}
                Err((message, field)) => report.reject(mode, bad(message, field))?,
            },
            // Every other schema was dealt with above.
            _ => {}
        }
    }
    if !saw_content {
        return Err(Error::new(ErrorKind::Empty).at(path));
    }

    // Resolve links now that every entity is known. A link to a record of
    // a schema interdict does not read (a sanctioned Security, say) is no
    // broken link: it is skipped with that record.
    let mut links_to_unread = 0u64;
    let mut resolve = |refs: &[(&'static str, String)], report: &mut Report, line: u64| -> Result<bool, Error> {
        let absent = |(_, id): &&(&'static str, String)| !index.contains_key(id);
        // A reference to nothing at all is a broken link, whatever the
        // others reach.
        if let Some((field, id)) = refs.iter().filter(absent).find(|(_, id)| !unread_ids.contains(id)) {
            report.reject(mode, missing(path, line, field, id))?;
            return Ok(false);
        }
        if refs.iter().any(|r| absent(&r)) {
            links_to_unread += 1;
            return Ok(false);
        }
        Ok(true)
    };
    for p in designations {
        if resolve(&p.refs, &mut report, p.line)? {
            report.dataset.designations.push(p.item);
        }
    }
    for p in relations {
        if resolve(&p.refs, &mut report, p.line)? {
            report.dataset.relations.push(p.item);
        }
    }
    for p in held {
        if resolve(&p.refs, &mut report, p.line)? {
            let Some(&i) = p.refs.first().and_then(|(_, id)| index.get(id)) else {
                continue;
            };
            let e = &mut report.dataset.entities[i];
            if !e.identifiers.iter().any(|r| r.identifier == p.item.identifier) {
                e.identifiers.push(p.item);
            }
        }
    }
    for ((schema, known), (count, line)) in unread {
        let why = if known {
            "interdict does not read that schema".to_string()
        } else {
            format!("FollowTheMoney {} has no such schema", ftm_schema::VERSION)
        };
        report.warnings.push(
            Error::new(ErrorKind::Invalid(format!(
                "{count} {schema} record(s) skipped (the first here): {why}"
            )))
            .at(path)
            .line(line)
            .field("schema"),
        );
    }
    for ((schema, name, meant), (count, line)) in unknown_properties {
        let why = match meant {
            Some(meant) => format!("is it `{meant}`?"),
            None => format!("FollowTheMoney {} has no such property", ftm_schema::VERSION),
        };
        report.warnings.push(
            Error::new(ErrorKind::Invalid(format!(
                "`{name}` is not a property of {schema} ({why}); its values are not read ({count} record(s), the \
                 first here)"
            )))
            .at(path)
            .line(line)
            .field(name),
        );
    }
    if links_to_unread > 0 {
        report.warnings.push(
            Error::new(ErrorKind::Invalid(format!(
                "{links_to_unread} sanction(s), link(s) or identification(s) skipped: they link to records of \
                 schemata interdict does not read"
            )))
            .at(path),
        );
    }
    Ok(report)
}

/// The schemata interdict reads.
const READ_SCHEMATA: &[&str] = &[
    "Person",
    "Organization",
    "Company",
    "PublicBody",
    "LegalEntity",
    "Vessel",
    "Airplane",
    "CryptoWallet",
    "Sanction",
    "Ownership",
    "Directorship",
    "UnknownLink",
    "Associate",
    "Family",
    "Identification",
    "Passport",
];

/// The name in `known` that `name` looks like a misspelling of: the same
/// but for case or punctuation, or one edit away (two for names of eight
/// letters or more). Closer would catch names FtM has side by side
/// (`innCode`, `irsCode`, `ipoCode`).
fn near_miss<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let folded = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let name = folded(name);
    known.iter().copied().find(|k| {
        let k = folded(k);
        let edits = if name.chars().count() >= 8 { 2 } else { 1 };
        k == name || (name.chars().count() >= 4 && edit_distance(&k, &name) <= edits)
    })
}

/// Levenshtein distance, for short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn missing(path: &Path, line: u64, field: &str, id: &str) -> Error {
    Error::new(ErrorKind::Invalid(format!(
        "refers to `{id}`, which is not in the file"
    )))
    .at(path)
    .line(line)
    .field(field)
}

type Bad = (String, &'static str);

/// The entity of a Thing record. Values that cannot be read are pushed to
/// `dropped` (the record itself is good).
fn entity(r: &Record, kind: EntityKind, dropped: &mut Vec<Bad>) -> Result<Entity, Bad> {
    let mut names = r.values("name");
    if names.is_empty() {
        return Err(("no name".into(), "name"));
    }
    let primary = names.remove(0);
    let mut e = Entity::new(r.id.clone(), kind, primary);
    let mut add_names = |values: Vec<String>, kind: NameKind| {
        for name in values {
            if name != e.name && !e.aliases.iter().any(|a| a.name == name) {
                e.aliases.push(Name {
                    name,
                    lang: None,
                    kind,
                    confidence: Default::default(),
                });
            }
        }
    };
    add_names(names, NameKind::Alias);
    add_names(r.values("alias"), NameKind::Alias);
    add_names(r.values("weakAlias"), NameKind::WeakAlias);
    add_names(r.values("previousName"), NameKind::Former);
    let mut notes: Vec<String> = r.values("notes");
    for d in r.values("birthDate") {
        match d.parse::<PartialDate>() {
            Ok(pd) => e.birth_dates.push(pd),
            Err(err) => {
                // Kept in the notes for the analyst, but no evidence: a
                // date that does not exist cannot agree with any.
                notes.push(format!("birthDate {d}"));
                dropped.push((format!("{err}; kept in the notes only"), "birthDate"));
            }
        }
    }
    e.birth_places = r.values("birthPlace");
    for prop in ["nationality", "citizenship"] {
        for c in r.values(prop) {
            match countries_in(&c) {
                Some(codes) => {
                    for cc in codes {
                        if !e.nationalities.contains(&cc) {
                            e.nationalities.push(cc);
                        }
                    }
                }
                None => notes.push(format!("{prop} {c}")),
            }
        }
    }
    for prop in ["country", "jurisdiction", "flag", "mainCountry"] {
        for c in r.values(prop) {
            for cc in countries_in(&c).unwrap_or_default() {
                if !e.countries.contains(&cc) {
                    e.countries.push(cc);
                }
            }
        }
    }
    e.addresses = r.values("address");
    e.positions = r.values("position");
    e.datasets = r.datasets.clone();
    const IDS: &[(&str, &str)] = &[
        ("imoNumber", "imo"),
        ("mmsi", "mmsi"),
        ("leiCode", "lei"),
        ("swiftBic", "bic"),
        ("email", "email"),
        ("website", "domain"),
        ("passportNumber", "passport"),
        ("idNumber", "national_id"),
        ("taxNumber", "tax_id"),
        ("innCode", "tax_id.ru"),
        ("ogrnCode", "registration.ru"),
        ("registrationNumber", "registration"),
    ];
    for (prop, kind) in IDS {
        let kind: IdentifierKind = match kind.parse() {
            Ok(k) => k,
            Err(_) => continue,
        };
        for v in r.values(prop) {
            match Identifier::new(kind.clone(), &v) {
                Ok(identifier) if !e.identifiers.iter().any(|x| x.identifier == identifier) => {
                    e.identifiers.push(IdentifierRecord {
                        identifier,
                        confidence: Default::default(),
                        note: None,
                    })
                }
                Ok(_) => {}
                Err(_) => notes.push(format!("{prop} {v}")),
            }
        }
    }
    if !notes.is_empty() {
        e.notes = Some(notes.join("; "));
    }
    Ok(e)
}

/// The countries a value names: an ISO code or a country's name, or
/// several of them as older exports joined them (`RU; CY`, `(1) Russia
/// (2) Cyprus`). `None` when a part is neither; `unknown` names none.
fn countries_in(value: &str) -> Option<Vec<CountryCode>> {
    let parts = numbered_parts(value).unwrap_or_else(|| value.split(';').collect());
    parts
        .into_iter()
        .map(|p| p.trim().trim_end_matches('.').trim())
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("unknown"))
        .map(|p| {
            let code = if p.len() == 2 {
                p.parse::<CountryCode>().ok()
            } else {
                None
            };
            code.or_else(|| crate::countries::code_of_name(p))
        })
        .collect()
}

/// The parts of `(1) A (2) B (3) C`, or `None` for a value not so numbered.
fn numbered_parts(value: &str) -> Option<Vec<&str>> {
    let mut rest = value.trim().strip_prefix("(1)")?;
    let mut parts = Vec::new();
    for k in 2.. {
        let marker = format!("({k})");
        match rest.find(&marker) {
            Some(at) => {
                parts.push(&rest[..at]);
                rest = &rest[at + marker.len()..];
            }
            None => break,
        }
    }
    parts.push(rest);
    Some(parts)
}

fn date(r: &Record, prop: &'static str) -> Result<Option<Date>, Bad> {
    match r.first(prop) {
        None => Ok(None),
        // Partial start dates (`2014`) are common; they count from the
        // first day of the period.
        Some(s) => {
            let full = match s.len() {
                4 => format!("{s}-01-01"),
                7 => format!("{s}-01"),
                _ => s.chars().take(10).collect(),
            };
            full.parse::<Date>().map(Some).map_err(|e| (e.to_string(), prop))
        }
    }
}

/// The designation of a Sanction record, and the entity it designates.
/// Values that cannot be read but leave it whole are pushed to `dropped`.
fn designation(r: &Record, dropped: &mut Vec<Bad>) -> Result<(Designation, String), Bad> {
    let entity = r.first("entity").ok_or(("no entity".to_string(), "entity"))?;
    let start = date(r, "startDate")?;
    let end = date(r, "endDate")?;
    if let (Some(s), Some(e)) = (start, end) {
        if e <= s {
            return Err((format!("endDate {e} is not after startDate {s}"), "endDate"));
        }
    }
    let d = Designation {
        entity_id: entity.clone(),
        authority: r.first("authority").unwrap_or_default(),
        program: r.values("program").join("; "),
        // Newer exports give the listing's own date apart from the date it
        // took effect; one that does not read is dropped, not the
        // designation.
        listed: match date(r, "listingDate") {
            Ok(listed) => listed.or(start),
            Err(bad) => {
                dropped.push(bad);
                start
            }
        },
        start,
        end,
        sources: r.values("sourceUrl"),
    };
    Ok((d, entity))
}

fn relation(r: &Record) -> Result<(Relation, &'static str, &'static str), Bad> {
    let (kind, from_field, to_field) = match r.schema.as_str() {
        "Ownership" => (RelationKind::Owns, "owner", "asset"),
        "Directorship" => (RelationKind::DirectorOf, "director", "organization"),
        "Associate" => (RelationKind::LinkedTo, "person", "associate"),
        "Family" => (RelationKind::LinkedTo, "person", "relative"),
        _ => (RelationKind::LinkedTo, "subject", "object"),
    };
    let from = r.first(from_field).ok_or((format!("no {from_field}"), from_field))?;
    let to = r.first(to_field).ok_or((format!("no {to_field}"), to_field))?;
    let percent = match r.first("percentage") {
        None => None,
        Some(p) => {
            let v: f64 = p
                .trim_end_matches('%')
                .trim()
                .parse()
                .map_err(|_| (format!("percentage `{p}` is not a number"), "percentage"))?;
            if !(v > 0.0 && v <= 100.0) {
                return Err((
                    format!("percentage {v} is not more than 0 and at most 100"),
                    "percentage",
                ));
            }
            Some(v)
        }
    };
    let rel = Relation {
        kind,
        from,
        to,
        percent: if kind == RelationKind::Owns { percent } else { None },
        basis: r
            .first("ownershipType")
            .or_else(|| r.first("role"))
            .or_else(|| r.first("relationship")),
        start: date(r, "startDate")?,
        end: date(r, "endDate")?,
        as_of: None,
        // Source ids name `[[sources]]` records; a list's URLs are notes.
        sources: Vec::new(),
        confidence: Default::default(),
        note: Some(r.values("sourceUrl").join(" ")).filter(|n| !n.is_empty()),
    };
    Ok((rel, from_field, to_field))
}

fn identification(r: &Record) -> Result<Option<(IdentifierRecord, String)>, Bad> {
    let holder = r.first("holder").ok_or(("no holder".to_string(), "holder"))?;
    let Some(number) = r.first("number") else {
        return Ok(None);
    };
    let country = r.first("country").and_then(|c| c.parse::<CountryCode>().ok());
    let kind = if r.schema == "Passport" || r.first("type").is_some_and(|t| t.to_lowercase().contains("passport")) {
        IdentifierKind::Passport(country)
    } else {
        IdentifierKind::NationalId(country)
    };
    match Identifier::new(kind, &number) {
        Ok(identifier) => Ok(Some((
            IdentifierRecord {
                identifier,
                confidence: Default::default(),
                note: r.first("type"),
            },
            holder,
        ))),
        Err(e) => Err((e.to_string(), "number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str, mode: Strictness) -> Result<Report, Error> {
        read_from(Path::new("t.ftm.jsonl"), text.as_bytes(), mode)
    }

    const SAMPLE: &str = r#"{"id": "p1", "schema": "Person", "properties": {"name": ["SMITH, John"], "alias": ["Jon Smith", "SMITH, John"], "weakAlias": ["Johnny"], "birthDate": ["1970-01-02", "1971"], "nationality": ["ru", "Atlantis"], "notes": ["Male"]}, "datasets": ["us_ofac_sdn"]}
{"id": "p1-sanction", "schema": "Sanction", "properties": {"entity": ["p1"], "authority": ["US OFAC"], "program": ["SDGT"], "startDate": ["2014-03"]}, "datasets": ["us_ofac_sdn"]}
{"id": "c1", "schema": "Company", "properties": {"name": ["Acme LLC"], "website": ["https://www.acme.example/"], "leiCode": ["5493001KJTIIGC8Y1R12"]}}
{"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["60"]}}
{"id": "v1", "schema": "Vessel", "properties": {"name": ["OCEAN"], "imoNumber": ["IMO 9074729"], "flag": ["pa"]}}
{"id": "w1", "schema": "CryptoWallet", "properties": {"name": ["wallet"], "publicKey": ["0xABCDEF0000000000000000000000000000000001"], "currency": ["ETH"], "holder": ["p1"]}}
{"id": "pp1", "schema": "Passport", "properties": {"holder": ["p1"], "number": ["72 123456"], "country": ["ru"]}}
"#;

    #[test]
    fn reads_things_sanctions_ownership_and_identifiers() {
        let r = read_str(SAMPLE, Strictness::Strict).unwrap();
        assert_eq!(r.records, 7);
        assert!(r.rejected.is_empty());
        let d = &r.dataset;
        assert_eq!(d.entities.len(), 4);
        let p = &d.entities[0];
        assert_eq!(
            (p.id.as_str(), p.kind, p.name.as_str()),
            ("p1", EntityKind::Person, "SMITH, John")
        );
        let aliases: Vec<(&str, NameKind)> = p.aliases.iter().map(|a| (a.name.as_str(), a.kind)).collect();
        assert_eq!(
            aliases,
            [("Jon Smith", NameKind::Alias), ("Johnny", NameKind::WeakAlias)]
        );
        assert_eq!(
            p.birth_dates.iter().map(|b| b.as_str()).collect::<Vec<_>>(),
            ["1970-01-02", "1971"]
        );
        assert_eq!(p.nationalities.iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["RU"]);
        assert_eq!(p.notes.as_deref(), Some("Male; nationality Atlantis"));
        let ids: Vec<String> = p.identifiers.iter().map(|i| i.identifier.to_string()).collect();
        assert_eq!(
            ids,
            [
                "crypto.eth:0xabcdef0000000000000000000000000000000001",
                "passport.ru:72123456"
            ]
        );
        let c = &d.entities[1];
        let ids: Vec<String> = c.identifiers.iter().map(|i| i.identifier.to_string()).collect();
        assert_eq!(ids, ["lei:5493001KJTIIGC8Y1R12", "domain:www.acme.example"]);
        assert_eq!(d.entities[2].identifiers[0].identifier.to_string(), "imo:9074729");
        assert_eq!(d.entities[2].countries[0].as_str(), "PA");
        assert_eq!(d.designations.len(), 1);
        assert_eq!(d.designations[0].start.unwrap().to_string(), "2014-03-01");
        assert_eq!(d.designations[0].program, "SDGT");
        assert_eq!(d.relations.len(), 1);
        assert_eq!(
            (d.relations[0].kind, d.relations[0].percent),
            (RelationKind::Owns, Some(60.0))
        );
        assert!(d.validate().is_empty(), "{:?}", d.validate());
    }

    #[test]
    fn bad_records_are_reported_with_their_lines_in_lenient_mode() {
        let text = format!(
            "{SAMPLE}{}\n{}\n{}\n{}\n{}\n",
            r#"{"id": "p1", "schema": "Person", "properties": {"name": ["dup"]}}"#,
            r#"{"id": "x1", "schema": "Persn", "properties": {"name": ["x"]}}"#,
            r#"{"id": "s9", "schema": "Sanction", "properties": {"entity": ["nobody"], "authority": ["X"]}}"#,
            r#"{"id": "t1", "schema": "Person", "properties": {"na"#,
            r#"["a1", "Person"]"#,
        );
        let r = read_str(&text, Strictness::Lenient).unwrap();
        let msgs: Vec<String> = r.rejected.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "t.ftm.jsonl:8: field `id`: duplicate id `p1`",
                "t.ftm.jsonl:9: field `schema`: unknown schema `Persn` (is it `Person`?)",
                "t.ftm.jsonl:11: the line ends before its JSON does: is the file truncated?",
                "t.ftm.jsonl:12: not a FollowTheMoney entity: invalid type: sequence, expected an object at line 1 column 0",
                "t.ftm.jsonl:10: field `entity`: refers to `nobody`, which is not in the file",
            ]
        );
        assert_eq!(r.dataset.entities.len(), 4, "good records still load");
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_record() {
        let text = format!("{SAMPLE}{}\n", r#"{"id": "x1", "schema": "person", "properties": {}}"#);
        let err = read_str(&text, Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.ftm.jsonl:8: field `schema`: unknown schema `person` (is it `Person`?)"
        );
    }

    #[test]
    fn empty_files_and_invalid_utf8_are_errors() {
        assert!(matches!(
            read_str("\n\n", Strictness::Lenient).unwrap_err().kind(),
            ErrorKind::Empty
        ));
        let mut bytes = SAMPLE.as_bytes().to_vec();
        bytes.extend_from_slice(b"{\"id\": \"caf\xE9\"}\n");
        let r = read_from(Path::new("t"), bytes.as_slice(), Strictness::Lenient).unwrap();
        assert!(matches!(r.rejected[0].kind(), ErrorKind::Encoding));
        assert_eq!(r.rejected[0].line_number(), Some(8));
    }

    #[test]
    fn impossible_dates_and_percentages_are_bad_records() {
        let text = format!(
            "{SAMPLE}{}\n{}\n",
            r#"{"id": "s2", "schema": "Sanction", "properties": {"entity": ["p1"], "startDate": ["2021-02-30"]}}"#,
            r#"{"id": "o2", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["c1"], "percentage": ["140"]}}"#,
        );
        let r = read_str(&text, Strictness::Lenient).unwrap();
        let msgs: Vec<String> = r.rejected.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "t.ftm.jsonl:8: field `startDate`: invalid date `2021-02-30`: expected a calendar date as YYYY-MM-DD",
                "t.ftm.jsonl:9: field `percentage`: percentage 140 is not more than 0 and at most 100",
            ]
        );
    }

    #[test]
    fn a_misspelt_property_is_a_warning_in_lenient_mode_and_an_error_in_strict_mode() {
        // `birthdate` for `birthDate`: read silently, the birth date that
        // would have told the listed person from a namesake was lost.
        let text = format!(
            "{SAMPLE}{}\n",
            r#"{"id": "p2", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "birthdate": ["1961-01-01"]}}"#
        );
        let r = read_str(&text, Strictness::Lenient).unwrap();
        assert!(r.rejected.is_empty());
        let warnings: Vec<String> = r.warnings.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "t.ftm.jsonl:8: field `birthdate`: `birthdate` is not a property of Person (is it `birthDate`?); its \
              values are not read (1 record(s), the first here)"
            ]
        );
        let p2 = r
            .dataset
            .entities
            .iter()
            .find(|e| e.id == "p2")
            .expect("the record is kept");
        assert!(p2.birth_dates.is_empty());
        let err = read_str(&text, Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.ftm.jsonl:8: field `birthdate`: `birthdate` is not a property of Person (is it `birthDate`?); its \
             values would not be read"
        );
    }

    #[test]
    fn a_birth_date_that_does_not_exist_is_a_warning_not_a_silent_note() {
        let text = format!(
            "{SAMPLE}{}\n",
            r#"{"id": "p2", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "birthDate": ["1973-02-30", "1973"]}}"#
        );
        let r = read_str(&text, Strictness::Lenient).unwrap();
        let warnings: Vec<String> = r.warnings.iter().map(|e| e.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("t.ftm.jsonl:8: field `birthDate`: ") && warnings[0].contains("1973-02-30"),
            "{}",
            warnings[0]
        );
        let p2 = r.dataset.entities.iter().find(|e| e.id == "p2").unwrap();
        assert_eq!(p2.birth_dates.iter().map(|b| b.as_str()).collect::<Vec<_>>(), ["1973"]);
        assert_eq!(p2.notes.as_deref(), Some("birthDate 1973-02-30"));
        assert_eq!(
            read_str(&text, Strictness::Strict).unwrap_err().to_string(),
            warnings[0]
        );
    }

    #[test]
    fn other_schemata_are_skipped_with_one_warning_each_and_links_to_them_are_not_broken() {
        // OpenSanctions files hold addresses, securities and positions
        // beside the parties; they are FtM, not bad records. Newer releases
        // add schemata and properties: read past with a warning, in strict
        // mode too.
        let text = format!(
            "{SAMPLE}{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
            r#"{"id": "a1", "schema": "Address", "properties": {"full": ["1 Main St"]}}"#,
            r#"{"id": "a2", "schema": "Address", "properties": {"full": ["2 Main St"]}}"#,
            r#"{"id": "sec1", "schema": "Security", "properties": {"name": ["Bond"], "isin": ["RU000A0JX0J2"]}}"#,
            r#"{"id": "s-sec1", "schema": "Sanction", "properties": {"entity": ["sec1"], "authority": ["US OFAC"]}}"#,
            r#"{"id": "z1", "schema": "Spaceship", "properties": {"name": ["Enterprise"]}}"#,
            r#"{"id": "p3", "schema": "Person", "properties": {"name": ["Jane Roe"], "shoeSize": ["38"], "profession": ["pilot"], "sanctions": ["s-x"]}}"#,
            r#"{"id": "o-sec1", "schema": "Ownership", "properties": {"owner": ["sec1"], "asset": ["c1"]}}"#,
        );
        for mode in [Strictness::Lenient, Strictness::Strict] {
            let r = read_str(&text, mode).unwrap();
            assert!(r.rejected.is_empty(), "{:?}", r.rejected);
            let warnings: Vec<String> = r.warnings.iter().map(|e| e.to_string()).collect();
            assert_eq!(
                warnings,
                [
                    "t.ftm.jsonl:8: field `schema`: 2 Address record(s) skipped (the first here): interdict does not \
                     read that schema",
                    "t.ftm.jsonl:10: field `schema`: 1 Security record(s) skipped (the first here): interdict does \
                     not read that schema",
                    "t.ftm.jsonl:12: field `schema`: 1 Spaceship record(s) skipped (the first here): FollowTheMoney \
                     3.8 has no such schema",
                    "t.ftm.jsonl:13: field `shoeSize`: `shoeSize` is not a property of Person (FollowTheMoney 3.8 \
                     has no such property); its values are not read (1 record(s), the first here)",
                    "t.ftm.jsonl: 2 sanction(s), link(s) or identification(s) skipped: they link to records of \
                     schemata interdict does not read",
                ]
            );
            assert_eq!(r.dataset.designations.len(), 1);
            assert_eq!(r.dataset.relations.len(), 1, "only the sample's own ownership");
        }
        // A link from a skipped record to nothing at all is still a broken
        // link: it was counted as skipped.
        let broken = format!(
            "{text}{}\n",
            r#"{"id": "o-bad", "schema": "Ownership", "properties": {"owner": ["sec1"], "asset": ["nobody"]}}"#
        );
        assert_eq!(
            read_str(&broken, Strictness::Strict).unwrap_err().to_string(),
            "t.ftm.jsonl:15: field `asset`: refers to `nobody`, which is not in the file"
        );
    }

    #[test]
    fn associates_and_family_are_read_from_their_own_properties() {
        // FtM's Associate has `person` and `associate`, not `subject` and
        // `object`: every one was rejected as having no subject.
        let text = format!(
            "{SAMPLE}{}\n{}\n{}\n",
            r#"{"id": "p2", "schema": "Person", "properties": {"name": ["Anna Smith"]}}"#,
            r#"{"id": "as1", "schema": "Associate", "properties": {"person": ["p1"], "associate": ["c1"], "relationship": ["business partner"]}}"#,
            r#"{"id": "f1", "schema": "Family", "properties": {"person": ["p1"], "relative": ["p2"], "relationship": ["spouse"]}}"#,
        );
        let r = read_str(&text, Strictness::Strict).unwrap();
        let links: Vec<(&str, &str, RelationKind, Option<&str>)> = r
            .dataset
            .relations
            .iter()
            .map(|x| (x.from.as_str(), x.to.as_str(), x.kind, x.basis.as_deref()))
            .collect();
        assert_eq!(
            links,
            [
                ("p1", "c1", RelationKind::Owns, None),
                ("p1", "c1", RelationKind::LinkedTo, Some("business partner")),
                ("p1", "p2", RelationKind::LinkedTo, Some("spouse")),
            ]
        );
    }

    #[test]
    fn nationalities_are_codes_names_or_several_in_one_value() {
        let codes = |v: &str| countries_in(v).map(|cs| cs.iter().map(|c| c.as_str().to_string()).collect::<Vec<_>>());
        assert_eq!(codes("ru"), Some(vec!["RU".to_string()]));
        assert_eq!(codes("Russia"), Some(vec!["RU".to_string()]));
        assert_eq!(codes("SYRIAN ARAB REPUBLIC"), Some(vec!["SY".to_string()]));
        assert_eq!(
            codes("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF"),
            Some(vec!["KP".to_string()])
        );
        assert_eq!(
            codes("SY; TR; KN"),
            Some(vec!["SY".to_string(), "TR".to_string(), "KN".to_string()])
        );
        assert_eq!(
            codes("(1) Belgium (2) Congo (Democratic Republic)"),
            Some(vec!["BE".to_string(), "CD".to_string()])
        );
        assert_eq!(
            codes("(1) South Africa. (2) Zimbabwe."),
            Some(vec!["ZA".to_string(), "ZW".to_string()])
        );
        assert_eq!(codes("UNKNOWN"), Some(vec![]));
        assert_eq!(codes("Atlantis"), None);
        assert_eq!(
            codes("RU; Atlantis"),
            None,
            "a part not understood keeps the whole value as text"
        );
    }

    #[test]
    fn every_schema_read_has_its_properties_in_byte_order_for_bisection() {
        for schema in READ_SCHEMATA {
            let properties = ftm_schema::properties(schema).unwrap_or_else(|| panic!("{schema} has no table"));
            assert!(properties.windows(2).all(|w| w[0] < w[1]), "{schema}");
        }
        assert_eq!(
            near_miss("birth_date", ftm_schema::properties("Person").unwrap()),
            Some("birthDate")
        );
        assert_eq!(
            near_miss("nationalty", ftm_schema::properties("Person").unwrap()),
            Some("nationality")
        );
        assert_eq!(near_miss("shoeSize", ftm_schema::properties("Person").unwrap()), None);
        assert_eq!(near_miss("Vesel", READ_SCHEMATA), Some("Vessel"));
        assert_eq!(near_miss("Plane", READ_SCHEMATA), None);
    }

    #[test]
    fn a_listing_date_is_read_and_one_that_does_not_read_drops_only_itself() {
        let text = format!(
            "{SAMPLE}{}\n{}\n",
            r#"{"id": "s2", "schema": "Sanction", "properties": {"entity": ["c1"], "authority": ["X"], "startDate": ["2020-02-01"], "listingDate": ["2020-01-15"]}}"#,
            r#"{"id": "s3", "schema": "Sanction", "properties": {"entity": ["v1"], "authority": ["X"], "startDate": ["2020-02-01"], "listingDate": ["2020-13-15"]}}"#,
        );
        let r = read_str(&text, Strictness::Lenient).unwrap();
        let listed: Vec<(String, Option<String>, Option<String>)> = r
            .dataset
            .designations
            .iter()
            .map(|d| {
                (
                    d.entity_id.clone(),
                    d.listed.map(|x| x.to_string()),
                    d.start.map(|x| x.to_string()),
                )
            })
            .collect();
        assert_eq!(
            listed[1..],
            [
                (
                    "c1".to_string(),
                    Some("2020-01-15".to_string()),
                    Some("2020-02-01".to_string())
                ),
                (
                    "v1".to_string(),
                    Some("2020-02-01".to_string()),
                    Some("2020-02-01".to_string())
                ),
            ]
        );
        assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
        assert_eq!(r.warnings[0].field_name(), Some("listingDate"));
        assert!(read_str(&text, Strictness::Strict).is_err());
    }

    #[test]
    fn a_property_name_some_schema_has_is_no_misspelling() {
        // `imoNumber` is a Vessel property, two edits from `idNumber`: on a
        // Person it is read past, not refused as a misspelling of it.
        let text = format!(
            "{SAMPLE}{}\n",
            r#"{"id": "p2", "schema": "Person", "properties": {"name": ["Ivan Petrov"], "imoNumber": ["9074729"]}}"#
        );
        assert_eq!(
            near_miss("imoNumber", ftm_schema::properties("Person").unwrap()),
            Some("idNumber")
        );
        let r = read_str(&text, Strictness::Strict).unwrap();
        assert_eq!(r.warnings.len(), 1);
        assert!(r.warnings[0]
            .to_string()
            .contains("(FollowTheMoney 3.8 has no such property)"));
    }
}
