//! Bodies of the flow and step operations.

use serde::Deserialize;
use utoipa::ToSchema;

/// A step of a new flow, or a new step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// Display name.
    pub name: String,
    /// What reaching it does: `none` (auto), `waiting`, `finished`.
    pub finish_status: dialogdesk_domain::FinishStatus,
}

/// A new flow with its steps in order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Продажа курса", "steps": [
    {"name": "Приветствие", "finish_status": "none"},
    {"name": "Ожидание оплаты", "finish_status": "waiting"},
    {"name": "Оплата получена", "finish_status": "finished"}
]}))]
pub struct CreateFlowBody {
    /// Display name.
    pub name: String,
    /// The steps in order.
    #[serde(default)]
    pub steps: Vec<StepBody>,
}

/// A new name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameBody {
    /// Display name.
    pub name: String,
}

/// A change of a step; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateStepBody {
    /// Display name.
    pub name: Option<String>,
    /// What reaching it does.
    pub finish_status: Option<dialogdesk_domain::FinishStatus>,
}

/// The new order: every step of the flow, once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepOrderBody {
    /// Step ids in the new order.
    pub step_ids: Vec<i64>,
}
