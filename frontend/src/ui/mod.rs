//! The browser side: Leptos components (wasm32 only).

pub mod api;
pub mod app;
pub mod browser;
pub mod catalog;
pub mod charts;
pub mod chat;
pub mod chats;
pub mod ctx;
pub mod lazy_chat;
pub mod lazy_routes;
pub mod live;
pub mod login;
pub mod paged;
pub mod records;
pub mod route;
pub mod settings;
pub mod split;
pub mod user_data;
pub mod webhooks;
