//! Records → Dialog list: finished dialogs for heads of sales, sortable by
//! every column, searchable by name or phone, keyset-paged.

use crate::cursor::{keyset, page_of, Cursor, CursorKey};
use crate::error::{StoreError, StoreResult};
use crate::listing::{filter_by_search, PhoneMatch, Search};
use crate::models::*;
use crate::schema::*;
use crate::time::{from_db, to_db};
use crate::Store;
use chrono::{DateTime, NaiveDateTime, Utc};
use dialogdesk_domain::wire::{OperatorRef, Order, Page, RecordClient, RecordRow, RecordSort};
use dialogdesk_domain::*;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text};

/// The operator who finished a dialog, joined a second time beside the assignee.
mod aliases {
    diesel::alias!(crate::schema::operators as finishers: Finishers);
}
use aliases::finishers;

diesel::define_sql_function! {
    /// `COALESCE(x, y)` for texts: sorts "finished by a step" (no operator) as ''.
    fn coalesce(x: Nullable<Text>, y: Text) -> Text;
}

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

type RecordTuple = (
    i64,
    Option<NaiveDateTime>,
    i64,
    Option<i64>,
    ClientRow,
    String,
    ChannelRow,
    Option<String>,
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
        let sqlite = self.target().is_sqlite();
        let limit = query.limit.max(1);
        self.read("records", |conn| {
            let finisher_name = finishers.field(operators::name).nullable();
            let mut q = dialogs::table
                .inner_join(clients::table)
                .inner_join(channels::table)
                .left_join(
                    finishers
                        .on(dialogs::finished_by.eq(finishers.field(operators::id).nullable())),
                )
                .filter(dialogs::finished_at.is_not_null())
                .select((
                    dialogs::id,
                    dialogs::finished_at,
                    dialogs::message_count,
                    dialogs::finished_by,
                    ClientRow::as_select(),
                    clients::phone_digits,
                    ChannelRow::as_select(),
                    finisher_name,
                ))
                .into_boxed();
            if let Some(search) = query
                .q
                .as_deref()
                .and_then(|q| Search::new(q, query.phones))
            {
                q = filter_by_search!(q, dialogs::client_id, &search, sqlite);
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
            q = match query.sort {
                RecordSort::Client => keyset!(
                    q,
                    clients::name,
                    dialogs::id,
                    cursor.as_ref(),
                    Cursor::text,
                    query.order
                ),
                RecordSort::Channel => keyset!(
                    q,
                    channels::name,
                    dialogs::id,
                    cursor.as_ref(),
                    Cursor::text,
                    query.order
                ),
                RecordSort::Number => keyset!(
                    q,
                    clients::phone_digits,
                    dialogs::id,
                    cursor.as_ref(),
                    Cursor::text,
                    query.order
                ),
                RecordSort::FinishedBy => keyset!(
                    q,
                    coalesce(finisher_name, ""),
                    dialogs::id,
                    cursor.as_ref(),
                    Cursor::text,
                    query.order
                ),
                RecordSort::FinishedAt => keyset!(
                    q,
                    dialogs::finished_at,
                    dialogs::id,
                    cursor.as_ref(),
                    Cursor::time,
                    query.order
                ),
                RecordSort::MessageCount => keyset!(
                    q,
                    dialogs::message_count,
                    dialogs::id,
                    cursor.as_ref(),
                    Cursor::int,
                    query.order
                ),
            };
            let rows: Vec<RecordTuple> = q.limit(limit as i64 + 1).load(conn)?;
            let (rows, next_cursor) = page_of(
                rows,
                limit,
                |(id, finished_at, count, _, client, digits, channel, finisher)| Cursor {
                    sort: sort_id.clone(),
                    key: match query.sort {
                        RecordSort::Client => CursorKey::Text(client.name.clone()),
                        RecordSort::Channel => CursorKey::Text(channel.name.clone()),
                        RecordSort::Number => CursorKey::Text(digits.clone()),
                        RecordSort::FinishedBy => {
                            CursorKey::Text(finisher.clone().unwrap_or_default())
                        }
                        RecordSort::FinishedAt => CursorKey::Time(finished_at.unwrap_or_default()),
                        RecordSort::MessageCount => CursorKey::Int(*count),
                    },
                    id: *id,
                },
            );
            let items = rows
                .into_iter()
                .map(
                    |(
                        id,
                        finished_at,
                        message_count,
                        finished_by,
                        client,
                        _,
                        channel,
                        finisher,
                    )| {
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
                                name: finisher.unwrap_or_default(),
                            }),
                            finished_at: from_db(finished_at.ok_or_else(|| {
                                StoreError::Database(anyhow::anyhow!("record without finish"))
                            })?),
                            message_count,
                        })
                    },
                )
                .collect::<StoreResult<Vec<_>>>()?;
            Ok(Page { items, next_cursor })
        })
    }
}
