//! What the AI engine reports about a dialog.

use super::{apply_event, step_ref, Applied, NewMessage};
use crate::error::StoreResult;
use crate::time::now;
use crate::Store;
use dialogdesk_domain::wire::BotEvent;
use dialogdesk_domain::*;

impl Store {
    /// What the AI engine reports about a dialog.
    pub fn bot_report(
        &self,
        dialog_id: DialogId,
        report: &BotEvent,
        actor: Actor,
    ) -> StoreResult<Applied> {
        self.write("bot_report", |conn| {
            let at = now();
            let (kind, message) = match report {
                BotEvent::FlowLaunched { flow_id, step_id } => (
                    EventKind::FlowLaunched {
                        flow_id: *flow_id,
                        step: step_ref(conn, *step_id, "step_id")?,
                    },
                    None,
                ),
                BotEvent::StepReached { step_id } => (
                    EventKind::StepReached {
                        step: step_ref(conn, *step_id, "step_id")?,
                    },
                    None,
                ),
                BotEvent::BotMessage { text } => (
                    EventKind::BotMessage,
                    Some(NewMessage {
                        operator_id: None,
                        kind: MessageKind::Text,
                        text: text.clone(),
                        media_url: None,
                        external_id: None,
                        sent_at: at,
                    }),
                ),
                BotEvent::AiError { detail } => (
                    EventKind::AiError {
                        detail: detail.clone(),
                    },
                    None,
                ),
                BotEvent::BlockedByLead => (EventKind::BlockedByLead, None),
                BotEvent::DeliveryRefused { detail } => (
                    EventKind::DeliveryRefused {
                        detail: detail.clone(),
                    },
                    None,
                ),
            };
            let event = DialogEvent { at, actor, kind };
            apply_event(conn, dialog_id, &event, message.as_ref())
        })
    }
}
