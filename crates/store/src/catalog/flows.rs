//! Sales flows and their ordered steps.

use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use dialogdesk_domain::wire::CatalogPart;
use dialogdesk_domain::*;
use diesel::prelude::*;

pub(super) fn position_of(index: usize) -> StoreResult<i32> {
    i32::try_from(index).map_err(|_| StoreError::invalid("steps", "too many steps"))
}

pub(super) fn insert_step(
    conn: &mut DbConnection,
    flow_id: FlowId,
    name: &Label,
    position: i32,
    finish: FinishStatus,
) -> StoreResult<()> {
    diesel::insert_into(steps::table)
        .values((
            steps::flow_id.eq(flow_id.0),
            steps::name.eq(name.as_str()),
            steps::position.eq(position),
            steps::finish_status.eq(finish.as_str()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One step row.
pub fn step_row(conn: &mut DbConnection, id: StepId) -> StoreResult<StepRow> {
    steps::table
        .find(id.0)
        .select(StepRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("step", id.0))
}

/// One flow with its steps.
pub fn flow(conn: &mut DbConnection, id: FlowId) -> StoreResult<Flow> {
    let name: String = flows::table
        .find(id.0)
        .select(flows::name)
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("flow", id.0))?;
    let steps = steps::table
        .filter(steps::flow_id.eq(id.0))
        .select(StepRow::as_select())
        .order_by((steps::position, steps::id))
        .load(conn)?
        .iter()
        .map(StepRow::to_step)
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Flow { id, name, steps })
}

impl Store {
    /// Creates a flow with its steps in the given order.
    pub fn create_flow(&self, name: &Label, steps: &[(Label, FinishStatus)]) -> StoreResult<Flow> {
        self.write_catalog("create_flow", CatalogPart::Flows, |conn| {
            let flow_id: i64 = diesel::insert_into(flows::table)
                .values((
                    flows::name.eq(name.as_str()),
                    flows::created_at.eq(to_db(now())),
                ))
                .returning(flows::id)
                .get_result(conn)?;
            for (position, (step_name, finish)) in steps.iter().enumerate() {
                insert_step(
                    conn,
                    FlowId(flow_id),
                    step_name,
                    position_of(position)?,
                    *finish,
                )?;
            }
            flow(conn, FlowId(flow_id))
        })
    }

    /// Every flow with its steps.
    pub fn flows(&self) -> StoreResult<Vec<Flow>> {
        self.read("flows", |conn| {
            let flow_rows: Vec<(i64, String)> = flows::table
                .select((flows::id, flows::name))
                .order_by(flows::id)
                .load(conn)?;
            let step_rows: Vec<StepRow> = steps::table
                .select(StepRow::as_select())
                .order_by((steps::flow_id, steps::position, steps::id))
                .load(conn)?;
            flow_rows
                .into_iter()
                .map(|(id, name)| {
                    let steps = step_rows
                        .iter()
                        .filter(|s| s.flow_id == id)
                        .map(StepRow::to_step)
                        .collect::<StoreResult<Vec<_>>>()?;
                    Ok(Flow {
                        id: FlowId(id),
                        name,
                        steps,
                    })
                })
                .collect()
        })
    }

    /// One flow with its steps.
    pub fn flow(&self, id: FlowId) -> StoreResult<Flow> {
        self.read("flow", |conn| flow(conn, id))
    }

    /// Renames a flow.
    pub fn rename_flow(&self, id: FlowId, name: &Label) -> StoreResult<Flow> {
        self.write_catalog("rename_flow", CatalogPart::Flows, |conn| {
            let n = diesel::update(flows::table.find(id.0))
                .set(flows::name.eq(name.as_str()))
                .execute(conn)?;
            if n == 0 {
                return Err(StoreError::not_found("flow", id.0));
            }
            flow(conn, id)
        })
    }

    /// Adds a step at the end of a flow.
    pub fn add_step(
        &self,
        flow_id: FlowId,
        name: &Label,
        finish: FinishStatus,
    ) -> StoreResult<Flow> {
        self.write_catalog("add_step", CatalogPart::Flows, |conn| {
            let existing = flow(conn, flow_id)?;
            insert_step(
                conn,
                flow_id,
                name,
                position_of(existing.steps.len())?,
                finish,
            )?;
            flow(conn, flow_id)
        })
    }

    /// Renames a step or changes its finish status. Dialogs already on the
    /// step keep their status: a finish status applies when a step is reached.
    pub fn update_step(
        &self,
        id: StepId,
        name: Option<&Label>,
        finish: Option<FinishStatus>,
    ) -> StoreResult<Flow> {
        self.write_catalog("update_step", CatalogPart::Flows, |conn| {
            let step = step_row(conn, id)?;
            diesel::update(steps::table.find(id.0))
                .set((
                    steps::name.eq(name.map_or(step.name.clone(), Label::to_string)),
                    steps::finish_status
                        .eq(finish.map_or(step.finish_status.clone(), |f| f.as_str().to_owned())),
                ))
                .execute(conn)?;
            flow(conn, FlowId(step.flow_id))
        })
    }

    /// Puts a flow's steps in the given order; the list must name every step
    /// of the flow exactly once.
    pub fn reorder_steps(&self, flow_id: FlowId, order: &[StepId]) -> StoreResult<Flow> {
        self.write_catalog("reorder_steps", CatalogPart::Flows, |conn| {
            let existing = flow(conn, flow_id)?;
            let mut have: Vec<StepId> = existing.steps.iter().map(|s| s.id).collect();
            let mut want = order.to_vec();
            have.sort();
            want.sort();
            if have != want {
                return Err(StoreError::invalid(
                    "step_ids",
                    format!("must list every step of flow {flow_id} exactly once"),
                ));
            }
            for (position, step_id) in order.iter().enumerate() {
                diesel::update(steps::table.find(step_id.0))
                    .set(steps::position.eq(position_of(position)?))
                    .execute(conn)?;
            }
            flow(conn, flow_id)
        })
    }

    /// Deletes a step no dialog stands on.
    pub fn delete_step(&self, id: StepId) -> StoreResult<Flow> {
        self.write_catalog("delete_step", CatalogPart::Flows, |conn| {
            let step = step_row(conn, id)?;
            let used: i64 = dialogs::table
                .filter(dialogs::step_id.eq(id.0))
                .count()
                .get_result(conn)?;
            if used > 0 {
                return Err(StoreError::Conflict(format!(
                    "{used} dialogs stand on step {id}; move them first"
                )));
            }
            diesel::delete(steps::table.find(id.0)).execute(conn)?;
            flow(conn, FlowId(step.flow_id))
        })
    }
}
