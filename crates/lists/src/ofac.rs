//! OFAC's legacy CSV files: the SDN list (`sdn.csv`, `add.csv`, `alt.csv`,
//! `sdn_comments.csv`) and the consolidated non-SDN list (`cons_prim.csv`,
//! `cons_add.csv`, `cons_alt.csv`, `cons_comments.csv`), which share one
//! layout.
//!
//! The files are headerless CSV; `-0-` means empty. The primary file has one
//! row per entry (`ent_num`, name, type, programs, title, five vessel
//! columns, remarks); the others add addresses, alternate names and the
//! continuation of remarks longer than the 1,000 characters the primary file
//! holds. OFAC publishes them in Windows-1252 and ends each with a control-Z.
//!
//! What the reader makes of an entry:
//! - the entity `us_ofac_sdn-<ent_num>` (or `us_ofac_cons-<ent_num>`), of kind
//!   person, vessel, aircraft or (type `-0-`) organization;
//! - one [`Designation`] per program (`SDGT] [IRGC` is two);
//! - the `Title` column as a position;
//! - `alt.csv` names as aliases (`aka`) or former names (`fka`, `nka`);
//! - from the remarks, split on `;`: quoted `a.k.a. '...'` names (OFAC's
//!   "weak" aliases, which it keeps out of `alt.csv`), typed identifiers,
//!   birth dates and places, nationalities and `Linked To:` relations. Every
//!   item the reader does not turn into data stays in `notes`, as does every
//!   identifier whose value fails its check (an IMO number with a wrong
//!   check digit is data, not a broken record).
//!
//! Birth date ranges (`DOB 1960 to 1962`, `DOB 01 Jan 1960 to 31 Dec 1962`)
//! become every year of the range when it spans whole years and at most 20
//! of them, and the two end dates otherwise. `circa` dates are read as the
//! date given and the item also stays in `notes`, so the qualifier is kept.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use interdict_model::{
    CountryCode, Designation, Entity, EntityKind, Identifier, IdentifierKind, IdentifierRecord, Name, NameKind,
    PartialDate, Relation, RelationKind, Source,
};

use crate::error::{Error, ErrorKind};
use crate::report::{Report, Strictness};

/// Largest file accepted (the SDN primary file is about 2 MB).
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// The authority recorded on every designation.
const AUTHORITY: &str = "US-OFAC";

/// Which OFAC list a set of files holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OfacList {
    /// The Specially Designated Nationals list.
    Sdn,
    /// The consolidated non-SDN list.
    Consolidated,
}

impl OfacList {
    /// The dataset name, also the prefix of entity ids and the source id.
    pub fn dataset(self) -> &'static str {
        match self {
            OfacList::Sdn => "us_ofac_sdn",
            OfacList::Consolidated => "us_ofac_cons",
        }
    }

    /// The four file names: primary, addresses, alternate names, comments.
    pub fn file_names(self) -> [&'static str; 4] {
        match self {
            OfacList::Sdn => ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"],
            OfacList::Consolidated => ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"],
        }
    }

    fn source(self) -> Source {
        let (title, url) = match self {
            OfacList::Sdn => (
                "OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
                "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
            ),
            OfacList::Consolidated => (
                "OFAC Consolidated Sanctions List (non-SDN lists)",
                "https://ofac.treasury.gov/other-ofac-sanctions-lists",
            ),
        };
        Source {
            id: self.dataset().to_string(),
            title: title.to_string(),
            url: Some(url.to_string()),
            citation: None,
        }
    }
}

/// Reads the four files of one OFAC list from a directory: sdn.csv/add.csv/alt.csv/sdn_comments.csv for Sdn,
/// cons_prim.csv/cons_add.csv/cons_alt.csv/cons_comments.csv for Consolidated. add/alt/comments are optional
/// (a missing one is not an error); the primary file is required.
pub fn read_dir(dir: &Path, list: OfacList, mode: Strictness) -> Result<Report, Error> {
    let [prim, add, alt, comments] = list.file_names().map(|n| dir.join(n));
    let optional = |p: &PathBuf| p.is_file().then_some(p.clone());
    let (add, alt, comments) = (optional(&add), optional(&alt), optional(&comments));
    read_files(list, &prim, add.as_deref(), alt.as_deref(), comments.as_deref(), mode)
}

/// Reads from explicit paths (primary required).
pub fn read_files(
    list: OfacList,
    primary: &Path,
    add: Option<&Path>,
    alt: Option<&Path>,
    comments: Option<&Path>,
    mode: Strictness,
) -> Result<Report, Error> {
    Reader::new(list, mode, primary).run(primary, add, alt, comments)
}

