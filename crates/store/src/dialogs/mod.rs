//! Dialogs: inbound messages, AI-engine events, operator replies, the
//! chat-settings save, favourites, history and timeline.
//!
//! Every change goes through [`apply_event`]: load the dialog, ask the
//! domain's `apply`, write the transition (dialog row, message, tags,
//! timeline, counters) in the caller's transaction.

mod apply;
mod batch_statement;
mod bot;
mod delivery;
pub mod facets;
mod favourite;
mod history;
mod inbound;
pub(crate) mod ingest;
mod reply;
mod rows;
mod settings;
pub(crate) mod writes;

use crate::catalog::step_row;
use crate::error::{StoreError, StoreResult};
use crate::models::*;
use crate::schema::*;
use crate::DbConnection;
pub use apply::*;
use dialogdesk_domain::*;
use diesel::prelude::*;
pub use inbound::*;
use std::collections::BTreeSet;

/// The dialog row, or `NotFound`.
pub fn dialog_row(conn: &mut DbConnection, id: DialogId) -> StoreResult<DialogRow> {
    dialogs::table
        .find(id.0)
        .select(DialogRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::not_found("dialog", id.0))
}

/// The dialog's tags.
pub fn tag_ids(conn: &mut DbConnection, id: DialogId) -> StoreResult<BTreeSet<TagId>> {
    Ok(dialog_tags::table
        .filter(dialog_tags::dialog_id.eq(id.0))
        .select(dialog_tags::tag_id)
        .load::<i64>(conn)?
        .into_iter()
        .map(TagId)
        .collect())
}

/// Loads the dialog's state as the state machine sees it.
pub fn dialog_state(
    conn: &mut DbConnection,
    id: DialogId,
) -> StoreResult<(DialogRow, DialogState)> {
    let row = dialog_row(conn, id)?;
    let tags = tag_ids(conn, id)?;
    let state = row.state(tags)?;
    Ok((row, state))
}

/// A step as the state machine needs it; a missing step is a field error.
fn step_ref(conn: &mut DbConnection, id: StepId, field: &'static str) -> StoreResult<StepRef> {
    match step_row(conn, id) {
        Ok(row) => row.to_ref(),
        Err(StoreError::NotFound { .. }) => Err(StoreError::invalid(
            field,
            format!("step {id} does not exist"),
        )),
        Err(e) => Err(e),
    }
}
