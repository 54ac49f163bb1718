use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The one error type of `interdict-lists`. Every error says where: the
/// file, and the line, column and field when they are known.
#[derive(Debug)]
pub struct Error {
    // Boxed: readers return `Result<_, Error>` on every record, and a small
    // Ok path matters more than one allocation on the error path.
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: Option<PathBuf>,
    line: Option<u64>,
    column: Option<u64>,
    field: Option<String>,
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be read.
    Io(io::Error),
    /// The file is not valid UTF-8.
    Encoding,
    /// The file has no content.
    Empty,
    /// The file is larger than the reader accepts.
    TooLarge { limit: u64 },
    /// The file does not follow its format's syntax (TOML, CSV).
    Syntax(String),
    /// A value breaks the data rules (an unknown reference, a bad date).
    Invalid(String),
    /// A required column is missing from a CSV header.
    MissingColumn { name: String, found: Vec<String> },
    /// Several errors, each with its own location.
    Multiple(Vec<Error>),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error {
            inner: Box::new(Inner {
                path: None,
                line: None,
                column: None,
                field: None,
                kind,
            }),
        }
    }

    pub(crate) fn at(mut self, path: &Path) -> Error {
        self.inner.path = Some(path.to_path_buf());
        self
    }

    pub(crate) fn line(mut self, line: u64) -> Error {
        self.inner.line = Some(line);
        self
    }

    pub(crate) fn column(mut self, column: u64) -> Error {
        self.inner.column = Some(column);
        self
    }

    pub(crate) fn field(mut self, field: impl Into<String>) -> Error {
        self.inner.field = Some(field.into());
        self
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    pub fn line_number(&self) -> Option<u64> {
        self.inner.line
    }

    pub fn column_number(&self) -> Option<u64> {
        self.inner.column
    }

    pub fn field_name(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The individual errors: itself, or each of a `Multiple`.
    pub fn errors(&self) -> Vec<&Error> {
        match &self.inner.kind {
            ErrorKind::Multiple(all) => all.iter().flat_map(|e| e.errors()).collect(),
            _ => vec![self],
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ErrorKind::Multiple(all) = &self.inner.kind {
            for (i, e) in all.iter().enumerate() {
                if i > 0 {
                    writeln!(f)?;
                }
                write!(f, "{e}")?;
            }
            return Ok(());
        }
        if let Some(p) = &self.inner.path {
            write!(f, "{}", p.display())?;
            if let Some(l) = self.inner.line {
                write!(f, ":{l}")?;
                if let Some(c) = self.inner.column {
                    write!(f, ":{c}")?;
                }
            }
            f.write_str(": ")?;
        }
        if let Some(field) = &self.inner.field {
            write!(f, "field `{field}`: ")?;
        }
        match &self.inner.kind {
            ErrorKind::Io(e) => write!(f, "cannot read: {e}"),
            ErrorKind::Encoding => f.write_str("not valid UTF-8; save the file as UTF-8 and try again"),
            ErrorKind::Empty => f.write_str("the file is empty"),
            ErrorKind::TooLarge { limit } => write!(f, "larger than the {limit}-byte limit for this kind of file"),
            ErrorKind::Syntax(m) | ErrorKind::Invalid(m) => f.write_str(m),
            ErrorKind::MissingColumn { name, found } => {
                write!(
                    f,
                    "missing required column `{name}`; the header has: {}",
                    found.join(", ")
                )
            }
            ErrorKind::Multiple(_) => Ok(()),
        }
    }
}

// No `source`: the message already ends with the I/O error's, and a chain
// printed whole (`{:#}`) would say it twice.
impl std::error::Error for Error {}
