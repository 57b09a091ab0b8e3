//! Times are UTC everywhere; the database holds them as naive UTC
//! `TIMESTAMP`s (the type both backends share) at microsecond precision.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// For writing: microsecond precision, so that what is read back equals
/// what was written on both backends.
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(6)
}

/// For reading.
pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Now, as stored.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
