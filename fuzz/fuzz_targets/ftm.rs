//! FollowTheMoney JSON lines: `ftm::read_from` must never panic.
#![no_main]

use std::path::Path;

use interdict_lists::{ftm, Strictness};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = ftm::read_from(Path::new("fuzz.ftm.jsonl"), data, mode);
    }
});
