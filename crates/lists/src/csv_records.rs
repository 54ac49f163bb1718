//! The records of a CSV (or tab-separated) list file held in memory, each
//! with the line it starts on, for the readers of the official CSV lists
//! (OFAC, the Consolidated Screening List, the Denied Persons List, the UK
//! lists).
//!
//! The csv crate reads a quote that is never closed to the end of the file
//! as one field, without a word: one bad record in place of every record
//! after it. Such a file is refused here, at the record's line.

use std::path::Path;

use crate::error::{Error, ErrorKind};

/// Calls `each(line, record)` for every record of `body`, in order; `name`
/// names the file in errors.
pub(crate) fn for_each(
    name: &Path,
    body: &[u8],
    delimiter: u8,
    mut each: impl FnMut(u64, &csv::ByteRecord),
) -> Result<(), Error> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    let mut record = csv::ByteRecord::new();
    // The csv crate's line numbers are one short after a CRLF line end, so
    // lines are counted here from the record's byte offset.
    let mut lines = LineCounter::new(body);
    let mut last = None;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte());
                let line = lines.line_at(start);
                last = Some((start, line));
                each(line, &record);
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()).max(p.line()));
                return Err(Error::new(ErrorKind::Syntax(format!("malformed CSV: {e}")))
                    .at(name)
                    .line(line));
            }
        }
    }
    match last {
        Some((start, line))
            if quote_left_open(&body[usize::try_from(start).unwrap_or(usize::MAX).min(body.len())..]) =>
        {
            Err(Error::new(ErrorKind::Syntax(
                "malformed CSV: a quote in this record is never closed, so the rest of the file was read as one field"
                    .to_string(),
            ))
            .at(name)
            .line(line))
        }
        _ => Ok(()),
    }
}

/// Whether the last record, `tail` (its bytes to the end of the file),
/// leaves a quoted field open: it opens one, at a field's start, and the
/// quotes after that opening do not close it (an odd count, `""` being an
/// escaped quote).
fn quote_left_open(tail: &[u8]) -> bool {
    tail.iter().filter(|&&b| b == b'"').count() % 2 == 1
        && tail.iter().position(|&b| b == b'"').is_some_and(|at| {
            // A quote starts a quoted field only at the field's start: the
            // record's start, or after a delimiter. One inside an unquoted
            // field (`5'10"`) is a plain character.
            at == 0 || matches!(tail[at - 1], b',' | b'\t')
        })
}

/// 1-based line numbers of byte offsets, asked in increasing order.
struct LineCounter<'a> {
    body: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(body: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            body,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the first byte at or after `byte` that is not a line end.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte).unwrap_or(usize::MAX).min(self.body.len());
        while matches!(self.body.get(target), Some(b'\r' | b'\n')) {
            target += 1;
        }
        if target > self.offset {
            let skipped = self.body.get(self.offset..target).unwrap_or(&[]);
            self.line += skipped.iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = target;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(body: &[u8]) -> Result<Vec<(u64, Vec<String>)>, String> {
        let mut out = Vec::new();
        for_each(Path::new("list.csv"), body, b',', |line, r| {
            out.push((
                line,
                r.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
            ))
        })
        .map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// An unclosed quote took the rest of the file into one field: one bad
    /// record (or a good one, if its columns fit) in place of all after it.
    #[test]
    fn a_quote_never_closed_is_refused_at_its_record() {
        let err = lines(b"1,ACME\r\n2,\"BETA\r\n3,GAMMA\r\n4,DELTA\r\n").unwrap_err();
        assert_eq!(
            err,
            "list.csv:2: malformed CSV: a quote in this record is never closed, so the rest of the file was read \
             as one field"
        );
    }

    #[test]
    fn quotes_closed_escaped_or_inside_a_field_are_read() {
        let read = lines(b"1,\"A, \"\"B\"\"\"\r\n2,\"multi\nline\"\n3,5'10\"\n").unwrap();
        let fields: Vec<&str> = read.iter().map(|(_, f)| f[1].as_str()).collect();
        assert_eq!(fields, ["A, \"B\"", "multi\nline", "5'10\""]);
        assert_eq!(read.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 2, 4]);
    }
}
