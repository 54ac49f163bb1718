//! Typed identifiers, normalised on construction so that two spellings of
//! the same identifier compare equal (`id333206289` and `333206289`;
//! `DE89 3704 0044 0532 0130 00` and `DE89370400440532013000`).
//!
//! Check digits are verified where the standard defines them (LEI: ISO 17442,
//! IBAN: ISO 13616, IMO: the IMO ship number scheme), because a mistyped
//! identifier that still "matches" would be worse than no match.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::country::CountryCode;
use crate::error::{Error, ErrorKind};

pub(crate) const KNOWN_TYPES: &str = "app.android, app.ios, app.store, domain, email, lei, bic, iban, imo, mmsi, crypto.<chain>, passport[.<cc>], national_id[.<cc>], tax_id[.<cc>], registration[.<cc>]";

/// Longest identifier value accepted; anything longer is an input error,
/// not an identifier.
const MAX_LEN: usize = 256;

/// The type of an identifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IdentifierKind {
    /// An Android application id (package name), `com.tencent.mm`.
    AppAndroid,
    /// An iOS bundle id, `com.tencent.xin`.
    AppIos,
    /// An Apple App Store numeric id, `414478124`.
    AppStore,
    /// An internet domain name.
    Domain,
    Email,
    /// Legal Entity Identifier (ISO 17442).
    Lei,
    /// Business Identifier Code, SWIFT (ISO 9362).
    Bic,
    /// International Bank Account Number (ISO 13616).
    Iban,
    /// IMO ship number.
    Imo,
    /// Maritime Mobile Service Identity.
    Mmsi,
    /// A crypto-asset address on the named chain (`eth`, `xbt`, ...).
    Crypto(String),
    Passport(Option<CountryCode>),
    NationalId(Option<CountryCode>),
    TaxId(Option<CountryCode>),
    Registration(Option<CountryCode>),
}

impl IdentifierKind {
    /// Whether this is one of the application identifier types.
    pub fn is_app(&self) -> bool {
        matches!(
            self,
            IdentifierKind::AppAndroid | IdentifierKind::AppIos | IdentifierKind::AppStore
        )
    }
}

impl fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_country = |f: &mut fmt::Formatter<'_>, base: &str, cc: &Option<CountryCode>| match cc {
            Some(cc) => write!(f, "{base}.{}", cc.as_str().to_ascii_lowercase()),
            None => f.write_str(base),
        };
        match self {
            IdentifierKind::AppAndroid => f.write_str("app.android"),
            IdentifierKind::AppIos => f.write_str("app.ios"),
            IdentifierKind::AppStore => f.write_str("app.store"),
            IdentifierKind::Domain => f.write_str("domain"),
            IdentifierKind::Email => f.write_str("email"),
            IdentifierKind::Lei => f.write_str("lei"),
            IdentifierKind::Bic => f.write_str("bic"),
            IdentifierKind::Iban => f.write_str("iban"),
            IdentifierKind::Imo => f.write_str("imo"),
            IdentifierKind::Mmsi => f.write_str("mmsi"),
            IdentifierKind::Crypto(chain) => write!(f, "crypto.{chain}"),
            IdentifierKind::Passport(cc) => with_country(f, "passport", cc),
            IdentifierKind::NationalId(cc) => with_country(f, "national_id", cc),
            IdentifierKind::TaxId(cc) => with_country(f, "tax_id", cc),
            IdentifierKind::Registration(cc) => with_country(f, "registration", cc),
        }
    }
}

