//! The dialogdesk operator SPA: Leptos, client-side rendered, talking only
//! to the REST API and the live stream, using the domain crate's types.

pub mod logic;
#[cfg(target_arch = "wasm32")]
mod ui;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ui::app::App);
}

/// Natively there is no browser: the app is built for wasm32 by trunk.
#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("dialogdesk-frontend runs in the browser: build it with `make spa` (trunk)");
}
