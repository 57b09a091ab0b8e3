//! The live stream, and the tickets that open it from a browser.

pub mod open;
pub mod ticket;
