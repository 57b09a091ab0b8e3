//! Outbound webhooks: who may be called (`address`), how requests are
//! signed (`signing`), and the dispatcher that delivers the outbox
//! (`dispatcher`).

pub mod address;
pub mod dispatcher;
pub mod signing;

pub use dispatcher::{start, WebhookSettings};
