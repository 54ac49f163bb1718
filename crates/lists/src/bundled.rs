//! Real list data compiled into the binary (data/bundled/), so that the
//! main job screens against a realistic list with no set-up and no network.
//! The files are the official publications, gzip-compressed; they are read
//! with the same readers as any imported file, in strict mode.

use std::io::Read;
use std::path::Path;

use flate2::read::GzDecoder;
use interdict_model::Dataset;

use crate::error::{Error, ErrorKind};
use crate::ofac::{self, OfacList};
use crate::report::Strictness;
use crate::un;

/// One bundled list.
#[derive(Clone, Copy, Debug)]
pub struct BundledList {
    pub name: &'static str,
    /// The list's own date, as precisely as it is known.
    pub as_of: &'static str,
    pub published_at: &'static str,
}

/// The bundled lists, in load order.
pub const LISTS: &[BundledList] = &[
    BundledList {
        name: "OFAC SDN list (CSV)",
        as_of: "2021-07",
        published_at: "https://www.treasury.gov/ofac/downloads/",
    },
    BundledList {
        name: "UN Security Council consolidated list (XML)",
        as_of: "2026-02-27",
        published_at: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    },
];

const SDN: &[u8] = include_bytes!("../../../data/bundled/ofac-sdn-2021-07/sdn.csv.gz");
const SDN_ADD: &[u8] = include_bytes!("../../../data/bundled/ofac-sdn-2021-07/add.csv.gz");
const SDN_ALT: &[u8] = include_bytes!("../../../data/bundled/ofac-sdn-2021-07/alt.csv.gz");
const SDN_COMMENTS: &[u8] = include_bytes!("../../../data/bundled/ofac-sdn-2021-07/sdn_comments.csv.gz");
const UN: &[u8] = include_bytes!("../../../data/bundled/un-2026-02/consolidated.xml.gz");

/// Largest size a bundled file may decompress to; a guard against a
/// corrupted build, not a limit real lists come near.
const MAX_UNCOMPRESSED: u64 = 256 * 1024 * 1024;

fn gunzip(name: &str, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    GzDecoder::new(bytes)
        .take(MAX_UNCOMPRESSED)
        .read_to_end(&mut out)
        .map_err(|e| Error::new(ErrorKind::Io(e)).at(Path::new(name)))?;
    Ok(out)
}

/// Reads every bundled list into one Dataset.
pub fn load() -> Result<Dataset, Error> {
    let names = [
        "bundled/ofac-sdn-2021-07/sdn.csv",
        "bundled/ofac-sdn-2021-07/add.csv",
        "bundled/ofac-sdn-2021-07/alt.csv",
        "bundled/ofac-sdn-2021-07/sdn_comments.csv",
    ];
    let files = [SDN, SDN_ADD, SDN_ALT, SDN_COMMENTS]
        .iter()
        .zip(names)
        .map(|(gz, name)| gunzip(name, gz))
        .collect::<Result<Vec<_>, _>>()?;
    let part = |i: usize| (Path::new(names[i]), files[i].as_slice());
    let sdn = ofac::read_bytes(
        OfacList::Sdn,
        part(0),
        Some(part(1)),
        Some(part(2)),
        Some(part(3)),
        Strictness::Strict,
    )?;
    let un_name = "bundled/un-2026-02/consolidated.xml";
    let un = un::read_bytes(Path::new(un_name), &gunzip(un_name, UN)?, Strictness::Strict)?;
    let mut dataset = sdn.dataset;
    dataset.extend(un.dataset);
    Ok(dataset)
}

/// One line on how old the bundled data is and how to replace it.
pub fn age_notice() -> String {
    let lists: Vec<String> = LISTS.iter().map(|l| format!("{} as of {}", l.name, l.as_of)).collect();
    format!(
        "lists: bundled {} (old data: import current lists with `interdict lists import`)",
        lists.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lists_load_in_strict_mode_with_their_known_sizes() {
        let d = load().unwrap();
        // OFAC SDN 2021-07: 8,976 entries; UN 2026-02-27: 1,003.
        assert_eq!(d.entities.len(), 8_976 + 1_003);
        assert_eq!(d.designations.len(), 10_759 + 1_003);
        assert!(d.validate().is_empty());
        assert!(d
            .entities
            .iter()
            .any(|e| e.id == "un_sc-CDi.001" && e.name == "ERIC BADEGE"));
    }
}
