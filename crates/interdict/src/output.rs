//! Writing results: tables for people, JSON for programs.

use std::io::{self, Write};

/// Whether an error is only stdout closing early (`interdict ... | head`),
/// which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
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
        let cut = |s: &str, max: usize| -> String {
            if s.chars().count() <= max {
                s.to_string()
            } else {
                let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
                t.push('…');
                t
            }
        };
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().zip(&self.max).map(|(c, &m)| cut(c, m)).collect())
            .collect();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &cells {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |out: &mut dyn Write, r: &[String]| -> io::Result<()> {
            let last = r.len().saturating_sub(1);
            for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
                if i == last {
                    write!(out, "{c}")?;
                } else {
                    write!(out, "{c}{}  ", " ".repeat(w - c.chars().count()))?;
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
