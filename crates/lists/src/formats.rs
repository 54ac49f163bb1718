//! Which reader a file needs: detected from its name and first bytes, or
//! named by the user.

use std::fmt;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};
use crate::report::{Report, Strictness};
use crate::{ftm, ofac, un};

/// A list format interdict reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// FollowTheMoney JSON lines (OpenSanctions).
    Ftm,
    /// OFAC SDN CSV: a directory with sdn.csv, add.csv, alt.csv,
    /// sdn_comments.csv, or the sdn.csv file itself.
    OfacSdn,
    /// OFAC consolidated (non-SDN) CSV: cons_prim.csv and its siblings.
    OfacConsolidated,
    /// UN Security Council consolidated list XML.
    Un,
    /// US Consolidated Screening List CSV (trade.gov), either header vintage.
    Csl,
    /// US Consolidated Screening List JSON (trade.gov `{"results": [...]}`).
    CslJson,
    /// BIS Denied Persons List, tab-separated.
    Dpl,
    /// EU Financial Sanctions Files XML (FSF).
    Eu,
    /// UK OFSI consolidated list CSV (ConList.csv).
    Uk,
    /// UK Sanctions List CSV (FCDO), the newer UK format.
    UkSanctionsList,
    /// interdict's own format (`interdict/1`), TOML or JSON: internal deny lists.
    Native,
}

impl Format {
    /// Every format, in the order [`Format::NAMES`] gives them.
    pub const ALL: [Format; 11] = [
        Format::Ftm,
        Format::OfacSdn,
        Format::OfacConsolidated,
        Format::Un,
        Format::Csl,
        Format::CslJson,
        Format::Dpl,
        Format::Eu,
        Format::Uk,
        Format::UkSanctionsList,
        Format::Native,
    ];

    pub const NAMES: &'static str = "ftm, ofac-sdn, ofac-cons, un, csl, csl-json, dpl, eu, uk, uk-sl, interdict";

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ftm => "ftm",
            Format::OfacSdn => "ofac-sdn",
            Format::OfacConsolidated => "ofac-cons",
            Format::Un => "un",
            Format::Csl => "csl",
            Format::CslJson => "csl-json",
            Format::Dpl => "dpl",
            Format::Eu => "eu",
            Format::Uk => "uk",
            Format::UkSanctionsList => "uk-sl",
            Format::Native => "interdict",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "ftm" => Ok(Format::Ftm),
            "ofac-sdn" => Ok(Format::OfacSdn),
            "ofac-cons" => Ok(Format::OfacConsolidated),
            "un" => Ok(Format::Un),
            "csl" => Ok(Format::Csl),
            "csl-json" => Ok(Format::CslJson),
            "dpl" => Ok(Format::Dpl),
            "eu" => Ok(Format::Eu),
            "uk" => Ok(Format::Uk),
            "uk-sl" => Ok(Format::UkSanctionsList),
            "interdict" => Ok(Format::Native),
            _ => Err(format!("unknown format `{s}`: expected one of {}", Format::NAMES)),
        }
    }
}

