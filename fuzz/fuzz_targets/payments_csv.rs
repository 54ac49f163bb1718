//! Payments as CSV: reading the header and every row must never panic.
#![no_main]

use std::path::Path;

use interdict_lists::payments_csv::PaymentsCsv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = PaymentsCsv::new(Path::new("fuzz-payments.csv"), data) {
        for _ in rows.take(10_000) {}
    }
});
