//! The BIS Denied Persons List in its tab-separated text layout (`dpl.txt`):
//! a header line, then one line per denial order and address, every field
//! in double quotes (a quote inside a field is doubled, as in CSV). The
//! columns are `Name`, `Street_Address`, `City`, `State`, `Country`,
//! `Postal_Code`, `Effective_Date` and `Expiration_Date` (`MM/DD/YYYY`),
//! `Standard_Order`, `Last_Update` (`YYYY-MM-DD`), `Action` and
//! `FR_Citation`. Columns are found by name (any case, quotes stripped);
//! every one of the twelve is required.
//!
//! The list repeats a party on several lines: once per address under the
//! same order, and once per order when a denial is renewed or replaced.
//! The reader merges the lines of one party: **one entity per name**,
//! compared with runs of white space collapsed and case ignored. Merging
//! by name and address instead would give the same party at two addresses
//! under one order two entities with identical designations, and two hits
//! for one match; the list never says that two lines with the same name
//! are different parties. Names that are spelt differently (the list's
//! way of giving aliases, `ABDULAH AL NASSER` and `ABDULLAH AL NASSER`)
//! stay separate entities, since the file does not link them.
//!
//! What the reader makes of a party:
//! - the entity `us_bis_dpl-<16 hex digits>`, the FNV-1a 64-bit hash of the
//!   normalised name (upper case, single spaces): the same in every
//!   version of the list that spells the name the same, unlike a line
//!   number. Dataset and source `us_bis_dpl`. Kind [`EntityKind::LegalEntity`]:
//!   the list does not say whether a party is a person or a company. The
//!   name is that of the party's first line, white space collapsed.
//! - every distinct address: street, city, state, postal code and country
//!   joined by `, `; `Country` is an ISO code, and joins the countries
//!   (any other value is kept in the notes as `country: ...`).
//! - one [`Designation`] per distinct order (effective and expiration
//!   date): authority `US-BIS`, program `DPL`, listed and start =
//!   `Effective_Date`, end = `Expiration_Date` (none when empty: the
//!   denial has no end date).
//! - per order, a note `order <effective>: <Action>; FR <FR_Citation>;
//!   standard order <Y|N>; last update <Last_Update>` (empty parts left
//!   out, repeats dropped). A `Last_Update` that is not a date is kept as
//!   written: it decides nothing.
//!
//! A line with the wrong number of columns, an empty name, an
//! `Effective_Date` or `Expiration_Date` that is not a real `MM/DD/YYYY`
//! date, or an expiration that is not after the effective date is bad:
//! reported with its file, line and field in lenient mode, an error in
//! strict mode. An empty file, a file that is not UTF-8 (the list is
//! published in ASCII; a Latin-1 file is refused at its first bad line
//! rather than guessed at), quoting the reader cannot follow, or a header
//! without one of the columns is an error in either mode.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::Path;

use interdict_model::{CountryCode, Date, Designation, Entity, EntityKind, Source};

use crate::error::{Error, ErrorKind};
use crate::report::{Report, Strictness};

/// Largest file accepted; the full list is about 120 KB.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Authority of every designation.
pub const AUTHORITY: &str = "US-BIS";
/// Program of every designation.
pub const PROGRAM: &str = "DPL";
/// Dataset and source of every entity, and the prefix of its id.
pub const DATASET: &str = "us_bis_dpl";

/// The columns, in the order the list publishes them; all are required.
const COLUMNS: [&str; 12] = [
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
];

const NAME: usize = 0;
const STREET: usize = 1;
const CITY: usize = 2;
const STATE: usize = 3;
const COUNTRY: usize = 4;
const POSTAL: usize = 5;
const EFFECTIVE: usize = 6;
const EXPIRATION: usize = 7;
const STANDARD: usize = 8;
const LAST_UPDATE: usize = 9;
const ACTION: usize = 10;
const CITATION: usize = 11;

/// Reads a Denied Persons List file.
pub fn read(path: &Path, mode: Strictness) -> Result<Report, Error> {
    let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    read_from(path, file, mode)
}

