//! Opaque keyset cursors: the sort name, the sort key of the last row and its
//! id, as base64url JSON. Lists page on (sort key, id), never OFFSET.

use crate::error::{StoreError, StoreResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDateTime;
use dialogdesk_domain::wire::Page;
use serde::{Deserialize, Serialize};

/// The sort key of the last row of a page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CursorKey {
    /// A number (message count).
    Int(i64),
    /// A text (a name, a status).
    Text(String),
    /// A time.
    Time(NaiveDateTime),
    /// A text, then a time (a status, then the last message's time).
    TextTime(String, NaiveDateTime),
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort (and direction) the cursor belongs to.
    pub sort: String,
    /// The sort key of the last row.
    pub key: CursorKey,
    /// The id of the last row.
    pub id: i64,
}

impl Cursor {
    /// The opaque text handed to clients.
    pub fn encode(&self) -> String {
        // Serializing plain data cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Reads a cursor given back by a client; it must belong to `sort`.
    pub fn decode(text: &str, sort: &str) -> StoreResult<Cursor> {
        let bad = || {
            StoreError::invalid(
                "cursor",
                "not a cursor this list gave out; start again without one",
            )
        };
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| bad())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        if cursor.sort != sort {
            return Err(StoreError::invalid(
                "cursor",
                "the cursor belongs to another sort order; start again without one",
            ));
        }
        Ok(cursor)
    }

    /// The key, when it is a number.
    pub fn int(&self) -> StoreResult<i64> {
        match &self.key {
            CursorKey::Int(v) => Ok(*v),
            _ => Err(StoreError::invalid("cursor", "malformed cursor")),
        }
    }

    /// The key, when it is a text.
    pub fn text(&self) -> StoreResult<String> {
        match &self.key {
            CursorKey::Text(v) => Ok(v.clone()),
            _ => Err(StoreError::invalid("cursor", "malformed cursor")),
        }
    }

    /// The key, when it is a time.
    pub fn time(&self) -> StoreResult<NaiveDateTime> {
        match &self.key {
            CursorKey::Time(v) => Ok(*v),
            _ => Err(StoreError::invalid("cursor", "malformed cursor")),
        }
    }

    /// The text of a text-then-time key.
    pub fn pair_text(&self) -> StoreResult<String> {
        match &self.key {
            CursorKey::TextTime(text, _) => Ok(text.clone()),
            _ => Err(StoreError::invalid("cursor", "malformed cursor")),
        }
    }

    /// The time of a text-then-time key.
    pub fn pair_time(&self) -> StoreResult<NaiveDateTime> {
        match &self.key {
            CursorKey::TextTime(_, time) => Ok(*time),
            _ => Err(StoreError::invalid("cursor", "malformed cursor")),
        }
    }
}

/// Applies keyset paging and ordering on `(key columns…, dialogs.id)` to a
/// boxed query. Each key is `(column, "its SQL name", SQL type, reader)`;
/// the reader takes the decoded cursor's key (`Cursor::time`, `Cursor::text`,
/// `Cursor::int`, …), refusing a cursor of another shape. Use inside a
/// function returning `StoreResult`.
///
/// The "after the cursor" condition is a row comparison, `(k, id) < (?, ?)`:
/// PostgreSQL and SQLite both turn it into a range of the index on
/// `(k, id)` (also behind equality columns, e.g. `status = ?` on
/// `(status, k, id)`), so page 1,000 costs what page 1 costs. The same
/// condition spelled `k < ? OR (k = ? AND id < ?)` is not an index range
/// for either planner.
macro_rules! keyset {
    ($query:expr, $cursor:expr, $order:expr, $( ($column:expr, $sql:literal, $sql_type:ty, $value:expr) ),+ $(,)?) => {{
        let mut query = $query;
        let descending = $order == dialogdesk_domain::wire::Order::Desc;
        if let Some(cursor) = $cursor {
            let op = if descending { "<" } else { ">" };
            let columns = [$($sql),+].join(", ");
            let after = diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("({columns}, dialogs.id) {op} ("));
            $( let after = after.bind::<$sql_type, _>($value(cursor)?).sql(", "); )+
            query = query.filter(after.bind::<diesel::sql_types::BigInt, _>(cursor.id).sql(")"));
        }
        if descending {
            query.order_by(($($column.desc(),)+ dialogs::id.desc()))
        } else {
            query.order_by(($($column.asc(),)+ dialogs::id.asc()))
        }
    }};
}
pub(crate) use keyset;

/// Splits `limit + 1` loaded rows into a page and the cursor of its last row.
pub fn page_of<T>(
    mut rows: Vec<T>,
    limit: usize,
    cursor_of: impl Fn(&T) -> Cursor,
) -> (Vec<T>, Option<String>) {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = if more {
        rows.last().map(|last| cursor_of(last).encode())
    } else {
        None
    };
    (rows, next)
}

/// Keyset paging by id alone, in one direction: what a dialog's histories
/// (messages, timeline) share. The query stays the caller's; this decodes
/// the cursor, says how many rows to fetch, and cuts the page.
#[derive(Debug, Clone)]
pub struct IdPage {
    sort: &'static str,
    /// The id the previous page ended at.
    pub after: Option<i64>,
    limit: usize,
}

impl IdPage {
    /// Decodes `cursor` (made by the same `sort`) for a page of `limit` rows.
    pub fn new(sort: &'static str, cursor: Option<&str>, limit: usize) -> StoreResult<IdPage> {
        let after = cursor
            .map(|c| Cursor::decode(c, sort))
            .transpose()?
            .map(|c| c.id);
        Ok(IdPage {
            sort,
            after,
            limit: limit.max(1),
        })
    }

    /// How many rows to fetch: one more than the page, to know whether
    /// another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit as i64 + 1
    }

    /// The page of the fetched rows, with the cursor of its last row.
    pub fn split<T>(&self, rows: Vec<T>, id_of: impl Fn(&T) -> i64) -> Page<T> {
        let (items, next_cursor) = page_of(rows, self.limit, |row| Cursor {
            sort: self.sort.into(),
            key: CursorKey::Int(id_of(row)),
            id: id_of(row),
        });
        Page { items, next_cursor }
    }
}

/// Converting the rows of a page, keeping its cursor.
pub trait PageMap<T> {
    /// Each row converted; the first failure fails the page.
    fn try_map<U>(self, f: impl FnMut(T) -> StoreResult<U>) -> StoreResult<Page<U>>;
}

impl<T> PageMap<T> for Page<T> {
    fn try_map<U>(self, f: impl FnMut(T) -> StoreResult<U>) -> StoreResult<Page<U>> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<StoreResult<_>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_survives_the_round_trip_and_only_fits_its_sort() {
        let c = Cursor {
            sort: "message_count.desc".into(),
            key: CursorKey::Int(7),
            id: 42,
        };
        let text = c.encode();
        assert_eq!(Cursor::decode(&text, "message_count.desc").unwrap(), c);
        assert!(Cursor::decode(&text, "client.asc").is_err());
        assert!(Cursor::decode("garbage!", "client.asc").is_err());
    }
}