impl FromStr for IdentifierKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<IdentifierKind, Error> {
        let unknown = || Error::new(ErrorKind::UnknownIdentifierType { value: s.to_string() });
        let (base, rest) = match s.split_once('.') {
            Some((b, r)) => (b, Some(r)),
            None => (s, None),
        };
        let country = |rest: Option<&str>| -> Result<Option<CountryCode>, Error> {
            match rest {
                None => Ok(None),
                Some(cc) => cc.parse().map(Some).map_err(|_| unknown()),
            }
        };
        Ok(match (base, rest) {
            ("app", Some("android")) => IdentifierKind::AppAndroid,
            ("app", Some("ios")) => IdentifierKind::AppIos,
            ("app", Some("store")) => IdentifierKind::AppStore,
            ("domain", None) => IdentifierKind::Domain,
            ("email", None) => IdentifierKind::Email,
            ("lei", None) => IdentifierKind::Lei,
            ("bic", None) => IdentifierKind::Bic,
            ("iban", None) => IdentifierKind::Iban,
            ("imo", None) => IdentifierKind::Imo,
            ("mmsi", None) => IdentifierKind::Mmsi,
            ("crypto", Some(chain))
                if !chain.is_empty()
                    && chain.len() <= 16
                    && chain.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) =>
            {
                IdentifierKind::Crypto(chain.to_string())
            }
            ("passport", rest) => IdentifierKind::Passport(country(rest)?),
            ("national_id", rest) => IdentifierKind::NationalId(country(rest)?),
            ("tax_id", rest) => IdentifierKind::TaxId(country(rest)?),
            ("registration", rest) => IdentifierKind::Registration(country(rest)?),
            _ => return Err(unknown()),
        })
    }
}

impl Serialize for IdentifierKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IdentifierKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IdentifierKind, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A typed, normalised identifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Identifier {
    #[serde(rename = "type")]
    kind: IdentifierKind,
    value: String,
}

impl Identifier {
    /// Checks and normalises `raw` as an identifier of type `kind`.
    pub fn new(kind: IdentifierKind, raw: &str) -> Result<Identifier, Error> {
        let value = normalise(&kind, raw.trim())?;
        Ok(Identifier { kind, value })
    }

    pub fn kind(&self) -> &IdentifierKind {
        &self.kind
    }

    /// The normalised value, as it is shown.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The value as it is compared: case-insensitive types fold case here
    /// rather than in `value`, so that `com.eg.android.AlipayGphone` keeps
    /// the spelling users know.
    /// Domains drop a leading `www.`: lists write `www.example.com` for the
    /// site `example.com`, and `shop.example.com` must still find it as a
    /// subdomain.
    pub fn key(&self) -> String {
        match self.kind {
            IdentifierKind::AppAndroid | IdentifierKind::AppIos => self.value.to_ascii_lowercase(),
            IdentifierKind::Domain => strip_www(&self.value).to_string(),
            _ => self.value.clone(),
        }
    }

    /// For a domain, the domain and each parent that still has two labels:
    /// `pay.weixin.qq.com`, `weixin.qq.com`, `qq.com`.
    pub fn domain_ancestors(&self) -> Vec<&str> {
        if self.kind != IdentifierKind::Domain {
            return Vec::new();
        }
        let start = strip_www(&self.value);
        let mut out = vec![start];
        let mut rest = start;
        while let Some((_, parent)) = rest.split_once('.') {
            if !parent.contains('.') {
                break;
            }
            out.push(parent);
            rest = parent;
        }
        out
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.value)
    }
}

/// `TYPE:VALUE`, as `Display` writes it: `lei:5493001KJTIIGC8Y1R12`.
impl FromStr for Identifier {
    type Err = Error;

    fn from_str(s: &str) -> Result<Identifier, Error> {
        let (kind, value) = s
            .split_once(':')
            .ok_or_else(|| Error::new(ErrorKind::NotTypeValue { value: s.to_string() }))?;
        Identifier::new(kind.parse()?, value)
    }
}

/// An identifier as input gives it, before its value is checked and
/// normalised: `{"type": "lei", "value": "..."}`.
#[derive(Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentifierInput {
    #[serde(rename = "type")]
    kind: IdentifierKind,
    value: String,
}

impl<'de> Deserialize<'de> for Identifier {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Identifier, D::Error> {
        let raw: IdentifierInput = crate::object::object(d)?;
        Identifier::new(raw.kind, &raw.value).map_err(serde::de::Error::custom)
    }
}

