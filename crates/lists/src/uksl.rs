//! The UK Sanctions List of the Foreign, Commonwealth & Development Office
//! (FCDO), in its CSV layout (`UK-Sanctions-List.csv`, published at
//! <https://www.gov.uk/government/publications/the-uk-sanctions-list>): a
//! first line `Report Date: DD-Mon-YYYY`, a header row (58 columns, the
//! first of them `Last Updated`), then one row per name of a designated
//! person, entity or ship, the rows of one designation sharing its `Unique
//! ID` (`RUS0001`). This is not the OFSI consolidated list ([`crate::uk`]).
//!
//! The rows of one `Unique ID` become one [`Entity`] (`gb_fcdo-<Unique
//! ID>`, dataset `gb_fcdo`), in the order they first appear, and one
//! [`Designation`] per distinct `Regime Name` (authority `UK-FCDO`, program
//! the regime name; listed and start = the earliest `Date Designated` of the
//! rows for that regime).
//!
//! The mapping, column by column:
//!
//! - `Designation Type`: `Individual` → person, `Entity` → organization,
//!   `Ship` → vessel (the first row of the designation decides).
//! - Names: a row's name is `Name 1` .. `Name 5` then `Name 6` (the
//!   surname) joined by single spaces for an individual, and `Name 6` alone
//!   (else the parts) for an entity or ship. The first row whose `Name type`
//!   is `Primary name` gives the primary name (else the first row); the
//!   other rows (`Primary name variation`, `Alias`) are aliases, weak
//!   aliases when `Alias strength` begins with `weak` or `low`. Aliases equal
//!   (ignoring case) to the name or an earlier alias are dropped. `Name
//!   non-latin script` → an alias, with the language of `Non-latin script
//!   language` when it is in a small table.
//! - `D.O.B` `DD/MM/YYYY`, where `dd`/`00` and `mm`/`00` stand for an
//!   unknown day or month → `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `Town of
//!   birth`, `Country of birth` → birth place.
//! - `Nationality(/ies)` → nationalities, `Address Country` → countries,
//!   when the name is in a shared country table; otherwise a note. Values
//!   numbered `(1) .. (2) ..` are split.
//! - `Passport number` / `National Identifier number` → passports /
//!   national ids, split on `(1)`, `(2)`; the matching `Passport additional
//!   information` / `National Identifier additional information` become the
//!   identifier's note, and give its country when they name exactly one
//!   country of the table. Numbers that are not plain document numbers go to
//!   the notes.
//! - `IMO number` → an IMO identifier (else a note).
//! - `Position` → positions; `Title` and `Other Information` → notes;
//!   `Address Line 1` .. `Address Line 6`, `Address Postal Code`, `Address
//!   Country` → an address.
//!
//! A row without `Unique ID`, name or `Regime Name`, with an unknown
//! `Designation Type`, or with a `D.O.B` or `Date Designated` that is not a
//! date is bad: reported with its file, line and column in lenient mode (the
//! designation keeps its other rows), an error in strict mode. A header
//! without one of the required columns, or CSV that cannot be read, is an
//! error in either mode. Fields are read as UTF-8, falling back to
//! Windows-1252 field by field.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use interdict_model::{Date, Designation, Entity, EntityKind, Identifier, IdentifierKind, IdentifierRecord, NameKind};

use crate::error::{Error, ErrorKind};
use crate::gb_csv::{
    add_alias, add_note, country, documents, language, numbered, parse_rows, push_unique, Columns, DateParts, Row,
};
use crate::report::{Report, Strictness};

/// Largest file accepted; the full list is about 20 MB.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Authority of every designation.
pub const AUTHORITY: &str = "UK-FCDO";
/// Dataset of every entity, and the prefix of its id.
pub const DATASET: &str = "gb_fcdo";

