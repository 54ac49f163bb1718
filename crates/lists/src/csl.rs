//! The US Consolidated Screening List (trade.gov): the export screening
//! lists of Commerce (BIS), State and Treasury (OFAC) in one CSV file, one
//! row per listing, or the same records as JSON (`{"results": [...]}`).
//!
//! Columns are found by name, in any case: the file's header changed over
//! the years (the 2025 file adds `_id` in front; the 2019 file has no id
//! column at all). A header needs `source`, `name` and an id column:
//! `_id` or `id`, or (older files) `entity_number`. Multi-valued cells are
//! `;`-separated.
//!
//! What the reader makes of a row:
//! - the entity `us_csl-<id>`: `_id`/`id` when the header has it (for OFAC
//!   rows it is the OFAC entry number, so ids agree across vintages);
//!   without one, `entity_number`, and for rows without that (BIS and State
//!   rows of older files) 16 hex digits of the FNV-1a 64-bit hash of
//!   source, name, addresses and start date;
//! - its dataset and source: a short code for the list named by `source`
//!   (`us_bis_el`, `us_bis_dpl`, `us_bis_uvl`, `us_bis_meu`,
//!   `us_state_isn`, `us_state_itar`, `us_ofac_sdn`, `us_ofac_ssi`,
//!   `us_ofac_fse`, `us_ofac_plc`, `us_ofac_capta`, `us_ofac_cmic`,
//!   `us_ofac_nsmbs`), found by the abbreviation in parentheses or the
//!   list's name; any other list is `us_csl_other`, its text kept in the
//!   notes (`source: ...`). One [`Source`] per code, with the first
//!   `source_list_url` seen;
//! - kind: `Individual` → person, `Entity` → organization, `Vessel`,
//!   `Aircraft`; empty → legal entity (BIS and State rows do not say);
//! - one [`Designation`] per distinct program (`programs`), or one whose
//!   program is the list's name (the source text before ` - `, such as
//!   `Entity List (EL)`) when `programs` is empty. Authority `US-BIS`,
//!   `US-STATE` or `US-OFAC` by list (`US` for an unknown list), start =
//!   `start_date`, end = `end_date`;
//! - `name` → the name (text after a `;` in it, such as State's `; and any
//!   successor, sub-unit, or subsidiary thereof`, goes to the notes);
//!   `alt_names` → aliases; a leading `and ` (the Entity List's way of
//!   ending a series) is dropped from aliases and addresses;
//! - `addresses` → addresses; the last `, `-part of each, when it is an ISO
//!   code, joins the countries. `vessel_flag` (a code or a country name)
//!   joins the countries too;
//! - `dates_of_birth` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) → birth dates,
//!   `places_of_birth` → birth places, `nationalities` and `citizenships`
//!   → nationalities, `title` → positions;
//! - `ids`: each item `Type, number[, country]` (2025) or `[country, ]number,
//!   Type` (2019) with a known type becomes a typed identifier: website →
//!   domain, email, passport, national id, tax id (also NIT, RUC, VAT),
//!   registration (registration id and number, company number, commercial
//!   registry, matricula mercantil), IMO, MMSI, SWIFT/BIC, digital currency
//!   address. Other items (`Gender, Male`, directive determinations), and
//!   items whose number fails its type's check, stay in the notes: an
//!   identifier never costs the entity;
//! - `remarks`, `federal_register_notice`, `standard_order`,
//!   `license_requirement`, `license_policy`, and the vessel columns → notes.
//!   `(Linked To: ...)` remarks are not resolved into relations.
//!
//! A row with the wrong number of columns, no source, no name, an empty or
//! repeated id, an unknown type, a start or end date that is not
//! `YYYY-MM-DD`, or an end not after its start is bad: reported with its
//! file, line and field in lenient mode, an error in strict mode. A header
//! without a required column, or CSV that cannot be read, is an error in
//! either mode. Fields are read as UTF-8, falling back to Windows-1252
//! field by field.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use interdict_model::{
    CountryCode, Date, Designation, Entity, EntityKind, Identifier, IdentifierKind, IdentifierRecord, Name, NameKind,
    PartialDate, Source,
};
use serde_json::Value;

use crate::dpl::fnv1a_64;
use crate::error::{Error, ErrorKind};
use crate::report::{Report, Strictness};

/// Largest file accepted; the full CSV is about 10 MB, the JSON larger.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Prefix of every entity id.
pub const ID_PREFIX: &str = "us_csl";
/// Dataset of rows whose list the reader does not know.
pub const OTHER_DATASET: &str = "us_csl_other";

/// The fields the reader uses, by their canonical name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum F {
    Id,
    Source,
    EntityNumber,
    Type,
    Programs,
    Name,
    Title,
    Addresses,
    FederalRegisterNotice,
    StartDate,
    EndDate,
    StandardOrder,
    LicenseRequirement,
    LicensePolicy,
    CallSign,
    VesselType,
    GrossTonnage,
    GrossRegisteredTonnage,
    VesselFlag,
    VesselOwner,
    Remarks,
    SourceListUrl,
    AltNames,
    Citizenships,
    DatesOfBirth,
    Nationalities,
    PlacesOfBirth,
    Ids,
}

/// Header names (lower case) of each field; the first is the canonical one.
const FIELDS: &[(F, &[&str])] = &[
    (F::Id, &["_id", "id"]),
    (F::Source, &["source"]),
    (F::EntityNumber, &["entity_number"]),
    (F::Type, &["type", "sdn_type"]),
    (F::Programs, &["programs"]),
    (F::Name, &["name"]),
    (F::Title, &["title"]),
    (F::Addresses, &["addresses"]),
    (F::FederalRegisterNotice, &["federal_register_notice"]),
    (F::StartDate, &["start_date"]),
    (F::EndDate, &["end_date"]),
    (F::StandardOrder, &["standard_order"]),
    (F::LicenseRequirement, &["license_requirement"]),
    (F::LicensePolicy, &["license_policy"]),
    (F::CallSign, &["call_sign"]),
    (F::VesselType, &["vessel_type"]),
    (F::GrossTonnage, &["gross_tonnage"]),
    (F::GrossRegisteredTonnage, &["gross_registered_tonnage"]),
    (F::VesselFlag, &["vessel_flag"]),
    (F::VesselOwner, &["vessel_owner"]),
    (F::Remarks, &["remarks"]),
    (F::SourceListUrl, &["source_list_url"]),
    (F::AltNames, &["alt_names"]),
    (F::Citizenships, &["citizenships"]),
    (F::DatesOfBirth, &["dates_of_birth"]),
    (F::Nationalities, &["nationalities"]),
    (F::PlacesOfBirth, &["places_of_birth"]),
    (F::Ids, &["ids"]),
];

