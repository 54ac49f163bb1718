use std::fmt;

/// The one error type of `interdict-screen`: an input that cannot be
/// screened as given.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The value is not an Android package, iOS bundle id, App Store id,
    /// store URL or domain.
    InvalidAppId { value: String },
    /// A party field that cannot be read; `field` names it.
    InvalidParty { field: String, message: String },
    /// A threshold (`block` or `review`) that is not a score from 0 to 1.
    ThresholdOutOfRange { field: &'static str, value: f32 },
    /// The review threshold above the block threshold.
    ReviewAboveBlock { review: f32, block: f32 },
}

impl Error {
    pub(crate) fn invalid_app_id(value: &str) -> Error {
        Error {
            kind: ErrorKind::InvalidAppId {
                value: value.chars().take(80).collect(),
            },
        }
    }

    pub(crate) fn invalid_party(field: impl Into<String>, message: String) -> Error {
        Error {
            kind: ErrorKind::InvalidParty {
                field: field.into(),
                message,
            },
        }
    }

    pub(crate) fn threshold(kind: ErrorKind) -> Error {
        Error { kind }
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidAppId { value } => write!(
                f,
                "`{value}` is not an app id: expected an Android package (com.example.app), an iOS bundle id, an App Store id (414478124), a store URL or a domain"
            ),
            ErrorKind::InvalidParty { field, message } => write!(f, "{field}: {message}"),
            ErrorKind::ThresholdOutOfRange { field, value } => write!(f, "{field} {value}: expected a score from 0 to 1"),
            ErrorKind::ReviewAboveBlock { review, block } => {
                write!(f, "review {review} is above block {block}: review must be the lower threshold")
            }
        }
    }
}

impl std::error::Error for Error {}
