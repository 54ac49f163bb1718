//! UK OFSI consolidated list CSV: `uk::read_from` must never panic.
#![no_main]

use std::path::Path;

use interdict_lists::{uk, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = uk::read_from(Path::new("fuzz-uk.csv"), data, mode);
    }
});