/// Every column of the published UK Sanctions List CSV, read or not.
const COLUMNS: &[&str] = &[
    "Last Updated",
    "Unique ID",
    "OFSI Group ID",
    "UN Reference Number",
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Name type",
    "Alias strength",
    "Title",
    "Name non-latin script",
    "Non-latin script type",
    "Non-latin script language",
    "Regime Name",
    "Designation Type",
    "Designation source",
    "Sanctions Imposed",
    "Other Information",
    "UK Statement of Reasons",
    "Address Line 1",
    "Address Line 2",
    "Address Line 3",
    "Address Line 4",
    "Address Line 5",
    "Address Line 6",
    "Address Postal Code",
    "Address Country",
    "Phone number",
    "Website",
    "Email address",
    "Date Designated",
    "D.O.B",
    "Nationality(/ies)",
    "National Identifier number",
    "National Identifier additional information",
    "Passport number",
    "Passport additional information",
    "Position",
    "Gender",
    "Town of birth",
    "Country of birth",
    "Type of entity",
    "Subsidiaries",
    "Parent company",
    "Business registration number (s)",
    "IMO number",
    "Current owner/operator (s)",
    "Previous owner/operator (s)",
    "Current believed flag of ship",
    "Previous flags",
    "Type of ship",
    "Tonnage of ship",
    "Length of ship",
    "Year Built",
    "Hull identification number (HIN)",
];

/// Columns a header must have.
const REQUIRED: &[&str] = &[
    "Unique ID",
    "Name 6",
    "Name 1",
    "Name 2",
    "Name 3",
    "Name 4",
    "Name 5",
    "Name type",
    "Regime Name",
    "Designation Type",
    "Date Designated",
];

/// Reads a UK Sanctions List CSV file.
pub fn read(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    read_from(path, file, mode)
}

/// Reads a UK Sanctions List CSV from `reader`; `name` is used only in
/// errors.
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

