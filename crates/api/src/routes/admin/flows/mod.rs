//! Flows and their steps.

pub mod add_step;
pub mod create_flow;
pub mod delete_step;
pub mod get_flow;
pub mod list_flows;
pub mod paths;
pub mod rename_flow;
pub mod reorder_steps;
pub mod update_step;

use utoipa_actix_web::service_config::ServiceConfig;

use dialogdesk_domain::{FlowId, StepId};
use dialogdesk_store::{Store, StoreError, StoreResult};

/// Checks that the step belongs to the flow of the path.
fn step_of_flow(store: &Store, flow_id: FlowId, step_id: StepId) -> StoreResult<()> {
    let flow = store.flow(flow_id)?;
    if flow.steps.iter().any(|s| s.id == step_id) {
        Ok(())
    } else {
        Err(StoreError::not_found("step", step_id.0))
    }
}

/// Registers these operations.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_flows::list_flows)
        .service(get_flow::get_flow)
        .service(create_flow::create_flow)
        .service(rename_flow::rename_flow)
        .service(add_step::add_step)
        .service(update_step::update_step)
        .service(delete_step::delete_step)
        .service(reorder_steps::reorder_steps);
}