/// Reads a Denied Persons List from `reader`; `name` is used only in
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
    if let Err(e) = std::str::from_utf8(&bytes) {
        let line = line_of(&bytes, e.valid_up_to());
        return Err(Error::new(ErrorKind::Encoding).at(name).line(line));
    }
    let body: &[u8] = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let rows = parse_rows(name, body)?;
    Builder {
        name,
        mode,
        report: Report::default(),
        parties: Vec::new(),
        by_key: HashMap::new(),
        ids: HashSet::new(),
    }
    .run(rows)
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

/// One line of the file: its number and its fields, trimmed.
struct Row {
    line: u64,
    fields: Vec<String>,
}

impl Row {
    fn get(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", String::as_str)
    }
}

/// Splits the (UTF-8) bytes into rows, skipping lines whose fields are
/// all empty.
fn parse_rows(name: &Path, body: &[u8]) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    crate::csv_records::for_each(name, body, b'\t', |line, record| {
        let fields: Vec<String> = record
            .iter()
            .map(|f| String::from_utf8_lossy(f).trim().to_string())
            .collect();
        if fields.iter().any(|f| !f.is_empty()) {
            rows.push(Row { line, fields });
        }
    })?;
    Ok(rows)
}

/// One party while the lines are read.
struct Party {
    entity: Entity,
    /// Distinct orders: (effective, expiration).
    orders: Vec<(Option<Date>, Option<Date>)>,
    notes: Vec<String>,
}

struct Builder<'a> {
    name: &'a Path,
    mode: Strictness,
    report: Report,
    parties: Vec<Party>,
    /// Normalised name → index into `parties`.
    by_key: HashMap<String, usize>,
    ids: HashSet<String>,
}