/// Fields whose cells hold several `;`-separated values.
fn multi(f: F) -> bool {
    matches!(
        f,
        F::Programs
            | F::Addresses
            | F::AltNames
            | F::Citizenships
            | F::DatesOfBirth
            | F::Nationalities
            | F::PlacesOfBirth
            | F::Ids
    )
}

/// Reads a Consolidated Screening List CSV file.
pub fn read(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    read_from(path, file, mode)
}

/// Reads a Consolidated Screening List CSV from `reader`; `name` is used
/// only in errors.
pub fn read_from(name: &Path, reader: impl Read, mode: Strictness) -> Result<Report, Error> {
    let bytes = read_all(name, reader)?;
    let rows = parse_rows(name, &bytes)?;
    let mut rows = rows.into_iter();
    let Some(header) = rows.next() else {
        return Err(Error::new(ErrorKind::Empty).at(name));
    };
    let mut columns: Vec<Option<F>> = Vec::with_capacity(header.fields.len());
    let mut seen = HashSet::new();
    for h in &header.fields {
        let key = h.to_ascii_lowercase().replace(' ', "_");
        let f = FIELDS
            .iter()
            .find(|(_, names)| names.contains(&key.as_str()))
            .map(|(f, _)| *f)
            .filter(|f| seen.insert(*f));
        columns.push(f);
    }
    let has = |f: F| columns.contains(&Some(f));
    let missing = if !has(F::Id) && !has(F::EntityNumber) {
        Some("_id")
    } else if !has(F::Name) {
        Some("name")
    } else if !has(F::Source) {
        Some("source")
    } else {
        None
    };
    if let Some(column) = missing {
        return Err(Error::new(ErrorKind::MissingColumn {
            name: column.to_string(),
            found: header.fields.clone(),
        })
        .at(name)
        .line(header.line));
    }
    let id_field = match header.fields.iter().zip(&columns).find(|(_, f)| **f == Some(F::Id)) {
        Some((h, _)) => h.clone(),
        None => "entity_number".to_string(),
    };
    let mut b = Builder::new(name, mode, has(F::Id), id_field);
    b.report.unknown_columns(
        mode,
        name,
        header.line,
        &header.fields,
        "Consolidated Screening List",
        |c| {
            let key = c.to_ascii_lowercase().replace(' ', "_");
            UNREAD_COLUMNS.contains(&key.as_str()) || FIELDS.iter().any(|(_, names)| names.contains(&key.as_str()))
        },
    )?;
    let width = header.fields.len();
    for row in rows {
        b.report.records += 1;
        if row.fields.len() != width {
            let msg = format!("expected {width} columns, found {}", row.fields.len());
            b.report
                .reject(mode, Error::new(ErrorKind::Syntax(msg)).at(name).line(row.line))?;
            continue;
        }
        let mut rec = Record::new(Place::Line(row.line));
        for (f, value) in columns.iter().zip(row.fields) {
            if let Some(f) = f {
                rec.set(*f, &value);
            }
        }
        b.record(rec)?;
    }
    Ok(b.finish())
}

/// Reads the trade.gov JSON form of the list, `{"results": [...]}` with
/// the CSV's field names: arrays for the multi-valued fields, addresses as
/// objects (`address`, `city`, `state`, `postal_code`, `country`) and ids
/// as objects (`type`, `number`, `country`). Errors name the record as the
/// field `results[<index>].<field>`, since JSON has no lines per record.
pub fn read_json(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    let bytes = read_all(path, file)?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let line = 1 + bytes.iter().take(e.valid_up_to()).filter(|&&b| b == b'\n').count() as u64;
        Error::new(ErrorKind::Encoding).at(path).line(line)
    })?;
    let doc: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        Error::new(ErrorKind::Syntax(format!("not JSON: {e}")))
            .at(path)
            .line(e.line() as u64)
    })?;
    let Some(results) = doc.get("results").and_then(Value::as_array) else {
        return Err(Error::new(ErrorKind::Syntax("no `results` array".to_string())).at(path));
    };
    let has_id = results.iter().any(|r| r.get("id").is_some() || r.get("_id").is_some());
    let mut b = Builder::new(path, mode, has_id, "id".to_string());
    for (i, r) in results.iter().enumerate() {
        b.report.records += 1;
        let mut rec = Record::new(Place::Index(i));
        let Some(obj) = r.as_object() else {
            let err = Error::new(ErrorKind::Invalid("not an object".to_string()))
                .at(path)
                .field(format!("results[{i}]"));
            b.report.reject(mode, err)?;
            continue;
        };
        for (key, value) in obj {
            let key = key.to_ascii_lowercase();
            let Some(f) = FIELDS
                .iter()
                .find(|(_, names)| names.contains(&key.as_str()))
                .map(|(f, _)| *f)
            else {
                continue;
            };
            let values = json_values(f, value);
            if multi(f) {
                rec.values[f as usize].extend(values.iter().map(|v| collapse(v)).filter(|v| !v.is_empty()));
            } else {
                rec.set(f, &values.join("; "));
            }
        }
        b.record(rec)?;
    }
    Ok(b.finish())
}