/// Reads the files of one list from memory: `(name, bytes)` pairs in the
/// order primary, add, alt, comments. Names are used in errors only. This
/// is how the bundled lists are read, without touching the disk.
pub fn read_bytes(
    list: OfacList,
    primary: (&Path, &[u8]),
    add: Option<(&Path, &[u8])>,
    alt: Option<(&Path, &[u8])>,
    comments: Option<(&Path, &[u8])>,
    mode: Strictness,
) -> Result<Report, Error> {
    let mut r = Reader::new(list, mode, primary.0);
    for (name, bytes) in [Some(primary), add, alt, comments].into_iter().flatten() {
        if bytes.len() as u64 > MAX_FILE {
            return Err(Error::new(ErrorKind::TooLarge { limit: MAX_FILE }).at(name));
        }
        r.memory.insert(name.to_path_buf(), bytes.to_vec());
    }
    r.run(primary.0, add.map(|f| f.0), alt.map(|f| f.0), comments.map(|f| f.0))
}

/// One entry while the files are being read.
struct Entry {
    entity: Entity,
    remarks: String,
    /// Notes in order; a `Linked To:` note is set to `None` once resolved.
    notes: Vec<Option<String>>,
    /// `Linked To:` targets: (index into `notes`, name).
    links: Vec<(usize, String)>,
}

struct Reader {
    list: OfacList,
    mode: Strictness,
    report: Report,
    entries: Vec<Entry>,
    by_num: HashMap<u64, usize>,
    primary: PathBuf,
    /// Files given as bytes, by the name used for them.
    memory: HashMap<PathBuf, Vec<u8>>,
}

/// One CSV row: its first line and its fields, decoded, trimmed, with
/// `-0-` as `None`.
struct Row {
    line: u64,
    fields: Vec<Option<String>>,
}

impl Row {
    fn get(&self, i: usize) -> Option<&str> {
        self.fields.get(i).and_then(|f| f.as_deref())
    }
}

impl Reader {
    fn new(list: OfacList, mode: Strictness, primary: &Path) -> Reader {
        Reader {
            list,
            mode,
            report: Report::default(),
            entries: Vec::new(),
            by_num: HashMap::new(),
            primary: primary.to_path_buf(),
            memory: HashMap::new(),
        }
    }

    /// Reads the primary file, then the comments (which continue the
    /// primary rows' remarks), alt names and addresses.
    fn run(
        mut self,
        primary: &Path,
        add: Option<&Path>,
        alt: Option<&Path>,
        comments: Option<&Path>,
    ) -> Result<Report, Error> {
        self.read_primary(primary)?;
        if let Some(p) = comments {
            self.read_comments(p)?;
        }
        if let Some(p) = alt {
            self.read_alt(p)?;
        }
        if let Some(p) = add {
            self.read_add(p)?;
        }
        Ok(self.finish())
    }

    fn bad(&mut self, path: &Path, line: u64, field: Option<&str>, kind: ErrorKind) -> Result<(), Error> {
        let mut err = Error::new(kind).at(path).line(line);
        if let Some(f) = field {
            err = err.field(f);
        }
        self.report.reject(self.mode, err)
    }

    /// Reads a file's rows, rejecting those without `columns` columns.
    fn rows(&mut self, path: &Path, columns: usize, required: bool) -> Result<Vec<Row>, Error> {
        let rows = match self.memory.get(path) {
            Some(bytes) => parse_rows(path, bytes)?,
            None => read_rows(path)?,
        };
        if required && rows.is_empty() {
            return Err(Error::new(ErrorKind::Empty).at(path));
        }
        let mut good = Vec::with_capacity(rows.len());
        for row in rows {
            self.report.records += 1;
            if row.fields.len() != columns {
                let msg = format!("expected {columns} columns, found {}", row.fields.len());
                self.bad(path, row.line, None, ErrorKind::Syntax(msg))?;
                continue;
            }
            good.push(row);
        }
        Ok(good)
    }

    /// The entry a secondary row belongs to, or a rejection.
    fn owner(&mut self, path: &Path, row: &Row) -> Result<Option<usize>, Error> {
        let raw = row.get(0).unwrap_or("");
        let Some(num) = parse_ent_num(raw) else {
            let msg = format!("`{raw}` is not an entry number");
            self.bad(path, row.line, Some("ent_num"), ErrorKind::Invalid(msg))?;
            return Ok(None);
        };
        match self.by_num.get(&num) {
            Some(&i) => Ok(Some(i)),
            None => {
                let primary = self
                    .primary
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let msg = format!("no entry {num} in {primary}");
                self.bad(path, row.line, Some("ent_num"), ErrorKind::Invalid(msg))?;
                Ok(None)
            }
        }
    }

