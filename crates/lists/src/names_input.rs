//! Names to screen, as a user hands them over: a text file with one name a
//! line, a CSV with a header, or JSON lines. CSV and JSONL need a `name`
//! column or field and may carry `type`, `birth_date` and `country`.
//!
//! Rows stream one `Result` at a time, so a bad row (an empty name, invalid
//! UTF-8, an oversized line) is reported with its file and line and the
//! rest of the file still runs.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::{Error, ErrorKind};
use crate::inventory::csv_error;

/// The longest name accepted. Longer input is no name, and rejecting it
/// bounds the work one row can cause.
pub const MAX_NAME_BYTES: usize = 1024;

/// The longest line (a CSV row) read whole; a longer one is skipped with
/// an error.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The most a CSV row may take while it is read: the CSV reader holds a
/// whole row in memory before it can be checked, so a longer one (a field
/// of gigabytes) stops the file with an error at its line. Between
/// [`MAX_LINE_BYTES`] and this, a row is skipped and the rest is read.
pub const MAX_CSV_ROW_READ_BYTES: usize = 1024 * 1024;

/// The source of the CSV reader, counting what the row being read has
/// taken: past [`MAX_CSV_ROW_READ_BYTES`] it fails instead of reading on.
/// The count starts again at each row (the reader's read-ahead of a few
/// kilobytes counts towards the row before).
struct RowBudget {
    source: Box<dyn Read>,
    seen: Rc<Seen>,
}

/// What [`RowBudget`] has seen of the file, shared with the reader.
#[derive(Default)]
struct Seen {
    /// What the row being read has taken.
    row_bytes: Cell<usize>,
    /// The bytes read from `raw_from` on: the row being read and the
    /// reader's read-ahead, so that a row's own bytes can be looked at
    /// (its quotes, which the reader does not check).
    raw: std::cell::RefCell<Vec<u8>>,
    raw_from: Cell<u64>,
}

impl Seen {
    /// Where the file's byte `offset` is in `raw`, if still held (else at
    /// its nearest end).
    fn at(&self, raw: &[u8], offset: u64) -> usize {
        usize::try_from(offset.saturating_sub(self.raw_from.get()))
            .unwrap_or(usize::MAX)
            .min(raw.len())
    }

    /// What is wrong with the quotes of the bytes from `start` to `end` of
    /// the file (a row, see [`crate::csv_records::quote_problem`]); the
    /// bytes before `end` are let go.
    fn quote_problem(&self, start: u64, end: u64) -> Option<&'static str> {
        let problem = {
            let raw = self.raw.borrow();
            let (start, end) = (self.at(&raw, start), self.at(&raw, end));
            crate::csv_records::quote_problem(&raw[start..end], b',')
        };
        self.let_go(end);
        problem
    }

    /// Lets go of the bytes before the file's byte `end`.
    fn let_go(&self, end: u64) {
        let mut raw = self.raw.borrow_mut();
        let end = self.at(&raw, end);
        raw.drain(..end);
        self.raw_from.set(self.raw_from.get() + end as u64);
    }
}

impl Read for RowBudget {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let seen = &self.seen;
        if seen.row_bytes.get() > MAX_CSV_ROW_READ_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a row longer than {MAX_CSV_ROW_READ_BYTES} bytes: the rest of the file is not read"),
            ));
        }
        let read = self.source.read(buf)?;
        seen.row_bytes.set(seen.row_bytes.get() + read);
        seen.raw.borrow_mut().extend_from_slice(&buf[..read]);
        Ok(read)
    }
}

