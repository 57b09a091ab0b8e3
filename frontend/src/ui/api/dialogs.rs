//! Dialogs: the list and its counts, one dialog, its messages and timeline,
//! replies, settings, favourites.

use super::{get, json, json_body, nothing, with_query, Answer, Method};
use crate::logic::query_pairs::pairs_of;
use crate::logic::url::query;
use dialogdesk_domain::wire::{
    Counts, DialogFilter, DialogListItem, DialogListParams, Page, PageParams, SendMessageBody,
    SettingsBody,
};
use dialogdesk_domain::{Message, MessageId, TimelineEvent};

/// `GET /api/v1/dialogs`: a page of a tab's list.
pub async fn list(
    filter: &DialogFilter,
    params: &DialogListParams,
) -> Answer<Page<DialogListItem>> {
    let mut pairs = pairs_of(filter);
    pairs.extend(pairs_of(params));
    get(&format!("/api/v1/dialogs{}", query(pairs))).await
}

/// `GET /api/v1/dialogs/counts`: the count of every tab.
pub async fn counts(filter: &DialogFilter) -> Answer<Counts> {
    get(&with_query("/api/v1/dialogs/counts", filter)).await
}

/// `GET /api/v1/dialogs/{id}`.
pub async fn one(id: i64) -> Answer<DialogListItem> {
    get(&format!("/api/v1/dialogs/{id}")).await
}

/// `PUT` (on) or `DELETE` (off) `/api/v1/dialogs/{id}/favourite`.
pub async fn set_favourite(id: i64, on: bool) -> Answer<()> {
    let method = if on { Method::Put } else { Method::Delete };
    nothing(method, &format!("/api/v1/dialogs/{id}/favourite"), None).await
}

/// `GET /api/v1/dialogs/{id}/messages`: a page, newest first.
pub async fn messages(id: i64, params: &PageParams) -> Answer<Page<Message>> {
    get(&with_query(
        &format!("/api/v1/dialogs/{id}/messages"),
        params,
    ))
    .await
}

/// `GET /api/v1/dialogs/{id}/events`: a page of the timeline.
pub async fn events(id: i64, params: &PageParams) -> Answer<Page<TimelineEvent>> {
    get(&with_query(&format!("/api/v1/dialogs/{id}/events"), params)).await
}

/// `POST /api/v1/dialogs/{id}/messages`: an operator's reply.
pub async fn reply(id: i64, body: &SendMessageBody) -> Answer<Message> {
    json(
        Method::Post,
        &format!("/api/v1/dialogs/{id}/messages"),
        json_body(body),
    )
    .await
}

/// `PUT /api/v1/dialogs/{id}/settings`: the User Data panel's Save.
pub async fn save_settings(id: i64, body: &SettingsBody) -> Answer<DialogListItem> {
    json(
        Method::Put,
        &format!("/api/v1/dialogs/{id}/settings"),
        json_body(body),
    )
    .await
}

/// `POST /api/v1/messages/{id}/resend`: a failed reply, once more.
pub async fn resend(message: MessageId) -> Answer<Message> {
    json(
        Method::Post,
        &format!("/api/v1/messages/{message}/resend"),
        None,
    )
    .await
}
