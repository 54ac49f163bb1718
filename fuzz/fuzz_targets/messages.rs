//! Payment messages (pacs.008 XML and MT103 text): `messages::read` must
//! never panic, whichever format it is told the bytes are.
#![no_main]

use std::path::Path;

use interdict_lists::messages::{self, MessageFormat};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [MessageFormat::Pacs008, MessageFormat::Mt103] {
        let _ = messages::read(Path::new("fuzz-message"), data, format);
    }
    let _ = messages::detect(data);
});
