//! Records → Dialog list, for heads of sales.

pub mod csv;
pub mod list;

use super::dialogs::list::OrderParam;
use crate::problem::ApiError;
use chrono::{DateTime, Utc};
use dialogdesk_domain::{ChannelId, OperatorId};
use dialogdesk_store::records::{RecordSort, RecordsQuery};
use dialogdesk_store::Order;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The columns of the Dialog list.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordSortParam {
    /// Client name.
    Client,
    /// Channel name.
    Channel,
    /// The client's phone.
    Number,
    /// Who finished (a step finish sorts as empty).
    FinishedBy,
    /// Finish date (default).
    FinishedAt,
    /// Messages.
    MessageCount,
}

/// The Dialog list's parameters (also for the CSV).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// Client name or phone, any part of it.
    pub q: Option<String>,
    /// Only dialogs finished by this operator.
    pub finished_by: Option<i64>,
    /// Only this channel.
    pub channel_id: Option<i64>,
    /// Finished at or after (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Finished before (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    /// Column (default `finished_at`).
    pub sort: Option<RecordSortParam>,
    /// Direction (default `desc`).
    pub order: Option<OrderParam>,
    /// `next_cursor` of the previous page (not for the CSV).
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50; not for the CSV).
    pub limit: Option<u32>,
}

impl RecordParams {
    /// As the store takes them.
    pub fn query(&self, limit: usize) -> Result<RecordsQuery, ApiError> {
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(ApiError::invalid("from", "must not be after `to`"));
            }
        }
        Ok(RecordsQuery {
            q: self.q.clone(),
            finished_by: self.finished_by.map(OperatorId),
            channel_id: self.channel_id.map(ChannelId),
            from: self.from,
            to: self.to,
            sort: match self.sort.unwrap_or(RecordSortParam::FinishedAt) {
                RecordSortParam::Client => RecordSort::Client,
                RecordSortParam::Channel => RecordSort::Channel,
                RecordSortParam::Number => RecordSort::Number,
                RecordSortParam::FinishedBy => RecordSort::FinishedBy,
                RecordSortParam::FinishedAt => RecordSort::FinishedAt,
                RecordSortParam::MessageCount => RecordSort::MessageCount,
            },
            order: self.order.map_or(Order::Desc, Order::from),
            cursor: self.cursor.clone(),
            limit,
        })
    }
}