    fn read_primary(&mut self, path: &Path) -> Result<(), Error> {
        let dataset = self.list.dataset();
        for row in self.rows(path, 12, true)? {
            let raw_num = row.get(0).unwrap_or("");
            let Some(num) = parse_ent_num(raw_num) else {
                let msg = format!("`{raw_num}` is not an entry number");
                self.bad(path, row.line, Some("ent_num"), ErrorKind::Invalid(msg))?;
                continue;
            };
            if self.by_num.contains_key(&num) {
                let msg = format!("entry {num} appears twice");
                self.bad(path, row.line, Some("ent_num"), ErrorKind::Invalid(msg))?;
                continue;
            }
            let Some(name) = row.get(1) else {
                self.bad(
                    path,
                    row.line,
                    Some("SDN_Name"),
                    ErrorKind::Invalid("empty name".into()),
                )?;
                continue;
            };
            let kind = match row.get(2).map(str::to_ascii_lowercase).as_deref() {
                None => EntityKind::Organization,
                Some("individual") => EntityKind::Person,
                Some("vessel") => EntityKind::Vessel,
                Some("aircraft") => EntityKind::Aircraft,
                Some(other) => {
                    let msg = format!("unknown type `{other}`: expected individual, vessel, aircraft or -0-");
                    self.bad(path, row.line, Some("SDN_Type"), ErrorKind::Invalid(msg))?;
                    continue;
                }
            };
            let id = format!("{dataset}-{num}");
            let mut entity = Entity::new(id.clone(), kind, name);
            entity.datasets.push(dataset.to_string());
            entity.sources.push(dataset.to_string());
            if let Some(title) = row.get(4) {
                entity.positions.push(title.to_string());
            }
            let mut notes = Vec::new();
            for (i, label) in [(5, "Call Sign"), (6, "Vessel Type"), (7, "Tonnage"), (8, "GRT")] {
                if let Some(v) = row.get(i) {
                    notes.push(Some(format!("{label} {v}")));
                }
            }
            if let Some(flag) = row.get(9) {
                match country_code(flag) {
                    Some(cc) => push_unique(&mut entity.countries, cc),
                    None => notes.push(Some(format!("Vessel Flag {flag}"))),
                }
            }
            if let Some(owner) = row.get(10) {
                notes.push(Some(format!("Vessel Owner {owner}")));
            }
            let mut seen = HashSet::new();
            for program in programs(row.get(3).unwrap_or("")) {
                if seen.insert(program) {
                    self.report.dataset.designations.push(Designation {
                        entity_id: id.clone(),
                        authority: AUTHORITY.to_string(),
                        program: program.to_string(),
                        listed: None,
                        start: None,
                        end: None,
                        sources: vec![dataset.to_string()],
                    });
                }
            }
            self.by_num.insert(num, self.entries.len());
            self.entries.push(Entry {
                entity,
                remarks: row.get(11).unwrap_or("").to_string(),
                notes,
                links: Vec::new(),
            });
        }
        Ok(())
    }

    /// Comments continue the remarks of the same entry: OFAC cuts the
    /// remarks column at 1,000 characters, often mid-word, and the comment
    /// row carries on from the cut, so the two are joined without a gap.
    fn read_comments(&mut self, path: &Path) -> Result<(), Error> {
        for row in self.rows(path, 2, false)? {
            let Some(i) = self.owner(path, &row)? else { continue };
            if let (Some(text), Some(entry)) = (row.get(1), self.entries.get_mut(i)) {
                entry.remarks.push_str(text);
            }
        }
        Ok(())
    }

    fn read_alt(&mut self, path: &Path) -> Result<(), Error> {
        for row in self.rows(path, 5, false)? {
            let Some(i) = self.owner(path, &row)? else { continue };
            let kind = match row.get(2).map(str::to_ascii_lowercase).as_deref() {
                Some("aka") => NameKind::Alias,
                Some("fka") | Some("nka") => NameKind::Former,
                other => {
                    let msg = format!(
                        "unknown alias type `{}`: expected aka, fka or nka",
                        other.unwrap_or("-0-")
                    );
                    self.bad(path, row.line, Some("alt_type"), ErrorKind::Invalid(msg))?;
                    continue;
                }
            };
            let Some(name) = row.get(3) else {
                self.bad(
                    path,
                    row.line,
                    Some("alt_name"),
                    ErrorKind::Invalid("empty name".into()),
                )?;
                continue;
            };
            // alt_remarks is `-0-` throughout the published files; a weak
            // alias there would say so.
            let kind = match row.get(4) {
                Some(r) if r.to_ascii_lowercase().contains("weak") => NameKind::WeakAlias,
                _ => kind,
            };
            if let Some(entry) = self.entries.get_mut(i) {
                if let Some(r) = row.get(4) {
                    entry.notes.push(Some(format!("{name}: {r}")));
                }
                add_name(&mut entry.entity, name, kind);
            }
        }
        Ok(())
    }

