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
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte());
                let line = lines.line_at(start);
                let end = reader.position().byte();
                let raw = body
                    .get(usize::try_from(start).unwrap_or(usize::MAX)..usize::try_from(end).unwrap_or(usize::MAX))
                    .unwrap_or(&[]);
                if let Some(problem) = quote_problem(raw, delimiter) {
                    return Err(Error::new(ErrorKind::Syntax(format!("malformed CSV: {problem}")))
                        .at(name)
                        .line(line));
                }
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
    Ok(())
}

/// What is wrong with the quotes of one record, given its raw bytes, read
/// by the csv crate's rules: a quote opens a field only at the field's
/// start (elsewhere it is a plain character), `""` inside a quoted field is
/// a quote, and the field ends at the next lone quote. The crate says
/// nothing of two shapes that mean a quote was left open:
/// - the record ends inside a quoted field: it ran to the end of the file;
/// - a quoted field holds a line break and its closing quote is followed
///   by more text: it ran over lines up to some later field's quote.
///
/// Either way the records in between were read as one field.
pub(crate) fn quote_problem(raw: &[u8], delimiter: u8) -> Option<&'static str> {
    let mut at = 0;
    let mut field_start = true;
    while at < raw.len() {
        let b = raw[at];
        if field_start && b == b'"' {
            // A quoted field: find its closing quote.
            let mut i = at + 1;
            let mut broken_line = false;
            loop {
                match raw.get(i) {
                    None => {
                        return Some(
                            "a quote in this record is never closed, so the rest of the file was read as one field",
                        )
                    }
                    Some(b'"') if raw.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => break,
                    Some(b'\n' | b'\r') => {
                        broken_line = true;
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            let after = raw.get(i + 1).copied();
            if broken_line && after.is_some_and(|c| c != delimiter && c != b'\r' && c != b'\n') {
                return Some(
                    "a quote in this record is not closed where its field ends, so the lines after it were read \
                     into one field",
                );
            }
            at = i + 1;
            field_start = false;
            continue;
        }
        field_start = b == delimiter;
        at += 1;
    }
    None
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

    /// A quote left open up to a later field's quote: the rows between
    /// were read into one name, and nothing was said.
    #[test]
    fn a_quote_closed_only_by_a_later_record_is_refused() {
        let err = lines(b"1,ACME\n2,\"BETA\n3,GAMMA\n4,\"DELTA\"\n5,X\n").unwrap_err();
        assert_eq!(
            err,
            "list.csv:2: malformed CSV: a quote in this record is not closed where its field ends, so the lines after \
             it were read into one field"
        );
        // A quote inside an unquoted field, before the one left open.
        let err = lines(b"1,5'10\",\"BETA\n2,X\n").unwrap_err();
        assert!(
            err.starts_with("list.csv:1: malformed CSV: a quote in this record is never closed"),
            "{err}"
        );
        // Tab-separated: a quote after a comma inside a field is plain.
        let mut read = Vec::new();
        for_each(Path::new("list.txt"), b"1\tA,\"B\tC\n2\tD\n", b'\t', |line, _| {
            read.push(line)
        })
        .unwrap();
        assert_eq!(read, [1, 2]);
    }

    #[test]
    fn quotes_closed_escaped_or_inside_a_field_are_read() {
        let read = lines(b"1,\"A, \"\"B\"\"\"\r\n2,\"multi\nline\"\n3,5'10\"\n").unwrap();
        let fields: Vec<&str> = read.iter().map(|(_, f)| f[1].as_str()).collect();
        assert_eq!(fields, ["A, \"B\"", "multi\nline", "5'10\""]);
        assert_eq!(read.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [1, 2, 4]);
    }
}