/// One designation while the rows are read.
struct Group {
    entity: Entity,
    /// Every row's name, in order: (name, kind, whether `Primary name`).
    names: Vec<(String, NameKind, bool)>,
    /// Regimes with their earliest designation date.
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
        // The `Report Date: DD-Mon-YYYY` line (or an OFSI-style `Last
        // Updated,DD/MM/YYYY` line), when there is one.
        if rows.peek().is_some_and(|r| {
            r.fields
                .first()
                .is_some_and(|f| f.starts_with("Report Date") || f == "Last Updated")
                && !r.fields.iter().any(|f| f == "Unique ID")
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
            "UK Sanctions List",
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
        let Some(unique_id) = c.opt(row, "Unique ID") else {
            return self.bad(line, "Unique ID", "row has no unique id".to_string());
        };
        let kind = match c.get(row, "Designation Type").to_ascii_lowercase().as_str() {
            "individual" => EntityKind::Person,
            "entity" => EntityKind::Organization,
            "ship" => EntityKind::Vessel,
            _ => {
                let msg = format!(
                    "{unique_id}: unknown designation type `{}`: expected Individual, Entity or Ship",
                    c.get(row, "Designation Type")
                );
                return self.bad(line, "Designation Type", msg);
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
            return self.bad(line, "Name 6", format!("{unique_id}: row has no name"));
        }
        let Some(regime) = c.opt(row, "Regime Name") else {
            return self.bad(line, "Regime Name", format!("{unique_id}: row has no regime"));
        };
        let designated = match c.opt(row, "Date Designated") {
            None => None,
            Some(text) => match fcdo_date(text) {
                Some(DateParts::Day(d)) => Some(d),
                _ => {
                    let msg = format!("{unique_id}: `{text}` is not a date (DD/MM/YYYY)");
                    return self.bad(line, "Date Designated", msg);
                }
            },
        };
        let dob = match c.opt(row, "D.O.B") {
            None => None,
            Some(text) => match fcdo_date(text).and_then(DateParts::partial) {
                Some(d) => Some(d),
                None => {
                    let msg = format!(
                        "{unique_id}: `{text}` is not a date (DD/MM/YYYY, dd or mm for an unknown day or month)"
                    );
                    return self.bad(line, "D.O.B", msg);
                }
            },
        };

        let i = match self.by_id.get(unique_id) {
            Some(&i) => i,
            None => {
                let id = format!("{DATASET}-{unique_id}");
                let mut entity = Entity::new(id, kind, name.clone());
                entity.datasets = vec![DATASET.to_string()];
                self.by_id.insert(unique_id.to_string(), self.groups.len());
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
        let name_type = c.get(row, "Name type").to_ascii_lowercase();
        let strength = c.get(row, "Alias strength").to_ascii_lowercase();
        let name_kind = if strength.starts_with("weak") || strength.starts_with("low") {
            NameKind::WeakAlias
        } else {
            NameKind::Alias
        };
        group.names.push((name, name_kind, name_type == "primary name"));
        let e = &mut group.entity;
        if let Some(original) = c.opt(row, "Name non-latin script") {
            let lang = c.opt(row, "Non-latin script language").and_then(language);
            add_alias(e, original.to_string(), lang, NameKind::Alias);
        }
        let notes = &mut group.notes;
        if let Some(dob) = dob {
            push_unique(&mut e.birth_dates, dob);
        }
        let place: Vec<&str> = ["Town of birth", "Country of birth"]
            .iter()
            .filter_map(|col| c.opt(row, col))
            .collect();
        if !place.is_empty() {
            push_unique(&mut e.birth_places, place.join(", "));
        }
        for nationality in numbered(c.get(row, "Nationality(/ies)")) {
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
            c.get(row, "Passport number"),
            c.get(row, "Passport additional information"),
            IdentifierKind::Passport,
            "passport",
        );
        documents(
            e,
            notes,
            c.get(row, "National Identifier number"),
            c.get(row, "National Identifier additional information"),
            IdentifierKind::NationalId,
            "national identifier",
        );
        if let Some(imo) = c.opt(row, "IMO number") {
            match Identifier::new(IdentifierKind::Imo, imo) {
                Ok(identifier) => {
                    if !e.identifiers.iter().any(|r| r.identifier == identifier) {
                        e.identifiers.push(IdentifierRecord {
                            identifier,
                            confidence: Default::default(),
                            note: None,
                        });
                    }
                }
                Err(_) => add_note(notes, format!("IMO number: {imo}")),
            }
        }
        let address: Vec<&str> = [
            "Address Line 1",
            "Address Line 2",
            "Address Line 3",
            "Address Line 4",
            "Address Line 5",
            "Address Line 6",
            "Address Postal Code",
            "Address Country",
        ]
        .iter()
        .filter_map(|col| c.opt(row, col))
        .collect();
        if !address.is_empty() {
            push_unique(&mut e.addresses, address.join(", "));
        }
        for name in numbered(c.get(row, "Address Country")) {
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
                if let Some(d) = designated {
                    *date = Some(date.map_or(d, |old| old.min(d)));
                }
            }
            None => group.regimes.push((regime.to_string(), designated)),
        }
        Ok(())
    }
}

/// `YYYY`.
fn fcdo_date(text: &str) -> Option<DateParts> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let num = |s: &str, len: usize, unknown: &str| -> Option<u32> {
        if s.eq_ignore_ascii_case(unknown) {
            return Some(0);
        }
        (s.len() == len && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (day, month, year) = match parts.as_slice() {
        [d, m, y] => (num(d, 2, "dd")?, num(m, 2, "mm")?, num(y, 4, "")?),
        [y] => (0, 0, num(y, 4, "")?),
        _ => return None,
    };
    let year = i32::try_from(year).ok().filter(|&y| y > 0)?;
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
            .join("tests/fixtures/uksl")
            .join(name)
    }

    /// Reads a fixture under the short name `fixtures/uksl/<name>`.
    fn read_fixture(name: &str, mode: Strictness) -> Result<Report, Error> {
        let bytes = std::fs::read(fixture(name)).unwrap();
        read_from(&Path::new("fixtures/uksl").join(name), bytes.as_slice(), mode)
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

    const HEADER: &str =
        "Unique ID,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Regime Name,Designation Type,Date Designated";

    #[test]
    fn groups_rows_into_designations() {
        let r = read_fixture("sample.csv", Strictness::Strict).unwrap();
        assert_eq!(r.records, 7);
        assert!(r.rejected.is_empty());
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["gb_fcdo-RUS9001", "gb_fcdo-RUS9002", "gb_fcdo-IRN9003"]);
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
        let russia = "The Russia (Sanctions) (EU Exit) Regulations 2019";
        assert_eq!(
            d,
            [
                (
                    "gb_fcdo-RUS9001",
                    "UK-FCDO",
                    russia,
                    day("2022-03-15"),
                    day("2022-03-15")
                ),
                // The earliest Date Designated of the regime's rows.
                (
                    "gb_fcdo-RUS9002",
                    "UK-FCDO",
                    russia,
                    day("2021-01-01"),
                    day("2021-01-01")
                ),
                (
                    "gb_fcdo-RUS9002",
                    "UK-FCDO",
                    "The Republic of Belarus (Sanctions) (EU Exit) Regulations 2019",
                    day("2023-06-01"),
                    day("2023-06-01")
                ),
                (
                    "gb_fcdo-IRN9003",
                    "UK-FCDO",
                    "The Iran (Sanctions) (Nuclear) (EU Exit) Regulations 2019",
                    day("2020-10-10"),
                    day("2020-10-10")
                ),
            ]
        );
    }

    #[test]
    fn maps_an_individual() {
        let r = read_fixture("sample.csv", Strictness::Strict).unwrap();
        let e = entity(&r, "gb_fcdo-RUS9001");
        assert_eq!(e.kind, EntityKind::Person);
        assert_eq!(e.name, "Ivan Petrovich TESTOV");
        assert_eq!(e.datasets, ["gb_fcdo"]);
        assert_eq!(
            aliases(e),
            [
                ("Ivan TESTOFF", None, NameKind::Alias),
                ("Vanya", None, NameKind::WeakAlias),
                ("Иван Петрович ТЕСТОВ", Some("ru"), NameKind::Alias),
            ]
        );
        // 12/03/1965, dd/mm/1960, dd/04/1966.
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
        let e = entity(&r, "gb_fcdo-RUS9002");
        assert_eq!(e.kind, EntityKind::Organization);
        // The Primary Name row wins over the earlier Alias; Name 6 alone.
        assert_eq!(e.name, "TEST SHIPPING AND TRADING JSC");
        assert_eq!(aliases(e), [("TST", None, NameKind::Alias)]);
        assert_eq!(e.addresses, ["PO Box 77, Saint Petersburg, Russia"]);
        assert_eq!(strs(&e.countries), ["RU"]);
        assert!(e.notes.is_none());

        let v = entity(&r, "gb_fcdo-IRN9003");
        assert_eq!(v.kind, EntityKind::Vessel);
        assert_eq!(v.name, "SEA TESTER");
        assert_eq!(identifiers(v), [("imo:9187629".to_string(), None)]);
        assert!(v.countries.is_empty());
        assert!(v.notes.is_none());
    }

    #[test]
    fn lenient_mode_reports_each_bad_row_with_its_line_and_column() {
        let r = read_fixture("bad_rows.csv", Strictness::Lenient).unwrap();
        assert_eq!(r.records, 9);
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["gb_fcdo-SYR0100", "gb_fcdo-SYR0105"]);
        assert_eq!(r.dataset.entities[0].name, "Good PERSON");
        assert_eq!(
            r.dataset.entities[1].notes.as_deref(),
            Some("First line of a note. Second line of a note.")
        );
        assert_eq!(
            r.dataset.designations[1].listed, None,
            "an empty Date Designated is no date"
        );
        assert_eq!(
            strs(&r.rejected),
            [
                "fixtures/uksl/bad_rows.csv:4: field `Unique ID`: row has no unique id",
                "fixtures/uksl/bad_rows.csv:5: field `D.O.B`: SYR0101: `31/02/1970` is not a date (DD/MM/YYYY, dd or mm for an unknown day or month)",
                "fixtures/uksl/bad_rows.csv:6: field `Date Designated`: SYR0102: `2021-02-01` is not a date (DD/MM/YYYY)",
                "fixtures/uksl/bad_rows.csv:7: field `Designation Type`: SYR0103: unknown designation type `Aircraft`: expected Individual, Entity or Ship",
                "fixtures/uksl/bad_rows.csv:8: field `Name 6`: SYR0100: row has no name",
                "fixtures/uksl/bad_rows.csv:9: field `Regime Name`: SYR0104: row has no regime",
                // After a quoted field over lines 10 and 11.
                "fixtures/uksl/bad_rows.csv:12: field `D.O.B`: SYR0106: `dd/13/1965` is not a date (DD/MM/YYYY, dd or mm for an unknown day or month)",
            ]
        );
        let first = &r.rejected[0];
        assert_eq!(first.line_number(), Some(4));
        assert_eq!(first.field_name(), Some("Unique ID"));
        assert!(matches!(first.kind(), ErrorKind::Invalid(_)));
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_row() {
        let err = read_fixture("bad_rows.csv", Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/uksl/bad_rows.csv:4: field `Unique ID`: row has no unique id"
        );
    }

    #[test]
    fn crlf_line_numbers_are_exact() {
        let text = format!(
            "Report Date: 03-Feb-2026\r\n{HEADER}\r\nX1,ACME,,,,,,Primary Name,R,Entity,01/02/2021\r\n\
             X2,ACME,,,,,,Primary Name,R,Entity,1/2/2021\r\n"
        );
        let err = read_text(&text, Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:4: field `Date Designated`: X2: `1/2/2021` is not a date (DD/MM/YYYY)"
        );
    }

    #[test]
    fn a_windows_1252_field_is_decoded() {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend_from_slice(b"X1,CAF\xC9 \x93CENTRAL\x94 LTD,,,,,,Primary Name,R,Entity,\n");
        let r = read_from(Path::new("t.csv"), bytes.as_slice(), Strictness::Strict).unwrap();
        assert_eq!(r.dataset.entities[0].name, "CAFÉ \u{201c}CENTRAL\u{201d} LTD");
    }

    #[test]
    fn weak_and_low_aliases_are_weak() {
        let text = "Unique ID,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Alias strength,Regime Name,Designation Type,Date Designated\n\
                    X1,ACME,,,,,,Primary Name,,R,Entity,\n\
                    X1,AC,,,,,,Alias,Low quality,R,Entity,\n\
                    X1,ACMEE,,,,,,Alias,Good quality,R,Entity,\n\
                    X1,ACM,,,,,,Alias,weak,R,Entity,\n";
        let r = read_text(text, Strictness::Strict).unwrap();
        assert_eq!(
            aliases(&r.dataset.entities[0]),
            [
                ("AC", None, NameKind::WeakAlias),
                ("ACMEE", None, NameKind::Alias),
                ("ACM", None, NameKind::WeakAlias),
            ]
        );
    }

    #[test]
    fn header_problems_are_one_error() {
        let err = read_text(
            "Report Date: 03-Feb-2026\nLast Updated,Unique ID,Name 6\nX,1,A\n",
            Strictness::Lenient,
        )
        .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::MissingColumn { .. }));
        assert_eq!(
            err.to_string(),
            "t.csv:2: missing required column `Name 1`; the header has: Last Updated, Unique ID, Name 6"
        );
        let err = read_text("Report Date: 03-Feb-2026\r\n", Strictness::Lenient).unwrap_err();
        assert_eq!(err.to_string(), "t.csv: no header row");
        // An unterminated quote runs to the end: the csv crate reads it as
        // one field, every line after it in one bad row; the file is refused.
        let err = read_text(&format!("{HEADER}\nX1,\"ACME,,,,,,,,,\n"), Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:2: malformed CSV: a quote in this record is never closed, so the rest of the file was read as \
             one field"
        );
    }

    #[test]
    fn the_report_date_line_is_optional() {
        let text = format!("{HEADER}\nX7,ACME,,,,,,Primary Name,R,Entity,01/02/2021\n");
        let r = read_text(&text, Strictness::Strict).unwrap();
        assert_eq!(
            strs(&r.dataset.entities.iter().map(|e| &e.id).collect::<Vec<_>>()),
            ["gb_fcdo-X7"]
        );
        let r = read_text(&format!("\u{feff}Report Date: 03-Feb-2026\n{text}"), Strictness::Strict).unwrap();
        assert_eq!(r.dataset.entities.len(), 1);
    }

    #[test]
    fn an_empty_file_is_empty() {
        let path = std::env::temp_dir().join(format!("interdict-uksl-empty-{}.csv", std::process::id()));
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
        let d = |s: &str| fcdo_date(s).and_then(DateParts::partial).map(|p| p.to_string());
        assert_eq!(d("12/03/1965").as_deref(), Some("1965-03-12"));
        assert_eq!(d("dd/03/1965").as_deref(), Some("1965-03"));
        assert_eq!(d("DD/MM/1965").as_deref(), Some("1965"));
        assert_eq!(d("00/03/1965").as_deref(), Some("1965-03"));
        assert_eq!(d("00/00/1965").as_deref(), Some("1965"));
        assert_eq!(d("1965").as_deref(), Some("1965"));
        for bad in [
            "31/02/1970",
            "12/mm/1970",
            "12/00/1970",
            "1/3/1965",
            "1965-03-12",
            "dd/13/1965",
            "03/1965",
            "00/00/0000",
            "",
            "ab/cd/efgh",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
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
        // `Passport additional info` for `Passport additional information`: its values were dropped without a word.
        let text = std::fs::read_to_string(fixture("sample.csv")).unwrap();
        assert!(text.contains(",Passport additional information,"));
        let text = text.replacen(",Passport additional information,", ",Passport additional info,", 1);
        let r = read_text(&text, Strictness::Lenient).unwrap();
        let warnings: Vec<String> = r.warnings.iter().map(|e| e.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].ends_with(": field `Passport additional info`: column `Passport additional info` is not in the UK Sanctions List format; its values are not read"),
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
