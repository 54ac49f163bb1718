//! Calendar dates. Screening is by day: every date in interdict is a civil
//! date with no time zone, as orders and lists publish them.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, ErrorKind};

/// A calendar date, written `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// Builds a date; `None` when it does not exist (2021-02-30).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    /// The date `days` days later (earlier when negative).
    pub fn add_days(self, days: i64) -> Date {
        Date(self.0 + chrono::Duration::days(days))
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    pub fn as_naive(self) -> NaiveDate {
        self.0
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Date {
        Date(d)
    }
}

/// Parses exactly `YYYY-MM-DD`: the strict form catches `2021-3-1` and
/// `01/03/2021`, which are ambiguous in files from different countries.
impl FromStr for Date {
    type Err = Error;

    fn from_str(s: &str) -> Result<Date, Error> {
        let invalid = || Error::new(ErrorKind::InvalidDate { value: s.to_string() });
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(invalid());
        }
        let year: i32 = s[0..4].parse().map_err(|_| invalid())?;
        let month: u32 = s[5..7].parse().map_err(|_| invalid())?;
        let day: u32 = s[8..10].parse().map_err(|_| invalid())?;
        Date::from_ymd(year, month, day).ok_or_else(invalid)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = (self.0.year(), self.0.month(), self.0.day());
        // Every decision writes several dates; chrono's `format` parses its
        // pattern each time, which showed in a server's profile. Years
        // outside four digits keep chrono's signed form.
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}-{month:02}-{day:02}")
        } else {
            write!(f, "{}", self.0.format("%Y-%m-%d"))
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A date known only to the year or month, as sources often report
/// ownership figures ("as of 2019-09").
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate(String);

impl PartialDate {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for PartialDate {
    type Err = Error;

    fn from_str(s: &str) -> Result<PartialDate, Error> {
        let invalid = || Error::new(ErrorKind::InvalidPartialDate { value: s.to_string() });
        // Checked first: the slicing below is by byte, and a multi-byte
        // character would put a slice inside it.
        if !s.is_ascii() {
            return Err(invalid());
        }
        let ok = match s.len() {
            4 => s.bytes().all(|c| c.is_ascii_digit()),
            7 => {
                let month: Option<u32> = s[5..].parse().ok();
                s.as_bytes()[4] == b'-'
                    && s[..4].bytes().all(|c| c.is_ascii_digit())
                    && s[5..].bytes().all(|c| c.is_ascii_digit())
                    && matches!(month, Some(1..=12))
            }
            10 => s.parse::<Date>().is_ok(),
            _ => false,
        };
        if ok {
            Ok(PartialDate(s.to_string()))
        } else {
            Err(invalid())
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PartialDate, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d: Date = "2021-02-19".parse().unwrap();
        assert_eq!(d.to_string(), "2021-02-19");
        assert_eq!("2021-01-05".parse::<Date>().unwrap().add_days(45), d);
    }

    /// The four-digit fast path must print what chrono's pattern printed,
    /// at its edges and across the years either side of them.
    #[test]
    fn prints_every_year_as_the_chrono_pattern_did() {
        for year in (-20..=20).chain(990..=1010).chain(9990..=10010) {
            for (month, day) in [(1, 1), (2, 28), (12, 31)] {
                let d = Date::from_ymd(year, month, day).unwrap();
                assert_eq!(d.to_string(), d.as_naive().format("%Y-%m-%d").to_string(), "{year}");
            }
        }
        assert_eq!(Date::from_ymd(7, 3, 9).unwrap().to_string(), "0007-03-09");
    }

    #[test]
    fn rejects_impossible_and_ambiguous_dates() {
        for bad in [
            "2021-02-30",
            "2021-13-01",
            "2021-3-1",
            "01/03/2021",
            "",
            "2021-02-19 ",
            "２０２１-02-19",
        ] {
            let err = bad.parse::<Date>().unwrap_err();
            assert_eq!(err.kind(), &ErrorKind::InvalidDate { value: bad.to_string() }, "{bad}");
        }
    }

    #[test]
    fn partial_dates_accept_year_month_and_day_only() {
        for ok in ["2019", "2019-09", "2019-09-30"] {
            assert_eq!(ok.parse::<PartialDate>().unwrap().as_str(), ok);
        }
        for bad in [
            "19",
            "2019-13",
            "2019-9",
            "2019-02-30",
            "2019/09",
            "2019é1",
            "20€9",
            "2019-1é",
        ] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
        }
    }
}
