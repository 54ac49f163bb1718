//! UK Sanctions List (FCDO) CSV: `uksl::read_from` must never panic.
#![no_main]

use std::path::Path;

use interdict_lists::{uksl, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = uksl::read_from(Path::new("fuzz-uksl.csv"), data, mode);
    }
});
