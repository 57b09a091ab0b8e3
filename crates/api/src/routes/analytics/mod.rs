//! Analytics for heads of sales.

pub mod by_channel;
pub mod by_day;
pub mod by_operator;
pub mod managers;

use crate::problem::ApiError;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use dialogdesk_domain::wire::RangeParams;
use dialogdesk_store::analytics::Range;
use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the analytics operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(by_operator::finished_per_operator)
        .service(by_channel::finished_per_channel)
        .service(by_day::finished_per_day)
        .service(managers::manager_stats);
}

/// Longest range one request may cover.
const MAX_DAYS: i64 = 366;

/// The range as the store takes it: `[from 00:00, to+1 00:00)` local time.
pub fn range_of(params: &RangeParams) -> Result<Range, ApiError> {
    let offset = params.utc_offset_minutes.unwrap_or(0);
    if !(-14 * 60..=14 * 60).contains(&offset) {
        return Err(ApiError::invalid(
            "utc_offset_minutes",
            "must be between -840 and 840",
        ));
    }
    let to = params
        .to
        .unwrap_or_else(|| (Utc::now() + Duration::minutes(i64::from(offset))).date_naive());
    let from = params.from.unwrap_or(to - Duration::days(29));
    if from > to {
        return Err(ApiError::invalid("from", "must not be after `to`"));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::invalid(
            "from",
            format!("a range covers at most {MAX_DAYS} days"),
        ));
    }
    let start = |day: NaiveDate| {
        Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
            - Duration::minutes(i64::from(offset))
    };
    Ok(Range {
        from: start(from),
        to: start(to + Duration::days(1)),
        utc_offset_minutes: offset,
    })
}
