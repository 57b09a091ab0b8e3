//! An operator's reply to the lead.

use super::{apply_event, Applied, NewMessage};
use crate::error::{StoreError, StoreResult};
use crate::time::now;
use crate::Store;
use dialogdesk_domain::*;

impl Store {
    /// An operator's reply to the lead.
    pub fn operator_message(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        text: &str,
    ) -> StoreResult<Applied> {
        if text.trim().is_empty() {
            return Err(StoreError::invalid("text", "must not be empty"));
        }
        self.write("operator_message", |conn| {
            let at = now();
            let event = DialogEvent {
                at,
                actor: Actor::Operator(operator),
                kind: EventKind::OperatorMessage { operator },
            };
            let message = NewMessage {
                operator_id: Some(operator),
                kind: MessageKind::Text,
                text: text.to_owned(),
                media_url: None,
                external_id: None,
                sent_at: at,
            };
            apply_event(conn, dialog_id, &event, Some(&message))
        })
    }
}
