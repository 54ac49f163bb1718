//! The EU Financial Sanctions Files (FSF) consolidated list, in its XML
//! layout (`xmlFullSanctionsList_1_1`): a root `export` (namespace
//! `http://eu.europa.ec/fpi/fsd/export`) holding `sanctionEntity` records
//! whose data sits mostly in attributes.
//!
//! Each record becomes one [`Entity`] (`eu_fsf-<euReferenceNumber>`, or
//! `eu_fsf-<logicalId>` when the reference number is missing; dataset
//! `eu_fsf`) and one [`Designation`] per distinct `regulation/@programme`
//! (authority `EU`; listed and start = `@designationDate`, else the earliest
//! `@entryIntoForceDate` of that programme's regulations).
//!
//! The mapping, element by element:
//!
//! - `subjectType/@code`: `person` → person, `enterprise` → organization;
//!   a record without `subjectType` → legal entity (type not stated).
//! - `nameAlias`: the name is `@wholeName`, else `@firstName`
//!   `@middleName` `@lastName` joined. The first alias with
//!   `strong="true"` (else the first alias) is the primary name; the others
//!   are aliases, `strong="false"` ones weak aliases. `@nameLanguage`
//!   (`EN`, `RU`) becomes the alias's language, lower-cased. Aliases equal
//!   (ignoring case) to the name or an earlier alias are dropped; a repeat
//!   of a weak alias as a strong one makes it strong. `@function` →
//!   positions for a person, notes otherwise; `@title`, `@gender` and a
//!   `remark` → notes. Every text value has its white space runs collapsed.
//! - `citizenship/@countryIso2Code` → nationalities (`00` means unknown).
//! - `birthdate`: `@birthdate` (`YYYY-MM-DD`), else `@year` with
//!   `@monthOfYear` and `@dayOfMonth` as far as they are given, else the
//!   years `@yearRangeFrom`..`@yearRangeTo` (year by year when the range
//!   spans at most 10 years, else its endpoints). `circa="true"` and year
//!   ranges also leave a note. A birth date that cannot be read goes to the
//!   notes. `@city`, `@region`, `@place` and `@countryDescription` →
//!   birth place.
//! - `identification` by `@identificationTypeCode`: `passport` → passport,
//!   `id` → national id, `fiscalcode` → tax id, `regnumber` → registration
//!   (each with the country of `@countryIso2Code`), `swiftbic` → BIC,
//!   `imo` → IMO number; the number is `@number`, else `@latinNumber`.
//!   `@issuedBy`, the flags `diplomatic`, `knownExpired`, `knownFalse`,
//!   `reportedLost`, `revokedByIssuer` and `remark` become the identifier's
//!   note. Other types (`other`, `ssn`, `tradelic`, ...), numbers that are
//!   not plain document numbers and numbers failing their type's checks
//!   go to the notes; they never drop the entity.
//! - `address`: `@street`, `PO Box @poBox`, `@city`, `@zipCode`,
//!   `@region`, `@place`, `@countryDescription` → "a, b, c"; a valid
//!   `@countryIso2Code` joins the countries. `contactInfo` with key `EMAIL`
//!   or `WEB` → email or domain identifiers (notes when invalid), other keys
//!   (`PHONE`, `FAX`) → notes; `remark` → notes.
//! - `remark` of the record → notes.
//! - Dates are `YYYY-MM-DD`, optionally followed by a time-zone offset
//!   (`2022-02-23+01:00`, `Z`) or a time (`T10:00:00`), which are dropped.
//!
//! A record without `euReferenceNumber` and `logicalId`, without a name or
//! a `regulation/@programme`, with a `designationDate` or
//! `entryIntoForceDate` that is not a date, with an unknown `subjectType`,
//! or whose reference repeats an earlier record's is bad: reported with its
//! file, line and field (element or attribute name) in lenient mode, an
//! error in strict mode. A file that is not UTF-8, not well-formed XML or
//! cut short is an error in either mode.
//!
//! The file is streamed: only the record being read is held in memory,
//! besides the results.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use interdict_model::{
    CountryCode, Date, Designation, Entity, EntityKind, Identifier, IdentifierKind, IdentifierRecord, Name, NameKind,
    PartialDate,
};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{Error, ErrorKind};
use crate::report::{Report, Strictness};

/// Largest file accepted; the full list is about 25 MB.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A birth-year range spanning at most this many years is listed year by
/// year; a longer one by its two endpoints.
const MAX_YEARS_LISTED: i32 = 10;

/// Authority of every designation.
pub const AUTHORITY: &str = "EU";
/// Dataset of every entity, and the prefix of its id.
pub const DATASET: &str = "eu_fsf";

/// Reads an EU Financial Sanctions Files XML file.
pub fn read(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let io = |e| Error::new(ErrorKind::Io(e)).at(path);
    let file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::new(ErrorKind::TooLarge { limit: MAX_FILE_BYTES }).at(path));
    }
    read_bytes(path, &bytes, mode)
}

/// Reads an EU FSF XML list from memory; `name` is used only in errors.
pub fn read_bytes(name: &Path, bytes: &[u8], mode: Strictness) -> Result<Report, Error> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::new(ErrorKind::Empty).at(name));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = line_of(bytes, e.valid_up_to());
            return Err(Error::new(ErrorKind::Encoding).at(name).line(line));
        }
    };
    // A byte-order mark is allowed; positions stay those of the file.
    let offset = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = text.get(offset..).unwrap_or_default();
    Parser {
        name,
        text: bytes,
        offset,
        lines: Lines::default(),
        mode,
        report: Report::default(),
        seen: HashMap::new(),
    }
    .run(body)
}

