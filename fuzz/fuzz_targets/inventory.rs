//! App inventory CSV: `inventory::InventoryReader::open` and every row of
//! the iteration must never panic (and the iteration must end).
//!
//! The reader takes a path, so the input is written to a file in a
//! directory of this process's own under the temporary directory.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use interdict_lists::inventory::InventoryReader;
use libfuzzer_sys::fuzz_target;

fn work_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("interdict-fuzz-inventory-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz work directory");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let path = work_dir().join("inventory.csv");
    std::fs::write(&path, data).expect("write the fuzz input");
    let Ok(reader) = InventoryReader::open(&path) else {
        return;
    };
    let _ = reader.headers();
    for row in reader {
        let _ = row;
    }
});
