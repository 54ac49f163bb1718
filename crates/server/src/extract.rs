//! Reading requests: JSON bodies with unknown fields refused and errors
//! that name the field; bearer tokens; dates.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use interdict_model::object::Object;
use interdict_model::Date;
use serde::de::DeserializeOwned;

use crate::state::AppState;
use crate::Error;

/// A JSON body read into `T`; a bad one is a 400, 413, 415 or 422 in the
/// API's error shape, naming the field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let mime = media_type(req.headers());
        let json_suffix = mime
            .len()
            .checked_sub(5)
            .is_some_and(|at| mime.as_bytes()[at..].eq_ignore_ascii_case(b"+json"));
        if !(mime.eq_ignore_ascii_case("application/json") || json_suffix) {
            return Err(Error::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = read_body(req, state).await?;
        parse_json(&bytes, "").map(JsonBody)
    }
}

/// The request's media type, without parameters (`; charset=...`); empty
/// when there is none. Media types are case-insensitive (`application/JSON`
/// is JSON): compare it with `eq_ignore_ascii_case`.
pub fn media_type(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim())
        .unwrap_or("")
}

/// How long a body may take to arrive, put on every request by the router
/// (`Config::body_timeout`).
#[derive(Clone, Copy)]
pub struct BodyTimeout(pub std::time::Duration);

impl BodyTimeout {
    const DEFAULT: std::time::Duration = std::time::Duration::from_secs(10);
}

/// The body's bytes, within the configured limit and time.
pub async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Error> {
    let timeout = req
        .extensions()
        .get::<BodyTimeout>()
        .map_or(BodyTimeout::DEFAULT, |t| t.0);
    let read = tokio::time::timeout(timeout, Bytes::from_request(req, state))
        .await
        .map_err(|_| {
            Error::new(
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                format!(
                    "the body did not arrive within {} s of the headers (--body-timeout)",
                    timeout.as_secs_f64()
                ),
            )
        })?;
    read.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "the body is larger than the server's limit (--max-body)",
            )
        } else {
            Error::new(StatusCode::BAD_REQUEST, "invalid_body", e.body_text())
        }
    })
}

/// `bytes` as a JSON object read into `T`; fields are named under `prefix`.
/// An array is refused, though serde would read a struct from one; and so
/// is anything but white space after the object, which would otherwise be
/// dropped unread (`{"names": ["x"]}{"names": ["Kim Jong Un"]}` screened
/// `x` alone).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], prefix: &str) -> Result<T, Error> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value: Object<T> = serde_path_to_error::deserialize(&mut *de).map_err(|e| Error::from_json(e, prefix))?;
    de.end().map_err(|e| {
        Error::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value.0)
}

/// A route's `{id}`. One that is not valid UTF-8 names nothing there is,
/// so it is 404 in the one error shape (axum's own answer is a 400 in
/// plain text).
pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|id| PathId(id.0))
            .map_err(|_| Error::not_found("no such id: the id in the path is not valid UTF-8"))
    }
}

/// Query parameters read into `T`; unknown or bad ones are a 422 naming
/// the parameter.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| QueryParams(q.0))
            .map_err(|e| Error::from_query(&e))
    }
}

/// For the routes that take no query parameters: any parameter is refused
/// with 422 `unknown_field`, as an unknown field of a body is. Ignored, a
/// misspelt parameter would look accepted and change nothing.
pub struct NoQuery;

impl<S: Send + Sync> FromRequestParts<S> for NoQuery {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        // Any parameter is one too many, whatever its name holds (`a%20b`
        // is `a b`, which serde's messages cannot name).
        let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .unwrap_or_default();
        let Some((name, _)) = pairs.into_iter().next() else {
            return Ok(NoQuery);
        };
        Err(Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_field",
            format!("unknown query parameter `{name}`: this route takes none"),
        )
        .field(name))
    }
}

/// A number in a query parameter, read as JSON reads it, for
/// `#[serde(default, deserialize_with = "query_number")]`. A query string
/// carries text, and Rust's own parsing takes text the description's
/// `number` and `integer` exclude (`+5`, `.5`, `1.`, `inf`, `NaN`);
/// JSON's grammar is the one the description means.
pub fn query_number<'de, D, N>(de: D) -> Result<Option<N>, D::Error>
where
    D: serde::Deserializer<'de>,
    N: DeserializeOwned,
{
    use serde::Deserialize;
    let Some(text) = Option::<String>::deserialize(de)? else {
        return Ok(None);
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a number of the kind described")))
}

/// A date field: `YYYY-MM-DD`, or today (UTC) when absent.
pub fn date_or_today(raw: Option<&str>, field: &str) -> Result<Date, Error> {
    match raw {
        None => Ok(chrono::Utc::now().date_naive().into()),
        Some(s) => s
            .parse()
            .map_err(|e| Error::invalid(field, format!("`{s}` is not a date: {e}"))),
    }
}

/// What a route needs of its caller.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Screening, search and reads: open unless a screening token is set.
    Screen,
    /// List import and activation, and dispositions: always a token.
    Admin,
}

/// Compares without stopping at the first difference, so the time taken
/// says nothing of how much of a token was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks the caller's bearer token for `role`.
pub fn authorize(state: &AppState, parts: &Parts, role: Role) -> Result<(), Error> {
    let given = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        // The scheme's name is case-insensitive (RFC 9110): `bearer` too.
        .and_then(|v| {
            v.split_once(' ')
                .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        })
        .map(|(_, token)| token.trim());
    let admin = state.config.admin_token.as_deref();
    let screen = state.config.screen_token.as_deref();
    let matches =
        |token: Option<&str>| matches!((given, token), (Some(g), Some(t)) if same(g.as_bytes(), t.as_bytes()));
    let unauthorized = || {
        Error::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this route needs a bearer token: `Authorization: Bearer TOKEN`",
        )
    };
    match role {
        Role::Admin => {
            if admin.is_none() {
                return Err(Error::new(
                    StatusCode::FORBIDDEN,
                    "admin_disabled",
                    "admin routes and dispositions are off: start the server with INTERDICT_ADMIN_TOKEN set",
                ));
            }
            if matches(admin) {
                Ok(())
            } else {
                Err(unauthorized())
            }
        }
        Role::Screen => {
            if screen.is_none() || matches(screen) || matches(admin) {
                Ok(())
            } else {
                Err(unauthorized())
            }
        }
    }
}

/// An extractor that lets a caller through when the screening token (if
/// any) is given.
pub struct Screening;

impl FromRequestParts<Arc<AppState>> for Screening {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Error> {
        authorize(state, parts, Role::Screen).map(|_| Screening)
    }
}

/// An extractor that lets only an admin through.
pub struct Admin;

impl FromRequestParts<Arc<AppState>> for Admin {
    type Rejection = Error;
    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Error> {
        authorize(state, parts, Role::Admin).map(|_| Admin)
    }
}
