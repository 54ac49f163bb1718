//! App inventories: CSV files with a header, as MDM tools export them. The
//! column `app_id` is required (an Android package, iOS bundle id, App Store
//! id or domain); `name` and `developer` are optional; every other column is
//! kept and echoed in the output.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::error::{Error, ErrorKind};

/// Longest `app_id` accepted; anything longer is not an identifier.
const MAX_APP_ID: usize = 1024;

/// One row of an inventory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppRow {
    /// 1-based line in the file where the row starts.
    pub line: u64,
    pub app_id: String,
    pub name: Option<String>,
    pub developer: Option<String>,
    /// Every column, in header order, as `(header, value)`.
    pub fields: Vec<(String, String)>,
}

/// Streams the rows of an inventory file, one `Result` per row, so that a
/// bad row is reported and the rest of the file still runs.
pub struct InventoryReader {
    path: PathBuf,
    reader: csv::Reader<LineCounter<File>>,
    newlines: Newlines,
    headers: Vec<String>,
    app_id: usize,
    name: Option<usize>,
    developer: Option<usize>,
    record: csv::ByteRecord,
    /// Set after an I/O error, which would only repeat.
    failed: bool,
}

impl InventoryReader {
    /// Opens `path` and checks its header.
    pub fn open(path: &Path) -> Result<InventoryReader, Error> {
        let file = File::open(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
        let newlines = Newlines::default();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(LineCounter::new(file, newlines.clone()));
        let raw = reader.byte_headers().map_err(|e| csv_error(path, e))?.clone();
        if raw.is_empty() || (raw.len() == 1 && raw[0].is_empty()) {
            return Err(Error::new(ErrorKind::Invalid(
                "the file is empty: expected a header row with an `app_id` column".into(),
            ))
            .at(path)
            .line(1));
        }
        let mut headers = Vec::with_capacity(raw.len());
        for (i, h) in raw.iter().enumerate() {
            let h = std::str::from_utf8(h)
                .map_err(|_| Error::new(ErrorKind::Encoding).at(path).line(1).column(i as u64 + 1))?;
            headers.push(h.trim_start_matches('\u{feff}').trim().to_string());
        }
        let find = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
        let app_id = find("app_id").ok_or_else(|| {
            Error::new(ErrorKind::MissingColumn {
                name: "app_id".into(),
                found: headers.clone(),
            })
            .at(path)
            .line(1)
        })?;
        for (i, h) in headers.iter().enumerate() {
            if headers[..i].iter().any(|prev| prev.eq_ignore_ascii_case(h)) {
                return Err(
                    Error::new(ErrorKind::Invalid(format!("column `{h}` appears twice in the header")))
                        .at(path)
                        .line(1)
                        .column(i as u64 + 1),
                );
            }
        }
        Ok(InventoryReader {
            path: path.to_path_buf(),
            name: find("name"),
            developer: find("developer"),
            reader,
            newlines,
            headers,
            app_id,
            record: csv::ByteRecord::new(),
            failed: false,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    fn row(&self) -> Result<AppRow, Error> {
        let line = self.record.position().map_or(0, |p| self.newlines.line_at(p.byte()));
        let mut fields = Vec::with_capacity(self.record.len());
        for (i, raw) in self.record.iter().enumerate() {
            let value = std::str::from_utf8(raw).map_err(|_| {
                Error::new(ErrorKind::Encoding)
                    .at(&self.path)
                    .line(line)
                    .column(i as u64 + 1)
                    .field(self.headers[i].clone())
            })?;
            fields.push((self.headers[i].clone(), value.trim().to_string()));
        }
        let col_error = |col: usize, message: &str| {
            Error::new(ErrorKind::Invalid(message.to_string()))
                .at(&self.path)
                .line(line)
                .column(col as u64 + 1)
                .field(self.headers[col].clone())
        };
        let app_id = fields[self.app_id].1.clone();
        if app_id.is_empty() {
            return Err(col_error(self.app_id, "empty: every row needs an app id"));
        }
        if app_id.len() > MAX_APP_ID {
            return Err(col_error(self.app_id, "longer than 1024 bytes: not an app id"));
        }
        let optional = |col: Option<usize>| col.map(|c| fields[c].1.clone()).filter(|v| !v.is_empty());
        Ok(AppRow {
            line,
            app_id,
            name: optional(self.name),
            developer: optional(self.developer),
            fields,
        })
    }
}

impl Iterator for InventoryReader {
    type Item = Result<AppRow, Error>;

    fn next(&mut self) -> Option<Result<AppRow, Error>> {
        if self.failed {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => Some(self.row()),
            Err(e) => {
                let line = e.position().map(|p| self.newlines.line_at(p.byte()));
                let mut err = csv_error(&self.path, e);
                if let Some(l) = line {
                    err = err.line(l);
                }
                self.failed = matches!(err.kind(), ErrorKind::Io(_));
                Some(Err(err))
            }
        }
    }
}

/// Offsets of the newlines read so far, shared between the reader that sees
/// the bytes and the iterator that reports rows. The csv crate's own line
/// numbers are one too low after CRLF line ends, which MDM exports use.
#[derive(Clone, Default)]
struct Newlines(Rc<RefCell<NewlineState>>);

#[derive(Default)]
struct NewlineState {
    /// Newline offsets not yet passed by a reported row.
    pending: VecDeque<u64>,
    /// Newlines before the first pending one.
    passed: u64,
}

impl Newlines {
    /// The 1-based line of a record starting at `offset`. Offsets asked for
    /// only grow, so passed newlines are dropped as rows are reported. A
    /// newline *at* the offset counts as before it: after `\r\n` the csv
    /// crate reports a record as starting on the `\n`.
    fn line_at(&self, offset: u64) -> u64 {
        let mut st = self.0.borrow_mut();
        while st.pending.front().is_some_and(|&nl| nl <= offset) {
            st.pending.pop_front();
            st.passed += 1;
        }
        st.passed + 1
    }
}

/// A reader that records where its newlines are.
struct LineCounter<R> {
    inner: R,
    offset: u64,
    newlines: Newlines,
}

impl<R> LineCounter<R> {
    fn new(inner: R, newlines: Newlines) -> LineCounter<R> {
        LineCounter {
            inner,
            offset: 0,
            newlines,
        }
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut st = self.newlines.0.borrow_mut();
        for (i, b) in buf[..n].iter().enumerate() {
            if *b == b'\n' {
                st.pending.push_back(self.offset + i as u64);
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// A csv crate error as a located [`Error`]; shared with the names input.
pub(crate) fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line());
    let err = match e.into_kind() {
        csv::ErrorKind::Io(io) => Error::new(ErrorKind::Io(io)),
        csv::ErrorKind::Utf8 { err, .. } => Error::new(ErrorKind::Encoding).column(err.field() as u64 + 1),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::new(ErrorKind::Syntax(format!(
            "this row has {len} fields, the header has {expected_len}"
        ))),
        other => Error::new(ErrorKind::Syntax(format!("{other:?}"))),
    };
    let err = err.at(path);
    match line {
        Some(l) => err.line(l),
        None => err,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    struct Tmp(PathBuf);
    impl Drop for Tmp {
        fn drop(&mut self) {
            let _ = fs::remove_file(&self.0);
        }
    }

    fn write(name: &str, bytes: &[u8]) -> Tmp {
        let path = std::env::temp_dir().join(format!("interdict-inv-{}-{name}", std::process::id()));
        fs::write(&path, bytes).unwrap();
        Tmp(path)
    }

    #[test]
    fn reads_rows_with_line_numbers_and_optional_columns() {
        let f = write(
            "ok.csv",
            b"\xEF\xBB\xBFdevice,App_ID,name\nd1,com.tencent.mm,WeChat\nd2,\"cn.wps.moffice_eng\",\n",
        );
        let rows: Vec<AppRow> = InventoryReader::open(&f.0).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].line, rows[0].app_id.as_str(), rows[0].name.as_deref()),
            (2, "com.tencent.mm", Some("WeChat"))
        );
        assert_eq!((rows[1].line, rows[1].name.as_deref()), (3, None));
        assert_eq!(rows[1].fields[0], ("device".to_string(), "d2".to_string()));
    }

    #[test]
    fn missing_app_id_column_names_the_header_found() {
        let f = write("nocol.csv", b"package,name\ncom.tencent.mm,WeChat\n");
        let err = InventoryReader::open(&f.0).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "{}:1: missing required column `app_id`; the header has: package, name",
                f.0.display()
            )
        );
    }

    #[test]
    fn empty_file_is_an_error() {
        let f = write("empty.csv", b"");
        let err = InventoryReader::open(&f.0).err().unwrap();
        assert!(
            err.to_string()
                .ends_with("the file is empty: expected a header row with an `app_id` column"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_app_id_names_line_and_column_and_the_next_row_still_reads() {
        let f = write("blank.csv", b"name,app_id\nX,\nY,com.tencent.mm\n");
        let mut r = InventoryReader::open(&f.0).unwrap();
        let err = r.next().unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}:2:2: field `app_id`: empty: every row needs an app id",
                f.0.display()
            )
        );
        assert_eq!(r.next().unwrap().unwrap().app_id, "com.tencent.mm");
        assert!(r.next().is_none());
    }

    #[test]
    fn line_numbers_are_right_after_crlf_line_ends() {
        let f = write(
            "crlf.csv",
            b"app_id,name\r\ncom.a.b,x\r\n,empty\r\n\"com.c.d\",\"two\r\nlines\"\r\ncom.e.f,y\r\n",
        );
        let results: Vec<Result<AppRow, Error>> = InventoryReader::open(&f.0).unwrap().collect();
        assert_eq!(results[0].as_ref().unwrap().line, 2);
        assert_eq!(results[1].as_ref().unwrap_err().line_number(), Some(3));
        assert_eq!(results[2].as_ref().unwrap().line, 4, "a quoted field may span lines");
        assert_eq!(results[3].as_ref().unwrap().line, 6);
    }

    #[test]
    fn ragged_rows_and_bad_utf8_are_row_errors() {
        let f = write("ragged.csv", b"app_id,name\ncom.a.b\ncom.c.d,\xE9t\xE9\ncom.e.f,ok\n");
        let results: Vec<Result<AppRow, Error>> = InventoryReader::open(&f.0).unwrap().collect();
        assert_eq!(results.len(), 3);
        let e0 = results[0].as_ref().unwrap_err().to_string();
        assert!(e0.contains(":2: this row has 1 fields, the header has 2"), "{e0}");
        let e1 = results[1].as_ref().unwrap_err();
        assert!(matches!(e1.kind(), ErrorKind::Encoding));
        assert_eq!((e1.line_number(), e1.column_number()), (Some(3), Some(2)));
        assert_eq!(results[2].as_ref().unwrap().app_id, "com.e.f");
    }
}