/// A JSON lines row: an object's fields in the order written (a map would
/// sort them, and the echo keeps the input's order), or anything else.
enum Fields {
    Object(Vec<(String, serde_json::Value)>),
    Other,
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Fields, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry()? {
                    fields.push(field);
                }
                Ok(Fields::Object(fields))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Fields, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Fields::Other)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Fields, E> {
                Ok(Fields::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Fields, E> {
                Ok(Fields::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Fields, E> {
                Ok(Fields::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Fields, E> {
                Ok(Fields::Other)
            }
            fn visit_str<E>(self, _: &str) -> Result<Fields, E> {
                Ok(Fields::Other)
            }
            fn visit_unit<E>(self) -> Result<Fields, E> {
                Ok(Fields::Other)
            }
        }
        de.deserialize_any(Visit)
    }
}

/// The fields a row is screened by; the others are echoed.
const SCREENED_FIELDS: [&str; 4] = ["name", "type", "birth_date", "country"];

/// One row of names input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRow {
    /// 1-based line where the row starts.
    pub line: u64,
    pub name: String,
    /// `person`, `organization`, `vessel`, `aircraft` (as given).
    pub kind: Option<String>,
    pub birth_date: Option<String>,
    pub country: Option<String>,
    /// Every column or field, in input order, echoed in the output: a CSV
    /// cell or a text line as a string, a JSONL field as written.
    pub fields: Vec<(String, serde_json::Value)>,
}

/// How the input is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputLayout {
    Text,
    Csv,
    Jsonl,
}

impl InputLayout {
    /// From the file name: `.csv`, `.jsonl`/`.ndjson`/`.json`; anything
    /// else is text.
    pub fn of(path: &Path) -> InputLayout {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => InputLayout::Csv,
            Some("jsonl" | "ndjson" | "json") => InputLayout::Jsonl,
            _ => InputLayout::Text,
        }
    }
}

/// Streams [`NameRow`]s from a file.
pub struct NamesReader {
    path: PathBuf,
    inner: Inner,
}

enum Inner {
    Lines {
        reader: BufReader<Box<dyn Read>>,
        line: u64,
        jsonl: bool,
        done: bool,
    },
    Csv {
        reader: csv::Reader<RowBudget>,
        seen: Rc<Seen>,
        headers: Vec<String>,
        name: usize,
        record: csv::ByteRecord,
        done: bool,
    },
}

impl NamesReader {
    /// Opens `path` (or standard input for `-`); CSV headers are checked
    /// here.
    pub fn open(path: &Path) -> Result<NamesReader, Error> {
        let layout = InputLayout::of(path);
        let source: Box<dyn Read> = if path.as_os_str() == "-" {
            Box::new(std::io::stdin())
        } else if path.is_dir() {
            return Err(Error::new(ErrorKind::Invalid("a folder, not a file of names".to_string())).at(path));
        } else {
            Box::new(File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?)
        };
        let inner = match layout {
            InputLayout::Text | InputLayout::Jsonl => Inner::Lines {
                reader: BufReader::new(source),
                line: 0,
                jsonl: layout == InputLayout::Jsonl,
                done: false,
            },
            InputLayout::Csv => {
                let seen = Rc::new(Seen::default());
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .flexible(true)
                    .from_reader(RowBudget {
                        source,
                        seen: Rc::clone(&seen),
                    });
                let raw = reader.byte_headers().map_err(|e| csv_error(path, e))?.clone();
                // The header's bytes are not looked at again.
                seen.let_go(reader.position().byte());
                let mut headers: Vec<String> = Vec::with_capacity(raw.len());
                for (i, h) in raw.iter().enumerate() {
                    let h = std::str::from_utf8(h)
                        .map_err(|_| Error::new(ErrorKind::Encoding).at(path).line(1).column(i as u64 + 1))?;
                    headers.push(h.trim_start_matches('\u{feff}').trim().to_string());
                }
                if headers.iter().all(|h| h.is_empty()) {
                    return Err(Error::new(ErrorKind::Empty).at(path));
                }
                // A column without a name is echoed by its place; two of one
                // name (in any case) would screen one value and echo the
                // other.
                for (i, h) in headers.iter_mut().enumerate() {
                    if h.is_empty() {
                        *h = format!("column{}", i + 1);
                    }
                }
                for (i, h) in headers.iter().enumerate() {
                    if let Some(first) = headers[..i].iter().position(|earlier| earlier.eq_ignore_ascii_case(h)) {
                        return Err(Error::new(ErrorKind::Invalid(format!(
                            "the column `{h}` is named twice (columns {} and {}): which one the row means is unclear",
                            first + 1,
                            i + 1
                        )))
                        .at(path)
                        .line(1)
                        .column(i as u64 + 1)
                        .field(h.clone()));
                    }
                }
                let name = headers
                    .iter()
                    .position(|h| h.eq_ignore_ascii_case("name"))
                    .ok_or_else(|| {
                        Error::new(ErrorKind::MissingColumn {
                            name: "name".into(),
                            found: headers.clone(),
                        })
                        .at(path)
                        .line(1)
                    })?;
                Inner::Csv {
                    reader,
                    seen,
                    headers,
                    name,
                    record: csv::ByteRecord::new(),
                    done: false,
                }
            }
        };
        Ok(NamesReader {
            path: path.to_path_buf(),
            inner,
        })
    }

