//! The UN Security Council Consolidated List, in its official XML layout:
//! `CONSOLIDATED_LIST` holding `INDIVIDUALS/INDIVIDUAL` and
//! `ENTITIES/ENTITY` records.
//!
//! Each record becomes one [`Entity`] (`un_sc-<REFERENCE_NUMBER>`, dataset
//! `un_sc`; `Person` for an individual, `Organization` for an entity) and one
//! [`Designation`] (authority `UN-SC`, program = `UN_LIST_TYPE`, listed and
//! start = `LISTED_ON`).
//!
//! The mapping, field by field:
//!
//! - Name: `FIRST_NAME` .. `FOURTH_NAME` joined by single spaces. Every text
//!   value has its runs of white space (including the line breaks the list
//!   puts inside values) collapsed to one space and is trimmed.
//! - `NAME_ORIGINAL_SCRIPT`: an alias, language unknown.
//! - `*_ALIAS/ALIAS_NAME` by `QUALITY`: `Good` and `a.k.a.` → alias, `Low`
//!   → weak alias, `f.k.a.` → former name; an empty or unknown quality with
//!   a name → alias. Aliases equal (ignoring case) to the name or to an
//!   earlier alias are dropped; a repeat of a weak alias as a good one makes
//!   it a good one. An alias's `DATE_OF_BIRTH`, `CITY_OF_BIRTH` and
//!   `COUNTRY_OF_BIRTH` join the birth dates and places; its `NOTE` goes to
//!   the notes.
//! - `INDIVIDUAL_DATE_OF_BIRTH`: `DATE` → `YYYY-MM-DD`; `YEAR` → `YYYY`
//!   (whether `EXACT` or `APPROXIMATELY`); `FROM_YEAR`..`TO_YEAR` → every
//!   year of the range when it spans at most 10 years, else the two
//!   endpoints. Approximate and ranged dates also leave a note saying so.
//!   A date that cannot be read goes to the notes.
//! - `INDIVIDUAL_PLACE_OF_BIRTH` → "street, city, state, country".
//! - `NATIONALITY/VALUE` → nationalities when the name is in the table
//!   below; otherwise a note.
//! - `*_ADDRESS` → "street, city, state, zip code, country"; its country
//!   joins the entity's countries when it is in the table; its `NOTE` goes to
//!   the notes.
//! - `INDIVIDUAL_DOCUMENT`: `TYPE_OF_DOCUMENT` `Passport` (also written
//!   `Numéro de passeport`, `Número de pasaporte`) → passport, `National
//!   Identification Number` → national id, with the country of
//!   `ISSUING_COUNTRY`, else `COUNTRY_OF_ISSUE`. `TYPE_OF_DOCUMENT2`,
//!   `DATE_OF_ISSUE`, `CITY_OF_ISSUE` and `NOTE` become the identifier's
//!   note. Other types, documents without a number, and numbers that are
//!   not plain document numbers (free text such as `CAR diplomatic passport
//!   no. D00000898`) go to the notes instead; they never drop the entity.
//! - `DESIGNATION/VALUE` → positions; `TITLE/VALUE`, `GENDER` and
//!   `COMMENTS1` → notes.
//! - `LISTED_ON` is `YYYY-MM-DD`, sometimes followed by a time-zone offset
//!   (`2015-07-01-04:00`), which is dropped. `DELISTED_ON`, read the same
//!   way, ends the designation.
//! - `NATIONALITY2/VALUE` joins `NATIONALITY/VALUE`.
//!
//! A record without `REFERENCE_NUMBER`, name or `UN_LIST_TYPE`, or whose
//! reference number repeats an earlier record's is bad: reported with its
//! file, line and field in lenient mode, an error in strict mode. A
//! `LISTED_ON` that is not a date, and an element the format does not have
//! (a misspelt or a new one, whose value would not be read), are errors in
//! strict mode; in lenient mode the record is kept, without the listing
//! date or the element, and a warning says so (one per element name). A
//! file that is not UTF-8, not well-formed XML or cut short is an error in
//! either mode.
//!
//! The file is streamed: only the record being read is held in memory,
//! besides the results.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use interdict_model::{
    CountryCode, Date, Designation, Entity, EntityKind, Identifier, IdentifierKind, IdentifierRecord, Name, NameKind,
    PartialDate,
};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::error::{Error, ErrorKind};
use crate::report::{Report, Strictness};

/// Largest file accepted; the full list is about 2 MB.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A `BETWEEN` birth-year range spanning at most this many years is listed
/// year by year; a longer one by its two endpoints.
const MAX_YEARS_LISTED: i32 = 10;

/// Authority of every designation.
pub const AUTHORITY: &str = "UN-SC";
/// Dataset of every entity, and the prefix of its id.
pub const DATASET: &str = "un_sc";

/// Reads a UN Security Council consolidated list XML file.
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

/// Reads a UN consolidated list from memory; `name` is used only in errors.
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
        unknown: BTreeMap::new(),
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

/// An element of the record being read: its text, and its children for
/// the record itself and its groups (`INDIVIDUAL_ALIAS`, `NATIONALITY`).
#[derive(Debug, Default)]
struct Node {
    name: String,
    line: u64,
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

