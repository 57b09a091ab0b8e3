//! Analytics for heads of sales: finished dialogs per employee, channel and
//! day; per-manager stats.

use super::{ChannelRef, OperatorRef};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A range of days (query parameters of every analytics operation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct RangeParams {
    /// First day, inclusive (default: 29 days before `to`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Last day, inclusive (default: today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// Minutes east of UTC where days start (e.g. 180 for Moscow; default 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = -840, maximum = 840))]
    pub utc_offset_minutes: Option<i32>,
}

/// Finished dialogs of one employee (`operator: null`: finished by a step).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishedByOperator {
    /// Who finished; `null` for the AI reaching a finishing step.
    pub operator: Option<OperatorRef>,
    /// How many.
    pub finished: i64,
}

/// Finished dialogs on one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishedOnChannel {
    /// The channel.
    pub channel: ChannelRef,
    /// How many.
    pub finished: i64,
}

/// Finished dialogs on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FinishedOnDay {
    /// The day, in the requested UTC offset.
    pub day: NaiveDate,
    /// How many.
    pub finished: i64,
}

/// One manager's work over the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManagerStats {
    /// The manager.
    pub operator: OperatorRef,
    /// Dialogs assigned to the manager, per day (by hand or by replying first).
    pub taken_per_day: BTreeMap<NaiveDate, i64>,
    /// Messages the manager wrote to leads.
    pub messages_sent: i64,
    /// Median seconds from a lead's message to the manager's next reply in
    /// the same dialog (counted once per lead turn); `null` without replies.
    pub median_first_response_seconds: Option<f64>,
}
