//! The one error shape of the API, `{"code", "message", "field"}`, and the
//! one error type of this crate. The codes are stable; docs/api.md has the
//! table.

use std::fmt;

use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error as the API returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable: see the table in docs/api.md.
    pub code: &'static str,
    /// For people: what was wrong and what to do.
    pub message: String,
    /// The request field at fault (`party.names[0]`, `as_of`), when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The one error type of `interdict-server`: an HTTP status with its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl Error {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Error {
        Error {
            status,
            body: ErrorBody {
                code,
                message: message.into(),
                field: None,
            },
        }
    }

    pub fn field(mut self, field: impl Into<String>) -> Error {
        self.body.field = Some(field.into());
        self
    }

    /// The error of a part of a request, the part at `prefix`: its field,
    /// if it names one, named from the request's top.
    pub fn within(mut self, prefix: &str) -> Error {
        if let Some(field) = &mut self.body.field {
            *field = format!("{prefix}.{field}");
        }
        self
    }

    /// A field's value is wrong (422).
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message).field(field)
    }

    pub fn not_found(message: impl Into<String>) -> Error {
        Error::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    pub fn not_ready() -> Error {
        Error::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "no snapshot is loaded yet; retry when /readyz answers 200",
        )
    }

    pub fn overloaded() -> Error {
        Error::new(
            StatusCode::TOO_MANY_REQUESTS,
            "overloaded",
            "the server is at its limit of requests in flight; retry after a short wait",
        )
    }

    /// A JSON body that could not be read into the request type: a syntax
    /// error (400), or a field that is unknown, missing or wrong (422), with
    /// the field's path.
    pub fn from_json(e: serde_path_to_error::Error<serde_json::Error>, prefix: &str) -> Error {
        let inner = e.inner();
        let path = e.path().to_string();
        let join = |p: &str, child: &str| -> String {
            let p = if p == "." { "" } else { p };
            match (prefix.is_empty(), p.is_empty()) {
                (true, true) => child.to_string(),
                (true, false) if child.is_empty() => p.to_string(),
                (true, false) => format!("{p}.{child}"),
                (false, true) if child.is_empty() => prefix.to_string(),
                (false, true) => format!("{prefix}.{child}"),
                (false, false) if child.is_empty() => format!("{prefix}.{p}"),
                (false, false) => format!("{prefix}.{p}.{child}"),
            }
        };
        let message = inner.to_string();
        if inner.is_syntax() || inner.is_eof() {
            return Error::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not valid JSON: {message}"),
            );
        }
        let code = field_code(&message);
        let field = match code {
            "missing_field" => join(&path, &quoted(&message).unwrap_or_default()),
            // The path ends at the object holding the field given twice.
            _ if message.starts_with("duplicate field") => join(&path, &quoted(&message).unwrap_or_default()),
            // The path ends at the field at fault, an unknown one too.
            _ => join(&path, ""),
        };
        // serde_json appends " at line L column C" to data errors; the
        // field path says where more usefully.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let e = Error::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
        // The body as a whole (an array, a number) has no field to name.
        if field.is_empty() {
            e
        } else {
            e.field(field)
        }
    }

    /// A query string that could not be read into the request type. The
    /// codes are those of a JSON body's fields (422 `unknown_field`,
    /// `missing_field`, `invalid_field`), and `field` names the parameter.
    pub fn from_query(rejection: &QueryRejection) -> Error {
        // "Failed to deserialize query string: " and what serde said,
        // after the parameter's name when it knows it: "limt: unknown
        // field `limt`, expected ...", "limit: why", "missing field `q`".
        let text = rejection.body_text();
        let detail = text.split_once("query string: ").map_or(text.as_str(), |(_, d)| d);
        let (name, message) = match detail.split_once(": ") {
            Some((name, why)) if !name.contains(' ') => (name, why),
            _ => ("", detail),
        };
        let code = field_code(message);
        let field = match (code, name) {
            ("unknown_field" | "missing_field", "") => quoted(message).unwrap_or_default(),
            _ => name.to_string(),
        };
        let error = Error::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
        if field.is_empty() {
            error
        } else {
            error.field(field)
        }
    }
}

/// The code of serde's message about a field: bodies and query strings
/// get the same codes for the same faults.
fn field_code(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "missing_field"
    } else {
        "invalid_field"
    }
}

/// The first name serde's message quotes in backticks: the field.
fn quoted(message: &str) -> Option<String> {
    message.split('`').nth(1).map(str::to_string)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.body.code, self.body.message)?;
        if let Some(field) = &self.body.field {
            write!(f, " (field {field})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        // An error answered before the request's body was read says that
        // the connection closes: see `unread`.
        let mut response = (self.status, axum::Json(self.body)).into_response();
        let headers = response.headers_mut();
        match self.status {
            StatusCode::UNAUTHORIZED => {
                headers.insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer realm=\"interdict\""),
                );
            }
            // Load is shed in moments: a client may try again soon.
            StatusCode::TOO_MANY_REQUESTS => {
                headers.insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(1u32));
            }
            _ => {}
        }
        response
    }
}

impl From<interdict_store::Error> for Error {
    fn from(e: interdict_store::Error) -> Error {
        use interdict_store::ErrorKind;
        match e.kind() {
            ErrorKind::UnknownAlert(_) | ErrorKind::UnknownSnapshot(_) => Error::not_found(e.to_string()),
            ErrorKind::AmbiguousSnapshot(_) => Error::invalid("snapshot", e.to_string()),
            ErrorKind::Invalid { field, message } => Error::invalid(field.clone(), message.clone()),
            // Only audit records reach a route through here; a snapshot is
            // loaded through `Live::load`, whose errors are `load_failed`.
            ErrorKind::Altered { .. } => Error::new(StatusCode::INTERNAL_SERVER_ERROR, "audit_altered", e.to_string()),
            _ => Error::internal(format!("store: {e}")),
        }
    }
}

impl From<interdict_screen::Error> for Error {
    fn from(e: interdict_screen::Error) -> Error {
        use interdict_screen::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidParty { field, message } => Error::invalid(field.clone(), message.clone()),
            ErrorKind::ThresholdOutOfRange { field, value } => {
                Error::invalid(*field, format!("{value} is not a score from 0 to 1"))
            }
            ErrorKind::ReviewAboveBlock { .. } => Error::invalid("review", e.to_string()),
            ErrorKind::InvalidAppId { .. } => Error::invalid("app_id", e.to_string()),
            _ => Error::invalid("", e.to_string()),
        }
    }
}
