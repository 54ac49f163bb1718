//! OpenAPI schemas of the types that serialise as strings: the derive
//! would describe their Rust shape, not their JSON one.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::{Date, IdentifierKind, Jurisdiction, PartialDate, Threshold};

fn string(description: &str, format: Option<SchemaFormat>, pattern: Option<&str>, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .format(format)
        .pattern(pattern)
        .examples([example])
        .into()
}

impl PartialSchema for Date {
    fn schema() -> RefOr<Schema> {
        string(
            "A calendar date, YYYY-MM-DD.",
            Some(SchemaFormat::KnownFormat(KnownFormat::Date)),
            None,
            "2021-02-19",
        )
    }
}
impl ToSchema for Date {}

impl PartialSchema for PartialDate {
    fn schema() -> RefOr<Schema> {
        string(
            "A date known to the year, the month or the day: YYYY, YYYY-MM or YYYY-MM-DD.",
            None,
            Some(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"),
            "2019-09",
        )
    }
}
impl ToSchema for PartialDate {}

impl PartialSchema for Jurisdiction {
    fn schema() -> RefOr<Schema> {
        string(
            "An ISO 3166-1 alpha-2 country code (and XK), or EU or UN.",
            None,
            Some("^[A-Z]{2}$"),
            "US",
        )
    }
}
impl ToSchema for Jurisdiction {}

impl PartialSchema for IdentifierKind {
    fn schema() -> RefOr<Schema> {
        string(
            "The identifier's type: app.android, app.ios, app.store, domain, email, lei, bic, iban, imo, \
             mmsi, crypto.CHAIN, and passport, national_id, tax_id or registration, each with an optional \
             .cc country suffix.",
            None,
            Some(&format!("^({})$", identifier_kinds("[a-z]{2}"))),
            "app.android",
        )
    }
}
impl ToSchema for IdentifierKind {}

/// The identifier types as a pattern, `country` the pattern of the two
/// letters of an optional country suffix: one list for the type as it is
/// written out and as a request may give it.
fn identifier_kinds(country: &str) -> String {
    format!(
        r"app\.(android|ios|store)|domain|email|lei|bic|iban|imo|mmsi|crypto\.[a-z0-9]{{1,16}}|(passport|national_id|tax_id|registration)(\.{country})?"
    )
}

/// An identifier as a request gives it in one text, `TYPE:VALUE`: for the
/// description only (the value is checked as its type says).
pub struct IdentifierText;

impl PartialSchema for IdentifierText {
    fn schema() -> RefOr<Schema> {
        string(
            "An identifier as `TYPE:VALUE`, such as `lei:5493001KJTIIGC8Y1R12`: the type as `IdentifierKind`, \
             its country suffix in either case.",
            None,
            // The value after the colon is checked as its type says.
            Some(&format!("^({}):", identifier_kinds("[A-Za-z]{2}"))),
            "lei:5493001KJTIIGC8Y1R12",
        )
    }
}
impl ToSchema for IdentifierText {}

/// A country or jurisdiction code as a request gives it: for the
/// description only (the codes themselves are checked against the list).
pub struct TwoLetterCode;

impl PartialSchema for TwoLetterCode {
    fn schema() -> RefOr<Schema> {
        string(
            "An ISO 3166-1 alpha-2 code (and `EU` or `UN` where a jurisdiction is meant), in any case, \
             spaces around it allowed.",
            None,
            Some(r"^\s*[A-Za-z]{2}\s*$"),
            "US",
        )
    }
}
impl ToSchema for TwoLetterCode {}

impl PartialSchema for Threshold {
    fn schema() -> RefOr<Schema> {
        string(
            "An ownership or control threshold in percent: `> 50` is more than half, `>= 25` a quarter or more.",
            None,
            Some(r"^>=? [0-9]+(\.[0-9]+)?$"),
            "> 50",
        )
    }
}
impl ToSchema for Threshold {}

/// What a screened party is: `person`, `organization`, `vessel` or
/// `aircraft`; `individual`, `organisation`, `company`, `entity`,
/// `legalentity`, `ship` and `airplane` are read as the one they mean. Case
/// and surrounding spaces do not matter.
// Only for the description of a party's and a payment party's `type`: the
// screen reads the text (`interdict_screen`), and a test holds the two to
// the same words.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum PartyType {
    Person,
    Individual,
    Organization,
    Organisation,
    Company,
    Entity,
    Legalentity,
    Vessel,
    Ship,
    Aircraft,
    Airplane,
}