    fn invalid(&self, line: u64, field: &str, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Invalid(message.into()))
            .at(&self.path)
            .line(line)
            .field(field.to_string())
    }

    /// Checks a row's name and builds the row.
    fn row(&self, line: u64, fields: Vec<(String, serde_json::Value)>) -> Result<NameRow, Error> {
        // A screened field is text (a JSON number is read as its digits);
        // null or blank is no value.
        let get = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .and_then(|(_, v)| match v {
                    serde_json::Value::String(s) => Some(s.trim().to_string()),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .filter(|v| !v.is_empty())
        };
        let name = get("name").ok_or_else(|| self.invalid(line, "name", "empty name: nothing to screen"))?;
        if name.len() > MAX_NAME_BYTES {
            return Err(self.invalid(
                line,
                "name",
                format!("name of {} bytes, over the limit of {MAX_NAME_BYTES}", name.len()),
            ));
        }
        if name.chars().all(|c| !c.is_alphanumeric()) {
            return Err(self.invalid(line, "name", "no letters or digits: nothing to screen"));
        }
        Ok(NameRow {
            line,
            kind: get("type"),
            birth_date: get("birth_date"),
            country: get("country"),
            name,
            fields,
        })
    }

    fn next_line(&mut self) -> Option<Result<NameRow, Error>> {
        let Inner::Lines {
            reader,
            line,
            jsonl,
            done,
        } = &mut self.inner
        else {
            return None;
        };
        loop {
            if *done {
                return None;
            }
            *line += 1;
            let mut buf = Vec::new();
            let read = reader
                .by_ref()
                .take(MAX_LINE_BYTES as u64 + 1)
                .read_until(b'\n', &mut buf);
            let at = *line;
            let is_jsonl = *jsonl;
            match read {
                Err(e) => {
                    *done = true;
                    return Some(Err(Error::new(ErrorKind::Io(e)).at(&self.path).line(at)));
                }
                Ok(0) => {
                    *done = true;
                    return None;
                }
                Ok(_) => {}
            }
            if buf.len() > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
                // Skip the rest of the oversized line.
                let mut rest = Vec::new();
                loop {
                    rest.clear();
                    match reader.by_ref().take(MAX_LINE_BYTES as u64).read_until(b'\n', &mut rest) {
                        Ok(0) => break,
                        Ok(_) if rest.ends_with(b"\n") => break,
                        Ok(_) => continue,
                        Err(_) => break,
                    }
                }
                return Some(Err(self.invalid(
                    at,
                    "name",
                    format!("line longer than {MAX_LINE_BYTES} bytes: skipped"),
                )));
            }
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            let text = match String::from_utf8(buf) {
                Ok(t) => t,
                Err(e) => {
                    let column = e.utf8_error().valid_up_to() as u64 + 1;
                    return Some(Err(Error::new(ErrorKind::Encoding)
                        .at(&self.path)
                        .line(at)
                        .column(column)));
                }
            };
            let text = if at == 1 {
                text.trim_start_matches('\u{feff}').to_string()
            } else {
                text
            };
            if text.trim().is_empty() {
                // Blank lines separate nothing and are not rows.
                continue;
            }
            if !is_jsonl {
                return Some(self.row(at, vec![("name".into(), text.trim().into())]));
            }
            return Some(self.json_row(at, &text));
        }
    }

    fn json_row(&self, line: u64, text: &str) -> Result<NameRow, Error> {
        let value: Fields = serde_json::from_str(text).map_err(|e| {
            // The place is the file's, given once: serde's own "at line 1
            // column C" counts within the row.
            let message = e.to_string();
            let message = message.rfind(" at line ").map_or(&*message, |at| &message[..at]);
            Error::new(ErrorKind::Syntax(format!("not a JSON object: {message}")))
                .at(&self.path)
                .line(line)
                .column(e.column() as u64)
        })?;
        let Fields::Object(map) = value else {
            return Err(self.invalid(line, "name", "expected a JSON object with a `name` field"));
        };
        let mut fields: Vec<(String, serde_json::Value)> = Vec::with_capacity(map.len());
        for (k, v) in map {
            if fields.iter().any(|(earlier, _)| earlier.eq_ignore_ascii_case(&k)) {
                return Err(self.invalid(line, &k, "the field is given twice: which one the row means is unclear"));
            }
            // The fields screened are text (or a number, or null for none);
            // any other is only echoed, and may hold any JSON.
            let screened = SCREENED_FIELDS.iter().any(|f| k.eq_ignore_ascii_case(f));
            if screened
                && !matches!(
                    v,
                    serde_json::Value::String(_) | serde_json::Value::Number(_) | serde_json::Value::Null
                )
            {
                return Err(self.invalid(line, &k, format!("expected a string, found {v}")));
            }
            fields.push((k, v));
        }
        if !fields.iter().any(|(k, _)| k.eq_ignore_ascii_case("name")) {
            return Err(self.invalid(line, "name", "no `name` field"));
        }
        self.row(line, fields)
    }

    fn next_csv(&mut self) -> Option<Result<NameRow, Error>> {
        let Inner::Csv {
            reader,
            seen,
            headers,
            name,
            record,
            done,
        } = &mut self.inner
        else {
            return None;
        };
        if *done {
            return None;
        }
        seen.row_bytes.set(0);
        // Where the row starts, for an error that stops the file in it.
        let starts_at = reader.position().line();
        match reader.read_byte_record(record) {
            // The budget's own error, whose text would say this again.
            Err(_) if seen.row_bytes.get() > MAX_CSV_ROW_READ_BYTES => {
                *done = true;
                Some(Err(Error::new(ErrorKind::Invalid(format!(
                    "a row longer than {MAX_CSV_ROW_READ_BYTES} bytes: the rest of the file is not read"
                )))
                .at(&self.path)
                .line(starts_at)))
            }
            Err(e) => {
                *done = true;
                Some(Err(csv_error(&self.path, e)))
            }
            Ok(false) => {
                *done = true;
                None
            }
            Ok(true) => {
                // A quote left open takes the rows after it into one field,
                // and the reader says nothing of it: the rows it swallowed
                // would go unscreened without a word.
                let start = record.position().map_or(0, |p| p.byte());
                if let Some(problem) = seen.quote_problem(start, reader.position().byte()) {
                    *done = true;
                    return Some(Err(Error::new(ErrorKind::Invalid(problem.to_string()))
                        .at(&self.path)
                        .line(starts_at)));
                }
                let line = record.position().map_or(0, |p| p.line());
                // The same bound as a line of text: a row this long holds no
                // name, whatever its columns.
                if record.as_slice().len() > MAX_LINE_BYTES {
                    // Its room goes back: the next row starts small again.
                    *record = csv::ByteRecord::new();
                    return Some(Err(Error::new(ErrorKind::Invalid(format!(
                        "row longer than {MAX_LINE_BYTES} bytes: skipped"
                    )))
                    .at(&self.path)
                    .line(line)));
                }
                let mut fields = Vec::with_capacity(record.len());
                for (i, raw) in record.iter().enumerate() {
                    let header = headers.get(i).cloned().unwrap_or_else(|| format!("column{}", i + 1));
                    match std::str::from_utf8(raw) {
                        Ok(v) => fields.push((header, v.into())),
                        Err(_) => {
                            return Some(Err(Error::new(ErrorKind::Encoding)
                                .at(&self.path)
                                .line(line)
                                .column(i as u64 + 1)
                                .field(header)))
                        }
                    }
                }
                if record.get(*name).is_none() {
                    return Some(Err(self.invalid(line, "name", "the row has no `name` column")));
                }
                Some(self.row(line, fields))
            }
        }
    }
}

