//! Plain data for interdict: entities, typed identifiers, relations, orders
//! with their dates, and decisions with their explanations.
//!
//! This crate does no I/O. Readers (`interdict-lists`) turn files into a
//! [`Dataset`]; the index and the screener work on these types; interfaces
//! serialise them. Everything a user writes is deserialised with unknown
//! fields rejected, and every value is checked when it is constructed, so
//! a value of these types is always valid.

mod country;
mod dataset;
mod date;
mod decision;
mod designation;
mod entity;
mod error;
mod identifier;
mod input;
pub mod object;
#[cfg(feature = "openapi")]
mod openapi;
#[cfg(feature = "openapi")]
pub use openapi::{IdentifierText, PartyType, TwoLetterCode};
mod order;
mod ownership;
mod relation;

pub use country::{CountryCode, Jurisdiction};
pub use dataset::{Dataset, Issue, ItemRef};
pub use date::{Date, PartialDate};
pub use decision::{
    path_text, CoverageRole, Covered, Decision, Direction, Explanation, IdentifierMatch, ListingFinding, MatchKind,
    NotCovering, OrderFinding, Outcome, OwnerShare, OwnershipFinding, PathLink, PathStep, Policy, TransactionFinding,
    Warning, WarningCode,
};
pub use designation::Designation;
pub use entity::{AppKind, Confidence, Entity, EntityKind, FieldConfidence, IdentifierRecord, Name, NameKind};
pub use error::{Error, ErrorKind};
pub use identifier::{Identifier, IdentifierKind};
pub use input::{allow_key, AllowEntry, AllowKeyKind, AppInput, Payment, PaymentParty};
pub use order::{
    Exemption, Identification, IdentificationStatus, Injunction, Order, OrderStatus, Scope, Source, Threshold,
    TransactionStatus, TransactionType,
};
pub use ownership::{builtin_ownership_rules, OwnershipRule, RulePeriod};
pub use relation::{Relation, RelationKind};

/// The version of the engine, recorded in every decision.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
