//! BIS Denied Persons List (tab-separated text): `dpl::read_from` must
//! never panic.
#![no_main]

use std::path::Path;

use interdict_lists::{dpl, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = dpl::read_from(Path::new("fuzz-dpl.txt"), data, mode);
    }
});
