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

use dialogdesk_domain::{ChannelId, FlowId, OperatorId, StepId, TagId};
use dialogdesk_store::listing::DialogFilter;
use serde::Deserialize;
use utoipa::IntoParams;

/// The filters the list and the counts share.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterParams {
    /// Client name or phone, any part of it (for phones only digits count).
    pub q: Option<String>,
    /// Responsible manager.
    pub assignee_id: Option<i64>,
    /// Channel.
    pub channel_id: Option<i64>,
    /// Tag.
    pub tag_id: Option<i64>,
    /// Flow.
    pub flow_id: Option<i64>,
    /// Step.
    pub step_id: Option<i64>,
}

impl FilterParams {
    /// As the store takes them.
    pub fn filter(&self) -> DialogFilter {
        DialogFilter {
            q: self.q.clone(),
            assignee_id: self.assignee_id.map(OperatorId),
            channel_id: self.channel_id.map(ChannelId),
            tag_id: self.tag_id.map(TagId),
            flow_id: self.flow_id.map(FlowId),
            step_id: self.step_id.map(StepId),
        }
    }
}

/// The path of one dialog.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct DialogPath {
    /// The dialog id.
    pub id: i64,
}
