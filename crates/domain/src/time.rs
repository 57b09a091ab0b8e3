//! Timestamps as the SPA reads them: RFC 3339, the form chrono's serializer
//! writes (`2026-03-01T09:30:00.123456Z`).
//!
//! Why not chrono's own `Deserialize` in the browser: it parses through
//! chrono's general format parser (`FromStr`, any item of any format), 17 KB
//! of the SPA's first load (BENCHMARKS.md, the bundle entries). The
//! timestamp fields take this reader on wasm32 only (`cfg_attr` on each
//! field): the server keeps chrono's parser, so what the API accepts does
//! not change; the SPA reads only what the server wrote. The tests hold
//! this parser to chrono's answers.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// `YYYY-MM-DD(T|t| )hh:mm:ss[.fraction](Z|z|±hh:mm)`, or `None`. A
/// fraction beyond nanoseconds is cut, as chrono does; a leap second is
/// refused (the server never writes one).
pub fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    let number = |from: usize, len: usize| -> Option<u32> {
        b.get(from..from + len)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt ") && at(13, b":") && at(16, b":")) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 2)?,
        number(8, 2)?,
    )?;
    let mut i = 19;
    let mut nanos = 0;
    if at(i, b".") {
        let start = i + 1;
        i = start;
        while at(i, b"0123456789") {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        nanos *= 10u32.pow(9u32.saturating_sub((i - start) as u32));
    }
    let offset_seconds = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && at(i + 3, b":") => {
            let (hours, minutes) = (number(i + 1, 2)?, number(i + 4, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' {
                -seconds
            } else {
                seconds
            }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(number(11, 2)?, number(14, 2)?, number(17, 2)?, nanos)?;
    Some(
        local
            .checked_sub_signed(TimeDelta::seconds(offset_seconds))?
            .and_utc(),
    )
}

struct Rfc3339;

impl Visitor<'_> for Rfc3339 {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an RFC 3339 timestamp")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        parse_rfc3339(text).ok_or_else(|| E::invalid_value(de::Unexpected::Str(text), &self))
    }
}

/// A timestamp field: `#[serde(deserialize_with = "crate::time::rfc3339")]`.
pub fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Rfc3339)
}

/// An optional timestamp field (absent or `null` is `None`): with
/// `#[serde(default, deserialize_with = "crate::time::rfc3339_option")]`.
pub fn rfc3339_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    struct Timestamp(DateTime<Utc>);
    impl<'de> Deserialize<'de> for Timestamp {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            rfc3339(d).map(Timestamp)
        }
    }
    Ok(Option::<Timestamp>::deserialize(d)?.map(|t| t.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_chrono_reads() {
        for text in [
            "2026-03-01T09:30:00Z",
            "2026-03-01T09:30:00.1Z",
            "2026-03-01T09:30:00.123456Z",
            "2026-03-01T09:30:00.123456789Z",
            "2026-03-01T09:30:00.1234567891234Z",
            "2026-03-01t09:30:00z",
            "2026-03-01 09:30:00+03:00",
            "2026-03-01T01:30:00-05:30",
            "2024-02-29T23:59:59.999999999+23:59",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let chrono: DateTime<Utc> = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parse_rfc3339(text), Some(chrono), "{text}");
        }
        let now = Utc::now();
        let written = serde_json::to_string(&now).unwrap_or_default();
        assert_eq!(parse_rfc3339(written.trim_matches('"')), Some(now));
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for text in [
            "",
            "2026-03-01",
            "2026-03-01T09:30:00",
            "2026-03-01T09:30Z",
            "2026-02-30T09:30:00Z",
            "2026-13-01T09:30:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T09:60:00Z",
            "2026-03-01T09:30:00.Z",
            "2026-03-01T09:30:00+3:00",
            "2026-03-01T09:30:00+24:00",
            "2026-03-01T09:30:00Zjunk",
            "2026-03-01X09:30:00Z",
            "+2026-03-01T09:30:00Z",
            "２０２６-03-01T09:30:00Z",
        ] {
            assert_eq!(parse_rfc3339(text), None, "{text}");
        }
    }

    #[test]
    fn fields_read_through_serde() {
        #[derive(Deserialize)]
        struct Row {
            #[serde(deserialize_with = "rfc3339")]
            at: DateTime<Utc>,
            #[serde(default, deserialize_with = "rfc3339_option")]
            until: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "rfc3339_option")]
            since: Option<DateTime<Utc>>,
        }
        let row: Row = serde_json::from_str(r#"{"at": "2026-03-01T09:30:00Z", "since": null}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            row.at,
            parse_rfc3339("2026-03-01T09:30:00Z").unwrap_or_default()
        );
        assert_eq!((row.until, row.since), (None, None));
        let bad = serde_json::from_str::<Row>(r#"{"at": "yesterday"}"#);
        assert!(bad.is_err_and(|e| e.to_string().contains("RFC 3339")));
    }
}
