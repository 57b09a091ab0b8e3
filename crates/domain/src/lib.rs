//! The dialogdesk domain: entities, ids, statuses, events and the one pure
//! transition function that decides every change of a dialog.
//!
//! No database, HTTP or async dependency: this crate also builds for
//! `wasm32-unknown-unknown`, because the SPA shares its types.

pub mod entities;
pub mod ids;
pub mod machine;
pub mod status;
pub mod time;
pub mod values;
pub mod wire;

pub use entities::*;
pub use ids::*;
pub use machine::{
    apply, cell, Actor, Cell, DialogEvent, DialogState, DomainError, EventKind, EventName,
    SettingsChange, StepRef, TimelineChange, Transition,
};
pub use status::{
    Author, ChannelKind, DeliveryStatus, FinishStatus, MessageKind, Role, Scope, Status,
    UnknownName, View, WebhookEventType,
};
pub use values::{
    mask_phone, search_digits, Color, Email, InvalidValue, Label, PersonName, Phone, WebUrl,
};
