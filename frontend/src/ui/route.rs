//! The address bar as reactive state: the shell's routes without a router
//! crate.
//!
//! Why not leptos_router: the SPA has four pages (`logic::url::Page`) and
//! reads two things from the address (a path segment, `?dialog=`). The
//! router compiled 66 KB (raw, after wasm-opt) of matching, nested-route
//! and navigation code into the first load, a quarter of the way to the
//! bundle budget (BENCHMARKS.md, the bundle entries). What it did for us is
//! here: a signal of the current path and query, set on `popstate` and by
//! [`navigate`]; clicks on the app's own links turned into `pushState`
//! (as the router's anchor handler did); lazy pages are split points
//! shown under a `Suspense` (`lazy_routes.rs`).

use crate::logic::url::{query_value, Page};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where the browser is: path and query (with its `?`, or empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Address {
    path: String,
    query: String,
}

/// The current address, provided by the app (`provide`).
#[derive(Clone, Copy)]
pub struct Location(RwSignal<Address>);

impl Location {
    /// The page the path shows, tracked.
    pub fn page(&self) -> Page {
        self.0.with(|a| Page::of(&a.path))
    }

    /// The `n`-th path segment (`/chats/manual`: 1 is `manual`), tracked.
    pub fn segment(&self, n: usize) -> Option<String> {
        self.0
            .with(|a| crate::logic::url::segment(&a.path, n).map(str::to_owned))
    }

    /// A query value, decoded, tracked.
    pub fn query(&self, key: &str) -> Option<String> {
        self.0.with(|a| query_value(&a.query, key))
    }

    /// Shows `to` (a path with an optional query) as a new history entry.
    pub fn navigate(self, to: &str) {
        go(self, to, false);
    }

    /// Shows `to` in place of the current entry (a redirect: Back does not
    /// return to the address that was sent on).
    pub fn redirect(self, to: &str) {
        go(self, to, true);
    }
}

/// What the window's location says now.
fn read_address() -> Address {
    let location = web_sys::window().map(|w| w.location());
    Address {
        path: location
            .as_ref()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_else(|| "/".to_owned()),
        query: location.and_then(|l| l.search().ok()).unwrap_or_default(),
    }
}

/// Starts following the address bar: the back and forward buttons, and
/// clicks on the app's own links.
pub fn provide() -> Location {
    let location = Location(RwSignal::new(read_address()));
    provide_context(location);
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        location.0.set(read_address())
    });
    let _ = window_event_listener(leptos::ev::click, move |ev| {
        if let Some(to) = own_link_target(&ev) {
            ev.prevent_default();
            go(location, &to, false);
        }
    });
    location
}

/// The current address, from a component; like `use_ctx`, handlers use
/// the `Location` their component took (it is `Copy`).
#[expect(
    clippy::expect_used,
    reason = "App provides the location before anything renders"
)]
pub fn use_location() -> Location {
    use_context::<Location>().expect("App provides the location")
}

fn go(location: Location, to: &str, replace: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let state = wasm_bindgen::JsValue::NULL;
    let written = if replace {
        history.replace_state_with_url(&state, "", Some(to))
    } else {
        history.push_state_with_url(&state, "", Some(to))
    };
    if written.is_ok() {
        location.0.set(read_address());
        if !replace {
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        }
    }
}

/// The address a click on a link of the app asks for, or `None` where the
/// browser should follow the link itself: a modified or non-primary click,
/// a link with a target or a download, another origin, or a path that is
/// not one of the app's pages (the API, its docs, `/healthz`: the server
/// answers those).
fn own_link_target(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let link = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    let opens_elsewhere = !matches!(link.target().as_str(), "" | "_self");
    if opens_elsewhere || link.has_attribute("download") || link.rel() == "external" {
        return None;
    }
    let here = web_sys::window()?.location().origin().ok()?;
    let path = link.pathname();
    if link.origin() != here || Page::of(&path) == Page::Elsewhere {
        return None;
    }
    Some(format!("{path}{}{}", link.search(), link.hash()))
}

/// A top bar link: `aria-current="page"` while its section is shown.
#[component]
pub fn NavLink(
    href: &'static str,
    #[prop(optional)] title: Option<Signal<String>>,
    children: Children,
) -> impl IntoView {
    let location = use_location();
    let current = move || location.page().in_section_of(href).then_some("page");
    view! { <a href=href aria-current=current title=move || title.map(|t| t.get())>{children()}</a> }
}
