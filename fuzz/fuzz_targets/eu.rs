//! EU Financial Sanctions Files XML: `eu::read_bytes` must never panic.
#![no_main]

use std::path::Path;

use interdict_lists::{eu, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = eu::read_bytes(Path::new("fuzz-eu.xml"), data, mode);
    }
});