/// Detects the format of `path` from its name, or for XML and JSON from
/// its first bytes.
pub fn detect(path: &Path) -> Result<Format, Error> {
    let meta = fs::metadata(path).map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    if meta.is_dir() {
        if path.join("sdn.csv").is_file() {
            return Ok(Format::OfacSdn);
        }
        if path.join("cons_prim.csv").is_file() {
            return Ok(Format::OfacConsolidated);
        }
        return Err(undetected(path, "a directory without sdn.csv or cons_prim.csv"));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match name.as_str() {
        "sdn.csv" | "add.csv" | "alt.csv" | "sdn_comments.csv" => return Ok(Format::OfacSdn),
        "cons_prim.csv" | "cons_add.csv" | "cons_alt.csv" | "cons_comments.csv" => return Ok(Format::OfacConsolidated),
        _ => {}
    }
    let mut head = vec![0u8; 4096];
    let n = fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::new(ErrorKind::Io(e)).at(path))?;
    if n == 0 {
        return Err(Error::new(ErrorKind::Empty).at(path));
    }
    let head = String::from_utf8_lossy(&head[..n]);
    let trimmed = head.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('<') && head.contains("CONSOLIDATED_LIST") {
        return Ok(Format::Un);
    }
    if trimmed.starts_with('<') && (head.contains("fsd/export") || head.contains("sanctionEntity")) {
        return Ok(Format::Eu);
    }
    if trimmed.starts_with("Report Date") || (head.contains("Unique ID") && head.contains("OFSI Group ID")) {
        return Ok(Format::UkSanctionsList);
    }
    if name == "conlist.csv" || (trimmed.starts_with("Last Updated,") && head.contains("Group ID")) {
        return Ok(Format::Uk);
    }
    if trimmed.starts_with('{') && head.contains("\"schema\"") {
        return Ok(Format::Ftm);
    }
    if trimmed.starts_with('{') && head.contains("\"format\"") && head.contains(crate::native::FORMAT) {
        return Ok(Format::Native);
    }
    if trimmed.starts_with('{') && head.contains("\"results\"") {
        return Ok(Format::CslJson);
    }
    let first_line = trimmed.lines().next().unwrap_or("").to_ascii_lowercase();
    if first_line.contains("\"name\"\t\"street_address\"") || first_line.starts_with("name\tstreet_address") {
        return Ok(Format::Dpl);
    }
    let columns: Vec<&str> = first_line.split(',').map(|c| c.trim().trim_matches('"')).collect();
    let csl_marker = ["programs", "alt_names", "addresses", "entity_number", "_id"];
    if columns.contains(&"source") && columns.contains(&"name") && columns.iter().any(|c| csl_marker.contains(c)) {
        return Ok(Format::Csl);
    }
    if head
        .lines()
        .any(|l| l.trim().replace(' ', "") == format!("format=\"{}\"", crate::native::FORMAT))
    {
        return Ok(Format::Native);
    }
    Err(undetected(path, "its content matches no known list format"))
}

fn undetected(path: &Path, why: &str) -> Error {
    Error::new(ErrorKind::Invalid(format!(
        "cannot tell the list format: {why}; name it with --format ({})",
        Format::NAMES
    )))
    .at(path)
}

/// Reads `path` as `format`.
pub fn read(path: &Path, format: Format, mode: Strictness) -> Result<Report, Error> {
    match format {
        Format::Ftm => ftm::read(path, mode),
        Format::Un => un::read(path, mode),
        Format::Csl => crate::csl::read(path, mode),
        Format::CslJson => crate::csl::read_json(path, mode),
        Format::Dpl => crate::dpl::read(path, mode),
        Format::Eu => crate::eu::read(path, mode),
        Format::Uk => crate::uk::read(path, mode),
        Format::UkSanctionsList => crate::uksl::read(path, mode),
        Format::Native => crate::native::read_list(path),
        Format::OfacSdn | Format::OfacConsolidated => {
            let list = if format == Format::OfacSdn {
                ofac::OfacList::Sdn
            } else {
                ofac::OfacList::Consolidated
            };
            let dir = if path.is_dir() {
                path
            } else {
                path.parent().unwrap_or(Path::new("."))
            };
            ofac::read_dir(dir, list, mode)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
    }

    #[test]
    fn formats_are_detected_from_names_and_content() {
        assert_eq!(detect(&fixture("eu/sample.xml")).unwrap(), Format::Eu);
        assert_eq!(detect(&fixture("uk/sample.csv")).unwrap(), Format::Uk);
        assert_eq!(detect(&fixture("uksl/sample.csv")).unwrap(), Format::UkSanctionsList);
        assert_eq!(detect(&fixture("un/sample.xml")).unwrap(), Format::Un);
        assert_eq!(detect(&fixture("ofac/sdn")).unwrap(), Format::OfacSdn);
        for f in std::fs::read_dir(fixture("csl")).unwrap() {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "csv") && !p.to_string_lossy().contains("bad") {
                assert_eq!(detect(&p).unwrap(), Format::Csl, "{}", p.display());
            }
        }
    }

    #[test]
    fn format_names_round_trip() {
        for name in Format::NAMES.split(", ") {
            assert_eq!(name.parse::<Format>().unwrap().as_str(), name);
        }
    }

    #[test]
    fn the_list_of_all_formats_is_the_list_of_names() {
        let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(all.join(", "), Format::NAMES);
    }
}
