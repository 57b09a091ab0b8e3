//! Records → Dialog list: finished dialogs for heads of sales.

use super::{ChannelRef, OperatorRef, Order, RecordSort};
use crate::ids::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A client in the Dialog list (records).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordClient {
    /// Display name.
    pub name: String,
    /// E.164, or masked for operators.
    pub phone: Option<String>,
    /// Avatar picture.
    pub avatar_url: Option<String>,
}

/// One row of the Dialog list of finished dialogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRow {
    /// The dialog.
    pub dialog_id: DialogId,
    /// The client.
    pub client: RecordClient,
    /// The channel.
    pub channel: ChannelRef,
    /// The client's phone (masked for operators).
    pub number: Option<String>,
    /// Who finished it last (`null` when a step finished it).
    pub finished_by: Option<OperatorRef>,
    /// When it was finished last.
    #[cfg_attr(
        target_arch = "wasm32",
        serde(deserialize_with = "crate::time::rfc3339")
    )]
    pub finished_at: DateTime<Utc>,
    /// How many messages.
    pub message_count: i64,
}

/// The Dialog list's parameters (also for the CSV).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct RecordParams {
    /// Client name, any part of it; or phone: any part of its digits for
    /// heads, admins and API tokens, the whole number for operators. 3 to
    /// 100 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(min_length = 3, max_length = 100))]
    pub q: Option<String>,
    /// Only dialogs finished by this operator.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub finished_by: Option<OperatorId>,
    /// Only this channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>))]
    pub channel_id: Option<ChannelId>,
    /// Finished at or after (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub from: Option<DateTime<Utc>>,
    /// Finished before (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        target_arch = "wasm32",
        serde(default, deserialize_with = "crate::time::rfc3339_option")
    )]
    pub to: Option<DateTime<Utc>>,
    /// Column (default `finished_at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<RecordSort>,
    /// Direction (default `desc`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// `next_cursor` of the previous page (not for the CSV).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::blank_as_none"
    )]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50). The CSV has every row and does
    /// not page, but checks it like the list.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

crate::status::named_enum!(
    /// The language of the CSV's header row.
    CsvLang, "language", default En {
        /// English (the default).
        En = "en",
        /// Russian, as the product's Dialog list names the columns.
        Ru = "ru",
    }
);

/// The CSV's own parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CsvParams {
    /// Language of the header row (default `en`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<CsvLang>,
}