impl Builder<'_> {
    fn bad(&mut self, line: u64, field: &str, kind: ErrorKind) -> Result<(), Error> {
        let err = Error::new(kind).at(self.name).line(line).field(field);
        self.report.reject(self.mode, err)
    }

    fn run(mut self, rows: Vec<Row>) -> Result<Report, Error> {
        let mut rows = rows.into_iter();
        let Some(header) = rows.next() else {
            return Err(Error::new(ErrorKind::Empty).at(self.name));
        };
        let mut positions = [0usize; 12];
        for (slot, column) in positions.iter_mut().zip(COLUMNS) {
            match header.fields.iter().position(|f| f.eq_ignore_ascii_case(column)) {
                Some(i) => *slot = i,
                None => {
                    return Err(Error::new(ErrorKind::MissingColumn {
                        name: column.to_string(),
                        found: header.fields.clone(),
                    })
                    .at(self.name)
                    .line(header.line))
                }
            }
        }
        self.report.unknown_columns(
            self.mode,
            self.name,
            header.line,
            &header.fields,
            "Denied Persons List",
            |c| COLUMNS.iter().any(|known| known.eq_ignore_ascii_case(c)),
        )?;
        let width = header.fields.len();
        for row in rows {
            self.report.records += 1;
            if row.fields.len() != width {
                let msg = format!("expected {width} columns, found {}", row.fields.len());
                self.report.reject(
                    self.mode,
                    Error::new(ErrorKind::Syntax(msg)).at(self.name).line(row.line),
                )?;
                continue;
            }
            // The fields in the order of COLUMNS.
            let row = Row {
                line: row.line,
                fields: positions.iter().map(|&i| row.get(i).to_string()).collect(),
            };
            self.row(&row)?;
        }
        for party in self.parties {
            let Party {
                mut entity,
                orders,
                notes,
            } = party;
            for (start, end) in orders {
                self.report.dataset.designations.push(Designation {
                    entity_id: entity.id.clone(),
                    authority: AUTHORITY.to_string(),
                    program: PROGRAM.to_string(),
                    listed: start,
                    start,
                    end,
                    sources: vec![DATASET.to_string()],
                });
            }
            if !notes.is_empty() {
                entity.notes = Some(notes.join("; "));
            }
            self.report.dataset.entities.push(entity);
        }
        self.report.dataset.sources.push(Source {
            id: DATASET.to_string(),
            title: "BIS Denied Persons List".to_string(),
            url: Some(
                "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/denied-persons-list"
                    .to_string(),
            ),
            citation: None,
        });
        Ok(self.report)
    }

    fn row(&mut self, row: &Row) -> Result<(), Error> {
        let line = row.line;
        let name = collapse(row.get(NAME));
        if name.is_empty() {
            return self.bad(line, COLUMNS[NAME], ErrorKind::Invalid("empty name".to_string()));
        }
        let mut dates = [None, None];
        for (slot, column) in dates.iter_mut().zip([EFFECTIVE, EXPIRATION]) {
            let text = row.get(column);
            if text.is_empty() {
                continue;
            }
            match us_date(text) {
                Some(d) => *slot = Some(d),
                None => {
                    let msg = format!("`{text}` is not a date (MM/DD/YYYY)");
                    return self.bad(line, COLUMNS[column], ErrorKind::Invalid(msg));
                }
            }
        }
        let [effective, expiration] = dates;
        if let (Some(start), Some(end)) = (effective, expiration) {
            if end <= start {
                let msg = format!("expiration date {end} is not after the effective date {start}");
                return self.bad(line, COLUMNS[EXPIRATION], ErrorKind::Invalid(msg));
            }
        }

        let key = name.to_uppercase();
        let i = match self.by_key.get(&key) {
            Some(&i) => i,
            None => {
                let mut id = format!("{DATASET}-{:016x}", fnv1a_64(key.as_bytes()));
                // Two names with one hash: never seen, but ids must stay unique.
                let mut n = 1;
                while self.ids.contains(&id) {
                    n += 1;
                    id = format!("{DATASET}-{:016x}-{n}", fnv1a_64(key.as_bytes()));
                }
                self.ids.insert(id.clone());
                let mut entity = Entity::new(id, EntityKind::LegalEntity, name);
                entity.datasets.push(DATASET.to_string());
                entity.sources.push(DATASET.to_string());
                self.by_key.insert(key, self.parties.len());
                self.parties.push(Party {
                    entity,
                    orders: Vec::new(),
                    notes: Vec::new(),
                });
                self.parties.len() - 1
            }
        };
        let Some(party) = self.parties.get_mut(i) else {
            return Ok(());
        };
        let e = &mut party.entity;
        let country = row.get(COUNTRY);
        let address: Vec<String> = [STREET, CITY, STATE, POSTAL, COUNTRY]
            .iter()
            .map(|&c| collapse(row.get(c)))
            .filter(|s| !s.is_empty())
            .collect();
        if !address.is_empty() {
            push_unique(&mut e.addresses, address.join(", "));
        }
        if !country.is_empty() {
            match country.parse::<CountryCode>() {
                Ok(cc) if country.len() == 2 => push_unique(&mut e.countries, cc),
                _ => push_unique(&mut party.notes, format!("country: {country}")),
            }
        }
        push_unique(&mut party.orders, (effective, expiration));
        let mut parts = Vec::new();
        for (column, label) in [
            (ACTION, ""),
            (CITATION, "FR "),
            (STANDARD, "standard order "),
            (LAST_UPDATE, "last update "),
        ] {
            let v = collapse(row.get(column));
            if !v.is_empty() {
                parts.push(format!("{label}{v}"));
            }
        }
        if !parts.is_empty() {
            let order = effective.map_or_else(|| "order".to_string(), |d| format!("order {d}"));
            push_unique(&mut party.notes, format!("{order}: {}", parts.join("; ")));
        }
        Ok(())
    }
}

/// `MM/DD/YYYY` (one- or two-digit month and day) as a date, if it exists.
fn us_date(text: &str) -> Option<Date> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let num = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [m, d, y] if y.len() == 4 => {
            let year = i32::try_from(num(y, 4)?).ok()?;
            Date::from_ymd(year, num(m, 2)?, num(d, 2)?)
        }
        _ => None,
    }
}

