use std::fmt;

/// The one error type of `interdict-model`: a value that does not satisfy
/// the model's rules (a date, a country code, an identifier, a threshold).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
}

/// What was wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not a real calendar date in `YYYY-MM-DD` form.
    InvalidDate { value: String },
    /// Not `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    InvalidPartialDate { value: String },
    /// Not an ISO 3166-1 alpha-2 code.
    InvalidCountry { value: String },
    /// Not a known jurisdiction (a country code, `EU` or `UN`).
    InvalidJurisdiction { value: String },
    /// An identifier type that interdict does not know.
    UnknownIdentifierType { value: String },
    /// An identifier value that fails its type's syntax or check digits.
    InvalidIdentifier {
        kind: String,
        value: String,
        reason: &'static str,
    },
    /// Not `TYPE:VALUE` (the caller names the value: it is the whole input).
    NotTypeValue { value: String },
    /// An ownership threshold that is not `> N` or `>= N` with 0 <= N <= 100.
    InvalidThreshold { value: String },
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Error {
        Error { kind }
    }

    /// What was wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidDate { value } => {
                write!(f, "invalid date `{value}`: expected a calendar date as YYYY-MM-DD")
            }
            ErrorKind::InvalidPartialDate { value } => {
                write!(f, "invalid date `{value}`: expected YYYY, YYYY-MM or YYYY-MM-DD")
            }
            ErrorKind::InvalidCountry { value } => write!(
                f,
                "invalid country `{value}`: expected an ISO 3166-1 alpha-2 code such as US or CN"
            ),
            ErrorKind::InvalidJurisdiction { value } => write!(
                f,
                "invalid jurisdiction `{value}`: expected an ISO 3166-1 alpha-2 code (US, GB, ...), EU or UN"
            ),
            ErrorKind::UnknownIdentifierType { value } => write!(
                f,
                "unknown identifier type `{value}`: expected one of {}",
                crate::identifier::KNOWN_TYPES
            ),
            ErrorKind::InvalidIdentifier { kind, value, reason } => {
                write!(f, "invalid {kind} identifier `{value}`: {reason}")
            }
            ErrorKind::NotTypeValue { .. } => f.write_str("expected TYPE:VALUE, such as lei:5493001KJTIIGC8Y1R12"),
            ErrorKind::InvalidThreshold { value } => write!(
                f,
                "invalid threshold `{value}`: expected `> N` or `>= N` with N a percentage from 0 to 100"
            ),
        }
    }
}

impl std::error::Error for Error {}
