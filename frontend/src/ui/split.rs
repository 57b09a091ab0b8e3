//! Split points: what the first chats page does not need, loaded when it
//! is first shown — the open chat with its User Data panel (`lazy_chat.rs`),
//! Records → Dialog list and Settings (`lazy_routes.rs`). This module is
//! the mechanism they share and imports neither. In the release
//! bundle (scripts/build-spa.sh builds with the `split` feature and cuts
//! the wasm at these points) each one's code, and everything only it uses,
//! sits in a wasm file of its own that the browser fetches the first time it is needed, so
//! the first load carries the shell and the dialog list only
//! (BENCHMARKS.md has the sizes).
//!
//! Without the `split` feature (`trunk serve` for `make dev`, whose pipeline
//! cannot cut a wasm) the same functions are plain `async fn`s and
//! everything is in one wasm.

use leptos::prelude::*;

/// Why a part could not be shown: its wasm did not load.
pub type Loaded = Result<AnyView, leptos::wasm_split::SplitLoaderError>;

/// A function whose code is loaded on its first call (with `split`): the
/// body builds its view from concrete arguments (no generics). The load
/// may fail (offline; a new version installed while this page was open):
/// that is an `Err`, shown by [`LoadFailed`], never a panic. A later call
/// tries the load again.
macro_rules! split_point {
    ($(#[$meta:meta])* fn $name:ident($($arg:ident: $ty:ty),*) $body:block) => {
        #[cfg(feature = "split")]
        #[leptos::wasm_split::wasm_split($name, wasm_split_path = ::leptos::wasm_split, fallible)]
        $(#[$meta])*
        fn $name($($arg: $ty),*) -> $crate::ui::split::Loaded {
            Ok($body)
        }

        #[cfg(not(feature = "split"))]
        $(#[$meta])*
        async fn $name($($arg: $ty),*) -> $crate::ui::split::Loaded {
            Ok($body)
        }
    };
}

pub(crate) use split_point;

/// The view, or what to do when its code did not load.
pub fn shown(loaded: Loaded) -> AnyView {
    loaded.unwrap_or_else(|_| view! { <LoadFailed/> }.into_any())
}

/// A part that did not load: a reload fetches the page again, and with it
/// the version the server has now (the build keeps the previous versions'
/// files, so a page opened before an update loads its parts anyway).
#[component]
fn LoadFailed() -> impl IntoView {
    let reload = |_| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    };
    view! {
        <div class="error" role="alert" data-testid="load-failed">
            <p>{super::ctx::t("common.load_failed")}</p>
            <button on:click=reload>{super::ctx::t("common.reload")}</button>
        </div>
    }
}
