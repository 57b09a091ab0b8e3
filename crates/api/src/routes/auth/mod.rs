//! Logging in and "who am I".

pub mod login;
pub mod me;
