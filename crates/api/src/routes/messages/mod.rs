//! A message's delivery status: the channel connector's reports and an
//! operator's resend of a failed reply.

pub mod report_delivery;
pub mod resend_message;

use serde::Deserialize;
use utoipa::IntoParams;

/// The path of one message.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct MessagePath {
    /// The message id.
    pub id: i64,
}
