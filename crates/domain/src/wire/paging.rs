//! List envelopes, sort keys and directions.

use crate::status::named_enum;
use serde::{Deserialize, Serialize};

/// A page of a keyset-paged list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` at the end.
    pub next_cursor: Option<String>,
}

/// `{ "items": [...] }`, the shape of every whole (unpaged) list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Items<T> {
    /// The rows.
    pub items: Vec<T>,
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(items: Vec<T>) -> Items<T> {
        Items { items }
    }
}

/// The page parameters of a history (messages, timeline).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::blank_as_none"
    )]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 200))]
    pub limit: Option<u32>,
}

named_enum!(
    /// Sort direction.
    Order, "order", default Desc {
        /// Smallest first.
        Asc = "asc",
        /// Largest first (the default).
        Desc = "desc",
    }
);

impl Order {
    /// The other direction.
    pub fn reversed(self) -> Order {
        match self {
            Order::Asc => Order::Desc,
            Order::Desc => Order::Asc,
        }
    }
}

named_enum!(
    /// What the dialog list sorts by.
    DialogSort, "sort", default LastMessageAt {
        /// Most recent activity (the default).
        LastMessageAt = "last_message_at",
        /// Creation time.
        CreatedAt = "created_at",
        /// Client name.
        ClientName = "client_name",
        /// Number of messages.
        MessageCount = "message_count",
        /// Status name.
        Status = "status",
    }
);

named_enum!(
    /// The columns of the Dialog list.
    RecordSort, "sort", default FinishedAt {
        /// Client name.
        Client = "client",
        /// Channel name.
        Channel = "channel",
        /// The client's phone.
        Number = "number",
        /// Who finished (a step finish sorts as empty).
        FinishedBy = "finished_by",
        /// Finish date (the default).
        FinishedAt = "finished_at",
        /// Messages.
        MessageCount = "message_count",
    }
);