fn normalise(kind: &IdentifierKind, raw: &str) -> Result<String, Error> {
    let invalid = |reason: &'static str| {
        Error::new(ErrorKind::InvalidIdentifier {
            kind: kind.to_string(),
            value: raw.chars().take(80).collect(),
            reason,
        })
    };
    if raw.is_empty() {
        return Err(invalid("empty"));
    }
    if raw.len() > MAX_LEN {
        return Err(invalid("longer than 256 bytes"));
    }
    match kind {
        IdentifierKind::AppAndroid => {
            // Android: at least two segments; each starts with a letter and
            // holds letters, digits and underscores.
            if dotted_segments_ok(raw, |seg| {
                seg.as_bytes()[0].is_ascii_alphabetic() && seg.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
            }) {
                Ok(raw.to_string())
            } else {
                Err(invalid("expected a package name such as com.example.app"))
            }
        }
        IdentifierKind::AppIos => {
            if dotted_segments_ok(raw, |seg| {
                seg.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            }) {
                Ok(raw.to_string())
            } else {
                Err(invalid("expected a bundle id such as com.example.app"))
            }
        }
        IdentifierKind::AppStore => {
            let digits = raw.strip_prefix("id").unwrap_or(raw);
            if !digits.is_empty() && digits.len() <= 12 && digits.bytes().all(|c| c.is_ascii_digit()) {
                Ok(digits.trim_start_matches('0').to_string())
            } else {
                Err(invalid(
                    "expected the numeric App Store id, e.g. 414478124 or id414478124",
                ))
            }
        }
        IdentifierKind::Domain => {
            normalise_domain(raw).ok_or_else(|| invalid("expected a domain name such as example.com"))
        }
        IdentifierKind::Email => {
            let lower = raw.to_lowercase();
            match lower.split_once('@') {
                Some((local, domain))
                    if !local.is_empty()
                        && !local.contains(char::is_whitespace)
                        && normalise_domain(domain).as_deref() == Some(domain) =>
                {
                    Ok(lower)
                }
                _ => Err(invalid("expected an address such as name@example.com")),
            }
        }
        IdentifierKind::Lei => {
            let v = compact_upper(raw);
            if v.len() != 20 || !v.bytes().all(|c| c.is_ascii_alphanumeric()) {
                return Err(invalid("expected 20 letters and digits"));
            }
            if mod97(&v) != Some(1) {
                return Err(invalid("check digits do not match (ISO 17442)"));
            }
            Ok(v)
        }
        IdentifierKind::Bic => {
            let v = compact_upper(raw);
            let b = v.as_bytes();
            let shape = (v.len() == 8 || v.len() == 11)
                && b[..6].iter().all(|c| c.is_ascii_uppercase())
                && b[6..].iter().all(|c| c.is_ascii_alphanumeric());
            if !shape {
                return Err(invalid("expected 8 or 11 characters: bank, country, location, branch"));
            }
            if v[4..6].parse::<CountryCode>().is_err() {
                return Err(invalid("characters 5-6 are not a country code"));
            }
            Ok(v)
        }
        IdentifierKind::Iban => {
            let v = compact_upper(raw);
            let b = v.as_bytes();
            let shape = (15..=34).contains(&v.len())
                && b[..2].iter().all(|c| c.is_ascii_uppercase())
                && b[2..4].iter().all(|c| c.is_ascii_digit())
                && b.iter().all(|c| c.is_ascii_alphanumeric());
            if !shape {
                return Err(invalid(
                    "expected a country code, 2 check digits and up to 30 letters and digits",
                ));
            }
            let rotated = format!("{}{}", &v[4..], &v[..4]);
            if mod97(&rotated) != Some(1) {
                return Err(invalid("check digits do not match (ISO 13616)"));
            }
            Ok(v)
        }
        IdentifierKind::Imo => {
            let v = compact_upper(raw);
            let digits = v.strip_prefix("IMO").unwrap_or(&v);
            if digits.len() != 7 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(invalid("expected 7 digits, optionally after `IMO`"));
            }
            let d: Vec<u32> = digits.bytes().map(|c| u32::from(c - b'0')).collect();
            let sum: u32 = (0..6).map(|i| d[i] * (7 - i as u32)).sum();
            if sum % 10 != d[6] {
                return Err(invalid("check digit does not match"));
            }
            Ok(digits.to_string())
        }
        IdentifierKind::Mmsi => {
            let v = compact_upper(raw);
            if v.len() == 9 && v.bytes().all(|c| c.is_ascii_digit()) {
                Ok(v)
            } else {
                Err(invalid("expected 9 digits"))
            }
        }
        IdentifierKind::Crypto(_) => {
            if raw.contains(char::is_whitespace) || !raw.is_ascii() {
                return Err(invalid("expected an address without spaces"));
            }
            // Hex (0x...) and bech32 addresses are case-insensitive; base58
            // addresses are not, so they keep their case.
            let lower = raw.to_ascii_lowercase();
            if lower.starts_with("0x") || lower.starts_with("bc1") || lower.starts_with("ltc1") {
                Ok(lower)
            } else {
                Ok(raw.to_string())
            }
        }
        IdentifierKind::Passport(_)
        | IdentifierKind::NationalId(_)
        | IdentifierKind::TaxId(_)
        | IdentifierKind::Registration(_) => {
            let v: String = raw
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.' && *c != '/')
                .flat_map(char::to_uppercase)
                .collect();
            if v.is_empty() {
                Err(invalid("no letters or digits"))
            } else {
                Ok(v)
            }
        }
    }
}