/// 1-based line of byte `pos` of `bytes`.
fn line_of(bytes: &[u8], pos: usize) -> u64 {
    let end = pos.min(bytes.len());
    1 + bytes
        .get(..end)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

/// Line numbers of increasing byte positions, counted incrementally.
#[derive(Default)]
struct Lines {
    pos: usize,
    line: u64,
}

impl Lines {
    fn at(&mut self, bytes: &[u8], pos: usize) -> u64 {
        let pos = pos.min(bytes.len());
        if pos < self.pos {
            self.pos = 0;
            self.line = 0;
        }
        let newlines = bytes
            .get(self.pos..pos)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines as u64;
        self.pos = pos;
        self.line + 1
    }
}

/// An element of the record being read: its attributes, its text, and its
/// children for the record itself and its children (`nameAlias/remark`,
/// `address/contactInfo`).
#[derive(Debug, Default)]
struct Node {
    name: String,
    line: u64,
    attrs: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The cleaned value of attribute `name`, if not empty.
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| clean(v))
            .filter(|s| !s.is_empty())
    }

    /// Whether attribute `name` is `true`.
    fn flag(&self, name: &str) -> bool {
        self.attr(name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The cleaned, non-empty texts of every child `name`.
    fn texts(&self, name: &str) -> Vec<String> {
        self.all(name)
            .map(|c| clean(&c.text))
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Collapses white space runs to one space and trims.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

struct Parser<'a> {
    name: &'a Path,
    /// The whole input, for line numbers.
    text: &'a [u8],
    /// Bytes skipped before the parsed text (a byte-order mark).
    offset: usize,
    lines: Lines,
    mode: Strictness,
    report: Report,
    /// References accepted so far, with their line.
    seen: HashMap<String, u64>,
}

impl Parser<'_> {
    fn line(&mut self, pos: u64) -> u64 {
        let pos = usize::try_from(pos).unwrap_or(usize::MAX).saturating_add(self.offset);
        self.lines.at(self.text, pos)
    }

    /// Line of the first non-blank byte at or after `pos`: where an element
    /// starts, given where the previous event ended.
    fn start_line(&mut self, pos: u64) -> u64 {
        let from = usize::try_from(pos).unwrap_or(usize::MAX).saturating_add(self.offset);
        let skip = self
            .text
            .get(from..)
            .and_then(|rest| rest.iter().position(|b| !b.is_ascii_whitespace()))
            .unwrap_or(0);
        self.lines.at(self.text, from.saturating_add(skip))
    }

    fn syntax(&self, line: u64, message: String) -> Error {
        Error::new(ErrorKind::Syntax(message)).at(self.name).line(line)
    }

    /// The element's attributes, unescaped; a malformed attribute is a
    /// syntax error on the element's line.
    fn attributes(&self, start: &BytesStart<'_>, line: u64) -> Result<Vec<(String, String)>, Error> {
        crate::xml::attributes(start).map_err(|m| self.syntax(line, m))
    }

    fn run(mut self, body: &str) -> Result<Report, Error> {
        let mut reader = Reader::from_str(body);
        // Open elements, with the line each opened on.
        let mut open: Vec<(String, u64)> = Vec::new();
        // The record being read, and the depth of the open element inside it.
        let mut record: Option<Node> = None;
        let mut depth_in_record = 0usize;
        let mut saw_root = false;

        loop {
            let before = reader.buffer_position();
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let line = self.line(reader.error_position());
                    // quick-xml reports a syntax error when the input ends
                    // inside markup.
                    let hint = if matches!(e, quick_xml::Error::Syntax(_)) {
                        ": is the file truncated?"
                    } else {
                        ""
                    };
                    return Err(self.syntax(line, format!("malformed XML: {e}{hint}")));
                }
            };
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => {
                    let is_empty = matches!(event, Event::Empty(_));
                    let tag = start.local_name().as_ref().to_string();
                    let line = self.start_line(before);
                    if open.is_empty() {
                        if saw_root {
                            return Err(self.syntax(line, format!("a second root element <{tag}>")));
                        }
                        saw_root = true;
                        if tag != "export" {
                            return Err(self.syntax(
                                line,
                                format!(
                                    "not an EU financial sanctions file: the root element is <{tag}>, not <export>"
                                ),
                            ));
                        }
                    }
                    if let Some(rec) = record.as_mut() {
                        // Inside a record: children and grandchildren are kept.
                        depth_in_record += 1;
                        if depth_in_record <= 2 {
                            let attrs = self.attributes(start, line)?;
                            let node = Node {
                                name: tag.clone(),
                                line,
                                attrs,
                                ..Node::default()
                            };
                            if depth_in_record == 1 {
                                rec.children.push(node);
                            } else if let Some(parent) = rec.children.last_mut() {
                                parent.children.push(node);
                            }
                        }
                        if is_empty {
                            depth_in_record -= 1;
                        }
                    } else if open.len() == 1 && tag == "sanctionEntity" {
                        let node = Node {
                            name: tag.clone(),
                            line,
                            attrs: self.attributes(start, line)?,
                            ..Node::default()
                        };
                        if is_empty {
                            self.record(node)?;
                        } else {
                            record = Some(node);
                            depth_in_record = 0;
                        }
                    }
                    if !is_empty {
                        open.push((tag, line));
                    }
                }
                Event::End(_) => {
                    open.pop();
                    if record.is_some() {
                        if depth_in_record == 0 {
                            if let Some(rec) = record.take() {
                                self.record(rec)?;
                            }
                        } else {
                            depth_in_record -= 1;
                        }
                    }
                }
                Event::Text(t) => {
                    if let Some(node) = record.as_mut().and_then(|r| current(r, depth_in_record)) {
                        node.text.push_str(&t);
                    } else if open.is_empty() && !t.trim().is_empty() {
                        let line = self.start_line(before);
                        return Err(self.syntax(line, "text outside the root element".to_string()));
                    }
                }
                Event::CData(t) => {
                    if let Some(node) = record.as_mut().and_then(|r| current(r, depth_in_record)) {
                        node.text.push_str(&t.into_inner());
                    }
                }
                Event::GeneralRef(r) => {
                    let resolved = crate::xml::resolve_ref(&r);
                    let Some(c) = resolved else {
                        let line = self.start_line(before);
                        return Err(self.syntax(
                            line,
                            format!("malformed XML: unknown entity or character reference `&{};`", &*r),
                        ));
                    };
                    if let Some(node) = record.as_mut().and_then(|r| current(r, depth_in_record)) {
                        node.text.push(c);
                    }
                }
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }

        // The line of the last byte: a final line break ends that line.
        let last_line = line_of(self.text, self.text.len().saturating_sub(1));
        if let Some((tag, opened)) = open.last() {
            return Err(self.syntax(
                last_line,
                format!("the file ends inside <{tag}> (opened on line {opened}): is it truncated?"),
            ));
        }
        if !saw_root {
            return Err(self.syntax(last_line, "no root element".to_string()));
        }
        Ok(self.report)
    }

    /// Checks one record and adds its entity and designations.
    fn record(&mut self, rec: Node) -> Result<(), Error> {
        self.report.records += 1;
        match self.build(&rec) {
            Ok((entity, designations)) => {
                self.report.dataset.entities.push(entity);
                self.report.dataset.designations.extend(designations);
                Ok(())
            }
            Err(err) => self.report.reject(self.mode, err),
        }
    }

    fn build(&mut self, rec: &Node) -> Result<(Entity, Vec<Designation>), Error> {
        let bad = |line: u64, field: &str, message: String| {
            Error::new(ErrorKind::Invalid(message))
                .at(self.name)
                .line(line)
                .field(field)
        };

        let (reference, ref_field) = match (rec.attr("euReferenceNumber"), rec.attr("logicalId")) {
            (Some(r), _) => (r, "euReferenceNumber"),
            (None, Some(l)) => (l, "logicalId"),
            (None, None) => {
                return Err(bad(
                    rec.line,
                    "euReferenceNumber",
                    "<sanctionEntity> has neither a euReferenceNumber nor a logicalId".to_string(),
                ))
            }
        };

        let kind = match rec.child("subjectType") {
            None => EntityKind::LegalEntity,
            Some(st) => match st.attr("code").map(|c| c.to_ascii_lowercase()).as_deref() {
                Some("person") => EntityKind::Person,
                Some("enterprise") => EntityKind::Organization,
                None => EntityKind::LegalEntity,
                Some(_) => {
                    let code = st.attr("code").unwrap_or_default();
                    return Err(bad(
                        st.line,
                        "subjectType",
                        format!("{reference}: unknown subject type `{code}`: expected person or enterprise"),
                    ));
                }
            },
        };

        let names: Vec<(&Node, String)> = rec
            .all("nameAlias")
            .filter_map(|n| alias_name(n).map(|name| (n, name)))
            .collect();
        let primary = names
            .iter()
            .position(|(n, _)| n.flag("strong"))
            .or(if names.is_empty() { None } else { Some(0) });
        let Some(primary) = primary else {
            let line = rec.child("nameAlias").map_or(rec.line, |n| n.line);
            return Err(bad(line, "nameAlias", format!("{reference} has no name")));
        };

        let designation_date = date_attr(rec, "designationDate")
            .map_err(|(line, text)| bad(line, "designationDate", format!("`{text}` is not a date (YYYY-MM-DD)")))?;
        // Programmes in order, with the earliest entry-into-force date of
        // their regulations.
        let mut programmes: Vec<(String, Option<Date>)> = Vec::new();
        for regulation in rec.all("regulation") {
            let in_force = date_attr(regulation, "entryIntoForceDate").map_err(|(line, text)| {
                bad(
                    line,
                    "entryIntoForceDate",
                    format!("`{text}` is not a date (YYYY-MM-DD)"),
                )
            })?;
            let Some(programme) = regulation.attr("programme") else {
                continue;
            };
            match programmes.iter_mut().find(|(p, _)| *p == programme) {
                Some((_, date)) => {
                    if let Some(d) = in_force {
                        *date = Some(date.map_or(d, |old| old.min(d)));
                    }
                }
                None => programmes.push((programme, in_force)),
            }
        }
        if programmes.is_empty() {
            let line = rec.child("regulation").map_or(rec.line, |r| r.line);
            return Err(bad(
                line,
                "programme",
                format!("{reference} has no regulation programme (the sanctions regime)"),
            ));
        }

        if let Some(first) = self.seen.get(&reference) {
            return Err(bad(
                rec.line,
                ref_field,
                format!("duplicate reference `{reference}` (first on line {first})"),
            ));
        }
        self.seen.insert(reference.clone(), rec.line);

        let id = format!("{DATASET}-{reference}");
        let primary_name = names.get(primary).map(|(_, n)| n.clone()).unwrap_or_default();
        let mut e = Entity::new(id.clone(), kind, primary_name);
        e.datasets = vec![DATASET.to_string()];
        let mut notes = Notes::default();
        for remark in rec.texts("remark") {
            notes.add(remark);
        }
        for (i, (node, name)) in names.iter().enumerate() {
            if i != primary {
                let kind = if node.attr("strong").is_some_and(|s| s.eq_ignore_ascii_case("false")) {
                    NameKind::WeakAlias
                } else {
                    NameKind::Alias
                };
                let lang = node.attr("nameLanguage").map(|l| l.to_ascii_lowercase());
                add_alias(&mut e, name.clone(), lang, kind);
            }
            name_details(&mut e, &mut notes, node, name);
        }
        for citizenship in rec.all("citizenship") {
            match country_of(citizenship) {
                Country::Code(cc) => push_unique(&mut e.nationalities, cc),
                Country::Unknown => {}
                Country::Other(text) => notes.add(format!("citizenship: {text}")),
            }
        }
        for birth in rec.all("birthdate") {
            birth_date(&mut e, &mut notes, birth);
        }
        for doc in rec.all("identification") {
            identification(&mut e, &mut notes, doc);
        }
        for address in rec.all("address") {
            add_address(&mut e, &mut notes, address);
        }
        e.notes = notes.into_text();

        let designations = programmes
            .into_iter()
            .map(|(program, in_force)| {
                let start = designation_date.or(in_force);
                Designation {
                    entity_id: id.clone(),
                    authority: AUTHORITY.to_string(),
                    program,
                    listed: start,
                    start,
                    end: None,
                    sources: Vec::new(),
                }
            })
            .collect();
        Ok((e, designations))
    }
}

