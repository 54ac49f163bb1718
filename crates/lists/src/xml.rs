//! XML pieces the readers share.

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::XmlVersion;

/// The character a reference stands for: `&#233;`, `&#xE9;` or one of the
/// five predefined entities. `None` for any other entity (the lists declare
/// none).
pub(crate) fn resolve_ref(r: &BytesRef<'_>) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => match &**r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        },
        Err(_) => None,
    }
}

/// An element's attributes by local name, unescaped; a malformed one gives
/// the message to report.
pub(crate) fn attributes(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("malformed XML: {e}"))?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed XML: {e}"))?;
        out.push((attr.key.local_name().as_ref().to_string(), value.into_owned()));
    }
    Ok(out)
}
