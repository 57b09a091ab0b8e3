//! The chats page and the operations on one dialog.

pub mod bot;
pub mod counts;
pub mod events;
pub mod favourite_mark;
pub mod favourite_unmark;
pub mod get;
pub mod list;
pub mod messages_list;
pub mod messages_send;
pub mod settings;

use serde::Deserialize;
use utoipa::IntoParams;

/// The path of one dialog.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DialogPath {
    /// The dialog id.
    pub id: i64,
}