/// `www.example.com` → `example.com`; `www.com` stays.
fn strip_www(domain: &str) -> &str {
    match domain.strip_prefix("www.") {
        Some(rest) if rest.contains('.') => rest,
        _ => domain,
    }
}

fn dotted_segments_ok(raw: &str, segment_ok: impl Fn(&str) -> bool) -> bool {
    let mut count = 0;
    for seg in raw.split('.') {
        if seg.is_empty() || !segment_ok(seg) {
            return false;
        }
        count += 1;
    }
    count >= 2
}

/// Lower-cases a domain, drops a scheme, path, port and trailing dot, and
/// checks its labels. URLs are accepted because inventories and remittance
/// fields hold them.
fn normalise_domain(raw: &str) -> Option<String> {
    let mut s = raw.trim().to_lowercase();
    if let Some(i) = s.find("://") {
        s = s[i + 3..].to_string();
    }
    if let Some(i) = s.find(['/', '?', '#']) {
        s.truncate(i);
    }
    if let Some(i) = s.rfind(':') {
        if s[i + 1..].bytes().all(|c| c.is_ascii_digit()) {
            s.truncate(i);
        }
    }
    let s = s.trim_end_matches('.').to_string();
    let labels: Vec<&str> = s.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld_ok = labels.last().is_some_and(|t| !t.chars().all(|c| c.is_ascii_digit()));
    if labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok {
        Some(s)
    } else {
        None
    }
}

