//! One file per operation.

pub mod health;
pub mod not_found;
