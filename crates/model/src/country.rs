//! ISO 3166-1 alpha-2 country codes, and jurisdictions.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind};

/// The officially assigned ISO 3166-1 alpha-2 codes, plus `XK` (Kosovo),
/// which sanctions lists use although ISO has not assigned it. Sorted, so
/// that membership is a binary search.
const CODES: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT",
    "ZA", "ZM", "ZW",
];

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryCode {
    type Err = Error;

    /// Accepts any case and surrounding spaces (`us`, ` US `).
    fn from_str(s: &str) -> Result<CountryCode, Error> {
        let upper = s.trim().to_ascii_uppercase();
        if CODES.binary_search(&upper.as_str()).is_ok() {
            let b = upper.as_bytes();
            Ok(CountryCode([b[0], b[1]]))
        } else {
            Err(Error::new(ErrorKind::InvalidCountry { value: s.to_string() }))
        }
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CountryCode, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an order or list has legal reach: a country, or the EU or UN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Jurisdiction {
    Country(CountryCode),
    EuropeanUnion,
    UnitedNations,
}

impl FromStr for Jurisdiction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Jurisdiction, Error> {
        match s.trim().to_ascii_uppercase().as_str() {
            "EU" => Ok(Jurisdiction::EuropeanUnion),
            "UN" => Ok(Jurisdiction::UnitedNations),
            _ => s
                .parse()
                .map(Jurisdiction::Country)
                .map_err(|_| Error::new(ErrorKind::InvalidJurisdiction { value: s.to_string() })),
        }
    }
}

impl fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Jurisdiction::Country(c) => f.write_str(c.as_str()),
            Jurisdiction::EuropeanUnion => f.write_str("EU"),
            Jurisdiction::UnitedNations => f.write_str("UN"),
        }
    }
}

impl Serialize for Jurisdiction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Jurisdiction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Jurisdiction, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_table_is_sorted_and_complete() {
        assert!(CODES.windows(2).all(|w| w[0] < w[1]), "CODES must be sorted and unique");
        // 249 officially assigned codes plus XK.
        assert_eq!(CODES.len(), 250);
    }

    #[test]
    fn accepts_any_case_and_rejects_unknown_codes() {
        assert_eq!("us".parse::<CountryCode>().unwrap().as_str(), "US");
        assert_eq!(" CN ".parse::<CountryCode>().unwrap().as_str(), "CN");
        for bad in ["UK", "USA", "", "U"] {
            assert!(bad.parse::<CountryCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn jurisdictions_include_eu_and_un() {
        assert_eq!("eu".parse::<Jurisdiction>().unwrap(), Jurisdiction::EuropeanUnion);
        assert_eq!("GB".parse::<Jurisdiction>().unwrap().to_string(), "GB");
        assert!("XX".parse::<Jurisdiction>().is_err());
    }
}
