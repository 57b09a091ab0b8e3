//! Records → Dialog list: finished dialogs for heads of sales, sortable by
//! every column, searchable by name or phone, keyset-paged.

use crate::cursor::{keyset, page_of, Cursor, CursorKey};
use crate::error::{StoreError, StoreResult};
use crate::listing::{clients_by_id, filter_by_search, PhoneMatch, Search};
use crate::models::*;
use crate::schema::*;
use crate::time::{from_db, to_db};
use crate::Store;
use chrono::{DateTime, NaiveDateTime, Utc};
use dialogdesk_domain::wire::{OperatorRef, Order, Page, RecordClient, RecordRow, RecordSort};
use dialogdesk_domain::*;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

/// One request for the Dialog list.
#[derive(Debug, Clone, Default)]
pub struct RecordsQuery {
    /// Client name or phone, any part of it.
    pub q: Option<String>,
    /// Only dialogs finished by this operator.
    pub finished_by: Option<OperatorId>,
    /// Only this channel.
    pub channel_id: Option<ChannelId>,
    /// Finished at or after.
    pub from: Option<DateTime<Utc>>,
    /// Finished before.
    pub to: Option<DateTime<Utc>>,
    /// Column.
    pub sort: RecordSort,
    /// Direction.
    pub order: Order,
    /// From a previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: usize,
    /// How the search matches phones, by what the caller may see.
    pub phones: PhoneMatch,
}

/// The values kept on a dialog that the columns sort by: client name, phone
/// digits, channel name, finisher name.
type SortValues = (String, String, String, String);

type RecordTuple = (
    i64,
    Option<NaiveDateTime>,
    i64,
    Option<i64>,
    i64,
    ChannelRow,
    SortValues,
);

impl Store {
    /// A page of finished dialogs (every dialog that has a last finish, also
    /// when it reopened since).
    pub fn records(&self, query: &RecordsQuery) -> StoreResult<Page<RecordRow>> {
        let sort_id = format!("{}.{}", query.sort.as_str(), query.order.as_str());
        let cursor = query
            .cursor
            .as_deref()
            .map(|c| Cursor::decode(c, &sort_id))
            .transpose()?;
        let limit = query.limit.max(1);
        self.read_report("records", |conn| {
            let mut q = dialogs::table
                .inner_join(channels::table)
                .filter(dialogs::finished_at.is_not_null())
                .select((
                    dialogs::id,
                    dialogs::finished_at,
                    dialogs::message_count,
                    dialogs::finished_by,
                    dialogs::client_id,
                    ChannelRow::as_select(),
                    (
                        dialogs::client_name,
                        dialogs::client_phone_digits,
                        dialogs::channel_name,
                        dialogs::finished_by_name,
                    ),
                ))
                .into_boxed();
            if let Some(search) = query
                .q
                .as_deref()
                .and_then(|q| Search::new(q, query.phones))
            {
                q = filter_by_search!(q, &search, conn);
            }
            if let Some(id) = query.finished_by {
                q = q.filter(dialogs::finished_by.eq(id.0));
            }
            if let Some(id) = query.channel_id {
                q = q.filter(dialogs::channel_id.eq(id.0));
            }
            if let Some(from) = query.from {
                q = q.filter(dialogs::finished_at.ge(to_db(from)));
            }
            if let Some(to) = query.to {
                q = q.filter(dialogs::finished_at.lt(to_db(to)));
            }
            // Every column sorts on a value kept on the dialog, so each walks
            // one partial index of finished dialogs (see migration 000006).
            q = match query.sort {
                RecordSort::Client => keyset!(q, cursor.as_ref(), query.order,
                    (dialogs::client_name, "dialogs.client_name", Text, Cursor::text)),
                RecordSort::Channel => keyset!(q, cursor.as_ref(), query.order,
                    (dialogs::channel_name, "dialogs.channel_name", Text, Cursor::text)),
                RecordSort::Number => keyset!(q, cursor.as_ref(), query.order,
                    (dialogs::client_phone_digits, "dialogs.client_phone_digits", Text, Cursor::text)),
                RecordSort::FinishedBy => keyset!(q, cursor.as_ref(), query.order,
                    (dialogs::finished_by_name, "dialogs.finished_by_name", Text, Cursor::text)),
                RecordSort::FinishedAt => keyset!(q, cursor.as_ref(), query.order,
                    (dialogs::finished_at, "dialogs.finished_at", Nullable<Timestamp>, Cursor::time)),
                RecordSort::MessageCount => keyset!(q, cursor.as_ref(), query.order,
                    (dialogs::message_count, "dialogs.message_count", BigInt, Cursor::int)),
            };
            let rows: Vec<RecordTuple> = q.limit(limit as i64 + 1).load(conn)?;
            let (rows, next_cursor) = page_of(rows, limit, |row| {
                let (id, finished_at, count, _, _, _, (client, digits, channel, finisher)) = row;
                Cursor {
                    sort: sort_id.clone(),
                    key: match query.sort {
                        RecordSort::Client => CursorKey::Text(client.clone()),
                        RecordSort::Channel => CursorKey::Text(channel.clone()),
                        RecordSort::Number => CursorKey::Text(digits.clone()),
                        RecordSort::FinishedBy => CursorKey::Text(finisher.clone()),
                        RecordSort::FinishedAt => CursorKey::Time(finished_at.unwrap_or_default()),
                        RecordSort::MessageCount => CursorKey::Int(*count),
                    },
                    id: *id,
                }
            });
            // The page's clients in one read (a join would stand in the way of
            // the search's subquery on `clients`).
            let client_ids: Vec<i64> = rows.iter().map(|row| row.4).collect();
            let clients = clients_by_id(conn, &client_ids)?;
            let items = rows
                .into_iter()
                .map(|row| {
                    let (id, finished_at, message_count, finished_by, client_id, channel, sorted) =
                        row;
                    let client = clients.get(&client_id).cloned().ok_or_else(|| {
                        StoreError::Database(anyhow::anyhow!("record {id} has no client"))
                    })?;
                    Ok(RecordRow {
                        dialog_id: DialogId(id),
                        number: client.phone.clone(),
                        client: RecordClient {
                            name: client.name,
                            phone: client.phone,
                            avatar_url: client.avatar_url,
                        },
                        channel: channel.to_ref()?,
                        finished_by: finished_by.map(|id| OperatorRef {
                            id: OperatorId(id),
                            name: sorted.3,
                        }),
                        finished_at: from_db(finished_at.ok_or_else(|| {
                            StoreError::Database(anyhow::anyhow!("record without finish"))
                        })?),
                        message_count,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page { items, next_cursor })
        })
    }
}
