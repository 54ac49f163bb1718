//! The UK OFSI Consolidated List of Financial Sanctions Targets, in its CSV
//! layout (`ConList.csv`): a first line `Last Updated,DD/MM/YYYY`, a header
//! row, then one row per name, the rows of one target sharing its
//! `Group ID`.
//!
//! The rows of a group become one [`Entity`] (`gb_hmt-<Group ID>`, dataset
//! `gb_hmt`), in the order groups first appear, and one [`Designation`] per
//! distinct `Regime` (authority `UK-OFSI`; listed and start = the earliest
//! `Listed On` of the group's rows for that regime).
//!
//! The mapping, column by column:
//!
//! - `Group Type`: `Individual` → person, `Entity` → organization, `Ship`
//!   → vessel (the first row of the group decides).
//! - Names: a row's name is `Name 1` .. `Name 5` then `Name 6` (the
//!   surname) joined by single spaces for an individual, and `Name 6` alone
//!   (else the parts) for an entity or ship. The first row with `Alias Type`
//!   `Primary name` gives the primary name (else the group's first row);
//!   the other rows are aliases (`FKA` → former name), weak aliases when
//!   `Alias Quality` is `Low`. Aliases equal (ignoring case) to the name or
//!   an earlier alias are dropped. `Name Non-Latin Script` → an alias, with
//!   the language of `Non-Latin Script Language` when it is in a small
//!   table.
//! - `DOB` `DD/MM/YYYY`, where `00` stands for an unknown day or month →
//!   `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `Town of Birth`, `Country of Birth`
//!   → birth place.
//! - `Nationality` → nationalities, `Country` → countries, when the name is
//!   in a shared country table; otherwise a note. Values numbered `(1) ..
//!   (2) ..` are split.
//! - `Passport Number` / `National Identification Number` → passports /
//!   national ids, split on `(1)`, `(2)`; the matching `Passport Details` /
//!   `National Identification Details` become the identifier's note, and
//!   give its country when they name exactly one country of the table
//!   (`Russia`, `Russian`); otherwise the country is unknown. Numbers that
//!   are not plain document numbers go to the notes.
//! - `Position` → positions; `Title` and `Other Information` → notes;
//!   `Address 1` .. `Address 6`, `Post/Zip Code`, `Country` → an address.
//!
//! A row without `Group ID`, name or `Regime`, with an unknown `Group
//! Type`, or with a `DOB` or `Listed On` that is not a date is bad: reported
//! with its file, line and column in lenient mode (the group keeps its other
//! rows), an error in strict mode. A header without one of the required
//! columns, or CSV that cannot be read, is an error in either mode. Fields
//! are read as UTF-8, falling back to Windows-1252 field by field.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use interdict_model::{Date, Designation, Entity, EntityKind, IdentifierKind, NameKind};

use crate::error::{Error, ErrorKind};
use crate::gb_csv::{
    add_alias, add_note, country, documents, language, numbered, parse_rows, push_unique, Columns, DateParts, Row,
};
#[cfg(test)]
use crate::gb_csv::{country_in, numbered_items};
use crate::report::{Report, Strictness};

/// Largest file accepted; the full list is about 15 MB.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Authority of every designation.
pub const AUTHORITY: &str = "UK-OFSI";
/// Dataset of every entity, and the prefix of its id.
pub const DATASET: &str = "gb_hmt";

/// Every column of the published `ConList.csv`, read or not.
const COLUMNS: &[&str] = &[
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Title",
    "Name Non-Latin Script",
    "Non-Latin Script Type",
    "Non-Latin Script Language",
    "DOB",
    "Town of Birth",
    "Country of Birth",
    "Nationality",
    "Passport Number",
    "Passport Details",
    "National Identification Number",
    "National Identification Details",
    "Position",
    "Address 1",
    "Address 2",
    "Address 3",
    "Address 4",
    "Address 5",
    "Address 6",
    "Post/Zip Code",
    "Country",
    "Other Information",
    "Group Type",
    "Alias Type",
    "Alias Quality",
    "Regime",
    "Listed On",
    "UK Sanctions List Date Designated",
    "Last Updated",
    "Group ID",
];

/// Columns a header must have.
const REQUIRED: &[&str] = &[
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Group Type",
    "Alias Type",
    "Regime",
    "Listed On",
    "Group ID",
];

/// Reads an OFSI consolidated list CSV file.
pub fn read(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    read_from(path, file, mode)
}