/// A JSON value as the texts the CSV would hold for it.
fn json_values(f: F, value: &Value) -> Vec<String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    };
    let object = |v: &Value| -> String {
        let keys: &[&str] = match f {
            F::Addresses => &["address", "city", "state", "postal_code", "country"],
            F::Ids => &["type", "number", "country"],
            _ => &[],
        };
        keys.iter()
            .filter_map(|k| v.get(*k).map(text))
            .map(|s| collapse(&s))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match value {
        Value::Array(items) => items
            .iter()
            .map(|v| if v.is_object() { object(v) } else { text(v) })
            .collect(),
        Value::Object(_) => vec![object(value)],
        Value::Null => Vec::new(),
        other => vec![text(other)],
    }
}

fn read_all(name: &Path, reader: impl Read) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(ErrorKind::Io(e)).at(name))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::new(ErrorKind::TooLarge { limit: MAX_FILE_BYTES }).at(name));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::new(ErrorKind::Empty).at(name));
    }
    Ok(bytes)
}

/// One CSV row: its first line and its fields, decoded and trimmed.
struct Row {
    line: u64,
    fields: Vec<String>,
}

/// Splits the bytes into rows, skipping rows whose fields are all empty.
fn parse_rows(name: &Path, data: &[u8]) -> Result<Vec<Row>, Error> {
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
    match std::str::from_utf8(bytes) {
        Ok(s) => collapse(s),
        Err(_) => collapse(&bytes.iter().map(|&b| windows_1252(b)).collect::<String>()),
    }
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

/// Collapses runs of white space to one space and trims.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where a record is: a CSV line, or a JSON array index.
#[derive(Clone, Copy)]
enum Place {
    Line(u64),
    Index(usize),
}

/// One record's values, by field: one value for single fields, the
/// `;`-separated items for multi-valued ones.
struct Record {
    place: Place,
    values: Vec<Vec<String>>,
}

impl Record {
    fn new(place: Place) -> Record {
        Record {
            place,
            values: vec![Vec::new(); FIELDS.len()],
        }
    }

    fn set(&mut self, f: F, text: &str) {
        let Some(slot) = self.values.get_mut(f as usize) else {
            return;
        };
        if multi(f) {
            slot.extend(
                text.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        } else if !text.is_empty() {
            *slot = vec![text.to_string()];
        }
    }

    fn one(&self, f: F) -> &str {
        self.values
            .get(f as usize)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    fn many(&self, f: F) -> &[String] {
        self.values.get(f as usize).map_or(&[], Vec::as_slice)
    }
}

/// A list of the CSL: its abbreviation, the start of its name (lower
/// case), its dataset code and authority.
const LISTS: &[(&[&str], &str, &str, &str)] = &[
    (&["EL"], "entity list", "us_bis_el", "US-BIS"),
    (&["DPL"], "denied persons list", "us_bis_dpl", "US-BIS"),
    (&["UVL"], "unverified list", "us_bis_uvl", "US-BIS"),
    (&["MEU"], "military end user", "us_bis_meu", "US-BIS"),
    (&["ISN"], "nonproliferation sanctions", "us_state_isn", "US-STATE"),
    (&["DTC"], "itar debarred", "us_state_itar", "US-STATE"),
    (&["SDN"], "specially designated nationals", "us_ofac_sdn", "US-OFAC"),
    (&["SSI"], "sectoral sanctions identifications", "us_ofac_ssi", "US-OFAC"),
    (&["FSE"], "foreign sanctions evaders", "us_ofac_fse", "US-OFAC"),
    (&["PLC"], "palestinian legislative council", "us_ofac_plc", "US-OFAC"),
    (&["CAP", "CAPTA"], "correspondent account", "us_ofac_capta", "US-OFAC"),
    (
        &["CMIC", "NS-CMIC"],
        "non-sdn chinese military",
        "us_ofac_cmic",
        "US-OFAC",
    ),
    (
        &["NS-MBS", "NS-MBS LIST", "MBS"],
        "non-sdn menu-based",
        "us_ofac_nsmbs",
        "US-OFAC",
    ),
];

/// The dataset code and authority of a `source` text, and whether the
/// list is known.
fn list_of(source: &str) -> (&'static str, &'static str, bool) {
    let abbreviation = source
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(a, _)| a.trim().to_ascii_uppercase());
    let lower = source.to_lowercase();
    for (abbrs, name, code, authority) in LISTS {
        let by_abbr = abbreviation.as_deref().is_some_and(|a| abbrs.contains(&a));
        if by_abbr || lower.starts_with(name) {
            return (code, authority, true);
        }
    }
    let authority = if lower.contains("bureau of industry and security") {
        "US-BIS"
    } else if lower.contains("state department") || lower.contains("department of state") {
        "US-STATE"
    } else if lower.contains("treasury") {
        "US-OFAC"
    } else {
        "US"
    };
    (OTHER_DATASET, authority, false)
}

/// Columns of the CSV that are not read (every other is in [`FIELDS`]).
const UNREAD_COLUMNS: &[&str] = &["source_information_url"];

struct Builder<'a> {
    name: &'a Path,
    mode: Strictness,
    report: Report,
    /// Whether ids come from an id column (else entity numbers or hashes).
    id_column: bool,
    /// The header name of the id column, for errors.
    id_field: String,
    ids: HashSet<String>,
    /// Dataset code → index into the report's sources.
    sources: HashMap<&'static str, usize>,
}

impl<'a> Builder<'a> {
    fn new(name: &'a Path, mode: Strictness, id_column: bool, id_field: String) -> Builder<'a> {
        Builder {
            name,
            mode,
            report: Report::default(),
            id_column,
            id_field,
            ids: HashSet::new(),
            sources: HashMap::new(),
        }
    }

    fn bad(&mut self, place: Place, field: &str, message: String) -> Result<(), Error> {
        let err = Error::new(ErrorKind::Invalid(message)).at(self.name);
        let err = match place {
            Place::Line(line) => err.line(line).field(field),
            Place::Index(i) => err.field(format!("results[{i}].{field}")),
        };
        self.report.reject(self.mode, err)
    }

    fn finish(self) -> Report {
        self.report
    }

    fn record(&mut self, r: Record) -> Result<(), Error> {
        let place = r.place;
        let source = r.one(F::Source).to_string();
        if source.is_empty() {
            return self.bad(place, "source", "empty source".to_string());
        }
        let full_name = r.one(F::Name);
        let mut name_parts = full_name.split(';').map(str::trim).filter(|s| !s.is_empty());
        let name = name_parts.next().unwrap_or("").to_string();
        if name.is_empty() {
            return self.bad(place, "name", "empty name".to_string());
        }
        let rest_of_name: Vec<&str> = name_parts.collect();
        let entity_number = r.one(F::EntityNumber);
        let raw_id = if self.id_column {
            r.one(F::Id).to_string()
        } else if !entity_number.is_empty() {
            entity_number.to_string()
        } else {
            let key = [
                source.as_str(),
                &name,
                &r.many(F::Addresses).join("; "),
                r.one(F::StartDate),
            ]
            .join("\u{1f}");
            format!("{:016x}", fnv1a_64(key.as_bytes()))
        };
        let id_field = self.id_field.clone();
        if raw_id.is_empty() {
            return self.bad(place, &id_field, "empty id".to_string());
        }
        if self.ids.contains(&raw_id) {
            return self.bad(place, &id_field, format!("id `{raw_id}` appears twice"));
        }
        let type_text = r.one(F::Type);
        let kind = match type_text.to_ascii_lowercase().as_str() {
            "" => EntityKind::LegalEntity,
            "individual" => EntityKind::Person,
            "entity" => EntityKind::Organization,
            "vessel" => EntityKind::Vessel,
            "aircraft" => EntityKind::Aircraft,
            _ => {
                let msg = format!("unknown type `{type_text}`: expected Individual, Entity, Vessel, Aircraft or empty");
                return self.bad(place, "type", msg);
            }
        };
        let mut dates = [None, None];
        for (slot, (f, column)) in dates
            .iter_mut()
            .zip([(F::StartDate, "start_date"), (F::EndDate, "end_date")])
        {
            let text = r.one(f);
            if text.is_empty() {
                continue;
            }
            match text.parse::<Date>() {
                Ok(d) => *slot = Some(d),
                Err(_) => return self.bad(place, column, format!("`{text}` is not a date (YYYY-MM-DD)")),
            }
        }
        let [start, end] = dates;
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                return self.bad(
                    place,
                    "end_date",
                    format!("end date {e} is not after the start date {s}"),
                );
            }
        }
        self.ids.insert(raw_id.clone());

        let (dataset, authority, known) = list_of(&source);
        if !self.sources.contains_key(dataset) {
            self.sources.insert(dataset, self.report.dataset.sources.len());
            let title = if known {
                source.clone()
            } else {
                "Consolidated Screening List: other lists".to_string()
            };
            let url = Some(r.one(F::SourceListUrl).to_string()).filter(|u| !u.is_empty());
            self.report.dataset.sources.push(Source {
                id: dataset.to_string(),
                title,
                url,
                citation: None,
            });
        }
        let id = format!("{ID_PREFIX}-{raw_id}");
        let mut e = Entity::new(id.clone(), kind, name);
        e.datasets.push(dataset.to_string());
        e.sources.push(dataset.to_string());
        let mut notes: Vec<String> = Vec::new();
        if !known {
            add_note(&mut notes, format!("source: {source}"));
        }
        for part in rest_of_name {
            add_note(&mut notes, format!("name: {part}"));
        }
        if !entity_number.is_empty() && entity_number != raw_id {
            add_note(&mut notes, format!("entity number: {entity_number}"));
        }
        for alias in r.many(F::AltNames) {
            add_alias(&mut e, strip_and(alias));
        }
        let title = r.one(F::Title);
        if !title.is_empty() {
            push_unique(&mut e.positions, title.to_string());
        }
        for address in r.many(F::Addresses) {
            let address = strip_and(address);
            if address.is_empty() {
                continue;
            }
            let last = address.rsplit(", ").next().unwrap_or("");
            if let Some(cc) = iso_code(last) {
                push_unique(&mut e.countries, cc);
            }
            push_unique(&mut e.addresses, address.to_string());
        }
        for dob in r.many(F::DatesOfBirth) {
            match dob.parse::<PartialDate>() {
                Ok(d) => push_unique(&mut e.birth_dates, d),
                Err(_) => add_note(&mut notes, format!("date of birth: {dob}")),
            }
        }
        for place in r.many(F::PlacesOfBirth) {
            push_unique(&mut e.birth_places, place.clone());
        }
        for (f, label) in [(F::Nationalities, "nationality"), (F::Citizenships, "citizenship")] {
            for value in r.many(f) {
                match country(value) {
                    Some(cc) => push_unique(&mut e.nationalities, cc),
                    None => add_note(&mut notes, format!("{label}: {value}")),
                }
            }
        }
        for item in r.many(F::Ids) {
            if !identifier(&mut e, item) {
                add_note(&mut notes, item.clone());
            }
        }
        let remarks = r.one(F::Remarks);
        if !remarks.is_empty() {
            add_note(&mut notes, remarks.to_string());
        }
        for (f, label) in [
            (F::FederalRegisterNotice, "federal register notice"),
            (F::StandardOrder, "standard order"),
            (F::LicenseRequirement, "license requirement"),
            (F::LicensePolicy, "license policy"),
            (F::CallSign, "call sign"),
            (F::VesselType, "vessel type"),
            (F::GrossTonnage, "gross tonnage"),
            (F::GrossRegisteredTonnage, "gross registered tonnage"),
            (F::VesselOwner, "vessel owner"),
        ] {
            let v = r.one(f);
            if !v.is_empty() {
                add_note(&mut notes, format!("{label}: {v}"));
            }
        }
        let flag = r.one(F::VesselFlag);
        if !flag.is_empty() {
            match country(flag) {
                Some(cc) => push_unique(&mut e.countries, cc),
                None => add_note(&mut notes, format!("vessel flag: {flag}")),
            }
        }
        if !notes.is_empty() {
            e.notes = Some(notes.join("; "));
        }

        let mut programs: Vec<String> = Vec::new();
        for p in r.many(F::Programs) {
            push_unique(&mut programs, p.clone());
        }
        if programs.is_empty() {
            let list_name = source.split(" - ").next().unwrap_or(&source).trim();
            programs.push(list_name.to_string());
        }
        for program in programs {
            self.report.dataset.designations.push(Designation {
                entity_id: id.clone(),
                authority: authority.to_string(),
                program,
                listed: None,
                start,
                end,
                sources: vec![dataset.to_string()],
            });
        }
        self.report.dataset.entities.push(e);
        Ok(())
    }
}

