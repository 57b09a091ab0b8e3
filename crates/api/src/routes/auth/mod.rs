//! Logging in and out, and "who am I".

pub mod login;
pub mod logout;
pub mod me;
