//! What the AI engine reports about a dialog.

use crate::ids::{FlowId, StepId};
use serde::{Deserialize, Serialize};

/// One report of the AI engine, tagged by `type`. The store resolves the
/// ids and hands the state machine its `EventKind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", schema(example = json!({"type": "flow_launched", "flow_id": 1, "step_id": 1})))]
pub enum BotEvent {
    /// The dialog was launched into a flow at a step.
    FlowLaunched {
        /// The flow.
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        flow_id: FlowId,
        /// The step; must belong to the flow.
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        step_id: StepId,
    },
    /// The dialog reached a step of its flow.
    StepReached {
        /// The step.
        #[cfg_attr(feature = "openapi", schema(value_type = i64))]
        step_id: StepId,
    },
    /// The bot wrote to the lead.
    BotMessage {
        /// What it wrote.
        text: String,
    },
    /// The AI failed technically (e.g. token generation).
    AiError {
        /// What failed.
        detail: String,
    },
    /// The lead blocked the bot.
    BlockedByLead,
    /// The platform refused our message (e.g. "cannot write first").
    DeliveryRefused {
        /// The platform's words.
        detail: String,
    },
}
