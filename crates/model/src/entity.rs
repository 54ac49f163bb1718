//! Entities: the persons, companies, applications and other things that
//! lists and orders name.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::date::PartialDate;
use crate::identifier::Identifier;

/// How sure a fact is. Data that is not fully verified says so, so that a
/// decision resting on it can say so too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Read in the cited source.
    #[default]
    Verified,
    /// A secondary or paraphrasing source, or a cut-off excerpt.
    Partial,
    /// Worked out from verified facts.
    Inferred,
    /// Background knowledge not confirmed in a source.
    Unverified,
}

impl Confidence {
    pub fn is_verified(&self) -> bool {
        *self == Confidence::Verified
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Partial => "partial",
            Confidence::Inferred => "inferred",
            Confidence::Unverified => "unverified",
        }
    }
}

/// The confidence of each field of a record that carries several facts;
/// fields not named are verified.
pub type FieldConfidence = BTreeMap<String, Confidence>;

/// What an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Company,
    /// A person or organization whose type the list does not say
    /// (FollowTheMoney `LegalEntity`).
    LegalEntity,
    Application,
    Vessel,
    Aircraft,
    Wallet,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Company => "company",
            EntityKind::LegalEntity => "legal_entity",
            EntityKind::Application => "application",
            EntityKind::Vessel => "vessel",
            EntityKind::Aircraft => "aircraft",
            EntityKind::Wallet => "wallet",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an application stands alone or lives inside a host app
/// (WeChat Pay inside WeChat, QQ Wallet inside QQ).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppKind {
    Standalone,
    Feature,
}

/// The standing of a name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    #[default]
    Alias,
    /// A "weak" alias in OFAC's sense: too generic to screen on alone.
    WeakAlias,
    /// A name the entity no longer uses ("f.k.a.").
    Former,
}

/// A name other than the primary one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Name {
    pub name: String,
    /// BCP 47 language tag where known (`zh`, `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub kind: NameKind,
    #[serde(default, skip_serializing_if = "Confidence::is_verified")]
    pub confidence: Confidence,
}

/// An identifier as recorded on an entity, with how sure it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdentifierRecord {
    #[serde(flatten)]
    pub identifier: Identifier,
    #[serde(default, skip_serializing_if = "Confidence::is_verified")]
    pub confidence: Confidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

// Written by hand because serde's `flatten` and `deny_unknown_fields`
// do not combine, and unknown keys must be rejected.
impl<'de> Deserialize<'de> for IdentifierRecord {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<IdentifierRecord, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            #[serde(rename = "type")]
            kind: crate::identifier::IdentifierKind,
            value: String,
            #[serde(default)]
            confidence: Confidence,
            #[serde(default)]
            note: Option<String>,
        }
        let raw = Raw::deserialize(d)?;
        let identifier = Identifier::new(raw.kind, &raw.value).map_err(serde::de::Error::custom)?;
        Ok(IdentifierRecord {
            identifier,
            confidence: raw.confidence,
            note: raw.note,
        })
    }
}

/// A person, company, application, vessel or other thing that can be
/// listed, named in an order, or related to one that is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Entity {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    // Each a table (an object), not an array of its fields; see `object`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::object::each"
    )]
    pub aliases: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, pattern = "^[A-Z]{2}$"))]
    pub countries: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<IdentifierRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_kind: Option<AppKind>,
    /// Birth dates, as precise as the list gives them (`1973`, `1973-03-25`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>, pattern = "^[A-Z]{2}$"))]
    pub nationalities: Vec<CountryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Positions and titles held (`Minister of Defence`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<String>,
    /// The datasets the entity came from (`us_ofac_sdn`, `interdict_builtin`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub confidence: FieldConfidence,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Entity {
    /// An entity with only the required fields set.
    pub fn new(id: impl Into<String>, kind: EntityKind, name: impl Into<String>) -> Entity {
        Entity {
            id: id.into(),
            kind,
            name: name.into(),
            aliases: Vec::new(),
            countries: Vec::new(),
            identifiers: Vec::new(),
            app_kind: None,
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            addresses: Vec::new(),
            positions: Vec::new(),
            datasets: Vec::new(),
            sources: Vec::new(),
            confidence: FieldConfidence::new(),
            notes: None,
        }
    }

    /// A short label for paths and tables: `Alipay (app)`, `WeChat Pay (feature)`.
    pub fn label(&self) -> String {
        match (self.kind, self.app_kind) {
            (EntityKind::Application, Some(AppKind::Feature)) => format!("{} (feature)", self.name),
            (EntityKind::Application, _) => format!("{} (app)", self.name),
            _ => self.name.clone(),
        }
    }
}
