//! What the first chats page does not need, loaded when it is first shown:
//! the open chat with its User Data panel, Records → Dialog list and
//! Settings. Each is a split point: in the release bundle
//! (scripts/build-spa.sh builds with the `split` feature and cuts the wasm
//! at these points) its code and everything only it uses sit in a wasm file
//! of their own that the browser fetches the first time it is needed, so
//! the first load carries the shell and the dialog list only
//! (BENCHMARKS.md has the sizes).
//!
//! Without the `split` feature (`trunk serve` for `make dev`, whose pipeline
//! cannot cut a wasm) the same functions are plain `async fn`s and
//! everything is in one wasm.

use leptos::prelude::*;
use leptos_router::LazyRoute;

/// Why a part could not be shown: its wasm did not load.
type Loaded = Result<AnyView, leptos::wasm_split::SplitLoaderError>;

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
        fn $name($($arg: $ty),*) -> Loaded {
            Ok($body)
        }

        #[cfg(not(feature = "split"))]
        $(#[$meta])*
        async fn $name($($arg: $ty),*) -> Loaded {
            Ok($body)
        }
    };
}

split_point! {
    /// The open chat: messages, the reply box and User Data.
    fn chat_panel_view(dialog_id: i64, read_only: bool) {
        view! { <super::chat::ChatPanel dialog_id=dialog_id read_only=read_only/> }.into_any()
    }
}

split_point! {
    fn records_view() {
        view! { <super::records::Records/> }.into_any()
    }
}

split_point! {
    fn record_dialog_view() {
        view! { <super::records::RecordDialog/> }.into_any()
    }
}

split_point! {
    fn settings_view() {
        view! { <super::settings::Settings/> }.into_any()
    }
}

/// The view, or what to do when its code did not load.
fn shown(loaded: Loaded) -> AnyView {
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

/// The open chat, shown once its code is loaded (at once after the first
/// time). Used by Chats and by a record's page.
#[component]
pub fn ChatPanel(dialog_id: i64, read_only: bool) -> impl IntoView {
    view! {
        <Suspense fallback=|| view! { <p class="notice" role="status">{super::ctx::t("common.loading")}</p> }>
            {Suspend::new(async move { shown(chat_panel_view(dialog_id, read_only).await) })}
        </Suspense>
    }
}

/// Records → Dialog list (`/records`).
pub struct RecordsRoute;

impl LazyRoute for RecordsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_: Self) -> AnyView {
        shown(records_view().await)
    }
}

/// One finished dialog (`/records/dialog/:id`).
pub struct RecordDialogRoute;

impl LazyRoute for RecordDialogRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_: Self) -> AnyView {
        shown(record_dialog_view().await)
    }
}

/// Settings (`/settings`), with webhooks.
pub struct SettingsRoute;

impl LazyRoute for SettingsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_: Self) -> AnyView {
        shown(settings_view().await)
    }
}