/// Reads an OFSI consolidated list CSV from `reader`; `name` is used only
/// in errors.
pub fn read_from(name: &Path, reader: impl Read, mode: Strictness) -> Result<Report, Error> {
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
    let rows = parse_rows(name, &bytes)?;
    Builder {
        name,
        mode,
        report: Report::default(),
        groups: Vec::new(),
        by_id: HashMap::new(),
    }
    .run(rows)
}

/// One target while the rows are read.
struct Group {
    entity: Entity,
    /// Every row's name, in order: (name, kind, whether `Primary name`).
    names: Vec<(String, NameKind, bool)>,
    /// Regimes with their earliest listing date.
    regimes: Vec<(String, Option<Date>)>,
    notes: Vec<String>,
}

struct Builder<'a> {
    name: &'a Path,
    mode: Strictness,
    report: Report,
    groups: Vec<Group>,
    by_id: HashMap<String, usize>,
}

impl Builder<'_> {
    fn bad(&mut self, line: u64, column: &str, message: String) -> Result<(), Error> {
        let err = Error::new(ErrorKind::Invalid(message))
            .at(self.name)
            .line(line)
            .field(column);
        self.report.reject(self.mode, err)
    }

    fn run(mut self, rows: Vec<Row>) -> Result<Report, Error> {
        let mut rows = rows.into_iter().peekable();
        // The `Last Updated,DD/MM/YYYY` line, when there is one.
        if rows.peek().is_some_and(|r| {
            r.fields.first().is_some_and(|f| f == "Last Updated") && !r.fields.iter().any(|f| f == "Group ID")
        }) {
            rows.next();
        }
        let Some(header) = rows.next() else {
            return Err(Error::new(ErrorKind::Syntax("no header row".to_string())).at(self.name));
        };
        let mut columns = HashMap::new();
        for (i, name) in header.fields.iter().enumerate() {
            columns.entry(name.clone()).or_insert(i);
        }
        for required in REQUIRED {
            if !columns.contains_key(*required) {
                return Err(Error::new(ErrorKind::MissingColumn {
                    name: required.to_string(),
                    found: header.fields.clone(),
                })
                .at(self.name)
                .line(header.line));
            }
        }
        self.report.unknown_columns(
            self.mode,
            self.name,
            header.line,
            &header.fields,
            "OFSI consolidated list",
            |c| COLUMNS.contains(&c),
        )?;
        let columns = Columns(columns);
        for row in rows {
            self.report.records += 1;
            self.row(&columns, &row)?;
        }
        for group in self.groups {
            let Group {
                mut entity,
                names,
                regimes,
                notes,
                ..
            } = group;
            let primary = names.iter().position(|(_, _, p)| *p).unwrap_or(0);
            if let Some((name, _, _)) = names.get(primary) {
                entity.name = name.clone();
            }
            // Non-Latin names were added as rows were read; the primary name
            // may only now be known, so they are checked again.
            let early = std::mem::take(&mut entity.aliases);
            for (i, (name, kind, _)) in names.into_iter().enumerate() {
                if i != primary {
                    add_alias(&mut entity, name, None, kind);
                }
            }
            for alias in early {
                add_alias(&mut entity, alias.name, alias.lang, alias.kind);
            }
            if !notes.is_empty() {
                entity.notes = Some(notes.join("; "));
            }
            for (program, listed) in regimes {
                self.report.dataset.designations.push(Designation {
                    entity_id: entity.id.clone(),
                    authority: AUTHORITY.to_string(),
                    program,
                    listed,
                    start: listed,
                    end: None,
                    sources: Vec::new(),
                });
            }
            self.report.dataset.entities.push(entity);
        }
        Ok(self.report)
    }

    fn row(&mut self, c: &Columns, row: &Row) -> Result<(), Error> {
        let line = row.line;
        let Some(group_id) = c.opt(row, "Group ID") else {
            return self.bad(line, "Group ID", "row has no group id".to_string());
        };
        let kind = match c.get(row, "Group Type").to_ascii_lowercase().as_str() {
            "individual" => EntityKind::Person,
            "entity" => EntityKind::Organization,
            "ship" => EntityKind::Vessel,
            _ => {
                let msg = format!(
                    "group {group_id}: unknown group type `{}`: expected Individual, Entity or Ship",
                    c.get(row, "Group Type")
                );
                return self.bad(line, "Group Type", msg);
            }
        };
        let parts: Vec<&str> = ["Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6"]
            .iter()
            .filter_map(|col| c.opt(row, col))
            .collect();
        let name = match (kind, c.opt(row, "Name 6")) {
            (EntityKind::Organization | EntityKind::Vessel, Some(n6)) => n6.to_string(),
            _ => parts.join(" "),
        };
        if name.is_empty() {
            return self.bad(line, "Name 6", format!("group {group_id}: row has no name"));
        }
        let Some(regime) = c.opt(row, "Regime") else {
            return self.bad(line, "Regime", format!("group {group_id}: row has no regime"));
        };
        let listed = match c.opt(row, "Listed On") {
            None => None,
            Some(text) => match uk_date(text) {
                Some(DateParts::Day(d)) => Some(d),
                _ => {
                    let msg = format!("`{text}` is not a date (DD/MM/YYYY)");
                    return self.bad(line, "Listed On", msg);
                }
            },
        };
        let dob = match c.opt(row, "DOB") {
            None => None,
            Some(text) => match uk_date(text).and_then(|d| d.partial()) {
                Some(d) => Some(d),
                None => {
                    let msg = format!("`{text}` is not a date (DD/MM/YYYY, 00 for an unknown day or month)");
                    return self.bad(line, "DOB", msg);
                }
            },
        };

        let i = match self.by_id.get(group_id) {
            Some(&i) => i,
            None => {
                let id = format!("{DATASET}-{group_id}");
                let mut entity = Entity::new(id, kind, name.clone());
                entity.datasets = vec![DATASET.to_string()];
                self.by_id.insert(group_id.to_string(), self.groups.len());
                self.groups.push(Group {
                    entity,
                    names: Vec::new(),
                    regimes: Vec::new(),
                    notes: Vec::new(),
                });
                self.groups.len() - 1
            }
        };
        let Some(group) = self.groups.get_mut(i) else {
            return Ok(());
        };
        let alias_type = c.get(row, "Alias Type").to_ascii_lowercase();
        let quality = c.get(row, "Alias Quality").to_ascii_lowercase();
        let name_kind = if alias_type == "fka" {
            NameKind::Former
        } else if quality.starts_with("low") {
            NameKind::WeakAlias
        } else {
            NameKind::Alias
        };
        group.names.push((name, name_kind, alias_type == "primary name"));
        let e = &mut group.entity;
        if let Some(original) = c.opt(row, "Name Non-Latin Script") {
            let lang = c.opt(row, "Non-Latin Script Language").and_then(language);
            add_alias(e, original.to_string(), lang, NameKind::Alias);
        }
        let notes = &mut group.notes;
        if let Some(dob) = dob {
            push_unique(&mut e.birth_dates, dob);
        }
        let place: Vec<&str> = ["Town of Birth", "Country of Birth"]
            .iter()
            .filter_map(|col| c.opt(row, col))
            .collect();
        if !place.is_empty() {
            push_unique(&mut e.birth_places, place.join(", "));
        }
        for nationality in numbered(c.get(row, "Nationality")) {
            match country(&nationality) {
                Some(cc) => push_unique(&mut e.nationalities, cc),
                None => add_note(notes, format!("nationality: {nationality}")),
            }
        }
        for position in numbered(c.get(row, "Position")) {
            push_unique(&mut e.positions, position);
        }
        if let Some(title) = c.opt(row, "Title") {
            add_note(notes, format!("title: {title}"));
        }
        documents(
            e,
            notes,
            c.get(row, "Passport Number"),
            c.get(row, "Passport Details"),
            IdentifierKind::Passport,
            "passport",
        );
        documents(
            e,
            notes,
            c.get(row, "National Identification Number"),
            c.get(row, "National Identification Details"),
            IdentifierKind::NationalId,
            "national identification number",
        );
        let address: Vec<&str> = [
            "Address 1",
            "Address 2",
            "Address 3",
            "Address 4",
            "Address 5",
            "Address 6",
            "Post/Zip Code",
            "Country",
        ]
        .iter()
        .filter_map(|col| c.opt(row, col))
        .collect();
        if !address.is_empty() {
            push_unique(&mut e.addresses, address.join(", "));
        }
        for name in numbered(c.get(row, "Country")) {
            match country(&name) {
                Some(cc) => push_unique(&mut e.countries, cc),
                None => add_note(notes, format!("country: {name}")),
            }
        }
        if let Some(other) = c.opt(row, "Other Information") {
            add_note(notes, other.to_string());
        }
        match group.regimes.iter_mut().find(|(r, _)| r == regime) {
            Some((_, date)) => {
                if let Some(d) = listed {
                    *date = Some(date.map_or(d, |old| old.min(d)));
                }
            }
            None => group.regimes.push((regime.to_string(), listed)),
        }
        Ok(())
    }
}

