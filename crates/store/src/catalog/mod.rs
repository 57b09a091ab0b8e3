//! Administration data: operators, channels, flows with steps, tags.

mod channels;
mod flows;
mod operators;
mod tags;

use crate::error::{is_unique_violation, StoreError, StoreResult};
use crate::{live, DbConnection, Store};
use dialogdesk_domain::wire::{CatalogChanged, CatalogPart};
pub use flows::*;
pub use operators::*;

impl Store {
    /// A write of the catalog: `f` in a write transaction that also emits
    /// `catalog.changed` for `part`, so open pages offer the change at once
    /// (and a change that fails emits nothing).
    fn write_catalog<T>(
        &self,
        operation: &'static str,
        part: CatalogPart,
        f: impl FnOnce(&mut DbConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        self.write(operation, |conn| {
            let value = f(conn)?;
            live::record(
                conn,
                live::kind::CATALOG_CHANGED,
                None,
                &CatalogChanged { part },
            )?;
            Ok(value)
        })
    }
}

fn unique_or(e: diesel::result::Error, message: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(message())
    } else {
        e.into()
    }
}
