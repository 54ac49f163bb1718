//! OFAC SDN and consolidated CSV: `ofac::read_files` (and `read_bytes`,
//! which the bundled lists use) must never panic.
//!
//! The input is split on 0xFF into up to four parts: primary, addresses,
//! alternate names, comments. A part that is absent is passed as `None`;
//! one that is present but empty is an empty file. `read_files` takes
//! paths, so the parts are written to files in a directory of this
//! process's own under the temporary directory, under the list's real file
//! names. The list only names the files and the dataset: SDN is read from
//! files and consolidated from memory, each in both modes.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use interdict_lists::ofac::{self, OfacList};
use interdict_lists::Strictness;
use libfuzzer_sys::fuzz_target;

const SEPARATOR: u8 = 0xFF;

fn work_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("interdict-fuzz-ofac-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz work directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<&[u8]> = data.splitn(4, |&b| b == SEPARATOR).collect();

    // From files.
    let list = OfacList::Sdn;
    let mut paths: [Option<PathBuf>; 4] = Default::default();
    for ((part, name), path) in parts.iter().zip(list.file_names()).zip(paths.iter_mut()) {
        let file = work_dir().join(name);
        std::fs::write(&file, part).expect("write the fuzz input");
        *path = Some(file);
    }
    let [primary, add, alt, comments] = &paths;
    let primary = primary.as_deref().expect("splitn yields at least one part");
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = ofac::read_files(list, primary, add.as_deref(), alt.as_deref(), comments.as_deref(), mode);
    }

    // The same parts from memory.
    let list = OfacList::Consolidated;
    let named: Vec<(&Path, &[u8])> = parts
        .iter()
        .zip(list.file_names())
        .map(|(bytes, name)| (Path::new(name), *bytes))
        .collect();
    let part = |i: usize| named.get(i).copied();
    for mode in [Strictness::Lenient, Strictness::Strict] {
        let _ = ofac::read_bytes(list, named[0], part(1), part(2), part(3), mode);
    }
});
