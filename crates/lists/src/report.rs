//! What a list reader returns: the records it could read, and each bad one
//! with its location. Whether a file with bad records is accepted at all is
//! the caller's explicit choice ([`Strictness`]).

use std::path::Path;

use interdict_model::Dataset;

use crate::error::{Error, ErrorKind};

/// How a reader treats a bad record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Strictness {
    /// Load the good records; report every bad one.
    #[default]
    Lenient,
    /// Reject the whole file at the first bad record.
    Strict,
}

/// The result of reading one list.
#[derive(Debug, Default)]
pub struct Report {
    pub dataset: Dataset,
    /// Each bad record, with file and line (lenient mode only; strict mode
    /// returns the first as the error).
    pub rejected: Vec<Error>,
    /// Records read, good and bad.
    pub records: u64,
    /// What was read but not all kept: a value dropped from a record that
    /// was loaded, or records of a kind interdict does not use. Strict mode
    /// refuses a dropped value instead.
    pub warnings: Vec<Error>,
}

impl Report {
    /// Records a bad record: an error in strict mode, a note otherwise.
    pub(crate) fn reject(&mut self, mode: Strictness, err: Error) -> Result<(), Error> {
        match mode {
            Strictness::Strict => Err(err),
            Strictness::Lenient => {
                self.rejected.push(err);
                Ok(())
            }
        }
    }

    /// Checks a CSV header against the columns its format has. Each other
    /// column (misspelt, or new in the publisher's file) is an error in
    /// strict mode, at the header's line and the column, and otherwise a
    /// warning: its values are not read. Empty headers (a trailing comma)
    /// are no columns.
    pub(crate) fn unknown_columns(
        &mut self,
        mode: Strictness,
        path: &Path,
        line: u64,
        header: &[String],
        format: &str,
        known: impl Fn(&str) -> bool,
    ) -> Result<(), Error> {
        for (i, column) in header.iter().enumerate() {
            if column.trim().is_empty() || known(column) {
                continue;
            }
            let err = Error::new(ErrorKind::Invalid(format!(
                "column `{column}` is not in the {format} format; its values are not read"
            )))
            .at(path)
            .line(line)
            .column(i as u64 + 1)
            .field(column.clone());
            self.drop_value(mode, err)?;
        }
        Ok(())
    }

    /// Records a value dropped from a record that is kept: an error in
    /// strict mode, a warning otherwise.
    pub(crate) fn drop_value(&mut self, mode: Strictness, err: Error) -> Result<(), Error> {
        match mode {
            Strictness::Strict => Err(err),
            Strictness::Lenient => {
                self.warnings.push(err);
                Ok(())
            }
        }
    }
}
