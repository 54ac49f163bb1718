//! trade.gov Consolidated Screening List JSON (`{"results": [...]}`):
//! `csl::read_json` must never panic.
//!
//! The reader takes a path, so the input is written to a file in a
//! directory of this process's own under the temporary directory.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use interdict_lists::{csl, Strictness};
use libfuzzer_sys::fuzz_target;

fn work_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("interdict-fuzz-csl_json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz work directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let path = work_dir().join("csl.json");
    std::fs::write(&path, data).expect("write the fuzz input");
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = csl::read_json(&path, mode);
    }
});
