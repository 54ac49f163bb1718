//! interdict/1 TOML documents: `native::Loader::add_str` and `finish` must
//! never panic.
//!
//! The input is split on 0xFF (never part of UTF-8) into up to four
//! documents, loaded in order into one Loader, so that the checks across
//! files (duplicate ids, references to records in another file) run too. A
//! part that is not UTF-8 is skipped: only text reaches `add_str`.
#![no_main]

use std::path::PathBuf;

use interdict_lists::native::Loader;
use libfuzzer_sys::fuzz_target;

const SEPARATOR: u8 = 0xFF;
const MAX_DOCUMENTS: usize = 4;

fuzz_target!(|data: &[u8]| {
    let mut loader = Loader::new();
    for (i, part) in data.splitn(MAX_DOCUMENTS, |&b| b == SEPARATOR).enumerate() {
        let Ok(text) = std::str::from_utf8(part) else {
            continue;
        };
        // A failed document leaves the loader as it was; go on with the rest,
        // as a caller that reports every file's errors would.
        let _ = loader.add_str(&PathBuf::from(format!("fuzz-{i}.toml")), text);
    }
    let _ = loader.finish();
});
