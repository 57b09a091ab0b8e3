//! The chat-settings save: assignee, status, flow and step, and tags in one
//! transaction.

use super::{apply_event, dialog_row, step_ref, Applied};
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::time::now;
use crate::{DbConnection, Store};
use dialogdesk_domain::wire::{DialogListItem, SettingsBody};
use dialogdesk_domain::*;
use diesel::prelude::*;
use std::collections::BTreeSet;

pub(super) fn operator_is_active(
    conn: &mut DbConnection,
    id: OperatorId,
    field: &'static str,
) -> StoreResult<()> {
    let active: Option<bool> = operators::table
        .find(id.0)
        .select(operators::active)
        .first(conn)
        .optional()?;
    match active {
        Some(true) => Ok(()),
        Some(false) => Err(StoreError::invalid(
            field,
            format!("operator {id} is deactivated"),
        )),
        None => Err(StoreError::invalid(
            field,
            format!("operator {id} does not exist"),
        )),
    }
}

/// Turns the flow and step fields of a save into the domain's placement.
pub(super) fn placement(
    conn: &mut DbConnection,
    row: &DialogRow,
    input: &SettingsBody,
) -> StoreResult<Option<Option<(FlowId, StepRef)>>> {
    if let Some(Some(flow_id)) = input.flow_id {
        let exists: Option<i64> = flows::table
            .find(flow_id.0)
            .select(flows::id)
            .first(conn)
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::invalid(
                "flow_id",
                format!("flow {flow_id} does not exist"),
            ));
        }
    }
    match (input.flow_id, input.step_id) {
        (_, Some(Some(step_id))) => {
            let step = step_ref(conn, step_id, "step_id")?;
            let flow_id = match input.flow_id {
                Some(Some(flow)) => flow,
                Some(None) => {
                    return Err(StoreError::invalid(
                        "flow_id",
                        "a step needs its flow; do not clear the flow",
                    ))
                }
                None => row.flow_id.map_or(step.flow_id, FlowId),
            };
            Ok(Some(Some((flow_id, step))))
        }
        (Some(None), _) | (_, Some(None)) => Ok(Some(None)),
        (Some(Some(flow_id)), None) if row.flow_id == Some(flow_id.0) => Ok(None),
        (Some(Some(_)), None) => Err(StoreError::invalid(
            "step_id",
            "choose a step of the new flow",
        )),
        (None, None) => Ok(None),
    }
}

impl Store {
    /// The chat-settings save: assignee, status, flow and step, and tags in
    /// one transaction, refused whole when anything is wrong.
    pub fn save_settings(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        input: &SettingsBody,
    ) -> StoreResult<Applied> {
        self.write("save_settings", |conn| {
            save_settings_in(conn, dialog_id, operator, input)
        })
    }

    /// The save, answering the dialog exactly as this save left it (read in
    /// the same transaction: with saves racing, a read after the commit
    /// could show a later save's version and state instead).
    pub fn save_settings_and_read(
        &self,
        dialog_id: DialogId,
        operator: OperatorId,
        input: &SettingsBody,
    ) -> StoreResult<DialogListItem> {
        self.write("save_settings", |conn| {
            save_settings_in(conn, dialog_id, operator, input)?;
            crate::listing::dialog_in(conn, Some(operator), dialog_id)
        })
    }
}

fn save_settings_in(
    conn: &mut DbConnection,
    dialog_id: DialogId,
    operator: OperatorId,
    input: &SettingsBody,
) -> StoreResult<Applied> {
    let version = input
        .version
        .ok_or_else(|| StoreError::invalid("version", "send the version the form was based on"))?;
    // The row only (the flow check needs it); apply_event reads the whole state.
    let row = dialog_row(conn, dialog_id)?;
    let mut change = SettingsChange::by(operator, version);
    change.status = input.status;
    if let Some(assignee) = input.assignee_id {
        if let Some(id) = assignee {
            operator_is_active(conn, id, "assignee_id")?;
        }
        change.assignee = Some(assignee);
    }
    if let Some(tag_ids) = &input.tag_ids {
        let wanted: BTreeSet<TagId> = tag_ids.iter().copied().collect();
        let raw: Vec<i64> = wanted.iter().map(|t| t.0).collect();
        let found: Vec<i64> = tags::table
            .filter(tags::id.eq_any(&raw))
            .select(tags::id)
            .load(conn)?;
        if let Some(missing) = raw.iter().find(|id| !found.contains(id)) {
            return Err(StoreError::invalid(
                "tag_ids",
                format!("tag {missing} does not exist"),
            ));
        }
        change.tags = Some(wanted);
    }
    change.placement = placement(conn, &row, input)?;
    let event = DialogEvent {
        at: now(),
        actor: Actor::Operator(operator),
        kind: EventKind::Settings(change),
    };
    apply_event(conn, dialog_id, &event, None)
}
