//! A dialog's history: messages (newest last) and the timeline (oldest first),
//! both keyset-paged by id.

use super::{dialog_row, dialog_state};
use crate::cursor::{IdPage, PageMap};
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::Store;
use dialogdesk_domain::wire::Page;
use dialogdesk_domain::*;
use diesel::prelude::*;

impl Store {
    /// A page of the dialog's messages, newest last; `next_cursor` leads to
    /// older messages.
    pub fn messages(
        &self,
        dialog_id: DialogId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<Message>> {
        let page = IdPage::new("messages", cursor, limit)?;
        self.read("messages", |conn| {
            dialog_row(conn, dialog_id)?;
            let mut query = messages::table
                .filter(messages::dialog_id.eq(dialog_id.0))
                .select(MessageRow::as_select())
                .order_by(messages::id.desc())
                .limit(page.fetch())
                .into_boxed();
            if let Some(before) = page.after {
                query = query.filter(messages::id.lt(before));
            }
            let mut page = page.split(query.load(conn)?, |m: &MessageRow| m.id);
            // Fetched newest first to page backwards; shown oldest first.
            page.items.reverse();
            page.try_map(MessageRow::into_message)
        })
    }

    /// A page of the dialog's timeline, oldest first.
    pub fn timeline(
        &self,
        dialog_id: DialogId,
        cursor: Option<&str>,
        limit: usize,
    ) -> StoreResult<Page<TimelineEvent>> {
        let page = IdPage::new("events", cursor, limit)?;
        self.read("timeline", |conn| {
            dialog_row(conn, dialog_id)?;
            let mut query = events::table
                .filter(events::dialog_id.eq(dialog_id.0))
                .select(EventRow::as_select())
                .order_by(events::id.asc())
                .limit(page.fetch())
                .into_boxed();
            if let Some(after) = page.after {
                query = query.filter(events::id.gt(after));
            }
            page.split(query.load(conn)?, |e: &EventRow| e.id)
                .try_map(EventRow::into_event)
        })
    }

    /// One stored message.
    pub fn message(&self, id: MessageId) -> StoreResult<Message> {
        self.read("message", |conn| {
            messages::table
                .find(id.0)
                .select(MessageRow::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| StoreError::not_found("message", id.0))?
                .into_message()
        })
    }

    /// The dialog's state as the state machine sees it.
    pub fn dialog_state(&self, dialog_id: DialogId) -> StoreResult<DialogState> {
        self.read("dialog_state", |conn| {
            dialog_state(conn, dialog_id).map(|(_, state)| state)
        })
    }
}