/// Collapses runs of white space to one space and trims.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The 64-bit FNV-1a hash: small, fixed by its specification, and so the
/// same in every build, which content-derived ids need.
pub(crate) fn fnv1a_64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/dpl")
            .join(name)
    }

    /// Reads a fixture under the short name `fixtures/dpl/<name>`.
    fn read_fixture(name: &str, mode: Strictness) -> Result<Report, Error> {
        let bytes = std::fs::read(fixture(name)).unwrap();
        read_from(&Path::new("fixtures/dpl").join(name), bytes.as_slice(), mode)
    }

    fn read_text(text: &str, mode: Strictness) -> Result<Report, Error> {
        read_from(Path::new("t.txt"), text.as_bytes(), mode)
    }

    fn strs<T: ToString>(items: &[T]) -> Vec<String> {
        items.iter().map(T::to_string).collect()
    }

    fn id_of(name: &str) -> String {
        format!("us_bis_dpl-{:016x}", fnv1a_64(name.as_bytes()))
    }

    const HEADER: &str = "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\t\"Effective_Date\"\t\"Expiration_Date\"\t\"Standard_Order\"\t\"Last_Update\"\t\"Action\"\t\"FR_Citation\"\n";

    #[test]
    fn fnv1a_64_matches_the_published_test_vectors() {
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn merges_the_lines_of_a_party() {
        let r = read_fixture("sample.txt", Strictness::Strict).unwrap();
        assert_eq!(r.records, 5);
        assert!(r.rejected.is_empty());
        assert!(r.dataset.validate().is_empty(), "{:?}", r.dataset.validate());
        let ids: Vec<&str> = r.dataset.entities.iter().map(|e| e.id.as_str()).collect();
        let (john, acme) = (id_of("JOHN Q TESTER"), id_of("ACME \"TEST\" TRADING, LLC"));
        assert_eq!(ids, [john.as_str(), acme.as_str()]);
        assert_eq!(john, "us_bis_dpl-835c986de18cc2de");

        // Two addresses under one order, then a second order; the name's
        // case and spacing differ between lines.
        let e = &r.dataset.entities[0];
        assert_eq!(e.kind, EntityKind::LegalEntity);
        assert_eq!(e.name, "JOHN Q TESTER");
        assert!(e.aliases.is_empty());
        assert_eq!(e.datasets, ["us_bis_dpl"]);
        assert_eq!(e.sources, ["us_bis_dpl"]);
        assert_eq!(
            e.addresses,
            [
                "1 TEST STREET, SPRINGFIELD, IL, 62701, US",
                "UPON THE DATE OF THE ORDER INCARCERATED AT FCI TESTVILLE, TESTVILLE, TX, US",
            ]
        );
        assert_eq!(strs(&e.countries), ["US"]);
        assert_eq!(
            e.notes.as_deref(),
            Some(
                "order 2010-06-01: 10 YEAR DENIAL; FR 75 F.R. 1111 6/9/10; standard order Y; last update 2010-06-09; \
                 order 2020-06-01: FR NOTICE ADDED; FR 85 F.R. 2222 6/9/20; standard order Y; last update 2020-06-09"
            )
        );

        // No expiration date: no end. A country that is not a code.
        let a = &r.dataset.entities[1];
        assert_eq!(a.name, "ACME \"TEST\" TRADING, LLC");
        assert_eq!(a.addresses, ["PO BOX 7, DUBAI, UNITED ARAB EMIRATES"]);
        assert!(a.countries.is_empty());
        assert_eq!(
            a.notes.as_deref(),
            Some("country: UNITED ARAB EMIRATES; order 2015-09-18: FR 80 F.R 3333 9/24/15; standard order N; last update 2015-09-24")
        );

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
                    d.end.map(|x| x.to_string()),
                )
            })
            .collect();
        let day = |s: &str| Some(s.to_string());
        assert_eq!(
            d,
            [
                (
                    john.as_str(),
                    "US-BIS",
                    "DPL",
                    day("2010-06-01"),
                    day("2010-06-01"),
                    day("2020-06-01")
                ),
                (
                    john.as_str(),
                    "US-BIS",
                    "DPL",
                    day("2020-06-01"),
                    day("2020-06-01"),
                    day("2030-06-01")
                ),
                (
                    acme.as_str(),
                    "US-BIS",
                    "DPL",
                    day("2015-09-18"),
                    day("2015-09-18"),
                    None
                ),
            ]
        );
        assert_eq!(
            strs(&r.dataset.sources.iter().map(|s| &s.id).collect::<Vec<_>>()),
            ["us_bis_dpl"]
        );
    }

    #[test]
    fn lenient_mode_reports_each_bad_line_with_its_place() {
        let r = read_fixture("bad_rows.txt", Strictness::Lenient).unwrap();
        assert_eq!(r.records, 7);
        let names: Vec<&str> = r.dataset.entities.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["GOOD PARTY", "LAST GOOD PARTY"]);
        assert_eq!(
            strs(&r.rejected),
            [
                "fixtures/dpl/bad_rows.txt:3: field `Effective_Date`: `02/30/2019` is not a date (MM/DD/YYYY)",
                "fixtures/dpl/bad_rows.txt:4: expected 12 columns, found 7",
                "fixtures/dpl/bad_rows.txt:5: field `Expiration_Date`: expiration date 2018-01-01 is not after the effective date 2019-01-01",
                "fixtures/dpl/bad_rows.txt:6: field `Name`: empty name",
                "fixtures/dpl/bad_rows.txt:7: field `Expiration_Date`: `2029-01-01` is not a date (MM/DD/YYYY)",
            ]
        );
        let first = &r.rejected[0];
        assert_eq!(first.line_number(), Some(3));
        assert_eq!(first.field_name(), Some("Effective_Date"));
        assert!(matches!(first.kind(), ErrorKind::Invalid(_)));
    }

    #[test]
    fn strict_mode_fails_on_the_first_bad_line() {
        let err = read_fixture("bad_rows.txt", Strictness::Strict).unwrap_err();
        assert_eq!(
            err.to_string(),
            "fixtures/dpl/bad_rows.txt:3: field `Effective_Date`: `02/30/2019` is not a date (MM/DD/YYYY)"
        );
    }

    #[test]
    fn a_latin1_file_is_an_encoding_error_at_its_line() {
        for mode in [Strictness::Lenient, Strictness::Strict] {
            let err = read_fixture("latin1.txt", mode).unwrap_err();
            assert!(matches!(err.kind(), ErrorKind::Encoding));
            assert_eq!(
                err.to_string(),
                "fixtures/dpl/latin1.txt:3: not valid UTF-8; save the file as UTF-8 and try again"
            );
        }
    }

    #[test]
    fn header_problems_are_one_error() {
        let err = read_text("\"Name\"\t\"City\"\n\"X\"\t\"Y\"\n", Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::MissingColumn { .. }));
        assert_eq!(
            err.to_string(),
            "t.txt:1: missing required column `Street_Address`; the header has: Name, City"
        );
        // Columns are found by name, in any order and case; extra ones are
        // allowed, with a warning: their values are not read (strict mode
        // refuses them). A header alone is a list without parties.
        let header = "EXTRA\tfr_citation\tACTION\tLast_Update\tStandard_Order\tExpiration_Date\tEffective_Date\tPostal_Code\tCountry\tState\tCity\tStreet_Address\tName\r\n";
        let r = read_text(header, Strictness::Lenient).unwrap();
        assert_eq!(r.records, 0);
        assert!(r.dataset.entities.is_empty());
        let unknown = "t.txt:1:1: field `EXTRA`: column `EXTRA` is not in the Denied Persons List format; its values are not read";
        assert_eq!(r.warnings.iter().map(|e| e.to_string()).collect::<Vec<_>>(), [unknown]);
        assert_eq!(read_text(header, Strictness::Strict).unwrap_err().to_string(), unknown);
        let r = read_text(
            &format!("{header}x\tFR 1\t\t\tY\t\t1/2/2003\t\tDE\t\t\t\tSOMEONE\r\n"),
            Strictness::Lenient,
        )
        .unwrap();
        let e = &r.dataset.entities[0];
        assert_eq!(
            (e.name.as_str(), e.addresses.as_slice()),
            ("SOMEONE", &["DE".to_string()][..])
        );
        assert_eq!(e.notes.as_deref(), Some("order 2003-01-02: FR FR 1; standard order Y"));
        assert_eq!(r.dataset.designations[0].end, None);
    }

    #[test]
    fn an_empty_file_is_empty() {
        let path = std::env::temp_dir().join(format!("interdict-dpl-empty-{}.txt", std::process::id()));
        std::fs::write(&path, b"").unwrap();
        let err = read(&path, Strictness::Lenient).unwrap_err();
        let _ = std::fs::remove_file(&path);
        assert!(matches!(err.kind(), ErrorKind::Empty));
        assert_eq!(err.to_string(), format!("{}: the file is empty", path.display()));
        let err = read_text(" \r\n\t\n", Strictness::Strict).unwrap_err();
        assert_eq!(err.to_string(), "t.txt: the file is empty");
        let err = read_text("\"\"\t\"\"\n", Strictness::Strict).unwrap_err();
        assert_eq!(err.to_string(), "t.txt: the file is empty");
    }

    #[test]
    fn reads_files_and_reports_io_errors() {
        let from_file = read(&fixture("sample.txt"), Strictness::Strict).unwrap();
        let from_bytes = read_fixture("sample.txt", Strictness::Strict).unwrap();
        assert_eq!(from_file.dataset, from_bytes.dataset);
        let err = read(&fixture("missing.txt"), Strictness::Lenient).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Io(_)));
    }

    #[test]
    fn a_quote_closed_inside_its_field_leaves_a_short_line() {
        // The quote opened before `X` closes before `Y`: the csv crate reads
        // `X<tab>Y"` as one field, and the line has too few columns.
        let r = read_text(&format!("{HEADER}\"X\t\"Y\"\n"), Strictness::Lenient).unwrap();
        assert_eq!(strs(&r.rejected), ["t.txt:2: expected 12 columns, found 1"]);
    }

    /// A quote left open runs over the lines after it: every one of them
    /// would be one bad record; the file is refused at the quote's line.
    #[test]
    fn a_quote_left_open_over_lines_is_refused_at_its_line() {
        let err = read_text(&format!("{HEADER}\"X\tY\nA\tB\n"), Strictness::Lenient).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.txt:2: malformed CSV: a quote in this record is never closed, so the rest of the file was read as \
             one field"
        );
    }

    #[test]
    fn us_dates() {
        let d = |s: &str| us_date(s).map(|d| d.to_string());
        assert_eq!(d("10/16/2017").as_deref(), Some("2017-10-16"));
        assert_eq!(d("1/2/2003").as_deref(), Some("2003-01-02"));
        assert_eq!(d("02/29/2020").as_deref(), Some("2020-02-29"));
        for bad in [
            "02/30/2019",
            "13/01/2019",
            "2019-01-01",
            "01/01/19",
            "",
            "1//2019",
            "001/01/2019",
            "+1/01/2019",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        let sample = std::fs::read(fixture("sample.txt")).unwrap();
        for end in (0..sample.len()).step_by(3) {
            let cut = sample.get(..end).unwrap_or_default();
            let _ = read_from(Path::new("cut.txt"), cut, Strictness::Lenient);
        }
        for (i, replacement) in [b'"', b'\t', b'\n', 0xFF, b'/', 0].into_iter().enumerate() {
            for pos in (i..sample.len()).step_by(7) {
                let mut damaged = sample.clone();
                damaged[pos] = replacement;
                let _ = read_from(Path::new("damaged.txt"), damaged.as_slice(), Strictness::Lenient);
                let _ = read_from(Path::new("damaged.txt"), damaged.as_slice(), Strictness::Strict);
            }
        }
    }
}