    fn read_add(&mut self, path: &Path) -> Result<(), Error> {
        for row in self.rows(path, 6, false)? {
            let Some(i) = self.owner(path, &row)? else { continue };
            let Some(entry) = self.entries.get_mut(i) else { continue };
            let parts: Vec<&str> = [2, 3, 4].iter().filter_map(|&c| row.get(c)).collect();
            if !parts.is_empty() {
                let mut address = parts.join(", ");
                if let Some(r) = row.get(5) {
                    address.push_str(&format!(" ({r})"));
                }
                if !entry.entity.addresses.contains(&address) {
                    entry.entity.addresses.push(address);
                }
            }
            if let Some(cc) = row.get(4).and_then(country_code) {
                push_unique(&mut entry.entity.countries, cc);
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Report {
        for entry in &mut self.entries {
            let remarks = std::mem::take(&mut entry.remarks);
            parse_remarks(entry, &remarks);
        }
        // Linked To: resolved by exact primary name, when exactly one entry
        // of the same list has it.
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, e) in self.entries.iter().enumerate() {
            by_name.entry(e.entity.name.as_str()).or_default().push(i);
        }
        let mut resolved: Vec<(usize, usize, usize)> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            for (note, target) in &e.links {
                let candidates = [
                    Some(target.clone()),
                    target.strip_suffix('.').map(str::to_string),
                    Some(format!("{target}.")),
                ];
                let hit = candidates
                    .iter()
                    .flatten()
                    .find_map(|name| match by_name.get(name.as_str()) {
                        Some(v) if v.len() == 1 => v.first().copied(),
                        _ => None,
                    });
                if let Some(j) = hit.filter(|&j| j != i) {
                    resolved.push((i, *note, j));
                }
            }
        }
        let dataset = self.list.dataset();
        let mut seen = HashSet::new();
        for (i, note, j) in resolved {
            let (Some(from), Some(to)) = (self.entries.get(i), self.entries.get(j)) else {
                continue;
            };
            let (from, to) = (from.entity.id.clone(), to.entity.id.clone());
            if let Some(slot) = self.entries.get_mut(i).and_then(|e| e.notes.get_mut(note)) {
                *slot = None;
            }
            if seen.insert((from.clone(), to.clone())) {
                self.report.dataset.relations.push(Relation {
                    kind: RelationKind::LinkedTo,
                    from,
                    to,
                    percent: None,
                    basis: None,
                    start: None,
                    end: None,
                    as_of: None,
                    sources: vec![dataset.to_string()],
                    confidence: Default::default(),
                    note: None,
                });
            }
        }
        for entry in self.entries {
            let mut entity = entry.entity;
            let notes: Vec<String> = entry.notes.into_iter().flatten().collect();
            if !notes.is_empty() {
                entity.notes = Some(notes.join("; "));
            }
            self.report.dataset.entities.push(entity);
        }
        self.report.dataset.sources.push(self.list.source());
        self.report
    }
}

/// Reads a file into rows. The control-Z OFAC puts on the last line is the
/// end of the file, not a record.
fn read_rows(path: &Path) -> Result<Vec<Row>, Error> {
    let io = |e| Error::new(ErrorKind::Io(e)).at(path);
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_FILE {
        return Err(Error::new(ErrorKind::TooLarge { limit: MAX_FILE }).at(path));
    }
    let data = std::fs::read(path).map_err(io)?;
    parse_rows(path, &data)
}

/// Splits a file's bytes into rows; `path` names it in errors.
fn parse_rows(path: &Path, data: &[u8]) -> Result<Vec<Row>, Error> {
    let mut body: &[u8] = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    while let [rest @ .., b'\r' | b'\n'] = body {
        body = rest;
    }
    if let [rest @ .., 0x1A] = body {
        if rest.is_empty() || rest.ends_with(b"\n") {
            body = rest;
        }
    }
    let mut rows = Vec::new();
    crate::csv_records::for_each(path, body, b',', |line, record| {
        rows.push(Row {
            line,
            fields: record.iter().map(field).collect(),
        });
    })?;
    Ok(rows)
}

/// A field as text: UTF-8 where it is valid, Windows-1252 otherwise.
fn field(bytes: &[u8]) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    };
    let t = text.trim();
    (!t.is_empty() && t != "-0-").then(|| t.to_string())
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

