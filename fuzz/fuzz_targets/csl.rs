//! trade.gov Consolidated Screening List CSV: `csl::read_from` must never
//! panic.
#![no_main]

use std::path::Path;

use interdict_lists::{csl, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = csl::read_from(Path::new("fuzz-csl.csv"), data, mode);
    }
});