    /// The cleaned text of the first child `name`, if not empty.
    fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| clean(&c.text)).filter(|s| !s.is_empty())
    }

    /// The cleaned, non-empty texts of `group/VALUE` for every `group`.
    fn values(&self, group: &str) -> Vec<String> {
        self.all(group)
            .flat_map(|g| g.all("VALUE"))
            .map(|v| clean(&v.text))
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
    /// Reference numbers accepted so far, with their line.
    seen: HashMap<String, u64>,
    /// Elements the format does not have (`RECORD/ELEMENT` or
    /// `GROUP/ELEMENT`): how often, and the first one's line (lenient mode).
    unknown: BTreeMap<String, (u64, u64)>,
}

/// The elements of an `INDIVIDUAL` or `ENTITY` record; those read and those
/// the list carries for its own bookkeeping.
const RECORD_ELEMENTS: &[&str] = &[
    "DATAID",
    "VERSIONNUM",
    "FIRST_NAME",
    "SECOND_NAME",
    "THIRD_NAME",
    "FOURTH_NAME",
    "UN_LIST_TYPE",
    "REFERENCE_NUMBER",
    "LISTED_ON",
    "SUBMITTED_ON",
    "SUBMITTED_BY",
    "NAME_ORIGINAL_SCRIPT",
    "COMMENTS1",
    "TITLE",
    "DESIGNATION",
    "NATIONALITY",
    "NATIONALITY2",
    "DELISTED_ON",
    "LIST_TYPE",
    "LAST_DAY_UPDATED",
    "GENDER",
    "SORT_KEY",
    "SORT_KEY_LAST_MOD",
];

/// The elements of each group a record holds; `None` for an element that
/// holds text only.
fn group_elements(group: &str) -> Option<&'static [&'static str]> {
    Some(match group {
        "TITLE" | "DESIGNATION" | "NATIONALITY" | "NATIONALITY2" | "LIST_TYPE" | "LAST_DAY_UPDATED" => &["VALUE"],
        "INDIVIDUAL_ALIAS" | "ENTITY_ALIAS" => &[
            "QUALITY",
            "ALIAS_NAME",
            "NOTE",
            "DATE_OF_BIRTH",
            "CITY_OF_BIRTH",
            "COUNTRY_OF_BIRTH",
        ],
        "INDIVIDUAL_ADDRESS" | "ENTITY_ADDRESS" => &["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY", "NOTE"],
        "INDIVIDUAL_DATE_OF_BIRTH" => &["TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE"],
        "INDIVIDUAL_PLACE_OF_BIRTH" => &["STREET", "CITY", "STATE_PROVINCE", "COUNTRY", "NOTE"],
        "INDIVIDUAL_DOCUMENT" => &[
            "TYPE_OF_DOCUMENT",
            "TYPE_OF_DOCUMENT2",
            "NUMBER",
            "ISSUING_COUNTRY",
            "COUNTRY_OF_ISSUE",
            "DATE_OF_ISSUE",
            "CITY_OF_ISSUE",
            "NOTE",
        ],
        _ => return None,
    })
}

/// The groups only one kind of record holds.
fn record_group(record: &str, element: &str) -> bool {
    match record {
        "INDIVIDUAL" => matches!(
            element,
            "INDIVIDUAL_ALIAS"
                | "INDIVIDUAL_ADDRESS"
                | "INDIVIDUAL_DATE_OF_BIRTH"
                | "INDIVIDUAL_PLACE_OF_BIRTH"
                | "INDIVIDUAL_DOCUMENT"
        ),
        _ => matches!(element, "ENTITY_ALIAS" | "ENTITY_ADDRESS"),
    }
}