impl Iterator for NamesReader {
    type Item = Result<NameRow, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.inner {
            Inner::Lines { .. } => self.next_line(),
            Inner::Csv { .. } => self.next_csv(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Removes its folder when dropped.
    struct TempDir(PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write(name: &str, bytes: &[u8]) -> (TempDir, PathBuf) {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "interdict-names-input-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("tempdir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        (TempDir(dir), path)
    }

    fn rows(path: &Path) -> Vec<Result<NameRow, String>> {
        NamesReader::open(path)
            .expect("open")
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn text_one_name_a_line_blank_lines_skipped() {
        let (_d, p) = write("in.txt", b"\xEF\xBB\xBFVladimir Putin\r\n\r\n  JSC ARGUMENT  \n");
        let r = rows(&p);
        assert_eq!(r.len(), 2);
        let first = r[0].as_ref().unwrap();
        assert_eq!((first.line, first.name.as_str()), (1, "Vladimir Putin"));
        assert_eq!(r[1].as_ref().unwrap().line, 3);
        assert_eq!(r[1].as_ref().unwrap().name, "JSC ARGUMENT");
    }

    #[test]
    fn invalid_utf8_is_an_error_at_its_line_and_the_rest_runs() {
        let (_d, p) = write("in.txt", b"ok one\nbad \xFF name\nok two\n");
        let r = rows(&p);
        let err = r[1].as_ref().unwrap_err();
        assert!(err.contains(":2:5"), "{err}");
        assert_eq!(r[2].as_ref().unwrap().name, "ok two");
    }

    #[test]
    fn an_oversized_line_is_skipped_with_a_reason() {
        let mut bytes = b"first\n".to_vec();
        bytes.extend(std::iter::repeat_n(b'a', 10 * 1024 * 1024));
        bytes.extend(b"\nlast\n");
        let (_d, p) = write("in.txt", &bytes);
        let r = rows(&p);
        assert_eq!(r.len(), 3);
        assert!(
            r[1].as_ref().unwrap_err().contains("longer than 65536 bytes"),
            "{:?}",
            r[1]
        );
        assert_eq!(r[2].as_ref().unwrap().name, "last");
        assert_eq!(r[2].as_ref().unwrap().line, 3);
    }

    #[test]
    fn an_oversized_csv_row_is_skipped_with_a_reason_and_the_rest_runs() {
        // A name under the name limit, with a note that makes the row too
        // long: the row goes, whatever column made it long.
        let mut bytes = b"name,note\nfirst,x\nBank Rossiya,\"".to_vec();
        bytes.extend(std::iter::repeat_n(b'a', 200 * 1024));
        bytes.extend(b"\"\nlast,y\n");
        let (_d, p) = write("in.csv", &bytes);
        let r = rows(&p);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].as_ref().unwrap().name, "first");
        let err = r[1].as_ref().unwrap_err();
        assert!(err.contains(":3: row longer than 65536 bytes: skipped"), "{err}");
        assert_eq!(r[2].as_ref().unwrap().name, "last");
        assert_eq!(r[2].as_ref().unwrap().line, 4);
    }

    #[test]
    fn a_csv_row_too_long_to_hold_stops_the_file_at_its_line_without_reading_it_whole() {
        // A quoted field of 50 MB, over many lines: the reader would hold
        // it all before the row could be checked.
        let mut bytes = b"name,note\nfirst,x\nBank Rossiya,\"".to_vec();
        for _ in 0..50 * 1024 {
            bytes.extend(std::iter::repeat_n(b'a', 1023));
            bytes.push(b'\n');
        }
        bytes.extend(b"\"\nlast,y\n");
        let (_d, p) = write("in.csv", &bytes);
        let mut reader = NamesReader::open(&p).expect("open");
        assert_eq!(reader.next().unwrap().unwrap().name, "first");
        let err = reader.next().unwrap().unwrap_err().to_string();
        assert!(
            err.contains(":3: a row longer than 1048576 bytes: the rest of the file is not read"),
            "{err}"
        );
        assert!(reader.next().is_none());
        // What the reader took: the budget and its read-ahead, not the row.
        let Inner::Csv { record, .. } = &reader.inner else {
            unreachable!()
        };
        assert!(
            record.as_slice().len() < 2 * MAX_CSV_ROW_READ_BYTES,
            "{}",
            record.as_slice().len()
        );
    }

    #[test]
    fn csv_needs_a_name_column() {
        let (_d, p) = write("in.csv", b"id,full_name\n1,x\n");
        let err = NamesReader::open(&p).err().expect("error").to_string();
        assert!(err.contains("name") && err.contains(":1"), "{err}");
    }

    /// An unclosed quote took the rest of the file into one name, and the
    /// rows it swallowed went unscreened, without an error.
    #[test]
    fn csv_a_quote_never_closed_stops_the_file_at_its_row() {
        let (_d, p) = write(
            "in.csv",
            b"id,name\n1,Acme Trading\n2,\"John Doe\n3,OCEAN STAR\n4,Usama bin Ladin\n",
        );
        let r = rows(&p);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(r[0].as_ref().unwrap().name, "Acme Trading");
        let err = r[1].as_ref().unwrap_err();
        assert!(
            err.ends_with(
                "in.csv:3: a quote in this record is never closed, so the rest of the file was read as one field"
            ),
            "{err}"
        );
        // Closed only by a later row's quote: the rows between were one name.
        let (_d, p) = write(
            "in.csv",
            b"id,name\n1,\"John Doe\n2,OCEAN STAR\n3,\"Usama bin Ladin\"\n4,X\n",
        );
        let r = rows(&p);
        assert_eq!(r.len(), 1, "{r:?}");
        assert!(
            r[0].as_ref()
                .unwrap_err()
                .contains("in.csv:2: a quote in this record is not closed where its field ends"),
            "{r:?}"
        );
        // Quotes closed, a line break inside one, quotes doubled, and no
        // line break at the end: all read.
        let (_d, p) = write("in.csv", b"id,name\n1,\"Acme \"\"Trading\"\"\"\n2,\"John\nDoe\"");
        let names: Vec<String> = rows(&p).into_iter().map(|r| r.unwrap().name).collect();
        assert_eq!(names, ["Acme \"Trading\"", "John\nDoe"]);
    }

    /// With a column named twice the row screened the first value and
    /// echoed the last; a column without a name lost its value in the echo.
    #[test]
    fn csv_a_column_named_twice_is_refused_and_one_without_a_name_is_named_by_place() {
        for header in ["name,name", "Name,name", "name,country,COUNTRY"] {
            let (_d, p) = write("in.csv", format!("{header}\nJohn Doe,x,y\n").as_bytes());
            let err = NamesReader::open(&p).err().expect("refused").to_string();
            assert!(
                err.contains("in.csv:1:") && err.contains("is named twice"),
                "{header}: {err}"
            );
        }
        let (_d, p) = write("in.csv", b"name,,\nJohn Doe,a,b\n");
        let row = rows(&p).remove(0).unwrap();
        let fields: Vec<(&str, Option<&str>)> = row.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("name", Some("John Doe")),
                ("column2", Some("a")),
                ("column3", Some("b"))
            ]
        );
    }

