//! UN Security Council consolidated list XML: `un::read_bytes` must never
//! panic.
#![no_main]

use std::path::Path;

use interdict_lists::{un, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = un::read_bytes(Path::new("fuzz-un.xml"), data, mode);
    }
});