/// Each element of `rec` the format does not have, as `PARENT/ELEMENT`
/// with its line.
fn unknown_elements(rec: &Node) -> Vec<(String, &Node)> {
    let mut found = Vec::new();
    for child in &rec.children {
        if !RECORD_ELEMENTS.contains(&child.name.as_str()) && !record_group(&rec.name, &child.name) {
            found.push((format!("{}/{}", rec.name, child.name), child));
            continue;
        }
        let allowed = group_elements(&child.name).unwrap_or_default();
        for grandchild in &child.children {
            if !allowed.contains(&grandchild.name.as_str()) {
                found.push((format!("{}/{}", child.name, grandchild.name), grandchild));
            }
        }
    }
    found
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

    fn run(mut self, body: &str) -> Result<Report, Error> {
        let mut reader = Reader::from_str(body);
        // Open elements, with the line each opened on.
        let mut open: Vec<(String, u64)> = Vec::new();
        // The record being read: the record node and the open path inside it.
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
                    let tag = start.name().as_ref().to_string();
                    let line = self.start_line(before);
                    if open.is_empty() {
                        if saw_root {
                            return Err(self.syntax(line, format!("a second root element <{tag}>")));
                        }
                        saw_root = true;
                        if tag != "CONSOLIDATED_LIST" {
                            return Err(self.syntax(
                                line,
                                format!(
                                    "not a UN consolidated list: the root element is <{tag}>, not <CONSOLIDATED_LIST>"
                                ),
                            ));
                        }
                    }
                    if let Some(rec) = record.as_mut() {
                        // Inside a record: children and grandchildren are kept.
                        depth_in_record += 1;
                        let node = Node {
                            name: tag.clone(),
                            line,
                            ..Node::default()
                        };
                        match depth_in_record {
                            1 => rec.children.push(node),
                            2 => {
                                if let Some(group) = rec.children.last_mut() {
                                    group.children.push(node);
                                }
                            }
                            _ => {}
                        }
                        if is_empty {
                            depth_in_record -= 1;
                        }
                    } else if is_record(&open, &tag) {
                        let node = Node {
                            name: tag.clone(),
                            line,
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
            let line = last_line;
            return Err(self.syntax(
                line,
                format!("the file ends inside <{tag}> (opened on line {opened}): is it truncated?"),
            ));
        }
        if !saw_root {
            return Err(self.syntax(last_line, "no root element".to_string()));
        }
        for (path, (count, line)) in std::mem::take(&mut self.unknown) {
            let element = path.rsplit('/').next().unwrap_or(&path).to_string();
            let times = if count == 1 {
                String::new()
            } else {
                format!(" ({count} times; the first is here)")
            };
            self.report.warnings.push(
                Error::new(ErrorKind::Invalid(format!(
                    "<{path}> is not an element of the UN list format, and is not read{times}"
                )))
                .at(self.name)
                .line(line)
                .field(element),
            );
        }
        Ok(self.report)
    }

    /// Checks one record and adds its entity and designation.
    fn record(&mut self, rec: Node) -> Result<(), Error> {
        self.report.records += 1;
        for (path, node) in unknown_elements(&rec) {
            if self.mode == Strictness::Strict {
                return Err(Error::new(ErrorKind::Invalid(format!(
                    "<{path}> is not an element of the UN list format, and would not be read"
                )))
                .at(self.name)
                .line(node.line)
                .field(node.name.clone()));
            }
            self.unknown.entry(path).or_insert((0, node.line)).0 += 1;
        }
        match self.build(&rec) {
            Ok((entity, designation)) => {
                self.report.dataset.entities.push(entity);
                self.report.dataset.designations.push(designation);
                Ok(())
            }
            Err(err) => self.report.reject(self.mode, err),
        }
    }

    fn build(&mut self, rec: &Node) -> Result<(Entity, Designation), Error> {
        let bad = |line: u64, field: &str, message: String| {
            Error::new(ErrorKind::Invalid(message))
                .at(self.name)
                .line(line)
                .field(field)
        };
        let line_of_field = |field: &str| rec.child(field).map_or(rec.line, |c| c.line);

        let reference = rec.text_of("REFERENCE_NUMBER").ok_or_else(|| {
            bad(
                line_of_field("REFERENCE_NUMBER"),
                "REFERENCE_NUMBER",
                format!("<{}> has no reference number", rec.name),
            )
        })?;
        let name = ["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"]
            .iter()
            .filter_map(|f| rec.text_of(f))
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(bad(
                line_of_field("FIRST_NAME"),
                "FIRST_NAME",
                format!("{reference} has no name"),
            ));
        }
        let program = rec.text_of("UN_LIST_TYPE").ok_or_else(|| {
            bad(
                line_of_field("UN_LIST_TYPE"),
                "UN_LIST_TYPE",
                format!("{reference} has no list type (the sanctions regime)"),
            )
        })?;
        let ref_line = line_of_field("REFERENCE_NUMBER");
        if let Some(first) = self.seen.get(&reference) {
            return Err(bad(
                ref_line,
                "REFERENCE_NUMBER",
                format!("duplicate reference number `{reference}` (first on line {first})"),
            ));
        }
        // A listing date that cannot be read leaves the party listed: it
        // drops the date, not the person (strict mode refuses the file).
        let listed = match rec.text_of("LISTED_ON") {
            None => None,
            Some(text) => match listed_on(&text) {
                Some(date) => Some(date),
                None => {
                    let message = format!("`{text}` is not a date (YYYY-MM-DD); {reference} is read without it");
                    self.report
                        .drop_value(self.mode, bad(line_of_field("LISTED_ON"), "LISTED_ON", message))?;
                    None
                }
            },
        };
        self.seen.insert(reference.clone(), ref_line);

        let kind = if rec.name == "INDIVIDUAL" {
            EntityKind::Person
        } else {
            EntityKind::Organization
        };
        let id = format!("{DATASET}-{reference}");
        let mut e = Entity::new(id.clone(), kind, name);
        e.datasets = vec![DATASET.to_string()];
        let mut notes = Notes::default();
        // A delisted record still in the file ends its designation; a
        // date that cannot be read is dropped as a listing date is.
        let delisted = match rec.text_of("DELISTED_ON") {
            None => None,
            Some(text) => match listed_on(&text) {
                Some(date) if listed.is_none_or(|l| date > l) => Some(date),
                _ => {
                    let message = format!(
                        "`{text}` is not a date after the listing (YYYY-MM-DD); {reference} is read as still listed"
                    );
                    self.report
                        .drop_value(self.mode, bad(line_of_field("DELISTED_ON"), "DELISTED_ON", message))?;
                    None
                }
            },
        };
        fill(&mut e, &mut notes, rec);
        e.notes = notes.into_text();

        let designation = Designation {
            entity_id: id,
            authority: AUTHORITY.to_string(),
            program,
            listed,
            start: listed,
            end: delisted,
            sources: Vec::new(),
        };
        Ok((e, designation))
    }
}

/// Whether an element named `tag` opening under `open` is a record.
fn is_record(open: &[(String, u64)], tag: &str) -> bool {
    let parent = open.last().map(|(p, _)| p.as_str());
    matches!(
        (parent, tag),
        (Some("INDIVIDUALS"), "INDIVIDUAL") | (Some("ENTITIES"), "ENTITY")
    )
}

