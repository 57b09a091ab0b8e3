//! Settings for admins: one section per kind — operators, channels, flows
//! and steps, tags, API tokens, webhooks. Every change goes through one
//! action ([`Changes`]); after it the shared catalog is read again, so the
//! chats page's filters and the User Data panel offer the new names too.

mod channels;
mod flows;
mod operators;
mod tags;
mod tokens;

use super::api;
use super::api::admin::Change;
use super::catalog::{use_catalog, SharedCatalog};
use super::ctx::{t, use_ctx};
use leptos::prelude::*;

/// The page's one way to change something, and what the last change said.
#[derive(Clone, Copy)]
pub struct Changes {
    action: Action<Change, Option<String>>,
}

impl Changes {
    fn new(catalog: SharedCatalog) -> Changes {
        let ctx = use_ctx();
        let action = Action::new_local(move |change: &Change| {
            let change = change.clone();
            async move {
                let result = api::admin::change(change).await;
                catalog.refresh();
                result.err().map(|e| ctx.say(&e))
            }
        });
        Changes { action }
    }

    /// Makes `change`.
    pub fn make(&self, change: Change) {
        self.action.dispatch(change);
    }

    /// How many changes have finished: a section that lists more than the
    /// catalog (tokens) tracks it to read its list again after each.
    pub fn version(&self) -> ReadSignal<usize> {
        self.action.version().read_only()
    }

    /// The problem of the last change, if it failed.
    fn problem(&self) -> Option<String> {
        self.action.value().get().flatten()
    }
}

/// A Rename button: asks for the new name through the browser's prompt
/// (as the password reset asks for a password) and makes the change
/// `change` builds from it; nothing when cancelled, empty or unchanged.
#[component]
pub fn RenameButton(
    current: String,
    changes: Changes,
    change: impl Fn(String) -> Change + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let rename = move |_| {
        let asked = web_sys::window().and_then(|w| {
            w.prompt_with_message_and_default(&ctx.tr_untracked("settings.new_name"), &current)
                .ok()
                .flatten()
        });
        if let Some(name) = asked
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty() && *n != current)
        {
            changes.make(change(name));
        }
    };
    view! { <button class="ghost" on:click=rename>{t("settings.rename")}</button> }
}

/// `on:input` that writes a text field into `signal`.
pub fn input(signal: RwSignal<String>) -> impl Fn(leptos::ev::Event) + Copy {
    move |ev| signal.set(event_target_value(&ev))
}

/// The page.
#[component]
pub fn Settings() -> impl IntoView {
    let changes = Changes::new(use_catalog());
    view! {
        <div class="settings">
            <h1>{t("nav.settings")}</h1>
            {move || changes.problem().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <operators::Operators changes=changes/>
            <channels::Channels changes=changes/>
            <flows::Flows changes=changes/>
            <tags::Tags changes=changes/>
            <tokens::Tokens changes=changes/>
            <super::webhooks::Webhooks/>
        </div>
    }
}
