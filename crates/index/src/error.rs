use std::fmt;

use interdict_model::Issue;

/// The one error type of `interdict-index`.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The dataset breaks its rules (readers report these with file and
    /// line first; this is the index's own guard).
    InvalidDataset(Vec<Issue>),
    /// The dataset could not be serialised for its content hash.
    Serialize(String),
}

impl Error {
    pub(crate) fn invalid(issues: Vec<Issue>) -> Error {
        Error {
            kind: ErrorKind::InvalidDataset(issues),
        }
    }

    pub(crate) fn serialize(e: serde_json::Error) -> Error {
        Error {
            kind: ErrorKind::Serialize(e.to_string()),
        }
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidDataset(issues) => {
                write!(f, "the dataset has {} problem(s)", issues.len())?;
                for i in issues.iter().take(10) {
                    write!(f, "; {}: {}", i.field, i.message)?;
                }
                Ok(())
            }
            ErrorKind::Serialize(m) => write!(f, "cannot hash the dataset: {m}"),
        }
    }
}

impl std::error::Error for Error {}