/// The node text goes to: the record's open child or grandchild.
fn current(rec: &mut Node, depth: usize) -> Option<&mut Node> {
    match depth {
        1 => rec.children.last_mut(),
        2 => rec.children.last_mut().and_then(|c| c.children.last_mut()),
        _ => None,
    }
}

/// `LISTED_ON`: a date, optionally followed by a time-zone offset or a time.
fn listed_on(text: &str) -> Option<Date> {
    let date = text.get(..10)?;
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
    date.parse().ok()
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

/// Sets every field but the id, kind and name.
fn fill(e: &mut Entity, notes: &mut Notes, rec: &Node) {
    if let Some(comments) = rec.text_of("COMMENTS1") {
        notes.add(comments);
    }
    let titles = rec.values("TITLE");
    if !titles.is_empty() {
        notes.add(format!("title: {}", titles.join(", ")));
    }
    if let Some(gender) = rec.text_of("GENDER") {
        notes.add(format!("gender: {gender}"));
    }
    for position in rec.values("DESIGNATION") {
        push_unique(&mut e.positions, position);
    }
    for nationality in rec.values("NATIONALITY").into_iter().chain(rec.values("NATIONALITY2")) {
        match country(&nationality) {
            Some(cc) => push_unique(&mut e.nationalities, cc),
            None => notes.add(format!("nationality: {nationality}")),
        }
    }

    // Names.
    if let Some(original) = rec.text_of("NAME_ORIGINAL_SCRIPT") {
        add_alias(e, original, NameKind::Alias);
    }
    for alias in rec
        .children
        .iter()
        .filter(|c| c.name == "INDIVIDUAL_ALIAS" || c.name == "ENTITY_ALIAS")
    {
        let name = alias.text_of("ALIAS_NAME");
        if let Some(name) = &name {
            let kind = match alias.text_of("QUALITY").as_deref() {
                Some("Low") => NameKind::WeakAlias,
                Some("f.k.a.") => NameKind::Former,
                // "Good", "a.k.a.", empty or unknown.
                _ => NameKind::Alias,
            };
            add_alias(e, name.clone(), kind);
            if let Some(note) = alias.text_of("NOTE") {
                notes.add(format!("alias {name}: {note}"));
            }
        }
        if let Some(dob) = alias.text_of("DATE_OF_BIRTH") {
            add_birth_date(e, notes, &dob);
        }
        let place = join_parts(alias, &["CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"]);
        if !place.is_empty() {
            push_unique(&mut e.birth_places, place);
        }
    }

    // Birth.
    for dob in rec.all("INDIVIDUAL_DATE_OF_BIRTH") {
        birth_dates(e, notes, dob);
    }
    for pob in rec.all("INDIVIDUAL_PLACE_OF_BIRTH") {
        let place = join_parts(pob, &["STREET", "CITY", "STATE_PROVINCE", "COUNTRY"]);
        if let Some(note) = pob.text_of("NOTE") {
            if place.is_empty() {
                notes.add(format!("place of birth: {note}"));
            } else {
                notes.add(format!("place of birth {place}: {note}"));
            }
        }
        if !place.is_empty() {
            push_unique(&mut e.birth_places, place);
        }
    }

    // Addresses.
    for address in rec
        .children
        .iter()
        .filter(|c| c.name == "INDIVIDUAL_ADDRESS" || c.name == "ENTITY_ADDRESS")
    {
        let text = join_parts(address, &["STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY"]);
        if let Some(cc) = address.text_of("COUNTRY").and_then(|c| country(&c)) {
            push_unique(&mut e.countries, cc);
        }
        if let Some(note) = address.text_of("NOTE") {
            if text.is_empty() {
                notes.add(format!("address: {note}"));
            } else {
                notes.add(format!("address {text}: {note}"));
            }
        }
        if !text.is_empty() {
            push_unique(&mut e.addresses, text);
        }
    }

    // Documents.
    for doc in rec.all("INDIVIDUAL_DOCUMENT") {
        document(e, notes, doc);
    }
}

fn add_alias(e: &mut Entity, name: String, kind: NameKind) {
    if name.to_lowercase() == e.name.to_lowercase() {
        return;
    }
    let lower = name.to_lowercase();
    if let Some(existing) = e.aliases.iter_mut().find(|a| a.name.to_lowercase() == lower) {
        if existing.kind == NameKind::WeakAlias && kind == NameKind::Alias {
            existing.kind = NameKind::Alias;
        }
        return;
    }
    e.aliases.push(Name {
        name,
        lang: None,
        kind,
        confidence: Default::default(),
    });
}

/// The non-empty parts `fields` of `node`, joined by `, `.
fn join_parts(node: &Node, fields: &[&str]) -> String {
    fields
        .iter()
        .filter_map(|f| node.text_of(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A birth date as the list writes it (`YYYY-MM-DD`, `YYYY`); a date with
/// zero month or day (`1970-00-00`) keeps its known part.
fn partial_date(text: &str) -> Option<PartialDate> {
    if let Ok(d) = text.parse() {
        return Some(d);
    }
    let fallback = if let Some(year) = text.strip_suffix("-00-00") {
        year
    } else {
        text.strip_suffix("-00")?
    };
    fallback.parse().ok()
}

fn add_birth_date(e: &mut Entity, notes: &mut Notes, text: &str) {
    match partial_date(text) {
        Some(d) => push_unique(&mut e.birth_dates, d),
        None => notes.add(format!("date of birth: {text}")),
    }
}

fn birth_dates(e: &mut Entity, notes: &mut Notes, dob: &Node) {
    let kind = dob.text_of("TYPE_OF_DATE").unwrap_or_default().to_ascii_uppercase();
    let mut said = Vec::new();
    for field in ["DATE", "YEAR"] {
        if let Some(text) = dob.text_of(field) {
            add_birth_date(e, notes, &text);
            said.push(text);
        }
    }
    let from = dob.text_of("FROM_YEAR");
    let to = dob.text_of("TO_YEAR");
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
            for (y, raw) in [(one, &from), (other, &to)] {
                match (y, raw) {
                    (Some(d), _) => push_unique(&mut e.birth_dates, d),
                    (None, Some(raw)) => notes.add(format!("date of birth: {raw}")),
                    (None, None) => {}
                }
            }
        }
    }
    if kind == "APPROXIMATELY" && !said.is_empty() {
        notes.add(format!("date of birth: approximately {}", said.join(", ")));
    }
    if let Some(note) = dob.text_of("NOTE") {
        notes.add(format!("date of birth: {note}"));
    }
}

/// Document types that are passports, as the list writes them.
const PASSPORT_TYPES: &[&str] = &["passport", "numéro de passeport", "número de pasaporte"];
/// Document types that are national identifiers.
const NATIONAL_ID_TYPES: &[&str] = &["national identification number"];

fn document(e: &mut Entity, notes: &mut Notes, doc: &Node) {
    let doc_type = doc.text_of("TYPE_OF_DOCUMENT");
    let number = doc.text_of("NUMBER");
    let country_name = doc
        .text_of("ISSUING_COUNTRY")
        .or_else(|| doc.text_of("COUNTRY_OF_ISSUE"));
    let cc = country_name.as_deref().and_then(country);
    let mut details = Vec::new();
    if let Some(t2) = doc.text_of("TYPE_OF_DOCUMENT2") {
        details.push(t2);
    }
    if let (Some(name), None) = (&country_name, cc) {
        details.push(format!("issued by {name}"));
    }
    if let Some(d) = doc.text_of("DATE_OF_ISSUE") {
        details.push(format!("issued on {d}"));
    }
    if let Some(c) = doc.text_of("CITY_OF_ISSUE") {
        details.push(format!("issued in {c}"));
    }
    if let Some(n) = doc.text_of("NOTE") {
        details.push(n);
    }
    if doc_type.is_none() && number.is_none() && details.is_empty() {
        return;
    }
    let lower = doc_type.as_deref().unwrap_or_default().to_lowercase();
    let kind = if PASSPORT_TYPES.contains(&lower.as_str()) {
        Some(IdentifierKind::Passport(cc))
    } else if NATIONAL_ID_TYPES.contains(&lower.as_str()) {
        Some(IdentifierKind::NationalId(cc))
    } else {
        None
    };
    let identifier = match (kind, &number) {
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
            let mut text = doc_type.unwrap_or_else(|| "document".to_string());
            if let Some(n) = number {
                text.push(' ');
                text.push_str(&n);
            }
            if let Some(name) = country_name.filter(|_| cc.is_some()) {
                text.push_str(&format!(" ({name})"));
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
/// two letters (`OB 0243318`, `96 03 464086`, `B/011641`, not `Libya
/// 428720` or `381110042 (Expired 25 Jan. 2016)`).
fn plain_number(n: &str) -> bool {
    n.len() <= 40
        && n.bytes().any(|c| c.is_ascii_digit())
        && n.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b' ' | b'-' | b'.' | b'/'))
        && n.split_whitespace()
            .all(|w| w.bytes().any(|c| c.is_ascii_digit()) || w.len() <= 2)
}

/// The ISO code of a country name as the list writes it. Names that are
/// no country (`former Soviet Union`, `na`) are kept in notes or address
/// text.
fn country(name: &str) -> Option<CountryCode> {
    crate::countries::code_of_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../tests/fixtures/un/sample.xml");
    const BAD_RECORDS: &[u8] = include_bytes!("../tests/fixtures/un/bad_records.xml");

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/un")
            .join(name)
    }

    fn read_fixture(name: &str, bytes: &[u8], mode: Strictness) -> Result<Report, Error> {
        read_bytes(&Path::new("fixtures/un").join(name), bytes, mode)
    }

    fn entity<'a>(r: &'a Report, id: &str) -> &'a Entity {
        r.dataset.entities.iter().find(|e| e.id == id).expect(id)
    }

    fn strs<T: ToString>(items: &[T]) -> Vec<String> {
        items.iter().map(T::to_string).collect()
    }

    fn aliases(e: &Entity) -> Vec<(&str, NameKind)> {
        e.aliases.iter().map(|a| (a.name.as_str(), a.kind)).collect()
    }

    fn identifiers(e: &Entity) -> Vec<(String, Option<&str>)> {
        e.identifiers
            .iter()
            .map(|i| (i.identifier.to_string(), i.note.as_deref()))
            .collect()
    }

    #[test]
    fn reads_individuals_and_entities_with_their_designations() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        assert_eq!(r.records, 3);
        assert!(r.rejected.is_empty());
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["un_sc-CDi.001", "un_sc-QDi.900", "un_sc-KPe.900"]);
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
                ("un_sc-CDi.001", "UN-SC", "DRC", day("2012-12-31"), day("2012-12-31")),
                // `2015-07-01-04:00`: the offset is dropped.
                (
                    "un_sc-QDi.900",
                    "UN-SC",
                    "Al-Qaida",
                    day("2015-07-01"),
                    day("2015-07-01")
                ),
                ("un_sc-KPe.900", "UN-SC", "DPRK", day("2009-04-24"), day("2009-04-24")),
            ]
        );
        assert!(r.dataset.designations.iter().all(|d| d.end.is_none()));
    }

    #[test]
    fn eric_badege() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        let e = entity(&r, "un_sc-CDi.001");
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(e.name, "ERIC BADEGE");
        assert!(e.aliases.is_empty(), "the empty alias is skipped");
        assert_eq!(e.datasets, ["un_sc"]);
        assert_eq!(strs(&e.birth_dates), ["1971"]);
        assert!(e.birth_places.is_empty());
        assert_eq!(strs(&e.nationalities), ["CD"]);
        assert_eq!(strs(&e.countries), ["RW"]);
        assert_eq!(e.addresses, ["Rwanda"]);
        assert!(e.identifiers.is_empty());
        assert_eq!(
            e.notes.as_deref(),
            Some("He fled to Rwanda in March 2013.; gender: Male; address Rwanda: as of early 2016")
        );
    }

    #[test]
    fn maps_names_dates_places_documents_and_notes() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        let e = entity(&r, "un_sc-QDi.900");
        // The reference number's trailing space is trimmed; the name's
        // parts are cleaned and joined.
        assert_eq!(e.name, "ABDUL RAHIM HAMDAN AL-TEST DAGALO");
        // The second "Abdelrahim Hamdan" and the alias equal to the name are
        // dropped (case-insensitively).
        assert_eq!(
            aliases(e),
            [
                ("عبد الرحيم", NameKind::Alias),
                ("Abdelrahim Hamdan", NameKind::Alias),
                ("Abu Test", NameKind::WeakAlias),
                ("Rahim Moussa", NameKind::Alias),
            ]
        );
        assert!(e.aliases.iter().all(|a| a.lang.is_none()));
        assert_eq!(
            strs(&e.birth_dates),
            [
                "1969-02-05",
                "1970-02-05",
                "1968",
                "1960",
                "1961",
                "1962",
                "1940",
                "1955"
            ]
        );
        assert_eq!(e.birth_places, ["Oran, Algeria", "Mosul, Ninawa, Iraq"]);
        assert_eq!(strs(&e.nationalities), ["IR"]);
        assert_eq!(e.addresses, ["50th Street, Tunis, Tunis Governorate, 1000, Tunisia"]);
        assert_eq!(strs(&e.countries), ["TN"]);
        assert_eq!(
            e.positions,
            ["Deputy Minister of Foreign Affairs under the Taliban regime"]
        );
        assert_eq!(
            identifiers(e),
            [
                (
                    "passport.tn:OB0243318".to_string(),
                    Some("issued on 2000-10-04; expired 3 Oct. 2005")
                ),
                (
                    "national_id.it:BNSDLA70L14Z352B".to_string(),
                    Some("Italian Fiscal Code:")
                ),
                ("passport:P123456".to_string(), Some("issued by Atlantis")),
            ]
        );
        let notes: Vec<&str> = e.notes.as_deref().unwrap_or_default().split("; ").collect();
        assert_eq!(
            notes,
            [
                "Brother of QDi.901 & QDi.902",
                "born in Mosél.",
                "title: Maulavi, Haji",
                "nationality: former Soviet Union",
                "alias Abu Test: used in 2010",
                "date of birth: approximately 1968",
                "date of birth: between 1960 and 1962",
                "date of birth: between 1940 and 1955",
                "date of birth: Approximately",
                "date of birth: 1971-02-30",
                "Passport Libyan passport No. 513519 (Libya)",
                "National Identification Number: SSN 156-92-9858 (United States of America)",
                "Residence permit RP 998877",
            ]
        );
    }

    #[test]
    fn maps_entity_aliases_and_addresses() {
        let r = read_fixture("sample.xml", SAMPLE, Strictness::Strict).unwrap();
        let e = entity(&r, "un_sc-KPe.900");
        assert_eq!(e.kind, EntityKind::Organization);
        assert_eq!(e.name, "KOREA TEST TRADING CORPORATION");
        assert_eq!(
            aliases(e),
            [
                ("\"KOTTC\"", NameKind::Alias),
                ("Old Test Corporation", NameKind::Former)
            ]
        );
        assert_eq!(
            e.addresses,
            [
                "Pyongyang, Democratic People's Republic of Korea",
                "Hong Kong, China, Hong Kong Special Administrative Region",
                "Poseidonis, Atlantis",
            ]
        );
        assert_eq!(strs(&e.countries), ["KP", "HK"]);
        assert_eq!(
            e.notes.as_deref(),
            Some("address Poseidonis, Atlantis: reported in 2012")
        );
    }

    #[test]
    fn lenient_mode_reports_each_bad_record_with_its_line_and_field() {
        let r = read_fixture("bad_records.xml", BAD_RECORDS, Strictness::Lenient).unwrap();
        assert_eq!(r.records, 8);
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["un_sc-QDi.001", "un_sc-QDi.003", "un_sc-QDe.002"]);
        assert_eq!(r.dataset.entities[0].name, "GOOD PERSON");
        assert_eq!(r.dataset.designations.len(), 3);
        // A listing date that does not exist drops the date, not the
        // listed person: he was skipped whole.
        assert_eq!(r.dataset.designations[1].listed, None);
        assert_eq!(
            strs(&r.warnings),
            ["fixtures/un/bad_records.xml:28: field `LISTED_ON`: `2019-02-30` is not a date (YYYY-MM-DD); QDi.003 is read without it"]
        );
        assert_eq!(r.dataset.designations[2].listed, None, "an empty LISTED_ON is no date");
        assert_eq!(
            strs(&r.rejected),
            [
                "fixtures/un/bad_records.xml:11: field `REFERENCE_NUMBER`: <INDIVIDUAL> has no reference number",
                "fixtures/un/bad_records.xml:18: field `FIRST_NAME`: QDi.002 has no name",
                "fixtures/un/bad_records.xml:34: field `REFERENCE_NUMBER`: duplicate reference number `QDi.001` (first on line 8)",
                "fixtures/un/bad_records.xml:37: field `REFERENCE_NUMBER`: <INDIVIDUAL> has no reference number",
                "fixtures/un/bad_records.xml:40: field `UN_LIST_TYPE`: QDe.001 has no list type (the sanctions regime)",
            ]
        );
        let first = &r.rejected[0];
        assert_eq!(first.line_number(), Some(11));
        assert_eq!(first.field_name(), Some("REFERENCE_NUMBER"));
        assert!(matches!(first.kind(), ErrorKind::Invalid(_)));
    }

    #[test]
    fn an_element_the_format_lacks_is_a_warning_once_per_name_and_an_error_in_strict_mode() {
        // `DATE_OF_BRITH` for `DATE`: the birth date would be lost without
        // a word, and strict mode took the file as it was.
        let record = |reference: &str| {
            format!(
                "<INDIVIDUAL><FIRST_NAME>X</FIRST_NAME><UN_LIST_TYPE>T</UN_LIST_TYPE>\n\
                 <REFERENCE_NUMBER>{reference}</REFERENCE_NUMBER>\n\
                 <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE_OF_BRITH>1970-01-01</DATE_OF_BRITH></INDIVIDUAL_DATE_OF_BIRTH>\n\
                 <EYE_COLOUR>brown</EYE_COLOUR></INDIVIDUAL>\n"
            )
        };
        let xml = format!(
            "<CONSOLIDATED_LIST><INDIVIDUALS>\n{}{}</INDIVIDUALS></CONSOLIDATED_LIST>\n",
            record("Ti.1"),
            record("Ti.2")
        );
        let r = read_fixture("t.xml", xml.as_bytes(), Strictness::Lenient).unwrap();
        assert_eq!(r.dataset.entities.len(), 2);
        assert!(r.rejected.is_empty());
        assert_eq!(
            strs(&r.warnings),
            [
                "fixtures/un/t.xml:5: field `EYE_COLOUR`: <INDIVIDUAL/EYE_COLOUR> is not an element of the UN list format, \
                 and is not read (2 times; the first is here)",
                "fixtures/un/t.xml:4: field `DATE_OF_BRITH`: <INDIVIDUAL_DATE_OF_BIRTH/DATE_OF_BRITH> is not an element of \
                 the UN list format, and is not read (2 times; the first is here)",
            ]
        );
        let err = read_fixture("t.xml", xml.as_bytes(), Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/un/t.xml:4: field `DATE_OF_BRITH`: <INDIVIDUAL_DATE_OF_BIRTH/DATE_OF_BRITH> is not an element of \
             the UN list format, and would not be read"
        );
    }

    #[test]
    fn delisted_on_ends_the_designation_and_nationality2_is_a_nationality() {
        // Both are in the UN's own schema: strict mode refused them as
        // elements the format lacks.
        let xml = "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME>\
                   <UN_LIST_TYPE>T</UN_LIST_TYPE><REFERENCE_NUMBER>Ti.1</REFERENCE_NUMBER>\
                   <LISTED_ON>2010-01-05</LISTED_ON><DELISTED_ON>2020-02-01</DELISTED_ON>\
                   <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY><NATIONALITY2><VALUE>Jordan</VALUE></NATIONALITY2>\
                   </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n";
        let r = read_fixture("t.xml", xml.as_bytes(), Strictness::Strict).unwrap();
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let d = &r.dataset.designations[0];
        assert_eq!(
            (d.start.map(|x| x.to_string()), d.end.map(|x| x.to_string())),
            (Some("2010-01-05".to_string()), Some("2020-02-01".to_string()))
        );
        let nationalities: Vec<&str> = r.dataset.entities[0].nationalities.iter().map(|c| c.as_str()).collect();
        assert_eq!(nationalities, ["IQ", "JO"]);
        let before = xml.replace("2020-02-01", "2009-01-01");
        let err = read_fixture("t.xml", before.as_bytes(), Strictness::Strict).unwrap_err();
        assert!(
            err.to_string()
                .contains("field `DELISTED_ON`: `2009-01-01` is not a date after the listing"),
            "{err}"
        );
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_record() {
        let err = read_fixture("bad_records.xml", BAD_RECORDS, Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/un/bad_records.xml:11: field `REFERENCE_NUMBER`: <INDIVIDUAL> has no reference number"
        );
    }

    #[test]
    fn a_truncated_file_is_one_error_with_its_line() {
        let bytes = std::fs::read(fixture("truncated.xml")).unwrap();
        for mode in [Strictness::Lenient, Strictness::Strict] {
            let err = read_fixture("truncated.xml", &bytes, mode).unwrap_err();
            assert_eq!(
                err.to_string(),
                "fixtures/un/truncated.xml:44: malformed XML: syntax error: tag not closed: `>` not found before end of input: is the file truncated?"
            );
            assert!(matches!(err.kind(), ErrorKind::Syntax(_)));
        }
        // Cut between two records: every element is still open.
        let cut = SAMPLE.windows(14).position(|w| w == b"</INDIVIDUAL>\n").unwrap() + 14;
        let err = read_fixture("cut.xml", &SAMPLE[..cut], Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/un/cut.xml:41: the file ends inside <INDIVIDUALS> (opened on line 3): is it truncated?"
        );
    }

    #[test]
    fn malformed_xml_is_one_error_with_its_line() {
        let bytes = std::fs::read(fixture("malformed.xml")).unwrap();
        let err = read_fixture("malformed.xml", &bytes, Strictness::Lenient).unwrap_err();
        assert_eq!(err.line_number(), Some(7));
        assert!(matches!(err.kind(), ErrorKind::Syntax(_)));
        assert!(
            err.to_string()
                .starts_with("fixtures/un/malformed.xml:7: malformed XML: "),
            "{err}"
        );

        let err = read_fixture("t.xml", b"<LIST>\n<INDIVIDUALS/>\n</LIST>\n", Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/un/t.xml:1: not a UN consolidated list: the root element is <LIST>, not <CONSOLIDATED_LIST>"
        );
        let err = read_fixture(
            "t.xml",
            b"<CONSOLIDATED_LIST>\n<X>&nbsp;</X></CONSOLIDATED_LIST>",
            Strictness::Lenient,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/un/t.xml:2: malformed XML: unknown entity or character reference `&nbsp;`"
        );
        let err = read_fixture("t.xml", b"<?xml version=\"1.0\"?>\n", Strictness::Lenient).unwrap_err();
        assert_eq!(err.to_string(), "fixtures/un/t.xml:1: no root element");
    }

    #[test]
    fn an_empty_file_is_empty() {
        let err = read(&fixture("empty.xml"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Empty));
        assert!(err.to_string().ends_with("empty.xml: the file is empty"), "{err}");
        let err = read_fixture("blank.xml", b" \n\n", Strictness::Strict).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Empty));
    }

    #[test]
    fn a_latin1_file_is_an_encoding_error_at_its_line() {
        let err = read(&fixture("latin1.xml"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Encoding));
        assert_eq!(err.line_number(), Some(5));
        assert_eq!(err.path(), Some(fixture("latin1.xml").as_path()));
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
        assert_eq!(r.dataset.entities.len(), 3);
        assert_eq!(r.rejected[0].line_number(), Some(11));
    }

    #[test]
    fn birth_year_ranges_over_ten_years_keep_their_endpoints() {
        let xml = |from: &str, to: &str| {
            format!(
                "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME>\
                 <UN_LIST_TYPE>T</UN_LIST_TYPE><REFERENCE_NUMBER>Ti.1</REFERENCE_NUMBER>\
                 <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE>\
                 <FROM_YEAR>{from}</FROM_YEAR><TO_YEAR>{to}</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>\
                 </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
            )
        };
        let years = |from: &str, to: &str| {
            let r = read_fixture("t.xml", xml(from, to).as_bytes(), Strictness::Strict).unwrap();
            strs(&r.dataset.entities[0].birth_dates)
        };
        assert_eq!(years("1970", "1979").len(), 10);
        assert_eq!(years("1970", "1980"), ["1970", "1980"]);
        assert_eq!(years("1962", "1960"), ["1960", "1961", "1962"]);
        assert_eq!(years("1960", "sixty"), ["1960"]);
    }

    #[test]
    fn listed_on_accepts_a_time_zone_suffix_only() {
        let d = |s: &str| listed_on(s).map(|d| d.to_string());
        assert_eq!(d("2015-07-01"), Some("2015-07-01".into()));
        assert_eq!(d("2015-07-01-04:00"), Some("2015-07-01".into()));
        assert_eq!(d("2015-07-01+05:30"), Some("2015-07-01".into()));
        assert_eq!(d("2015-07-01Z"), Some("2015-07-01".into()));
        for bad in [
            "2015-02-30",
            "2015-07-01x",
            "2015-07-01-0400",
            "01/07/2015",
            "2015",
            "",
            "2015-07-0é",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn document_numbers_must_be_plain() {
        for ok in [
            "OB 0243318",
            "96 03 464086",
            "B/011641",
            "1-78-09-44621-80",
            "3219222002.2181558",
        ] {
            assert!(plain_number(ok), "{ok}");
        }
        for bad in [
            "Libya 428720",
            "381110042 (Expired 25 Jan. 2016)",
            "CAR diplomatic passport no. D00000898",
            "ABC",
        ] {
            assert!(!plain_number(bad), "{bad}");
        }
    }

    #[test]
    fn never_panics_on_a_cut_or_damaged_file() {
        for end in 0..SAMPLE.len() {
            let cut = &SAMPLE[..end];
            let result = read_bytes(Path::new("cut.xml"), cut, Strictness::Lenient);
            // Only the whole document (up to the root's end tag) reads.
            let whole = cut.ends_with(b"</CONSOLIDATED_LIST>");
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