/// `and X` → `X`: the Entity List ends a series of names or addresses so.
fn strip_and(s: &str) -> &str {
    s.strip_prefix("and ").map_or(s, str::trim)
}

fn add_note(notes: &mut Vec<String>, note: String) {
    if !note.is_empty() && !notes.contains(&note) {
        notes.push(note);
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn add_alias(e: &mut Entity, name: &str) {
    let lower = name.to_lowercase();
    if name.is_empty() || lower == e.name.to_lowercase() || e.aliases.iter().any(|a| a.name.to_lowercase() == lower) {
        return;
    }
    e.aliases.push(Name {
        name: name.to_string(),
        lang: None,
        kind: NameKind::Alias,
        confidence: Default::default(),
    });
}

/// What an `ids` type label means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdType {
    Domain,
    Email,
    Passport,
    NationalId,
    TaxId,
    Registration,
    Imo,
    Mmsi,
    Bic,
}

/// The type of an `ids` label, as the CSL writes it; `Err(chain)` for a
/// digital currency address.
fn id_type(label: &str) -> Option<Result<IdType, String>> {
    let lower = label.trim().to_ascii_lowercase();
    if let Some(chain) = lower.strip_prefix("digital currency address - ") {
        let chain = chain.trim();
        let ok = !chain.is_empty() && chain.len() <= 16 && chain.bytes().all(|c| c.is_ascii_alphanumeric());
        return ok.then(|| Err(chain.to_string()));
    }
    let key = lower.trim_end_matches(['.', '#', ':', ' ']);
    let t = match key {
        "website" => IdType::Domain,
        "email address" | "email" => IdType::Email,
        "passport" => IdType::Passport,
        "national id no" | "national id number" | "national id" | "identification number" | "cedula no" => {
            IdType::NationalId
        }
        "tax id no"
        | "tax id"
        | "tax identification number"
        | "v.a.t. number"
        | "vat number"
        | "nit"
        | "ruc"
        | "inn" => IdType::TaxId,
        "registration id"
        | "registration number"
        | "business registration number"
        | "public registration number"
        | "company number"
        | "commercial registry number"
        | "matricula mercantil no"
        | "business number" => IdType::Registration,
        "vessel registration identification" | "imo" => IdType::Imo,
        "mmsi" => IdType::Mmsi,
        "swift/bic" => IdType::Bic,
        _ => return None,
    };
    Some(Ok(t))
}

/// Adds the identifier an `ids` item names; `false` when the item is not
/// one (unknown type, odd shape, or a number that fails its type's check).
fn identifier(e: &mut Entity, item: &str) -> bool {
    let parts: Vec<&str> = item.split(", ").map(str::trim).collect();
    let (kind, number, country_text) = match parts.as_slice() {
        [label, number, rest @ ..] if rest.len() <= 1 && id_type(label).is_some() => {
            (id_type(label), *number, rest.first().copied())
        }
        [first @ .., number, label] if first.len() <= 1 && id_type(label).is_some() => {
            (id_type(label), *number, first.first().copied())
        }
        _ => return false,
    };
    let Some(kind) = kind else { return false };
    let cc = match country_text {
        None => None,
        Some(c) => match country(c) {
            Some(cc) => Some(cc),
            None => return false,
        },
    };
    let kind = match kind {
        Err(chain) => IdentifierKind::Crypto(chain),
        Ok(t) => {
            let document = matches!(
                t,
                IdType::Passport | IdType::NationalId | IdType::TaxId | IdType::Registration
            );
            if !document && cc.is_some() {
                return false;
            }
            if document && !plain_number(number) {
                return false;
            }
            match t {
                IdType::Domain => IdentifierKind::Domain,
                IdType::Email => IdentifierKind::Email,
                IdType::Imo => IdentifierKind::Imo,
                IdType::Mmsi => IdentifierKind::Mmsi,
                IdType::Bic => IdentifierKind::Bic,
                IdType::Passport => IdentifierKind::Passport(cc),
                IdType::NationalId => IdentifierKind::NationalId(cc),
                IdType::TaxId => IdentifierKind::TaxId(cc),
                IdType::Registration => IdentifierKind::Registration(cc),
            }
        }
    };
    let Ok(identifier) = Identifier::new(kind, number) else {
        return false;
    };
    if !e.identifiers.iter().any(|r| r.identifier == identifier) {
        e.identifiers.push(IdentifierRecord {
            identifier,
            confidence: Default::default(),
            note: None,
        });
    }
    true
}

/// Whether `n` reads as a document number: letters, digits, spaces and
/// `-./` only, with at least one digit.
fn plain_number(n: &str) -> bool {
    n.len() <= 40
        && n.bytes().any(|c| c.is_ascii_digit())
        && n.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-' | b'.' | b'/'))
}

/// A two-letter ISO code, in capitals as the list writes them.
fn iso_code(text: &str) -> Option<CountryCode> {
    let t = text.trim();
    (t.len() == 2 && t.bytes().all(|c| c.is_ascii_uppercase()))
        .then(|| t.parse().ok())
        .flatten()
}

/// An ISO code, or a country name the CSL uses (vessel flags, older
/// nationality values).
fn country(text: &str) -> Option<CountryCode> {
    iso_code(text).or_else(|| crate::countries::code_of_name(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/csl")
            .join(name)
    }

    /// Reads a fixture under the short name `fixtures/csl/<name>`.
    fn read_fixture(name: &str, mode: Strictness) -> Result<Report, Error> {
        let bytes = std::fs::read(fixture(name)).unwrap();
        read_from(&Path::new("fixtures/csl").join(name), bytes.as_slice(), mode)
    }

    fn read_text(text: &str, mode: Strictness) -> Result<Report, Error> {
        read_from(Path::new("t.csv"), text.as_bytes(), mode)
    }

    fn entity<'a>(r: &'a Report, id: &str) -> &'a Entity {
        r.dataset.entities.iter().find(|e| e.id == id).expect(id)
    }

    fn strs<T: ToString>(items: &[T]) -> Vec<String> {
        items.iter().map(T::to_string).collect()
    }

    fn aliases(e: &Entity) -> Vec<&str> {
        e.aliases.iter().map(|a| a.name.as_str()).collect()
    }

    fn ids(e: &Entity) -> Vec<String> {
        strs(&e.identifiers.iter().map(|r| &r.identifier).collect::<Vec<_>>())
    }

    /// (entity, authority, program, start, end) of a designation.
    type Row = (String, String, String, Option<String>, Option<String>);

    fn designations(r: &Report) -> Vec<Row> {
        r.dataset
            .designations
            .iter()
            .map(|d| {
                (
                    d.entity_id.clone(),
                    d.authority.clone(),
                    d.program.clone(),
                    d.start.map(|x| x.to_string()),
                    d.end.map(|x| x.to_string()),
                )
            })
            .collect()
    }

    fn des(id: &str, authority: &str, program: &str, start: Option<&str>, end: Option<&str>) -> Row {
        (
            id.to_string(),
            authority.to_string(),
            program.to_string(),
            start.map(str::to_string),
            end.map(str::to_string),
        )
    }

    #[test]
    fn reads_the_2025_layout() {
        let r = read_fixture("2025.csv", Strictness::Strict).unwrap();
        assert_eq!(r.records, 5);
        assert!(r.rejected.is_empty());
        assert!(r.dataset.validate().is_empty(), "{:?}", r.dataset.validate());
        let got: Vec<(&str, EntityKind, &str)> = r
            .dataset
            .entities
            .iter()
            .map(|e| (e.id.as_str(), e.kind, e.datasets[0].as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("us_csl-1001", EntityKind::Person, "us_ofac_sdn"),
                ("us_csl-ab12cd", EntityKind::LegalEntity, "us_bis_el"),
                ("us_csl-ef34", EntityKind::LegalEntity, "us_bis_dpl"),
                ("us_csl-2002", EntityKind::Vessel, "us_ofac_ssi"),
                ("us_csl-zz99", EntityKind::LegalEntity, "us_csl_other"),
            ]
        );

        let p = entity(&r, "us_csl-1001");
        assert_eq!(p.name, "TESTER, Ivan");
        assert_eq!(aliases(p), ["Ivan TESTOV", "Vanya TESTER"]);
        assert_eq!(strs(&p.birth_dates), ["1970-01-12", "1971"]);
        assert_eq!(p.birth_places, ["Testgrad, Russia"]);
        assert_eq!(strs(&p.nationalities), ["RU", "CY"]);
        assert_eq!(p.addresses, ["1 Test Street, Moscow, 101000, RU"]);
        assert_eq!(strs(&p.countries), ["RU"]);
        assert_eq!(p.positions, ["Director of Testing"]);
        assert_eq!(
            ids(p),
            [
                "passport.ru:750123456",
                "email:ivan@test.example.com",
                "crypto.xbt:1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
            ]
        );
        assert_eq!(
            p.notes.as_deref(),
            Some("date of birth: circa 1975; Gender, Male; Passport, 12 (bad), RU; (Linked To: TEST BANK)")
        );

        let el = entity(&r, "us_csl-ab12cd");
        assert_eq!(el.name, "Test Semiconductor Institute");
        assert_eq!(aliases(el), ["TSI", "Test Institute 13"]);
        assert_eq!(
            el.addresses,
            [
                "12 Test Road, Shijiazhuang, Hebei, China",
                "21 Test Street, Shijiazhuang, CN"
            ]
        );
        assert_eq!(strs(&el.countries), ["CN"]);
        assert_eq!(
            el.notes.as_deref(),
            Some(
                "name: and any successor, sub-unit, or subsidiary thereof; federal register notice: 83 FR 37423; \
                 license requirement: For all items subject to the EAR.; license policy: Presumption of denial."
            )
        );

        let v = entity(&r, "us_csl-2002");
        assert_eq!(ids(v), ["imo:9187629", "mmsi:572469210", "bic:TESTRUMM"]);
        assert_eq!(strs(&v.countries), ["IR"]);
        assert_eq!(
            v.notes.as_deref(),
            Some("IMO 9187620, Vessel Registration Identification; call sign: 9BTS; vessel type: Crude Oil Tanker")
        );

        let other = entity(&r, "us_csl-zz99");
        assert_eq!(
            other.notes.as_deref(),
            Some("source: Some New List (SNL) - Treasury Department")
        );

        assert_eq!(
            designations(&r),
            [
                des("us_csl-1001", "US-OFAC", "SDGT", None, None),
                des("us_csl-1001", "US-OFAC", "RUSSIA-EO14024", None, None),
                des("us_csl-ab12cd", "US-BIS", "Entity List (EL)", Some("2018-08-01"), None),
                des(
                    "us_csl-ef34",
                    "US-BIS",
                    "Denied Persons List (DPL)",
                    Some("2010-06-01"),
                    Some("2020-06-01")
                ),
                des("us_csl-2002", "US-OFAC", "UKRAINE-EO13662", None, None),
                des("us_csl-zz99", "US-OFAC", "Some New List (SNL)", None, None),
            ]
        );
        let sources: Vec<(&str, Option<&str>)> = r
            .dataset
            .sources
            .iter()
            .map(|s| (s.id.as_str(), s.url.as_deref()))
            .collect();
        assert_eq!(
            sources,
            [
                ("us_ofac_sdn", Some("https://sdn.example.gov")),
                ("us_bis_el", Some("https://el.example.gov")),
                ("us_bis_dpl", None),
                ("us_ofac_ssi", None),
                ("us_csl_other", None),
            ]
        );
    }

    #[test]
    fn reads_the_2019_layout_without_an_id_column() {
        let r = read_fixture("2019.csv", Strictness::Strict).unwrap();
        assert_eq!(r.records, 3);
        assert!(r.dataset.validate().is_empty());
        let key = "Unverified List (UVL) - Bureau of Industry and Security\u{1f}Test Trading FZE\u{1f}PO Box 1, Dubai, AE\u{1f}";
        let hashed = format!("us_csl-{:016x}", fnv1a_64(key.as_bytes()));
        assert_eq!(hashed, "us_csl-31d2de277490f312");
        let got: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(got, ["us_csl-3003", hashed.as_str(), "us_csl-4004"]);

        // Country first, type last.
        let c = entity(&r, "us_csl-3003");
        assert_eq!(c.kind, EntityKind::Organization);
        assert_eq!(
            ids(c),
            [
                "tax_id.co:8110382913",
                "registration.ru:1137746390572",
                "domain:www.test.example.ru",
                "tax_id:5030056754"
            ]
        );
        assert_eq!(
            c.notes.as_deref(),
            Some("01200175 (Bogota), Matricula Mercantil No; 32131525, Government Gazette Number")
        );
        assert_eq!(
            designations(&r)[0],
            des("us_csl-3003", "US-OFAC", "IFSR", Some("2019-05-21"), None)
        );
        let uvl = entity(&r, &hashed);
        assert_eq!(strs(&uvl.countries), ["AE"]);
        let v = entity(&r, "us_csl-4004");
        assert_eq!(ids(v), ["imo:8898831"]);
        assert_eq!(strs(&v.countries), ["KP"]);
        assert_eq!(v.notes.as_deref(), Some("Panama, Former Vessel Flag"));
    }

    #[test]
    fn lenient_mode_reports_each_bad_row_with_its_line_and_field() {
        let r = read_fixture("bad_rows.csv", Strictness::Lenient).unwrap();
        assert_eq!(r.records, 10);
        let got: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(got, ["us_csl-1", "us_csl-9"]);
        assert_eq!(
            strs(&r.rejected),
            [
                "fixtures/csl/bad_rows.csv:3: field `_id`: id `1` appears twice",
                "fixtures/csl/bad_rows.csv:4: field `start_date`: `2019-02-30` is not a date (YYYY-MM-DD)",
                "fixtures/csl/bad_rows.csv:5: expected 8 columns, found 3",
                "fixtures/csl/bad_rows.csv:6: field `type`: unknown type `Robot`: expected Individual, Entity, Vessel, Aircraft or empty",
                "fixtures/csl/bad_rows.csv:8: field `end_date`: end date 2018-01-01 is not after the start date 2019-01-01",
                "fixtures/csl/bad_rows.csv:9: field `name`: empty name",
                "fixtures/csl/bad_rows.csv:10: field `source`: empty source",
                "fixtures/csl/bad_rows.csv:11: field `_id`: empty id",
            ]
        );
        let second = &r.rejected[1];
        assert_eq!(second.line_number(), Some(4));
        assert_eq!(second.field_name(), Some("start_date"));
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_row() {
        let err = read_fixture("bad_rows.csv", Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/csl/bad_rows.csv:3: field `_id`: id `1` appears twice"
        );
    }

    #[test]
    fn header_problems_are_one_error() {
        let err = read_text("source,type\nX,Entity\n", Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::MissingColumn { .. }));
        assert_eq!(
            err.to_string(),
            "t.csv:1: missing required column `_id`; the header has: source, type"
        );
        let err = read_text("ID,Source,Type\n1,X,Entity\n", Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:1: missing required column `name`; the header has: ID, Source, Type"
        );
        let err = read_text("entity_number,name\n1,X\n", Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:1: missing required column `source`; the header has: entity_number, name"
        );
        // Any case; a header alone is a list without entries; a BOM is skipped.
        let r = read_text("\u{feff}ID,NAME,SOURCE\r\n", Strictness::Strict).unwrap();
        assert_eq!((r.records, r.dataset.entities.len()), (0, 0));
        let r = read_text(
            "ID,NAME,SOURCE\r\n7,Someone,Entity List (EL) - Bureau of Industry and Security\r\n",
            Strictness::Strict,
        )
        .unwrap();
        assert_eq!(r.dataset.entities[0].id, "us_csl-7");
        // A column the list does not have (misspelt `alt_name`) is read
        // past with a warning, and refused in strict mode.
        let text = "ID,NAME,SOURCE,alt_name\r\n7,Someone,Entity List (EL) - Bureau of Industry and Security,Other\r\n";
        let unknown =
            "t.csv:1:4: field `alt_name`: column `alt_name` is not in the Consolidated Screening List format; its \
                       values are not read";
        let r = read_text(text, Strictness::Lenient).unwrap();
        assert_eq!(r.warnings.iter().map(|e| e.to_string()).collect::<Vec<_>>(), [unknown]);
        assert!(r.dataset.entities[0].aliases.is_empty());
        assert_eq!(read_text(text, Strictness::Strict).unwrap_err().to_string(), unknown);
    }

    #[test]
    fn an_empty_file_is_empty() {
        let path = std::env::temp_dir().join(format!("interdict-csl-empty-{}.csv", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        let err = read(&path, Strictness::Lenient).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(err.kind(), ErrorKind::Empty));
        assert_eq!(err.to_string(), format!("{}: the file is empty", path.display()));
        let err = read_text(" \r\n", Strictness::Strict).unwrap_err();
        assert_eq!(err.to_string(), "t.csv: the file is empty");
    }

    #[test]
    fn a_windows_1252_file_is_decoded() {
        let r = read_fixture("latin1.csv", Strictness::Strict).unwrap();
        assert_eq!(r.dataset.entities[0].name, "CAFÉ \u{201c}CENTRAL\u{201d} LTD");
        assert_eq!(aliases(&r.dataset.entities[0]), ["Société Générale Test"]);
    }

    #[test]
    fn reads_files_and_reports_io_errors() {
        let from_file = read(&fixture("2025.csv"), Strictness::Strict).unwrap();
        let from_bytes = read_fixture("2025.csv", Strictness::Strict).unwrap();
        assert_eq!(from_file.dataset, from_bytes.dataset);
        let err = read(&fixture("missing.csv"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Io(_)));
    }

    #[test]
    fn reads_the_json_form() {
        let r = read_json(&fixture("sample.json"), Strictness::Lenient).unwrap();
        assert_eq!(r.records, 3);
        let e = entity(&r, "us_csl-1001");
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(aliases(e), ["Ivan TESTOV"]);
        assert_eq!(e.addresses, ["1 Test Street, Moscow, 101000, RU"]);
        assert_eq!(strs(&e.countries), ["RU"]);
        assert_eq!(ids(e), ["passport.ru:750123456"]);
        assert_eq!(strs(&e.birth_dates), ["1970-01-12"]);
        assert_eq!(e.notes.as_deref(), Some("Gender, Male"));
        assert_eq!(
            designations(&r),
            [
                des("us_csl-1001", "US-OFAC", "SDGT", None, None),
                des("us_csl-1001", "US-OFAC", "IRAN", None, None),
                des("us_csl-x1", "US-BIS", "Entity List (EL)", Some("2020-01-02"), None),
            ]
        );
        let p = fixture("sample.json");
        assert_eq!(
            strs(&r.rejected),
            [format!(
                "{}: field `results[2].start_date`: `02/01/2020` is not a date (YYYY-MM-DD)",
                p.display()
            )]
        );
        let err = read_json(&fixture("sample.json"), Strictness::Strict).unwrap_err();
        assert_eq!(err.field_name(), Some("results[2].start_date"));
        let err = read_json(&fixture("2025.csv"), Strictness::Strict).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Syntax(_)), "{err}");
    }

    #[test]
    fn source_names_map_to_dataset_codes() {
        for (source, code, authority) in [
            (
                "Entity List (EL) - Bureau of Industry and Security",
                "us_bis_el",
                "US-BIS",
            ),
            (
                "Denied Persons List (DPL) - Bureau of Industry and Security",
                "us_bis_dpl",
                "US-BIS",
            ),
            (
                "Unverified List (UVL) - Bureau of Industry and Security",
                "us_bis_uvl",
                "US-BIS",
            ),
            (
                "Military End User (MEU) List - Bureau of Industry and Security",
                "us_bis_meu",
                "US-BIS",
            ),
            (
                "Nonproliferation Sanctions (ISN) - State Department",
                "us_state_isn",
                "US-STATE",
            ),
            ("ITAR Debarred (DTC) - State Department", "us_state_itar", "US-STATE"),
            (
                "Specially Designated Nationals (SDN) - Treasury Department",
                "us_ofac_sdn",
                "US-OFAC",
            ),
            (
                "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
                "us_ofac_ssi",
                "US-OFAC",
            ),
            (
                "Foreign Sanctions Evaders (FSE) - Treasury Department",
                "us_ofac_fse",
                "US-OFAC",
            ),
            (
                "Palestinian Legislative Council List (PLC) - Treasury Department",
                "us_ofac_plc",
                "US-OFAC",
            ),
            ("Capta List (CAP) - Treasury Department", "us_ofac_capta", "US-OFAC"),
            (
                "Correspondent Account or Payable-Through Account Sanctions (CAPTA) - Treasury Department",
                "us_ofac_capta",
                "US-OFAC",
            ),
            (
                "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department",
                "us_ofac_cmic",
                "US-OFAC",
            ),
            (
                "Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department",
                "us_ofac_nsmbs",
                "US-OFAC",
            ),
            ("Entity List", "us_bis_el", "US-BIS"),
            (
                "Something (XYZ) - Bureau of Industry and Security",
                "us_csl_other",
                "US-BIS",
            ),
            ("Something else", "us_csl_other", "US"),
        ] {
            let (c, a, _) = list_of(source);
            assert_eq!((c, a), (code, authority), "{source}");
        }
    }

    #[test]
    fn ids_items_in_both_orders() {
        let one = |item: &str| {
            let mut e = Entity::new("x", EntityKind::Organization, "X");
            identifier(&mut e, item).then(|| ids(&e).join(" "))
        };
        assert_eq!(one("Passport, A123, IR").as_deref(), Some("passport.ir:A123"));
        assert_eq!(one("IR, A123, Passport").as_deref(), Some("passport.ir:A123"));
        assert_eq!(one("A123, Passport").as_deref(), Some("passport:A123"));
        assert_eq!(one("Website, example.com").as_deref(), Some("domain:example.com"));
        assert_eq!(one("http://rtguard.ru/, Website").as_deref(), Some("domain:rtguard.ru"));
        assert_eq!(one("CO, 805026824-5, NIT #").as_deref(), Some("tax_id.co:8050268245"));
        assert_eq!(
            one("PA, 1164157-1-574556, RUC #").as_deref(),
            Some("tax_id.pa:11641571574556")
        );
        assert_eq!(
            one("Digital Currency Address - ETH, 0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c").as_deref(),
            Some("crypto.eth:0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c")
        );
        for bad in [
            "Gender, Male",
            "Passport, A123, Atlantis",
            "Website, example.com, US",
            "IMO 9187620, Vessel Registration Identification",
            "Passport",
            "",
            "Passport, , IR",
            "a, b, c, Passport",
        ] {
            assert_eq!(one(bad), None, "{bad}");
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let sample = std::fs::read(fixture("2025.csv")).unwrap();
        for end in (0..sample.len()).step_by(7) {
            let cut = sample.get(..end).unwrap_or_default();
            let _ = read_from(Path::new("cut.csv"), cut, Strictness::Lenient);
        }
        for (i, replacement) in [b'"', b',', b'\n', 0xFF, b';', 0].into_iter().enumerate() {
            for pos in (i..sample.len()).step_by(13) {
                let mut damaged = sample.clone();
                damaged[pos] = replacement;
                let _ = read_from(Path::new("damaged.csv"), damaged.as_slice(), Strictness::Lenient);
                let _ = read_from(Path::new("damaged.csv"), damaged.as_slice(), Strictness::Strict);
            }
        }
    }
}
