//! Administration data: operators, channels, flows with steps, tags.

mod channels;
mod flows;
mod operators;
mod tags;

use crate::error::{is_unique_violation, StoreError};
pub use flows::*;
pub use operators::*;

fn unique_or(e: diesel::result::Error, message: impl FnOnce() -> String) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Conflict(message())
    } else {
        e.into()
    }
}
