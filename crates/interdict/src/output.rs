//! Writing results: tables for people, JSON for programs.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

/// Whether an error is only stdout closing early (`interdict ... | head`),
/// which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    // The writers wrap the I/O error: JSON lines in serde_json's, CSV in the
    // csv crate's.
    let broken = |kind: Option<io::ErrorKind>| kind == Some(io::ErrorKind::BrokenPipe);
    e.chain().any(|c| {
        broken(c.downcast_ref::<io::Error>().map(io::Error::kind))
            || broken(
                c.downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind),
            )
            || broken(c.downcast_ref::<csv::Error>().and_then(|e| match e.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            }))
    })
}

/// `text` as a CSV cell that a spreadsheet shows as text: a cell starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
/// by Excel, LibreOffice and Google Sheets, and names and messages echo
/// what customers typed (`=HYPERLINK(...)`). Such a cell gets a leading
/// `'`, which the spreadsheet hides; every other cell is as given.
pub fn spreadsheet_safe(text: String) -> String {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}"),
        _ => text,
    }
}

/// A plain text table with a header row; cells are cut at `max` characters.
pub struct Table {
    header: Vec<&'static str>,
    max: Vec<usize>,
    rows: Vec<Vec<String>>,
    header_written: bool,
}

impl Table {
    pub fn new(columns: &[(&'static str, usize)]) -> Table {
        Table {
            header: columns.iter().map(|c| c.0).collect(),
            max: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
            header_written: false,
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Writes the rows so far, with the header the first time, and
    /// forgets them: a long run prints its table in batches instead of
    /// holding every row. Columns are as wide as each batch needs.
    pub fn write_batch(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.rows.is_empty() && self.header_written {
            return Ok(());
        }
        let with_header = !self.header_written;
        self.write_inner(out, with_header)?;
        self.header_written = true;
        self.rows.clear();
        Ok(())
    }

    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        self.write_inner(out, true)
    }

    fn write_inner(&self, out: &mut impl Write, with_header: bool) -> io::Result<()> {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().zip(&self.max).map(|(c, &m)| cell(c, m)).collect())
            .collect();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for r in &cells {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.width());
            }
        }
        let line = |out: &mut dyn Write, r: &[String]| -> io::Result<()> {
            let last = r.len().saturating_sub(1);
            for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
                if i == last {
                    write!(out, "{c}")?;
                } else {
                    write!(out, "{c}{}  ", " ".repeat(w.saturating_sub(c.width())))?;
                }
            }
            writeln!(out)
        };
        if with_header {
            let header: Vec<String> = self.header.iter().map(|h| h.to_string()).collect();
            line(out, &header)?;
        }
        for r in &cells {
            line(out, r)?;
        }
        Ok(())
    }
}

/// `text` as a table cell at most `max` columns wide: a line break or tab
/// in it (a name may hold one) would break the row, so each control
/// character shows as a space; past `max` it is cut, with `…`.
fn cell(text: &str, max: usize) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if clean.width() <= max {
        return clean;
    }
    let mut cut = String::new();
    let mut width = 0;
    for c in clean.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if width + w + 1 > max {
            break;
        }
        width += w;
        cut.push(c);
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name with a line break split its row in two, and Han characters,
    /// two columns each, pushed the columns after them out of line.
    /// A customer's name `=HYPERLINK("http://x","y")` came out of the CSV
    /// as it was, and a spreadsheet opening it ran the formula.
    #[test]
    fn csv_cells_that_a_spreadsheet_would_run_start_with_a_quote() {
        let safe = |s: &str| spreadsheet_safe(s.to_string());
        assert_eq!(
            safe("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(safe("+1"), "'+1");
        assert_eq!(safe("-2+3"), "'-2+3");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("\t=1"), "'\t=1");
        assert_eq!(safe("\r=1"), "'\r=1");
        assert_eq!(safe("Kim = Jong Un"), "Kim = Jong Un");
        assert_eq!(safe("0.800"), "0.800");
        assert_eq!(safe(""), "");
    }

    #[test]
    fn cells_stay_on_their_line_and_in_their_columns() {
        let mut table = Table::new(&[("name", 10), ("score", 5)]);
        table.row(vec!["马云".to_string(), "1".to_string()]);
        table.row(vec!["Jack\nMa".to_string(), "0.9".to_string()]);
        table.row(vec!["阿里巴巴集团控股有限公司".to_string(), "0.8".to_string()]);
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "name       score\n马云       1\nJack Ma    0.9\n阿里巴巴…  0.8\n");
    }
}

/// The JSONL record of an input row that was not screened (`screen names`,
/// `apps screen`): `error` in place of the hits or the decision, so that a
/// reader looking for them fails on it rather than taking the row for a
/// clean one.
#[derive(serde::Serialize)]
pub struct RejectedRecord<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The row as read, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<serde_json::Map<String, serde_json::Value>>,
    pub error: RejectedError<'a>,
}

/// Why a row was not screened: the message printed on stderr, and the
/// field at fault when one is known. `screen payments` gives it too.
#[derive(serde::Serialize)]
pub struct RejectedError<'a> {
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
}
