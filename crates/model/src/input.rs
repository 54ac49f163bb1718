//! Inputs to screening.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::identifier::Identifier;

/// An application to screen, as an inventory row gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppInput {
    /// Android package, iOS bundle id, App Store id, store link or domain.
    pub app_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer: Option<String>,
}

/// A payment, as JSON. The shape is stable: fields may be added, never
/// removed or renamed. Unknown fields are rejected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// The payment's own id: the decision and its audit record name it.
    /// Not blank: white space alone names nothing.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, pattern = r"\S"))]
    pub id: String,
    /// The payment's own date: what it is screened as of.
    // Described as optional: the HTTP API, the one user of this
    // description, fills it in from `as_of` or today when it is absent.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub date: Date,
    /// A decimal amount, not negative: `120.50`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^[0-9]{1,18}(\.[0-9]{1,6})?$", example = "120.50")
    )]
    pub amount: Option<String>,
    /// An ISO 4217 currency code: three capital letters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z]{3}$", example = "USD"))]
    pub currency: Option<String>,
    /// Jurisdictions the payment touches (ISO codes); empty = `US`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::openapi::TwoLetterCode>))]
    pub jurisdiction: Vec<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub originator: Option<PaymentParty>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub originator_agent: Option<PaymentParty>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub beneficiary: Option<PaymentParty>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub beneficiary_agent: Option<PaymentParty>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::object::each"
    )]
    pub intermediaries: Vec<PaymentParty>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub ultimate_originator: Option<PaymentParty>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::object::optional"
    )]
    pub ultimate_beneficiary: Option<PaymentParty>,
    /// Apps or wallets the payment goes through: package names, bundle
    /// ids, store links or domains.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance: Option<String>,
    /// For a payment read from a message (pacs.008, MT103): where each
    /// field came from in it, by field (`beneficiary`:
    /// `CdtTrfTxInf[0]/Cdtr`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub paths: std::collections::BTreeMap<String, String>,
}

/// A party or agent of a payment.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PaymentParty {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Read as a screened party's `type` is.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::PartyType>))]
    pub kind: Option<String>,
    /// Where the party is: an ISO 3166-1 alpha-2 code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::TwoLetterCode>))]
    pub country: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, from 1800 and not after the
    /// payment's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::PartialDate>))]
    pub birth_date: Option<String>,
    /// A bank's BIC: met exactly, like any identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::identifier::IdentifierInput>))]
    pub identifiers: Vec<Identifier>,
    /// Free text, screened for listed names like the remittance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// An allowlist (good-guy list) entry: this input is not that listed
/// entity. It holds only while the entity is as it was when the entry was
/// made (`entity_digest`), and until it expires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    /// `a-` and a number.
    pub id: String,
    /// The input it is for: the party's reference, its name as
    /// [`allow_key`] writes it, or an identifier as `TYPE:VALUE`.
    pub input_key: String,
    /// Which of the three `input_key` is. Absent for entries made before
    /// interdict recorded it, which are compared with all three.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_kind: Option<AllowKeyKind>,
    pub entity_id: String,
    /// The entity's content digest when the entry was made.
    pub entity_digest: String,
    pub reason: String,
    pub author: String,
    /// RFC 3339, UTC.
    pub created: String,
    /// First date it no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Date>,
}

/// What an allowlist entry is keyed on, and so what it clears.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AllowKeyKind {
    /// The party's own reference (a customer number): it clears that one
    /// party, whatever its name, birth date or country.
    Reference,
    /// A name, as [`allow_key`] writes it: it clears the listed entity's
    /// namesakes, never a party whose birth date or country agrees with
    /// the entity's.
    Name,
    /// An identifier (`TYPE:VALUE`) that met the entity's.
    Identifier,
}

impl AllowKeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AllowKeyKind::Reference => "reference",
            AllowKeyKind::Name => "name",
            AllowKeyKind::Identifier => "identifier",
        }
    }
}

impl std::str::FromStr for AllowKeyKind {
    type Err = String;

    fn from_str(s: &str) -> Result<AllowKeyKind, String> {
        match s {
            "reference" => Ok(AllowKeyKind::Reference),
            "name" => Ok(AllowKeyKind::Name),
            "identifier" => Ok(AllowKeyKind::Identifier),
            other => Err(format!(
                "`{other}` is no key kind: expected reference, name or identifier"
            )),
        }
    }
}

/// The key an allowlist entry uses for a name: lower case, one space
/// between words, so that `ACME  Trading` and `acme trading` are one key.
pub fn allow_key(name: &str) -> String {
    name.split_whitespace()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
}