/// The node text goes to: the record's open child or grandchild.
fn current(rec: &mut Node, depth: usize) -> Option<&mut Node> {
    match depth {
        1 => rec.children.last_mut(),
        2 => rec.children.last_mut().and_then(|c| c.children.last_mut()),
        _ => None,
    }
}

/// The date in attribute `name` of `node`: `Ok(None)` when absent or
/// empty, `Err((line, text))` when it is not a date.
fn date_attr(node: &Node, name: &str) -> Result<Option<Date>, (u64, String)> {
    match node.attr(name) {
        None => Ok(None),
        Some(text) => date(&text).map(Some).ok_or((node.line, text)),
    }
}

/// A date, optionally followed by a time-zone offset or a time.
fn date(text: &str) -> Option<Date> {
    let day = text.get(..10)?;
    let rest = text.get(10..)?;
    let suffix_ok = rest.is_empty()
        || rest == "Z"
        || rest.starts_with('T')
        || ((rest.starts_with('-') || rest.starts_with('+'))
            && rest.len() == 6
            && rest.bytes().enumerate().all(|(i, c)| match i {
                0 => true,
                3 => c == b':',
                _ => c.is_ascii_digit(),
            }));
    if !suffix_ok {
        return None;
    }
    day.parse().ok()
}

/// Notes collected for one entity, joined with `; `.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn add(&mut self, note: String) {
        if !note.is_empty() && !self.0.contains(&note) {
            self.0.push(note);
        }
    }

    fn into_text(self) -> Option<String> {
        Some(self.0.join("; ")).filter(|s| !s.is_empty())
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The name of a `nameAlias`: `wholeName`, else its parts.
fn alias_name(node: &Node) -> Option<String> {
    node.attr("wholeName").or_else(|| {
        let parts: Vec<String> = ["firstName", "middleName", "lastName"]
            .iter()
            .filter_map(|a| node.attr(a))
            .collect();
        Some(parts.join(" ")).filter(|s| !s.is_empty())
    })
}

fn add_alias(e: &mut Entity, name: String, lang: Option<String>, kind: NameKind) {
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

/// A name's function, title, gender and remark.
fn name_details(e: &mut Entity, notes: &mut Notes, node: &Node, name: &str) {
    if let Some(function) = node.attr("function") {
        if e.kind == EntityKind::Person {
            push_unique(&mut e.positions, function);
        } else {
            notes.add(function);
        }
    }
    if let Some(title) = node.attr("title") {
        notes.add(format!("title: {title}"));
    }
    if let Some(gender) = node.attr("gender") {
        notes.add(format!("gender: {gender}"));
    }
    for remark in node.texts("remark") {
        notes.add(format!("name {name}: {remark}"));
    }
}

/// A country as the list gives it: `countryIso2Code`, with
/// `countryDescription` for the text.
enum Country {
    Code(CountryCode),
    /// Absent, or `00` / `UNKNOWN`.
    Unknown,
    /// Given, but not an ISO code: its description.
    Other(String),
}

fn country_of(node: &Node) -> Country {
    let code = node.attr("countryIso2Code").filter(|c| c != "00");
    let description = node
        .attr("countryDescription")
        .filter(|d| !d.eq_ignore_ascii_case("UNKNOWN"));
    match code {
        // Serbia and Montenegro's retired code, still in old records.
        Some(c) if c.eq_ignore_ascii_case("CS") => "RS".parse().map_or(Country::Unknown, Country::Code),
        Some(c) => match c.parse() {
            Ok(cc) => Country::Code(cc),
            Err(_) => Country::Other(description.unwrap_or(c)),
        },
        None => description.map_or(Country::Unknown, Country::Other),
    }
}

/// The country description of `node`, unless it is `UNKNOWN`.
fn country_text(node: &Node) -> Option<String> {
    node.attr("countryDescription")
        .filter(|d| !d.eq_ignore_ascii_case("UNKNOWN"))
}

fn birth_date(e: &mut Entity, notes: &mut Notes, node: &Node) {
    let mut said: Option<String> = None;
    if let Some(text) = node.attr("birthdate") {
        match date(&text) {
            Some(d) => {
                if let Ok(p) = d.to_string().parse() {
                    push_unique(&mut e.birth_dates, p);
                }
                said = Some(d.to_string());
            }
            None => notes.add(format!("date of birth: {text}")),
        }
    } else if let Some(year) = node.attr("year") {
        let month = node.attr("monthOfYear").and_then(|m| m.parse::<u32>().ok());
        let day = node.attr("dayOfMonth").and_then(|d| d.parse::<u32>().ok());
        let text = match (month, day) {
            (Some(m), Some(d)) => format!("{year}-{m:02}-{d:02}"),
            (Some(m), None) => format!("{year}-{m:02}"),
            _ => year.clone(),
        };
        match text.parse::<PartialDate>() {
            Ok(p) => {
                push_unique(&mut e.birth_dates, p);
                said = Some(text);
            }
            Err(_) => notes.add(format!("date of birth: {text}")),
        }
    } else {
        let from = node.attr("yearRangeFrom");
        let to = node.attr("yearRangeTo");
        let year = |s: &Option<String>| {
            s.as_deref()
                .and_then(|y| y.parse::<PartialDate>().ok())
                .filter(|d| d.as_str().len() == 4)
        };
        match (year(&from), year(&to)) {
            (Some(a), Some(b)) => {
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                let (ya, yb) = (
                    a.as_str().parse::<i32>().unwrap_or(0),
                    b.as_str().parse::<i32>().unwrap_or(0),
                );
                if yb - ya < MAX_YEARS_LISTED {
                    for y in ya..=yb {
                        if let Ok(d) = format!("{y:04}").parse() {
                            push_unique(&mut e.birth_dates, d);
                        }
                    }
                } else {
                    push_unique(&mut e.birth_dates, a.clone());
                    push_unique(&mut e.birth_dates, b.clone());
                }
                notes.add(format!("date of birth: between {a} and {b}"));
            }
            (one, other) => {
                for (y, raw, label) in [(one, &from, "from"), (other, &to, "until")] {
                    match (y, raw) {
                        (Some(d), _) => {
                            notes.add(format!("date of birth: {label} {d}"));
                            push_unique(&mut e.birth_dates, d);
                        }
                        (None, Some(raw)) => notes.add(format!("date of birth: {raw}")),
                        (None, None) => {}
                    }
                }
            }
        }
    }
    if let Some(d) = said.filter(|_| node.flag("circa")) {
        notes.add(format!("date of birth: circa {d}"));
    }
    let place: Vec<String> = ["city", "region", "place"]
        .iter()
        .filter_map(|a| node.attr(a))
        .chain(country_text(node))
        .collect();
    if !place.is_empty() {
        push_unique(&mut e.birth_places, place.join(", "));
    }
    for remark in node.texts("remark") {
        notes.add(format!("date of birth: {remark}"));
    }
}

fn identification(e: &mut Entity, notes: &mut Notes, node: &Node) {
    let code = node
        .attr("identificationTypeCode")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let description = node
        .attr("identificationTypeDescription")
        .or_else(|| node.attr("identificationTypeCode"))
        .unwrap_or_else(|| "document".to_string());
    let number = node.attr("number").or_else(|| node.attr("latinNumber"));
    let country = country_of(node);
    let cc = match &country {
        Country::Code(cc) => Some(*cc),
        _ => None,
    };
    let mut details = Vec::new();
    if let Some(by) = node.attr("issuedBy") {
        details.push(format!("issued by {by}"));
    }
    if let Some(date) = node.attr("issueDate") {
        details.push(format!("issued on {date}"));
    }
    for (flag, text) in [
        ("diplomatic", "diplomatic"),
        ("knownExpired", "known expired"),
        ("knownFalse", "known false"),
        ("reportedLost", "reported lost"),
        ("revokedByIssuer", "revoked by issuer"),
    ] {
        if node.flag(flag) {
            details.push(text.to_string());
        }
    }
    details.extend(node.texts("remark"));
    let kind = match code.as_str() {
        "passport" => Some(IdentifierKind::Passport(cc)),
        "id" => Some(IdentifierKind::NationalId(cc)),
        "fiscalcode" => Some(IdentifierKind::TaxId(cc)),
        "regnumber" => Some(IdentifierKind::Registration(cc)),
        "swiftbic" => Some(IdentifierKind::Bic),
        "imo" => Some(IdentifierKind::Imo),
        _ => None,
    };
    let identifier = match (kind, &number) {
        // BIC and IMO numbers are checked by their own rules.
        (Some(kind @ (IdentifierKind::Bic | IdentifierKind::Imo)), Some(n)) => Identifier::new(kind, n).ok(),
        (Some(kind), Some(n)) if plain_number(n) => Identifier::new(kind, n).ok(),
        _ => None,
    };
    match identifier {
        Some(identifier) => {
            if !e.identifiers.iter().any(|r| r.identifier == identifier) {
                e.identifiers.push(IdentifierRecord {
                    identifier,
                    confidence: Default::default(),
                    note: Some(details.join("; ")).filter(|s| !s.is_empty()),
                });
            }
        }
        None => {
            let mut text = description;
            if let Some(n) = number {
                text.push(' ');
                text.push_str(&n);
            }
            match country {
                Country::Code(cc) => text.push_str(&format!(" ({cc})")),
                Country::Other(name) => text.push_str(&format!(" ({name})")),
                Country::Unknown => {}
            }
            if !details.is_empty() {
                text.push_str(": ");
                text.push_str(&details.join("; "));
            }
            notes.add(text);
        }
    }
}

/// Whether `n` reads as a document number: letters, digits, spaces and
/// `-./` only, at least one digit, every word holding a digit or at most
/// two letters (`AD001095`, `96 03 464086`, not `No. 123 expired`).
fn plain_number(n: &str) -> bool {
    n.len() <= 40
        && n.bytes().any(|c| c.is_ascii_digit())
        && n.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-' | b'.' | b'/'))
        && n.split_whitespace()
            .all(|w| w.bytes().any(|c| c.is_ascii_digit()) || w.len() <= 2)
}

fn add_address(e: &mut Entity, notes: &mut Notes, node: &Node) {
    let mut parts: Vec<String> = Vec::new();
    if let Some(street) = node.attr("street") {
        parts.push(street);
    }
    if let Some(po) = node.attr("poBox") {
        parts.push(format!("PO Box {po}"));
    }
    for a in ["city", "zipCode", "region", "place"] {
        if let Some(v) = node.attr(a) {
            parts.push(v);
        }
    }
    parts.extend(country_text(node));
    let text = parts.join(", ");
    if let Country::Code(cc) = country_of(node) {
        push_unique(&mut e.countries, cc);
    }
    if !text.is_empty() {
        push_unique(&mut e.addresses, text.clone());
    }
    for contact in node.all("contactInfo") {
        let key = contact.attr("key").unwrap_or_default().to_ascii_uppercase();
        let Some(value) = contact.attr("value") else {
            continue;
        };
        let kind = match key.as_str() {
            "EMAIL" => Some(IdentifierKind::Email),
            "WEB" => Some(IdentifierKind::Domain),
            _ => None,
        };
        match kind.and_then(|k| Identifier::new(k, &value).ok()) {
            Some(identifier) => {
                if !e.identifiers.iter().any(|r| r.identifier == identifier) {
                    e.identifiers.push(IdentifierRecord {
                        identifier,
                        confidence: Default::default(),
                        note: None,
                    });
                }
            }
            None => {
                let label = if key.is_empty() {
                    "contact".to_string()
                } else {
                    key.to_lowercase()
                };
                notes.add(format!("{label}: {value}"));
            }
        }
    }
    for remark in node.texts("remark") {
        if text.is_empty() {
            notes.add(format!("address: {remark}"));
        } else {
            notes.add(format!("address {text}: {remark}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../tests/fixtures/eu/sample.xml");
    const BAD_RECORDS: &[u8] = include_bytes!("../tests/fixtures/eu/bad_records.xml");

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/eu")
            .join(name)
    }

    fn read_fixture(name: &str, bytes: &[u8], mode: Strictness) -> Result<Report, Error> {
        read_bytes(&Path::new("fixtures/eu").join(name), bytes, mode)
    }

    fn entity<'a>(r: &'a Report, id: &str) -> &'a Entity {
        r.dataset.entities.iter().find(|e| e.id == id).expect(id)
    }

    fn strs<T: ToString>(items: &[T]) -> Vec<String> {
        items.iter().map(T::to_string).collect()
    }

    fn aliases(e: &Entity) -> Vec<(&str, Option<&str>, NameKind)> {
        e.aliases
            .iter()
            .map(|a| (a.name.as_str(), a.lang.as_deref(), a.kind))
            .collect()
    }

    fn identifiers(e: &Entity) -> Vec<(String, Option<&str>)> {
        e.identifiers
            .iter()
            .map(|i| (i.identifier.to_string(), i.note.as_deref()))
            .collect()
    }

    #[test]
    fn reads_persons_enterprises_and_their_designations() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        assert_eq!(r.records, 3);
        assert!(r.rejected.is_empty());
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["eu_fsf-EU.9001.11", "eu_fsf-EU.9002.22", "eu_fsf-9003"]);
        assert!(r.dataset.validate().is_empty());
        let d: Vec<_> = r
            .dataset
            .designations
            .iter()
            .map(|d| {
                (
                    d.entity_id.as_str(),
                    d.authority.as_str(),
                    d.program.as_str(),
                    d.listed.map(|x| x.to_string()),
                    d.start.map(|x| x.to_string()),
                )
            })
            .collect();
        let day = |s: &str| Some(s.to_string());
        assert_eq!(
            d,
            [
                ("eu_fsf-EU.9001.11", "EU", "UKR", day("2022-02-23"), day("2022-02-23")),
                // No designationDate: the earliest entry into force of the
                // programme's regulations, time zone dropped.
                ("eu_fsf-EU.9002.22", "EU", "RUS", day("2014-07-31"), day("2014-07-31")),
                ("eu_fsf-EU.9002.22", "EU", "BLR", day("2023-06-23"), day("2023-06-23")),
                ("eu_fsf-9003", "EU", "TAQA", day("2002-05-29"), day("2002-05-29")),
            ]
        );
        assert!(r.dataset.designations.iter().all(|d| d.end.is_none()));
    }

    #[test]
    fn maps_a_person() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        let e = entity(&r, "eu_fsf-EU.9001.11");
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(e.name, "Ivan Petrovich TESTOV");
        assert_eq!(e.datasets, ["eu_fsf"]);
        // The strong Russian name is an alias; the name repeated in lower
        // case is dropped; white space is collapsed.
        assert_eq!(
            aliases(e),
            [
                ("Иван Петрович ТЕСТОВ", Some("ru"), NameKind::Alias),
                ("Vanya Testov", None, NameKind::WeakAlias),
            ]
        );
        assert_eq!(e.positions, ["Member of the State Duma"]);
        assert_eq!(strs(&e.nationalities), ["RU"]);
        assert_eq!(strs(&e.birth_dates), ["1965-03-12", "1966-04", "1960", "1961", "1962"]);
        assert_eq!(e.birth_places, ["Leningrad, RUSSIAN FEDERATION"]);
        assert_eq!(
            identifiers(e),
            [
                (
                    "passport.ru:750123456".to_string(),
                    Some("diplomatic passport until 2015")
                ),
                ("national_id.ru:12345678900".to_string(), Some("known expired")),
            ]
        );
        assert_eq!(e.addresses, ["12 Testovaya Street, Moscow, 125009, RUSSIAN FEDERATION"]);
        assert_eq!(strs(&e.countries), ["RU"]);
        let notes: Vec<&str> = e.notes.as_deref().unwrap_or_default().split("; ").collect();
        assert_eq!(
            notes,
            [
                "Invented person for the reader's tests.",
                "gender: M",
                "name Vanya Testov: used in 2010",
                "date of birth: circa 1966-04",
                "date of birth: between 1960 and 1962",
                "date of birth: 1971-02-30",
                "Social Security Number SSN 156-92-9858",
                "address 12 Testovaya Street, Moscow, 125009, RUSSIAN FEDERATION: as of 2022",
            ]
        );
    }

    #[test]
    fn maps_an_enterprise_and_a_record_without_reference_or_type() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        let e = entity(&r, "eu_fsf-EU.9002.22");
        assert_eq!(e.kind, EntityKind::Organization);
        assert_eq!(e.name, "Joint Stock Company \"Test Shipping & Trading\"");
        // Weak first, then strong: the alias becomes strong.
        assert_eq!(aliases(e), [("JSC TST", Some("en"), NameKind::Alias)]);
        assert!(e.positions.is_empty());
        assert_eq!(
            identifiers(e),
            [
                ("registration.ru:1027700000000".to_string(), None),
                ("bic:TESTRUMM".to_string(), None),
                ("imo:9187629".to_string(), None),
                ("email:info@tst-shipping.example.com".to_string(), None),
                ("domain:www.tst-shipping.example.com".to_string(), None),
            ]
        );
        assert_eq!(
            e.addresses,
            ["PO Box 77, Saint Petersburg, RUSSIAN FEDERATION", "Limassol, CYPRUS"]
        );
        assert_eq!(strs(&e.countries), ["RU", "CY"]);
        assert_eq!(e.notes.as_deref(), Some("Shipping company; phone: +7 812 000 00 00"));

        let e = entity(&r, "eu_fsf-9003");
        assert_eq!(e.kind, EntityKind::LegalEntity);
        assert_eq!(e.name, "Abu EXAMPLE", "the only name, built from its parts");
        assert!(e.aliases.is_empty());
    }

    #[test]
    fn lenient_mode_reports_each_bad_record_with_its_line_and_field() {
        let r = read_fixture("bad_records.xml", BAD_RECORDS, Strictness::Lenient).unwrap();
        assert_eq!(r.records, 9);
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["eu_fsf-EU.1.1", "eu_fsf-EU.1.8"]);
        assert_eq!(r.dataset.entities[0].name, "Good Person");
        assert_eq!(r.dataset.designations.len(), 2);
        assert_eq!(r.dataset.designations[1].listed, None, "no date given");
        assert_eq!(
            strs(&r.rejected),
            [
                "fixtures/eu/bad_records.xml:9: field `euReferenceNumber`: <sanctionEntity> has neither a euReferenceNumber nor a logicalId",
                "fixtures/eu/bad_records.xml:16: field `nameAlias`: EU.1.2 has no name",
                "fixtures/eu/bad_records.xml:18: field `designationDate`: `2019-02-30` is not a date (YYYY-MM-DD)",
                "fixtures/eu/bad_records.xml:22: field `euReferenceNumber`: duplicate reference `EU.1.1` (first on line 4)",
                "fixtures/eu/bad_records.xml:27: field `entryIntoForceDate`: `2020-13-01` is not a date (YYYY-MM-DD)",
                "fixtures/eu/bad_records.xml:31: field `programme`: EU.1.6 has no regulation programme (the sanctions regime)",
                "fixtures/eu/bad_records.xml:36: field `subjectType`: EU.1.7: unknown subject type `vessel`: expected person or enterprise",
            ]
        );
        let dup = &r.rejected[3];
        assert_eq!(dup.line_number(), Some(22));
        assert_eq!(dup.field_name(), Some("euReferenceNumber"));
        assert!(matches!(dup.kind(), ErrorKind::Invalid(_)));
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_record() {
        let err = read_fixture("bad_records.xml", BAD_RECORDS, Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/eu/bad_records.xml:9: field `euReferenceNumber`: <sanctionEntity> has neither a euReferenceNumber nor a logicalId"
        );
    }

    #[test]
    fn a_truncated_file_is_one_error_with_its_line() {
        let bytes = std::fs::read(fixture("truncated.xml")).unwrap();
        for mode in [Strictness::Lenient, Strictness::Strict] {
            let err = read_fixture("truncated.xml", &bytes, mode).unwrap_err();
            assert_eq!(
                err.to_string(),
                "fixtures/eu/truncated.xml:20: malformed XML: syntax error: tag not closed: `>` not found before end of input: is the file truncated?"
            );
            assert!(matches!(err.kind(), ErrorKind::Syntax(_)));
        }
        // Cut between two records: the root is still open.
        let end = b"</sanctionEntity>\n";
        let cut = SAMPLE.windows(end.len()).position(|w| w == end).unwrap() + end.len();
        let err = read_fixture("cut.xml", &SAMPLE[..cut], Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/eu/cut.xml:35: the file ends inside <export> (opened on line 6): is it truncated?"
        );
    }

    #[test]
    fn malformed_xml_and_other_roots_are_one_error() {
        let err = read_fixture(
            "t.xml",
            b"<export>\n<sanctionEntity euReferenceNumber=\"EU.1\" logicalId=1>\n</sanctionEntity></export>",
            Strictness::Lenient,
        )
        .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Syntax(_)));
        assert_eq!(err.line_number(), Some(2));
        assert!(
            err.to_string().starts_with("fixtures/eu/t.xml:2: malformed XML: "),
            "{err}"
        );

        let err = read_fixture("t.xml", b"<CONSOLIDATED_LIST/>\n", Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/eu/t.xml:1: not an EU financial sanctions file: the root element is <CONSOLIDATED_LIST>, not <export>"
        );
        let err = read_fixture(
            "t.xml",
            b"<export>\n<sanctionEntity euReferenceNumber=\"EU.1\">\n<nameAlias wholeName=\"A &nbsp; B\"/></sanctionEntity></export>",
            Strictness::Lenient,
        )
        .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Syntax(_)));
        assert_eq!(err.line_number(), Some(3), "{err}");
        let err = read_fixture("t.xml", b"<?xml version=\"1.0\"?>\n", Strictness::Lenient).unwrap_err();
        assert_eq!(err.to_string(), "fixtures/eu/t.xml:1: no root element");
    }

    #[test]
    fn an_empty_file_is_empty() {
        let path = std::env::temp_dir().join(format!("interdict-eu-empty-{}.xml", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        let err = read(&path, Strictness::Lenient).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(err.kind(), ErrorKind::Empty));
        assert_eq!(err.to_string(), format!("{}: the file is empty", path.display()));
        let err = read_fixture("blank.xml", b" \n\n", Strictness::Strict).unwrap_err();
        assert_eq!(err.to_string(), "fixtures/eu/blank.xml: the file is empty");
    }

    #[test]
    fn a_latin1_file_is_an_encoding_error_at_its_line() {
        let err = read(&fixture("latin1.xml"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Encoding));
        assert_eq!(err.line_number(), Some(5));
        assert_eq!(
            err.to_string(),
            format!(
                "{}:5: not valid UTF-8; save the file as UTF-8 and try again",
                fixture("latin1.xml").display()
            )
        );
    }

    #[test]
    fn reads_files_and_reports_io_errors() {
        let from_file = read(&fixture("sample.xml"), Strictness::Strict).unwrap();
        let from_bytes = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        assert_eq!(from_file.dataset, from_bytes.dataset);
        let err = read(&fixture("missing.xml"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Io(_)));
    }

    #[test]
    fn a_byte_order_mark_is_allowed_and_lines_still_count_from_the_file() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(BAD_RECORDS);
        let r = read_fixture("bom.xml", &bytes, Strictness::Lenient).unwrap();
        assert_eq!(r.dataset.entities.len(), 2);
        assert_eq!(r.rejected[0].line_number(), Some(9));
    }

    #[test]
    fn dates_accept_a_time_zone_or_time_suffix_only() {
        let d = |s: &str| date(s).map(|d| d.to_string());
        assert_eq!(d("2022-02-23"), Some("2022-02-23".into()));
        assert_eq!(d("2022-02-23+01:00"), Some("2022-02-23".into()));
        assert_eq!(d("2022-02-23-04:00"), Some("2022-02-23".into()));
        assert_eq!(d("2022-02-23Z"), Some("2022-02-23".into()));
        assert_eq!(d("2022-02-23T10:00:00.000+01:00"), Some("2022-02-23".into()));
        for bad in [
            "2022-02-30",
            "2022-02-23x",
            "2022-02-23+0100",
            "23/02/2022",
            "2022",
            "",
            "2022-02-2é",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn birth_year_ranges_over_ten_years_keep_their_endpoints() {
        let years = |attrs: &str| {
            let xml = format!(
                "<export><sanctionEntity euReferenceNumber=\"EU.1\"><regulation programme=\"T\"/>\
                 <nameAlias wholeName=\"X\"/><birthdate {attrs}/></sanctionEntity></export>"
            );
            let r = read_fixture("t.xml", xml.as_bytes(), Strictness::Strict).unwrap();
            strs(&r.dataset.entities[0].birth_dates)
        };
        assert_eq!(years("yearRangeFrom=\"1970\" yearRangeTo=\"1979\"").len(), 10);
        assert_eq!(years("yearRangeFrom=\"1970\" yearRangeTo=\"1980\""), ["1970", "1980"]);
        assert_eq!(
            years("yearRangeFrom=\"1962\" yearRangeTo=\"1960\""),
            ["1960", "1961", "1962"]
        );
        assert_eq!(years("yearRangeTo=\"1958\""), ["1958"]);
        assert_eq!(years("year=\"1970\" monthOfYear=\"13\""), Vec::<String>::new());
        assert_eq!(
            years("year=\"1970\" monthOfYear=\"2\" dayOfMonth=\"3\""),
            ["1970-02-03"]
        );
    }

    #[test]
    fn never_panics_on_a_cut_or_damaged_file() {
        for end in 0..SAMPLE.len() {
            let Some(cut) = SAMPLE.get(..end) else { continue };
            let result = read_bytes(Path::new("cut.xml"), cut, Strictness::Lenient);
            let whole = cut.ends_with(b"</export>");
            assert_eq!(result.is_ok(), whole, "cut at {end}");
        }
        for (i, replacement) in [b'<', b'&', b'>', 0xFF, b'"', 0].into_iter().enumerate() {
            for pos in (i..BAD_RECORDS.len()).step_by(7) {
                let mut damaged = BAD_RECORDS.to_vec();
                damaged[pos] = replacement;
                let _ = read_bytes(Path::new("damaged.xml"), &damaged, Strictness::Lenient);
                let _ = read_bytes(Path::new("damaged.xml"), &damaged, Strictness::Strict);
            }
        }
    }
}