fn parse_ent_num(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `SDGT] [IRGC` → `SDGT`, `IRGC`.
fn programs(raw: &str) -> impl Iterator<Item = &str> {
    raw.split("] [")
        .map(|p| p.trim().trim_start_matches('[').trim_end_matches(']').trim())
        .filter(|p| !p.is_empty())
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

fn add_name(entity: &mut Entity, name: &str, kind: NameKind) {
    if name == entity.name || entity.aliases.iter().any(|a| a.name == name) {
        return;
    }
    entity.aliases.push(Name {
        name: name.to_string(),
        lang: None,
        kind,
        confidence: Default::default(),
    });
}

fn add_identifier(entity: &mut Entity, id: Identifier) {
    if !entity.identifiers.iter().any(|r| r.identifier == id) {
        entity.identifiers.push(IdentifierRecord {
            identifier: id,
            confidence: Default::default(),
            note: None,
        });
    }
}

/// Splits the remarks on `;` and turns each item it knows into data; the
/// rest go to notes.
fn parse_remarks(entry: &mut Entry, remarks: &str) {
    for item in remarks.split(';') {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        match parse_item(&mut entry.entity, item) {
            Parsed::Done => {}
            Parsed::Note => entry.notes.push(Some(item.to_string())),
            Parsed::Link(target) => {
                entry.links.push((entry.notes.len(), target));
                entry.notes.push(Some(item.to_string()));
            }
        }
    }
}

enum Parsed {
    /// Turned into data.
    Done,
    /// Kept as a note (not understood, or only partly).
    Note,
    /// A `Linked To:` target, to be resolved once every entry is read.
    Link(String),
}

fn parse_item(entity: &mut Entity, item: &str) -> Parsed {
    let body = item.strip_prefix("alt. ").unwrap_or(item);
    // The last item of the remarks ends with the sentence's full stop.
    let value = body.strip_suffix('.').unwrap_or(body).trim();

    for (prefix, kind) in [
        ("a.k.a. ", NameKind::WeakAlias),
        ("f.k.a. ", NameKind::WeakAlias),
        ("n.k.a. ", NameKind::WeakAlias),
    ] {
        if let Some(rest) = value.strip_prefix(prefix) {
            return match rest
                .strip_prefix('\'')
                .and_then(|r| r.strip_suffix('\''))
                .map(str::trim)
            {
                Some(name) if !name.is_empty() => {
                    add_name(entity, name, kind);
                    Parsed::Done
                }
                _ => Parsed::Note,
            };
        }
    }
    if let Some(target) = body.strip_prefix("Linked To:") {
        let target = target.trim();
        return if target.is_empty() {
            Parsed::Note
        } else {
            Parsed::Link(target.to_string())
        };
    }
    if let Some(rest) = value.strip_prefix("DOB ") {
        let circa = rest.starts_with("circa ");
        return match parse_dob(rest.strip_prefix("circa ").unwrap_or(rest)) {
            Some(dates) => {
                for d in dates {
                    push_unique(&mut entity.birth_dates, d);
                }
                if circa {
                    Parsed::Note
                } else {
                    Parsed::Done
                }
            }
            None => Parsed::Note,
        };
    }
    if let Some(place) = value.strip_prefix("POB ") {
        let place = place.trim();
        if !place.is_empty() {
            push_unique(&mut entity.birth_places, place.to_string());
            return Parsed::Done;
        }
        return Parsed::Note;
    }
    for prefix in ["nationality ", "citizen "] {
        if let Some(country) = value.strip_prefix(prefix) {
            return match country_code(country) {
                Some(cc) => {
                    push_unique(&mut entity.nationalities, cc);
                    Parsed::Done
                }
                None => Parsed::Note,
            };
        }
    }
    if let Some(v) = value
        .strip_prefix("Website ")
        .or_else(|| value.strip_prefix("Website:"))
    {
        return identifier(entity, IdentifierKind::Domain, v);
    }
    let lower = value.to_ascii_lowercase();
    for prefix in ["email address ", "email:", "email "] {
        if lower.starts_with(prefix) {
            return identifier(entity, IdentifierKind::Email, value.get(prefix.len()..).unwrap_or(""));
        }
    }
    if let Some(rest) = value.strip_prefix("Digital Currency Address - ") {
        let Some((ticker, address)) = rest.split_once(' ') else {
            return Parsed::Note;
        };
        if ticker.is_empty() || ticker.len() > 16 || !ticker.bytes().all(|c| c.is_ascii_alphanumeric()) {
            return Parsed::Note;
        }
        return identifier(entity, IdentifierKind::Crypto(ticker.to_ascii_lowercase()), address);
    }
    for prefix in ["Vessel Registration Identification IMO ", "IMO "] {
        if let Some(v) = value.strip_prefix(prefix) {
            return identifier(entity, IdentifierKind::Imo, v);
        }
    }
    if let Some(v) = value.strip_prefix("MMSI ") {
        return identifier(entity, IdentifierKind::Mmsi, v);
    }
    if let Some(v) = value.strip_prefix("SWIFT/BIC ") {
        return identifier(entity, IdentifierKind::Bic, v);
    }
    type WithCountry = fn(Option<CountryCode>) -> IdentifierKind;
    let with_country: [(&str, WithCountry); 5] = [
        ("Tax ID No. ", IdentifierKind::TaxId),
        ("Registration ID ", IdentifierKind::Registration),
        ("Registration Number ", IdentifierKind::Registration),
        ("Passport ", IdentifierKind::Passport),
        ("National ID No. ", IdentifierKind::NationalId),
    ];
    for (prefix, make) in with_country {
        if let Some(rest) = value.strip_prefix(prefix) {
            let Some((number, country, complete)) = number_and_country(rest) else {
                return Parsed::Note;
            };
            let parsed = identifier(entity, make(country), number);
            // Issue and expiry dates are not modelled: keep the item.
            return if complete { parsed } else { Parsed::Note };
        }
    }
    Parsed::Note
}

/// Adds the identifier when its value passes the type's checks; otherwise
/// the item stays in notes.
fn identifier(entity: &mut Entity, kind: IdentifierKind, raw: &str) -> Parsed {
    match Identifier::new(kind, raw.trim()) {
        Ok(id) => {
            add_identifier(entity, id);
            Parsed::Done
        }
        Err(_) => Parsed::Note,
    }
}

/// `X (Country)`, `X`, `X (Country) issued 01 Jan 2000`, `X issued ...`:
/// the number, the country code when the name is known, and whether
/// nothing else followed.
fn number_and_country(rest: &str) -> Option<(&str, Option<CountryCode>, bool)> {
    let (number, tail) = match rest.find(" (") {
        Some(i) => (rest.get(..i)?, rest.get(i..)?),
        None => match [" issued ", " expires "].iter().filter_map(|m| rest.find(m)).min() {
            Some(i) => (rest.get(..i)?, rest.get(i..)?),
            None => (rest, ""),
        },
    };
    let number = number.trim();
    if number.is_empty()
        || number.contains(" - ")
        || !number
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/' | '(' | ')'))
    {
        return None;
    }
    let tail = tail.trim();
    if tail.is_empty() {
        return Some((number, None, true));
    }
    if let Some(inner) = tail.strip_prefix('(') {
        let close = inner.find(')')?;
        let country = inner.get(..close)?;
        let after = inner.get(close + 1..)?.trim();
        return Some((number, country_code(country), after.is_empty()));
    }
    Some((number, None, false))
}

/// `12 Jan 1970`, `Jan 1970`, `1970`, and ranges `A to B` or `1960-1962`.
fn parse_dob(s: &str) -> Option<Vec<PartialDate>> {
    let s = s.trim();
    let (a, b) = match s.split_once(" to ") {
        Some((a, b)) => (a, Some(b)),
        None => match s.split_once('-') {
            Some((a, b)) if a.trim().len() == 4 && b.trim().len() == 4 => (a, Some(b)),
            _ => (s, None),
        },
    };
    let start = one_date(a)?;
    let Some(b) = b else {
        return Some(vec![start]);
    };
    let end = one_date(b)?;
    let whole_years = |a: &str, b: &str| -> Option<(u32, u32)> {
        let y = |d: &str| d.get(..4).and_then(|y| y.parse::<u32>().ok());
        let a_ok = a.len() == 4 || a.ends_with("-01-01") || a.ends_with("-01");
        let b_ok = b.len() == 4 || b.ends_with("-12-31") || b.ends_with("-12");
        (a_ok && b_ok).then_some((y(a)?, y(b)?))
    };
    if let Some((y1, y2)) = whole_years(start.as_str(), end.as_str()) {
        if y1 <= y2 && y2 - y1 <= 20 {
            return (y1..=y2).map(|y| format!("{y:04}").parse().ok()).collect();
        }
    }
    Some(if start == end { vec![start] } else { vec![start, end] })
}

fn one_date(s: &str) -> Option<PartialDate> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let text = match parts.as_slice() {
        [y] if y.len() == 4 => y.to_string(),
        [m, y] if y.len() == 4 => format!("{y}-{:02}", month(m)?),
        [d, m, y] if y.len() == 4 && d.len() <= 2 => format!("{y}-{:02}-{:02}", month(m)?, d.parse::<u32>().ok()?),
        _ => return None,
    };
    text.parse().ok()
}

fn month(m: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = m.to_ascii_lowercase();
    let m = m.get(..3)?;
    MONTHS
        .iter()
        .position(|x| *x == m)
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The ISO code of a country name as OFAC writes it; `None` for names
/// that are not a country (`Region: Crimea`, `undetermined`) or unknown.
fn country_code(name: &str) -> Option<CountryCode> {
    crate::countries::code_of_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ofac")
    }

    fn entity<'a>(r: &'a Report, id: &str) -> &'a Entity {
        r.dataset
            .entities
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no entity {id}"))
    }

    fn ids(e: &Entity) -> Vec<String> {
        e.identifiers.iter().map(|r| r.identifier.to_string()).collect()
    }

    fn names(e: &Entity) -> Vec<(String, NameKind)> {
        e.aliases.iter().map(|a| (a.name.clone(), a.kind)).collect()
    }

    #[test]
    fn reads_the_sdn_fixture() {
        let dir = fixtures().join("sdn");
        let r = read_dir(&dir, OfacList::Sdn, Strictness::Lenient).unwrap();
        // 8 rows in sdn.csv, 3 in add.csv, 5 in alt.csv, 1 in sdn_comments.csv.
        assert_eq!(r.records, 17);
        let got: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(
            got,
            [
                "us_ofac_sdn-100",
                "us_ofac_sdn-200",
                "us_ofac_sdn-300",
                "us_ofac_sdn-400",
                "us_ofac_sdn-500"
            ]
        );

        // A company: -0- type, Latin-1 name, website, email, weak aka,
        // remarks continued in sdn_comments.csv, two programs.
        let bank = entity(&r, "us_ofac_sdn-100");
        assert_eq!(bank.kind, EntityKind::Organization);
        assert_eq!(bank.name, "BANCO CAFÉ \"CENTRAL\"");
        assert_eq!(
            names(bank),
            [
                ("CAFE BANK".to_string(), NameKind::Alias),
                ("OLD CAFE BANK".to_string(), NameKind::Former),
                ("BCC".to_string(), NameKind::WeakAlias),
            ]
        );
        assert_eq!(
            ids(bank),
            [
                "domain:www.cafebank.example.com",
                "email:info@cafebank.example.com",
                "bic:CAFECUHH",
                "tax_id.cu:12345678",
            ]
        );
        assert_eq!(bank.addresses, ["Calle 1, Havana, Cuba"]);
        assert_eq!(bank.countries, ["CU".parse::<CountryCode>().unwrap()]);
        assert_eq!(bank.datasets, ["us_ofac_sdn"]);
        assert_eq!(bank.notes.as_deref(), Some("Organization Established Date 1950"));
        let programs: Vec<(&str, &str)> = r
            .dataset
            .designations
            .iter()
            .filter(|d| d.entity_id == bank.id)
            .map(|d| (d.authority.as_str(), d.program.as_str()))
            .collect();
        assert_eq!(programs, [("US-OFAC", "CUBA"), ("US-OFAC", "SDGT")]);

        // A person: dates, place, nationality, passport, crypto address,
        // a range of birth years, Linked To resolved.
        let p = entity(&r, "us_ofac_sdn-200");
        assert_eq!(p.kind, EntityKind::Person);
        assert_eq!(p.name, "PEREZ, Juan");
        assert_eq!(p.positions, ["Director of BANCO"]);
        let dates: Vec<&str> = p.birth_dates.iter().map(|d| d.as_str()).collect();
        assert_eq!(dates, ["1970-01-12", "1960", "1961", "1962", "1971-03"]);
        assert_eq!(p.birth_places, ["Havana, Cuba"]);
        assert_eq!(p.nationalities, ["CU".parse::<CountryCode>().unwrap()]);
        assert_eq!(
            ids(p),
            [
                "passport.cu:A123456",
                "crypto.xbt:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
                "crypto.eth:0x8576acc5c05d6ce88f4e49bf65bdf0c62f91353c",
            ]
        );
        assert_eq!(p.notes.as_deref(), Some("DOB circa Mar 1971; Gender Male"));
        assert_eq!(r.dataset.relations.len(), 1);
        let rel = &r.dataset.relations[0];
        assert_eq!(
            (rel.kind, rel.from.as_str(), rel.to.as_str()),
            (RelationKind::LinkedTo, "us_ofac_sdn-200", "us_ofac_sdn-100")
        );

        // A vessel: IMO with a good check digit, MMSI, flag; a bad IMO
        // stays in notes with the vessel columns.
        let v = entity(&r, "us_ofac_sdn-300");
        assert_eq!(v.kind, EntityKind::Vessel);
        assert_eq!(ids(v), ["imo:9187629", "mmsi:572469210"]);
        assert_eq!(v.countries, ["PA".parse::<CountryCode>().unwrap()]);
        assert_eq!(
            v.notes.as_deref(),
            Some(
                "Call Sign 3FXX9; Vessel Type Crude Oil Tanker; Tonnage 1000; GRT 900; Vessel Owner SHIP CO; \
                 IMO 9187620; Linked To: NOBODY KNOWN."
            )
        );

        assert_eq!(entity(&r, "us_ofac_sdn-400").kind, EntityKind::Aircraft);
        assert_eq!(entity(&r, "us_ofac_sdn-500").name, "EMPTY REMARKS LTD.");

        // The bad main rows and the orphan alt row, each with its place.
        let sdn = dir.join("sdn.csv");
        let alt = dir.join("alt.csv");
        let got: Vec<String> = r.rejected.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            got,
            [
                format!("{}:6: expected 12 columns, found 3", sdn.display()),
                format!("{}:7: field `ent_num`: `X7` is not an entry number", sdn.display()),
                format!("{}:8: field `ent_num`: entry 100 appears twice", sdn.display()),
                format!("{}:5: field `ent_num`: no entry 999 in sdn.csv", alt.display()),
            ]
        );
        assert_eq!(r.rejected[3].line_number(), Some(5));
        assert_eq!(r.rejected[3].field_name(), Some("ent_num"));
        assert!(r.dataset.validate().is_empty(), "{:?}", r.dataset.validate());
    }

    #[test]
    fn strict_mode_stops_at_the_first_bad_record() {
        let dir = fixtures().join("sdn");
        let err = read_dir(&dir, OfacList::Sdn, Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}:6: expected 12 columns, found 3", dir.join("sdn.csv").display())
        );
    }

    #[test]
    fn reads_the_consolidated_fixture_and_optional_files_may_be_missing() {
        let dir = fixtures().join("cons");
        let r = read_dir(&dir, OfacList::Consolidated, Strictness::Strict).unwrap();
        assert_eq!(r.records, 3);
        let e = entity(&r, "us_ofac_cons-17014");
        assert_eq!(e.kind, EntityKind::Organization);
        assert_eq!(e.datasets, ["us_ofac_cons"]);
        assert_eq!(ids(e), ["registration.ru:1027700342890"]);
        assert_eq!(names(e), [("RUSAG".to_string(), NameKind::WeakAlias)]);
        let programs: Vec<&str> = r.dataset.designations.iter().map(|d| d.program.as_str()).collect();
        assert_eq!(programs, ["UKRAINE-EO13662", "RUSSIA-EO14024", "NS-PLC"]);
        assert_eq!(r.dataset.sources[0].id, "us_ofac_cons");
    }

    #[test]
    fn a_missing_primary_file_is_an_error() {
        let dir = fixtures().join("nowhere");
        let err = read_dir(&dir, OfacList::Sdn, Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Io(_)), "{err}");
        assert_eq!(err.path(), Some(dir.join("sdn.csv").as_path()));
    }

    #[test]
    fn fields_fall_back_to_windows_1252() {
        assert_eq!(field(b"CAF\xC9").as_deref(), Some("CAFÉ"));
        assert_eq!(field("CAFÉ".as_bytes()).as_deref(), Some("CAFÉ"));
        assert_eq!(field(b"\x93quoted\x94").as_deref(), Some("\u{201c}quoted\u{201d}"));
        assert_eq!(field(b"-0- "), None);
        assert_eq!(field(b"  "), None);
    }

    #[test]
    fn birth_dates() {
        let d = |s: &str| parse_dob(s).map(|v| v.iter().map(|d| d.to_string()).collect::<Vec<_>>());
        assert_eq!(d("12 Jan 1970").unwrap(), ["1970-01-12"]);
        assert_eq!(d("Jan 1970").unwrap(), ["1970-01"]);
        assert_eq!(d("1970").unwrap(), ["1970"]);
        assert_eq!(d("1960 to 1962").unwrap(), ["1960", "1961", "1962"]);
        assert_eq!(d("01 Jan 1960 to 31 Dec 1961").unwrap(), ["1960", "1961"]);
        assert_eq!(d("1950-1952").unwrap(), ["1950", "1951", "1952"]);
        assert_eq!(d("01 Mar 1960 to 01 Jun 1960").unwrap(), ["1960-03-01", "1960-06-01"]);
        assert_eq!(d("1900 to 1990").unwrap(), ["1900", "1990"]);
        for bad in ["31 Feb 1970", "Foo 1970", "12 Jan 70", "", "1970 to", "to 1970"] {
            assert!(d(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn identifiers_with_a_country() {
        assert_eq!(
            number_and_country("A123 (Cuba)"),
            Some(("A123", "CU".parse().ok(), true))
        );
        assert_eq!(number_and_country("A123"), Some(("A123", None, true)));
        assert_eq!(
            number_and_country("G 649385 issued 08 Sep 2006"),
            Some(("G 649385", None, false))
        );
        assert_eq!(
            number_and_country("F 879567 (Morocco) issued 29 Apr 1992"),
            Some(("F 879567", "MA".parse().ok(), false))
        );
        assert_eq!(number_and_country("C 1415363 - 16/2/1421H issued 21 May 2000"), None);
        assert_eq!(number_and_country("X (Atlantis)"), Some(("X", None, true)));
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let dir = std::env::temp_dir().join(format!("interdict-ofac-odd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let inputs: [&[u8]; 8] = [
            b"",
            b"\x1a",
            b"\r\n\x1a",
            b"1,\"unterminated",
            b"1,\"A\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,\"DOB ; POB ; a.k.a. '; Linked To: ; Passport ( ; IMO \xff\"",
            b"\xef\xbb\xbf1,\"A\",x,,,,,,,,,\r\n",
            b"18446744073709551616,\"A\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-",
            b"\n\n\n",
        ];
        for (i, bytes) in inputs.iter().enumerate() {
            let p = dir.join(format!("{i}.csv"));
            std::fs::write(&p, bytes).unwrap();
            for mode in [Strictness::Lenient, Strictness::Strict] {
                let _ = read_files(OfacList::Sdn, &p, Some(&p), Some(&p), Some(&p), mode);
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