    #[test]
    fn csv_rows_carry_the_optional_columns() {
        let (_d, p) = write(
            "in.csv",
            b"id,name,type,birth_date,country\n7,\"PUTIN, Vladimir\",person,1952-10-07,RU\n8,,person,,\n",
        );
        let r = rows(&p);
        let row = r[0].as_ref().unwrap();
        assert_eq!(row.name, "PUTIN, Vladimir");
        assert_eq!(row.kind.as_deref(), Some("person"));
        assert_eq!(row.birth_date.as_deref(), Some("1952-10-07"));
        assert_eq!(row.country.as_deref(), Some("RU"));
        assert_eq!(row.line, 2);
        assert!(r[1].as_ref().unwrap_err().contains("empty name"));
    }

    #[test]
    fn jsonl_rows_and_their_errors() {
        let (_d, p) = write(
            "in.jsonl",
            b"{\"name\": \"Ma Yun\", \"country\": \"CN\", \"ref\": 12}\n{\"nom\": \"x\"}\nnot json\n",
        );
        let r = rows(&p);
        assert_eq!(r[0].as_ref().unwrap().country.as_deref(), Some("CN"));
        assert!(r[1].as_ref().unwrap_err().contains("no `name` field"));
        let err = r[2].as_ref().unwrap_err();
        assert!(err.contains(":3:") && !err.contains("at line 1"), "{err}");
    }

