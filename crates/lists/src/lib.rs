//! Readers for interdict: its own TOML data format (`interdict/1`), the
//! built-in orders and entities, and input files such as app inventories.
//!
//! Readers never panic on bad input. Every error names the file, and the
//! line, column and field where they are known; see [`Error`].

mod builtin;
pub mod bundled;
mod countries;
pub mod csl;
mod csv_records;
pub mod download;
pub mod dpl;
mod error;
pub mod eu;
pub mod files;
pub mod formats;
pub mod ftm;
mod ftm_schema;
mod gb_csv;
pub mod inventory;
pub mod messages;
pub mod names_input;
pub mod native;
pub mod ofac;
pub mod payments_csv;
mod report;
pub mod uk;
pub mod uksl;
pub mod un;
mod xml;

pub use error::{Error, ErrorKind};
pub use formats::Format;
pub use report::{Report, Strictness};

/// Hex SHA-256 of some bytes, for pinned downloads.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}