fn compact_upper(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// ISO 7064 MOD 97-10 over digits and letters (A = 10 ... Z = 35).
fn mod97(s: &str) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in s.chars() {
        let v = c.to_digit(36)?;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(kind: &str, raw: &str) -> Result<String, Error> {
        Identifier::new(kind.parse().unwrap(), raw).map(|i| i.value().to_string())
    }

    #[test]
    fn type_value_text_reads_back_what_display_writes() {
        let lei: Identifier = "lei:5493001KJTIIGC8Y1R12".parse().unwrap();
        assert_eq!(lei.kind, IdentifierKind::Lei);
        assert_eq!(lei.to_string().parse::<Identifier>().unwrap(), lei);
        let no_colon = "5493001KJTIIGC8Y1R12".parse::<Identifier>().unwrap_err();
        assert_eq!(
            no_colon.kind(),
            &ErrorKind::NotTypeValue {
                value: "5493001KJTIIGC8Y1R12".to_string()
            }
        );
        assert!(matches!(
            "shoe:1".parse::<Identifier>().unwrap_err().kind(),
            ErrorKind::UnknownIdentifierType { .. }
        ));
        assert!(matches!(
            "lei:foo".parse::<Identifier>().unwrap_err().kind(),
            ErrorKind::InvalidIdentifier { .. }
        ));
    }

    #[test]
    fn app_identifiers_keep_spelling_but_compare_case_insensitively() {
        let a = Identifier::new(IdentifierKind::AppAndroid, "com.eg.android.AlipayGphone").unwrap();
        assert_eq!(a.value(), "com.eg.android.AlipayGphone");
        assert_eq!(a.key(), "com.eg.android.alipaygphone");
        assert!(id("app.android", "alipay").is_err(), "one segment is not a package");
        assert!(id("app.android", "com..mm").is_err());
        assert!(id("app.android", "com.1mm").is_err(), "segments start with a letter");
        assert_eq!(
            id("app.ios", "com.kingsoft.www.office.wpsoffice").unwrap(),
            "com.kingsoft.www.office.wpsoffice"
        );
    }

    #[test]
    fn app_store_ids_drop_the_id_prefix() {
        assert_eq!(id("app.store", "id333206289").unwrap(), "333206289");
        assert_eq!(id("app.store", " 333206289 ").unwrap(), "333206289");
        assert!(id("app.store", "alipay").is_err());
    }

    #[test]
    fn domains_are_lowercased_and_urls_reduced_to_their_host() {
        assert_eq!(id("domain", "Global.Alipay.COM.").unwrap(), "global.alipay.com");
        assert_eq!(
            id("domain", "https://pay.weixin.qq.com:443/index.php?x=1").unwrap(),
            "pay.weixin.qq.com"
        );
        assert!(id("domain", "localhost").is_err());
        assert!(id("domain", "1.2.3.4").is_err());
        let d = Identifier::new(IdentifierKind::Domain, "pay.weixin.qq.com").unwrap();
        assert_eq!(
            d.domain_ancestors(),
            vec!["pay.weixin.qq.com", "weixin.qq.com", "qq.com"]
        );
    }

    #[test]
    fn lei_and_iban_check_digits_are_verified() {
        assert_eq!(id("lei", "5493001kjtiigc8y1r12").unwrap(), "5493001KJTIIGC8Y1R12");
        assert!(id("lei", "5493001KJTIIGC8Y1R13").is_err());
        assert_eq!(
            id("iban", "DE89 3704 0044 0532 0130 00").unwrap(),
            "DE89370400440532013000"
        );
        assert!(id("iban", "DE88370400440532013000").is_err());
        assert_eq!(
            id("iban", "GB82 WEST 1234 5698 7654 32").unwrap(),
            "GB82WEST12345698765432"
        );
    }

    #[test]
    fn bic_and_imo_follow_their_standards() {
        assert_eq!(id("bic", "bofaus3n").unwrap(), "BOFAUS3N");
        assert_eq!(id("bic", "DEUTDEFF500").unwrap(), "DEUTDEFF500");
        assert!(id("bic", "BOFAXX3N").is_err(), "XX is not a country");
        assert!(id("bic", "BOFAUS3").is_err());
        assert_eq!(id("imo", "IMO 9074729").unwrap(), "9074729");
        assert!(id("imo", "IMO 9074728").is_err());
    }

    #[test]
    fn national_ids_lose_spaces_and_hyphens() {
        assert_eq!(
            id("registration.cn", "91440300708461136t").unwrap(),
            "91440300708461136T"
        );
        assert_eq!(id("passport.ru", "72 1234-567").unwrap(), "721234567");
        assert!(id("passport", " - ").is_err());
    }

    #[test]
    fn identifier_types_round_trip_through_their_names() {
        for name in [
            "app.android",
            "app.ios",
            "app.store",
            "domain",
            "email",
            "lei",
            "bic",
            "iban",
            "imo",
            "mmsi",
            "crypto.eth",
            "passport",
            "passport.cn",
            "national_id.ru",
            "tax_id.us",
            "registration.cn",
        ] {
            assert_eq!(name.parse::<IdentifierKind>().unwrap().to_string(), name);
        }
        for bad in ["app", "app.windows", "crypto.", "passport.xx", "phone"] {
            assert!(bad.parse::<IdentifierKind>().is_err(), "{bad}");
        }
    }

    #[test]
    fn oversized_values_are_rejected_not_truncated() {
        let long = format!("com.{}", "a".repeat(300));
        let err = id("app.android", &long).unwrap_err();
        assert!(err.to_string().contains("longer than 256 bytes"), "{err}");
    }
}