    /// A field that is only echoed may hold any JSON; a row with a true,
    /// an array or an object beside its name was refused, and the name
    /// went unscreened. The fields screened must still be text.
    #[test]
    fn jsonl_fields_only_echoed_may_hold_any_json() {
        let (_d, p) = write(
            "in.jsonl",
            b"{\"name\": \"John Doe\", \"is_customer\": true, \"tags\": [\"a\"], \"meta\": {\"k\": 1}}\n\
              {\"name\": \"John Doe\", \"country\": [\"RU\"]}\n",
        );
        let r = rows(&p);
        let fields: Vec<(&str, String)> = r[0]
            .as_ref()
            .unwrap()
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_string()))
            .collect();
        assert_eq!(
            fields,
            [
                ("name", "\"John Doe\"".to_string()),
                ("is_customer", "true".to_string()),
                ("tags", "[\"a\"]".to_string()),
                ("meta", "{\"k\":1}".to_string())
            ]
        );
        let err = r[1].as_ref().unwrap_err();
        assert!(err.contains("field `country`: expected a string"), "{err}");
        let (_d, p) = write("in.jsonl", b"{\"name\": \"John Doe\", \"Name\": \"Acme\"}\n");
        let err = rows(&p).remove(0).unwrap_err();
        assert!(err.contains("field `Name`: the field is given twice"), "{err}");
    }

    #[test]
    fn a_name_of_only_punctuation_is_skipped() {
        let (_d, p) = write("in.txt", b"...\n");
        assert!(rows(&p)[0].as_ref().unwrap_err().contains("no letters or digits"));
    }
}
