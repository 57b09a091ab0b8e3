//! The rows a change of dialogs writes, as [`Writes`](super::writes::Writes)
//! stages them and [`BatchStatement`](super::batch_statement::BatchStatement)
//! sends them: their own module, so the two read them from one place
//! instead of from each other.

use crate::schema::*;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A new lead's client.
#[derive(Insertable)]
#[diesel(table_name = clients, treat_none_as_default_value = false)]
pub struct NewClientRow {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub avatar_url: Option<String>,
    pub custom_fields: &'static str,
    pub search_name: String,
    pub phone_digits: String,
    pub created_at: NaiveDateTime,
}

/// A new lead's dialog, in `start`.
#[derive(Insertable)]
#[diesel(table_name = dialogs, treat_none_as_default_value = false)]
pub struct NewDialogRow {
    pub client_id: i64,
    pub client_name: String,
    pub client_phone_digits: String,
    pub client_search_name: String,
    pub channel_name: String,
    pub channel_id: i64,
    pub client_external_id: Option<String>,
    pub created_at: NaiveDateTime,
    /// What the state machine keeps: `start` at first, then as the
    /// batch's change of the dialog left it.
    #[diesel(embed)]
    pub state: DialogUpdate,
}

/// A stored message.
#[derive(Insertable)]
#[diesel(table_name = messages, treat_none_as_default_value = false)]
pub struct MessageRow {
    pub id: i64,
    pub dialog_id: i64,
    pub channel_id: i64,
    pub author: &'static str,
    pub operator_id: Option<i64>,
    pub kind: &'static str,
    pub text: String,
    pub media_url: Option<String>,
    pub external_id: Option<String>,
    pub sent_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub response_seconds: Option<f64>,
    pub delivery_status: Option<&'static str>,
    pub delivery_updated_at: Option<NaiveDateTime>,
}

/// A timeline entry.
#[derive(Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
pub struct TimelineRow {
    pub id: i64,
    pub dialog_id: i64,
    pub kind: &'static str,
    pub actor_kind: &'static str,
    pub actor_id: Option<i64>,
    pub reason: String,
    pub before_value: String,
    pub after_value: String,
    pub created_at: NaiveDateTime,
}

/// A dialog row's columns after a change (and its id).
#[derive(Debug, Clone, AsChangeset, Insertable)]
#[diesel(table_name = dialogs, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct DialogUpdate {
    #[diesel(skip_update)]
    pub id: i64,
    pub status: &'static str,
    pub flow_id: Option<i64>,
    pub step_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub message_count: i64,
    pub finished_at: Option<NaiveDateTime>,
    pub finished_by: Option<i64>,
    pub finished_by_name: String,
    pub status_reason: Option<String>,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    pub last_message_at: NaiveDateTime,
    pub last_message_author: Option<String>,
    pub last_message_kind: Option<String>,
    pub last_message_text: Option<String>,
    pub awaiting_reply_since: Option<NaiveDateTime>,
}