/// `YYYY`.
fn uk_date(text: &str) -> Option<DateParts> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (day, month, year) = match parts.as_slice() {
        [d, m, y] => (num(d, 2)?, num(m, 2)?, num(y, 4)?),
        [m, y] => (0, num(m, 2)?, num(y, 4)?),
        [y] => (0, 0, num(y, 4)?),
        _ => return None,
    };
    let year = i32::try_from(year).ok()?;
    match (day, month) {
        (0, 0) => Some(DateParts::Year(year)),
        (0, 1..=12) => Some(DateParts::Month(year, month)),
        (_, 0) => None,
        _ => Date::from_ymd(year, month, day).map(DateParts::Day),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/uk")
            .join(name)
    }

    /// Reads a fixture under the short name `fixtures/uk/<name>`.
    fn read_fixture(name: &str, mode: Strictness) -> Result<Report, Error> {
        let bytes = std::fs::read(fixture(name)).unwrap();
        read_from(&Path::new("fixtures/uk").join(name), bytes.as_slice(), mode)
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
    fn groups_rows_into_targets_with_their_designations() {
        let r = read_fixture("sample.csv", Strictness::Strict).unwrap();
        assert_eq!(r.records, 8);
        assert!(r.rejected.is_empty());
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["gb_hmt-9001", "gb_hmt-9003", "gb_hmt-9002"]);
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
                ("gb_hmt-9001", "UK-OFSI", "Russia", day("2022-03-15"), day("2022-03-15")),
                ("gb_hmt-9003", "UK-OFSI", "Iran", day("2020-10-10"), day("2020-10-10")),
                // The earliest Listed On of the regime's rows.
                ("gb_hmt-9002", "UK-OFSI", "Russia", day("2021-01-01"), day("2021-01-01")),
                (
                    "gb_hmt-9002",
                    "UK-OFSI",
                    "Belarus",
                    day("2023-06-01"),
                    day("2023-06-01")
                ),
            ]
        );
    }

    #[test]
    fn maps_an_individual() {
        let r = read_fixture("sample.csv", Strictness::Strict).unwrap();
        let e = entity(&r, "gb_hmt-9001");
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(e.name, "Ivan Petrovich TESTOV");
        assert_eq!(e.datasets, ["gb_hmt"]);
        assert_eq!(
            aliases(e),
            [
                ("Ivan TESTOFF", None, NameKind::Alias),
                ("Vanya", None, NameKind::WeakAlias),
                ("Иван Петрович ТЕСТОВ", Some("ru"), NameKind::Alias),
            ]
        );
        // 12/03/1965, 00/00/1960, 00/04/1966.
        assert_eq!(strs(&e.birth_dates), ["1965-03-12", "1960", "1966-04"]);
        assert_eq!(e.birth_places, ["Leningrad, Russia"]);
        assert_eq!(strs(&e.nationalities), ["RU"]);
        assert_eq!(
            identifiers(e),
            [
                ("passport.ru:750123456".to_string(), Some("Russian passport")),
                ("passport:123456789".to_string(), Some("issued by Atlantis")),
                ("national_id.ru:12345678900".to_string(), Some("Russian tax number")),
            ]
        );
        assert_eq!(e.positions, ["Member of the State Duma", "Deputy Chairman"]);
        assert_eq!(e.addresses, ["12 Testovaya Street, Moscow, 125009, Russia"]);
        assert_eq!(strs(&e.countries), ["RU"]);
        assert_eq!(
            e.notes.as_deref(),
            Some("nationality: Atlantis; title: Mr; Invented person for the reader's tests.")
        );
    }

    #[test]
    fn maps_an_entity_and_a_ship() {
        let r = read_fixture("sample.csv", Strictness::Strict).unwrap();
        let e = entity(&r, "gb_hmt-9002");
        assert_eq!(e.kind, EntityKind::Organization);
        // The Primary name row wins over the earlier AKA; Name 6 alone.
        assert_eq!(e.name, "TEST SHIPPING AND TRADING JSC");
        assert_eq!(
            aliases(e),
            [
                ("TST", None, NameKind::Alias),
                ("OLD TEST SHIPPING", None, NameKind::Former),
            ]
        );
        assert_eq!(e.addresses, ["PO Box 77, Saint Petersburg, Russia"]);
        assert_eq!(strs(&e.countries), ["RU"]);
        assert!(e.notes.is_none());

        let v = entity(&r, "gb_hmt-9003");
        assert_eq!(v.kind, EntityKind::Vessel);
        assert_eq!(v.name, "SEA TESTER");
        assert_eq!(strs(&v.countries), ["IR"]);
        assert_eq!(v.notes.as_deref(), Some("IMO 9187629"));
    }

    #[test]
    fn lenient_mode_reports_each_bad_row_with_its_line_and_column() {
        let r = read_fixture("bad_rows.csv", Strictness::Lenient).unwrap();
        assert_eq!(r.records, 8);
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["gb_hmt-100", "gb_hmt-105"]);
        assert_eq!(r.dataset.entities[0].name, "Good PERSON");
        assert_eq!(r.dataset.designations[1].listed, None, "an empty Listed On is no date");
        assert_eq!(
            strs(&r.rejected),
            [
                "fixtures/uk/bad_rows.csv:4: field `Group ID`: row has no group id",
                "fixtures/uk/bad_rows.csv:5: field `DOB`: `31/02/1970` is not a date (DD/MM/YYYY, 00 for an unknown day or month)",
                "fixtures/uk/bad_rows.csv:6: field `Listed On`: `2021-02-01` is not a date (DD/MM/YYYY)",
                "fixtures/uk/bad_rows.csv:7: field `Group Type`: group 103: unknown group type `Aircraft`: expected Individual, Entity or Ship",
                "fixtures/uk/bad_rows.csv:8: field `Name 6`: group 100: row has no name",
                "fixtures/uk/bad_rows.csv:9: field `Regime`: group 104: row has no regime",
            ]
        );
        let first = &r.rejected[0];
        assert_eq!(first.line_number(), Some(4));
        assert_eq!(first.field_name(), Some("Group ID"));
        assert!(matches!(first.kind(), ErrorKind::Invalid(_)));
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_row() {
        let err = read_fixture("bad_rows.csv", Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/uk/bad_rows.csv:4: field `Group ID`: row has no group id"
        );
    }

    #[test]
    fn a_windows_1252_file_is_decoded() {
        let r = read_fixture("latin1.csv", Strictness::Strict).unwrap();
        assert_eq!(r.dataset.entities[0].name, "CAFÉ \u{201c}CENTRAL\u{201d} LTD");
        assert_eq!(strs(&r.dataset.entities[0].countries), ["SY"]);
    }

    #[test]
    fn header_problems_are_one_error() {
        let err = read_text("Last Updated,01/01/2026\nName 6,Group ID\nX,1\n", Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::MissingColumn { .. }));
        assert_eq!(
            err.to_string(),
            "t.csv:2: missing required column `Name 1`; the header has: Name 6, Group ID"
        );
        let err = read_text("Last Updated,01/01/2026\r\n", Strictness::Lenient).unwrap_err();
        assert_eq!(err.to_string(), "t.csv: no header row");
        // An unterminated quote runs to the end: the csv crate reads it as
        // one field, every line after it in one bad row; the file is refused.
        let err = read_text(
            "Last Updated,01/01/2026\nName 6,Name 1,Name 2,Name 3,Name 4,Name 5,Group Type,Alias Type,Regime,Listed On,Group ID\n\"X,,,,,,,,,,\n",
            Strictness::Lenient,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:3: malformed CSV: a quote in this record is never closed, so the rest of the file was read as \
             one field"
        );
    }

    #[test]
    fn the_last_updated_line_is_optional() {
        let text = "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Group Type,Alias Type,Regime,Listed On,Group ID\n\
                    ACME,,,,,,Entity,Primary name,Syria,01/02/2021,7\n";
        let r = read_text(text, Strictness::Strict).unwrap();
        assert_eq!(
            strs(&r.dataset.entities.iter().map(|e| &e.id).collect::<Vec<_>>()),
            ["gb_hmt-7"]
        );
        // Trailing empty fields on the first line are allowed.
        let r = read_text(&format!("Last Updated,01/01/2026,,,\n{text}"), Strictness::Strict).unwrap();
        assert_eq!(r.dataset.entities.len(), 1);
        // A byte-order mark is skipped.
        let r = read_text(&format!("\u{feff}Last Updated,01/01/2026\n{text}"), Strictness::Strict).unwrap();
        assert_eq!(r.dataset.entities.len(), 1);
    }

    #[test]
    fn an_empty_file_is_empty() {
        let path = std::env::temp_dir().join(format!("interdict-uk-empty-{}.csv", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        let err = read(&path, Strictness::Lenient).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(err.kind(), ErrorKind::Empty));
        assert_eq!(err.to_string(), format!("{}: the file is empty", path.display()));
        let err = read_text(" \r\n", Strictness::Strict).unwrap_err();
        assert_eq!(err.to_string(), "t.csv: the file is empty");
    }

    #[test]
    fn reads_files_and_reports_io_errors() {
        let from_file = read(&fixture("sample.csv"), Strictness::Strict).unwrap();
        let from_bytes = read_fixture("sample.csv", Strictness::Strict).unwrap();
        assert_eq!(from_file.dataset, from_bytes.dataset);
        let err = read(&fixture("missing.csv"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Io(_)));
    }

    #[test]
    fn dates_with_unknown_day_or_month() {
        let d = |s: &str| uk_date(s).and_then(DateParts::partial).map(|p| p.to_string());
        assert_eq!(d("12/03/1965").as_deref(), Some("1965-03-12"));
        assert_eq!(d("00/03/1965").as_deref(), Some("1965-03"));
        assert_eq!(d("00/00/1965").as_deref(), Some("1965"));
        assert_eq!(d("03/1965").as_deref(), Some("1965-03"));
        assert_eq!(d("1965").as_deref(), Some("1965"));
        for bad in [
            "31/02/1970",
            "12/00/1970",
            "1/3/1965",
            "1965-03-12",
            "00/13/1965",
            "",
            "ab/cd/efgh",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbered_values_are_split() {
        assert_eq!(numbered("(1) Russia (2) Ukraine"), ["Russia", "Ukraine"]);
        assert_eq!(numbered("Russia"), ["Russia"]);
        assert_eq!(numbered("(a) Russia"), ["(a) Russia"]);
        assert_eq!(numbered(""), Vec::<String>::new());
        assert_eq!(
            numbered_items("X (1) A, (2) B"),
            [
                (None, "X".to_string()),
                (Some(1), "A".to_string()),
                (Some(2), "B".to_string())
            ]
        );
        assert_eq!(country_in("Russian passport"), "RU".parse().ok());
        assert_eq!(country_in("issued in Russia and Ukraine"), None);
        assert_eq!(country_in("Prussian"), None);
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let sample = std::fs::read(fixture("sample.csv")).unwrap();
        for end in (0..sample.len()).step_by(5) {
            let cut = sample.get(..end).unwrap_or_default();
            let _ = read_from(Path::new("cut.csv"), cut, Strictness::Lenient);
        }
        for (i, replacement) in [b'"', b',', b'\n', 0xFF, b'(', 0].into_iter().enumerate() {
            for pos in (i..sample.len()).step_by(11) {
                let mut damaged = sample.clone();
                damaged[pos] = replacement;
                let _ = read_from(Path::new("damaged.csv"), damaged.as_slice(), Strictness::Lenient);
                let _ = read_from(Path::new("damaged.csv"), damaged.as_slice(), Strictness::Strict);
            }
        }
    }

    #[test]
    fn a_column_the_format_lacks_is_a_warning_and_refused_in_strict_mode() {
        // `Passport Detail` for `Passport Details`: its values were dropped without a word.
        let text = std::fs::read_to_string(fixture("sample.csv")).unwrap();
        assert!(text.contains(",Passport Details,"));
        let text = text.replacen(",Passport Details,", ",Passport Detail,", 1);
        let r = read_text(&text, Strictness::Lenient).unwrap();
        let warnings: Vec<String> = r.warnings.iter().map(|e| e.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].ends_with(": field `Passport Detail`: column `Passport Detail` is not in the OFSI consolidated list format; its values are not read"),
            "{}",
            warnings[0]
        );
        assert!(!r.dataset.entities.is_empty());
        assert_eq!(
            read_text(&text, Strictness::Strict).unwrap_err().to_string(),
            warnings[0]
        );
        assert!(read_fixture("sample.csv", Strictness::Strict)
            .unwrap()
            .warnings
            .is_empty());
    }
}
