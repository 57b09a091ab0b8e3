//! Paths of the step operations.

use serde::Deserialize;
use utoipa::IntoParams;

/// One step of one flow.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct StepPath {
    /// The flow.
    pub flow_id: i64,
    /// The step.
    pub step_id: i64,
}
