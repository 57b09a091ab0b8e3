//! The dialogdesk operator SPA (Leptos, client-side, wasm32).
//!
//! A placeholder until the SPA issue: it proves the frontend compiles
//! against the shared domain crate, whose types the SPA will use.

use dialogdesk_domain::View;

fn main() {
    let tabs: Vec<&str> = View::ALL.iter().map(|v| v.as_str()).collect();
    println!("dialogdesk SPA placeholder; tabs: {}", tabs.join(", "));
}
