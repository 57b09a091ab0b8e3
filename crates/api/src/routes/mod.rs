//! One file per operation. `configure` registers them all under `/api/v1`;
//! utoipa-actix-web collects their OpenAPI descriptions as it goes.

pub mod admin;
pub mod analytics;
pub mod auth;
pub mod dialogs;
pub mod health;
pub mod inbound;
pub mod messages;
pub mod not_found;
pub mod records;
pub mod spa;
pub mod stream;
pub mod webhooks;

use crate::problem::ApiError;
use dialogdesk_domain::{InvalidValue, WebUrl};
use utoipa_actix_web::service_config::ServiceConfig;

/// Every `/api/v1` operation.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(auth::login::login)
        .service(auth::logout::logout)
        .service(auth::me::me)
        // `/dialogs/counts` before `/dialogs/{id}`, which would also match it.
        .service(dialogs::counts::dialog_counts)
        .service(dialogs::list::list_dialogs)
        .service(dialogs::get::get_dialog)
        .service(dialogs::settings::save_dialog_settings)
        .service(dialogs::favourite_mark::mark_favourite)
        .service(dialogs::favourite_unmark::unmark_favourite)
        .service(dialogs::messages_list::list_messages)
        .service(dialogs::messages_send::send_message)
        .service(dialogs::events::list_events)
        .service(dialogs::bot::report_bot_event)
        .service(inbound::deliver_inbound)
        .service(messages::report_delivery::report_delivery)
        .service(messages::resend_message::resend_message)
        .service(records::csv::export_records_csv)
        .service(records::list::list_records)
        .service(stream::ticket::issue_stream_ticket)
        .service(stream::open::open_stream)
        .configure(analytics::configure)
        .configure(admin::configure)
        .configure(webhooks::configure);
}

pub use crate::blocking::blocking;

/// Checks a page size: 1 to 200, 50 when absent.
pub fn page_limit(limit: Option<u32>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(n as usize),
        Some(_) => Err(ApiError::invalid("limit", "must be between 1 and 200")),
    }
}

/// A value type's refusal as a 422 on `field`.
pub fn field<T>(field: &'static str, parsed: Result<T, InvalidValue>) -> Result<T, ApiError> {
    parsed.map_err(|e| ApiError::invalid(field, e.0))
}

/// Checks a search text: 3 to 100 characters once trimmed (see
/// `wire::search` for why there is a floor).
pub fn search_text(q: Option<&str>) -> Result<(), ApiError> {
    match q.and_then(dialogdesk_domain::wire::search::refusal) {
        Some(refusal) => Err(ApiError::invalid("q", refusal)),
        None => Ok(()),
    }
}

/// Refuses a text longer than `max` characters (see `wire::limits`).
pub fn at_most(field: &str, text: Option<&str>, max: usize) -> Result<(), ApiError> {
    match text {
        Some(text) if text.chars().count() > max => Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
        _ => Ok(()),
    }
}

/// An http(s) link, or a 422 naming the field; blank counts as none.
pub fn web_url(field: &str, url: Option<String>) -> Result<Option<String>, ApiError> {
    url.filter(|u| !u.trim().is_empty())
        .map(|u| WebUrl::parse(&u).map(WebUrl::into_string))
        .transpose()
        .map_err(|e| ApiError::invalid(field, e.0))
}
