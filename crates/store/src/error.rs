use std::fmt;
use std::path::{Path, PathBuf};

/// The one error type of `interdict-store`.
#[derive(Debug)]
pub struct Error {
    path: Option<PathBuf>,
    kind: ErrorKind,
}

#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    Io(std::io::Error),
    Sqlite(rusqlite::Error),
    Json(serde_json::Error),
    /// The database was written by a newer interdict.
    TooNew {
        found: u32,
        supported: u32,
    },
    UnknownSnapshot(String),
    AmbiguousSnapshot(String),
    /// No alert with this id.
    UnknownAlert(String),
    /// A request the store refuses: the field, and why.
    Invalid {
        field: String,
        message: String,
    },
    /// A stored value this build cannot read.
    Corrupt(String),
    /// An audit record that no longer matches its hash or its place in the
    /// chain, or a snapshot whose rows no longer match their digest: the
    /// store was changed outside interdict.
    Altered {
        /// `audit record d-…` or `snapshot sha256:…`.
        what: String,
        why: String,
    },
}

impl Error {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> Error {
        Error {
            path: Some(path.to_path_buf()),
            kind: ErrorKind::Io(e),
        }
    }
    pub(crate) fn sqlite(path: &Path, e: rusqlite::Error) -> Error {
        Error {
            path: Some(path.to_path_buf()),
            kind: ErrorKind::Sqlite(e),
        }
    }
    pub(crate) fn sqlite_bare(e: rusqlite::Error) -> Error {
        Error {
            path: None,
            kind: ErrorKind::Sqlite(e),
        }
    }
    pub(crate) fn json(e: serde_json::Error) -> Error {
        Error {
            path: None,
            kind: ErrorKind::Json(e),
        }
    }
    pub(crate) fn too_new(found: u32, supported: u32) -> Error {
        Error {
            path: None,
            kind: ErrorKind::TooNew { found, supported },
        }
    }
    pub(crate) fn unknown_snapshot(key: &str) -> Error {
        Error {
            path: None,
            kind: ErrorKind::UnknownSnapshot(key.to_string()),
        }
    }
    pub(crate) fn ambiguous_snapshot(key: &str) -> Error {
        Error {
            path: None,
            kind: ErrorKind::AmbiguousSnapshot(key.to_string()),
        }
    }
    pub(crate) fn unknown_alert(id: &str) -> Error {
        Error {
            path: None,
            kind: ErrorKind::UnknownAlert(id.to_string()),
        }
    }
    pub(crate) fn invalid(field: &str, message: &str) -> Error {
        Error {
            path: None,
            kind: ErrorKind::Invalid {
                field: field.to_string(),
                message: message.to_string(),
            },
        }
    }
    pub(crate) fn corrupt(path: &Path, message: String) -> Error {
        Error {
            path: Some(path.to_path_buf()),
            kind: ErrorKind::Corrupt(message),
        }
    }
    pub(crate) fn altered(what: &str, why: String) -> Error {
        Error {
            path: None,
            kind: ErrorKind::Altered {
                what: what.to_string(),
                why,
            },
        }
    }
    pub(crate) fn with_path(mut self, path: &Path) -> Error {
        self.path.get_or_insert_with(|| path.to_path_buf());
        self
    }
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            write!(f, "{}: ", p.display())?;
        }
        match &self.kind {
            ErrorKind::Io(e) => write!(f, "{e}"),
            ErrorKind::Sqlite(e) => write!(f, "database error: {e}"),
            ErrorKind::Json(e) => write!(f, "stored data cannot be read: {e}"),
            ErrorKind::TooNew { found, supported } => write!(
                f,
                "the store has schema version {found}, newer than this interdict supports ({supported}); upgrade interdict"
            ),
            ErrorKind::UnknownSnapshot(k) => write!(f, "no snapshot `{k}`; `interdict lists show` lists them"),
            ErrorKind::AmbiguousSnapshot(k) => write!(f, "`{k}` matches several snapshots; give more of the id"),
            ErrorKind::UnknownAlert(id) => write!(f, "no alert `{id}`"),
            ErrorKind::Invalid { field, message } => write!(f, "{field}: {message}"),
            ErrorKind::Corrupt(m) => write!(f, "stored data cannot be read: {m}"),
            ErrorKind::Altered { what, why } => write!(f, "{what} was altered: {why}"),
        }
    }
}

impl std::error::Error for Error {}
