//! What every component can reach: the session, the language, live events.

use crate::logic::i18n::{tr, Lang};
use dialogdesk_domain::wire::{DialogUpdated, Me, StatusCounts};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Where earlier versions kept the session, token included; removed on start.
const LEGACY_SESSION_KEY: &str = "dialogdesk.session";
const LANG_KEY: &str = "dialogdesk.lang";

/// A logged-in operator. The token itself is not here, nor anywhere a
/// script can read it: it rides in the `HttpOnly` session cookie the
/// server sets at login, so even an injected script cannot carry it off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Who.
    pub me: Me,
    /// Counts logins in this page, so a stream of an earlier login can tell
    /// it has been replaced (the same operator may log in again).
    pub serial: u32,
}

/// A live event as it came: its name and its JSON `data`.
#[derive(Clone)]
pub struct RawEvent {
    /// The SSE event name (`wire::live_event`).
    pub kind: String,
    /// Its JSON body.
    pub data: String,
}

/// The latest live events, one signal per kind; pages react to them.
#[derive(Clone, Copy)]
pub struct Live {
    /// `dialog.updated`.
    pub dialog: RwSignal<Option<DialogUpdated>>,
    /// `message.created`, `message.delivery_updated` or `timeline.appended`,
    /// as the stream sent it: only an open chat reads these, and it decodes
    /// them in its own wasm, so the first load carries no decoder for
    /// messages and timeline entries (BENCHMARKS.md, the SPA's size).
    pub chat: RwSignal<Option<RawEvent>>,
    /// `counts.changed`.
    pub counts: RwSignal<Option<StatusCounts>>,
    /// Bumped on `catalog.changed`: read the catalog again.
    pub catalog: RwSignal<u32>,
    /// Bumped on `resync`: refetch everything.
    pub resync: RwSignal<u32>,
}

/// The app's shared state.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The session, when logged in.
    pub session: RwSignal<Option<Session>>,
    /// Whether the start-up check of the session cookie is still under way
    /// (nothing is shown until it answers).
    pub checking: RwSignal<bool>,
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// A message for the login page (e.g. "session expired").
    pub flash: RwSignal<Option<String>>,
    /// Live events.
    pub live: Live,
}

impl Ctx {
    /// Reads the stored language; the session is asked of the server
    /// (`App` calls `/api/v1/me` with the cookie).
    pub fn restore() -> Ctx {
        LocalStorage::delete(LEGACY_SESSION_KEY);
        let lang = LocalStorage::get::<String>(LANG_KEY)
            .ok()
            .and_then(|c| Lang::from_code(&c))
            .unwrap_or_else(|| {
                let langs: Vec<String> = web_sys::window()
                    .map(|w| {
                        w.navigator()
                            .languages()
                            .iter()
                            .filter_map(|v| v.as_string())
                            .collect()
                    })
                    .unwrap_or_default();
                Lang::from_browser(&langs)
            });
        Ctx {
            session: RwSignal::new(None),
            checking: RwSignal::new(true),
            lang: RwSignal::new(lang),
            flash: RwSignal::new(None),
            live: Live {
                dialog: RwSignal::new(None),
                chat: RwSignal::new(None),
                counts: RwSignal::new(None),
                catalog: RwSignal::new(0),
                resync: RwSignal::new(0),
            },
        }
    }

    /// Logs in (the server has set the cookie).
    pub fn login(&self, me: Me) {
        let serial = self
            .session
            .get_untracked()
            .map_or(0, |s| s.serial)
            .wrapping_add(1);
        self.flash.set(None);
        self.checking.set(false);
        self.session.set(Some(Session { me, serial }));
    }

    /// Forgets the session here, optionally telling why on the login page
    /// (the server's side is ended by `POST /api/v1/auth/logout`).
    pub fn logout(&self, why: Option<String>) {
        self.flash.set(why);
        self.checking.set(false);
        self.session.set(None);
    }

    /// The current login's serial, when logged in.
    pub fn serial(&self) -> Option<u32> {
        self.session.get_untracked().map(|s| s.serial)
    }

    /// Whether someone is logged in (untracked).
    pub fn logged_in(&self) -> bool {
        self.session.with_untracked(Option::is_some)
    }

    /// Switches the language and remembers it.
    pub fn set_lang(&self, lang: Lang) {
        let _ = LocalStorage::set(LANG_KEY, lang.code());
        self.lang.set(lang);
    }

    /// The role, when logged in.
    pub fn me(&self) -> Option<Me> {
        self.session.get().map(|s| s.me)
    }

    /// `key` in the current language (tracked: a closure that calls it
    /// renders again on a language switch).
    pub fn tr(&self, key: &str) -> String {
        tr(self.lang.get(), key)
    }

    /// The form of the plural `key` for `n` ("5 диалогов"), tracked.
    pub fn plural(&self, key: &str, n: i64) -> String {
        crate::logic::format::plural(self.lang.get(), key, n)
    }

    /// `key` in the current language, untracked (event handlers, tasks).
    pub fn tr_untracked(&self, key: &str) -> String {
        tr(self.lang.get_untracked(), key)
    }

    /// A problem for a person: the server's words, or for a call that never
    /// got an answer, "error" in the page's language before the detail.
    pub fn say(&self, problem: &dialogdesk_domain::wire::Problem) -> String {
        if problem.status == 0 {
            format!(
                "{}: {}",
                tr(self.lang.get_untracked(), "common.error"),
                problem.detail
            )
        } else {
            problem.message()
        }
    }
}

/// Makes the context reachable from every component below (called once,
/// by `App`).
pub fn provide(ctx: Ctx) {
    provide_context(ctx);
}

/// The app's context, from a component (or a closure it renders with).
/// Event handlers and tasks run outside the component: they use the `Ctx`
/// their component took when it was made (it is `Copy`).
#[expect(
    clippy::expect_used,
    reason = "App provides the context before anything renders"
)]
pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("App provides the context")
}

/// A translated text that follows the language switch.
pub fn t(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let lang = use_ctx().lang;
    move || tr(lang.get(), key)
}
