//! Payments as CSV, one payment a row, with a header naming the columns.
//!
//! | column | payment field |
//! |---|---|
//! | `id` (required) | `id` |
//! | `date` (required) | `date`, YYYY-MM-DD |
//! | `amount`, `currency` | `amount`, `currency` |
//! | `jurisdiction` | `jurisdiction`, `;`-separated ISO codes |
//! | `originator_name`, `originator_country`, `originator_iban` | `originator` |
//! | `originator_agent_name`, `originator_agent_bic` | `originator_agent` |
//! | `beneficiary_name`, `beneficiary_country`, `beneficiary_iban` | `beneficiary` |
//! | `beneficiary_agent_name`, `beneficiary_agent_bic` | `beneficiary_agent` |
//! | `intermediary_bics` | `intermediaries`, `;`-separated BICs |
//! | `apps` | `apps`, `;`-separated |
//! | `remittance` | `remittance` |
//!
//! Any other column is refused at once, naming it: a misspelt column would
//! otherwise drop data silently. A row that cannot be read (a bad date, an
//! IBAN or BIC that fails its check) is an error naming its line and column,
//! and the other rows are still read.

use std::io::Read;
use std::path::Path;

use interdict_model::{Date, Identifier, IdentifierKind, Payment, PaymentParty};

use crate::error::{Error, ErrorKind};

/// The columns a payments CSV may have.
pub const COLUMNS: &[&str] = &[
    "id",
    "date",
    "amount",
    "currency",
    "jurisdiction",
    "originator_name",
    "originator_country",
    "originator_iban",
    "originator_agent_name",
    "originator_agent_bic",
    "beneficiary_name",
    "beneficiary_country",
    "beneficiary_iban",
    "beneficiary_agent_name",
    "beneficiary_agent_bic",
    "intermediary_bics",
    "apps",
    "remittance",
];

/// Payments of a CSV file, row by row, at constant memory.
pub struct PaymentsCsv<R: Read> {
    reader: csv::Reader<R>,
    header: Vec<String>,
    record: csv::StringRecord,
}

impl<R: Read> PaymentsCsv<R> {
    /// Reads the header; an unknown, duplicated or missing required column
    /// is an error.
    pub fn new(path: &Path, input: R) -> Result<PaymentsCsv<R>, Error> {
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| {
                Error::new(ErrorKind::Syntax(format!("CSV header: {e}")))
                    .at(path)
                    .line(1)
            })?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        for (i, h) in header.iter().enumerate() {
            if !COLUMNS.contains(&h.as_str()) {
                return Err(Error::new(ErrorKind::Invalid(format!(
                    "unknown column `{h}`: expected {}",
                    COLUMNS.join(", ")
                )))
                .at(path)
                .line(1)
                .field(h.clone()));
            }
            if header[..i].contains(h) {
                return Err(Error::new(ErrorKind::Invalid(format!("column `{h}` appears twice")))
                    .at(path)
                    .line(1)
                    .field(h.clone()));
            }
        }
        for required in ["id", "date"] {
            if !header.iter().any(|h| h == required) {
                return Err(Error::new(ErrorKind::MissingColumn {
                    name: required.to_string(),
                    found: header.clone(),
                })
                .at(path)
                .line(1));
            }
        }
        Ok(PaymentsCsv {
            reader,
            header,
            record: csv::StringRecord::new(),
        })
    }

    fn row(&self) -> Result<Payment, Error> {
        let get = |name: &str| -> Option<String> {
            let i = self.header.iter().position(|h| h == name)?;
            self.record
                .get(i)
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        // The caller names file and line: the row's errors name the column.
        let bad = |field: &str, message: String| Error::new(ErrorKind::Invalid(message)).field(field.to_string());
        let identifier = |field: &str, kind: IdentifierKind| -> Result<Option<Identifier>, Error> {
            get(field)
                .map(|v| Identifier::new(kind, &v).map_err(|e| bad(field, e.to_string())))
                .transpose()
        };
        let list = |field: &str| -> Vec<String> {
            get(field)
                .map(|v| {
                    v.split(';')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let id = get("id").ok_or_else(|| bad("id", "empty id".to_string()))?;
        let date: Date = get("date")
            .ok_or_else(|| bad("date", "empty date".to_string()))?
            .parse()
            .map_err(|e| bad("date", format!("{e}")))?;
        let party = |prefix: &str, with_iban: bool| -> Result<Option<PaymentParty>, Error> {
            let mut p = PaymentParty {
                name: get(&format!("{prefix}_name")),
                country: get(&format!("{prefix}_country")),
                ..PaymentParty::default()
            };
            if with_iban {
                p.identifiers
                    .extend(identifier(&format!("{prefix}_iban"), IdentifierKind::Iban)?);
            } else {
                p.bic = identifier(&format!("{prefix}_bic"), IdentifierKind::Bic)?.map(|b| b.value().to_string());
            }
            Ok((p != PaymentParty::default()).then_some(p))
        };
        let mut intermediaries = Vec::new();
        for bic in list("intermediary_bics") {
            let checked =
                Identifier::new(IdentifierKind::Bic, &bic).map_err(|e| bad("intermediary_bics", e.to_string()))?;
            intermediaries.push(PaymentParty {
                bic: Some(checked.value().to_string()),
                ..PaymentParty::default()
            });
        }
        Ok(Payment {
            id,
            date,
            amount: get("amount"),
            currency: get("currency"),
            jurisdiction: list("jurisdiction"),
            originator: party("originator", true)?,
            originator_agent: party("originator_agent", false)?,
            beneficiary: party("beneficiary", true)?,
            beneficiary_agent: party("beneficiary_agent", false)?,
            intermediaries,
            ultimate_originator: None,
            ultimate_beneficiary: None,
            apps: list("apps"),
            remittance: get("remittance"),
            paths: Default::default(),
        })
    }
}

impl<R: Read> Iterator for PaymentsCsv<R> {
    /// The row's line and the payment, or the error naming the column.
    type Item = (u64, Result<Payment, Error>);

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_record(&mut self.record) {
            Ok(false) => None,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                Some((line, self.row()))
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                let err = Error::new(ErrorKind::Syntax(format!("CSV: {e}")));
                // A broken record (wrong column count) is reported, and
                // reading goes on with the next one.
                Some((line, Err(err)))
            }
        }
    }
}
