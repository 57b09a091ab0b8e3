//! What every component can reach: the session, the language, live events.

use crate::logic::i18n::{tr, Lang};
use dialogdesk_domain::wire::{DialogUpdated, Me, MessageCreated, StatusCounts, TimelineAppended};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const SESSION_KEY: &str = "dialogdesk.session";
const LANG_KEY: &str = "dialogdesk.lang";

/// A logged-in operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The bearer token.
    pub token: String,
    /// Who.
    pub me: Me,
}

/// The latest live events, one signal per kind; pages react to them.
#[derive(Clone, Copy)]
pub struct Live {
    /// `dialog.updated`.
    pub dialog: RwSignal<Option<DialogUpdated>>,
    /// `message.created`.
    pub message: RwSignal<Option<MessageCreated>>,
    /// `timeline.appended`.
    pub timeline: RwSignal<Option<TimelineAppended>>,
    /// `counts.changed`.
    pub counts: RwSignal<Option<StatusCounts>>,
    /// Bumped on `resync`: refetch everything.
    pub resync: RwSignal<u32>,
}

/// The app's shared state.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The session, when logged in.
    pub session: RwSignal<Option<Session>>,
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// A message for the login page (e.g. "session expired").
    pub flash: RwSignal<Option<String>>,
    /// Live events.
    pub live: Live,
}

impl Ctx {
    /// Reads the stored session and language.
    pub fn restore() -> Ctx {
        let session: Option<Session> = LocalStorage::get(SESSION_KEY).ok();
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
            session: RwSignal::new(session),
            lang: RwSignal::new(lang),
            flash: RwSignal::new(None),
            live: Live {
                dialog: RwSignal::new(None),
                message: RwSignal::new(None),
                timeline: RwSignal::new(None),
                counts: RwSignal::new(None),
                resync: RwSignal::new(0),
            },
        }
    }

    /// Logs in.
    pub fn login(&self, session: Session) {
        let _ = LocalStorage::set(SESSION_KEY, &session);
        self.flash.set(None);
        self.session.set(Some(session));
    }

    /// Logs out, optionally telling why on the login page.
    pub fn logout(&self, why: Option<String>) {
        LocalStorage::delete(SESSION_KEY);
        self.flash.set(why);
        self.session.set(None);
    }

    /// Switches the language and remembers it.
    pub fn set_lang(&self, lang: Lang) {
        let _ = LocalStorage::set(LANG_KEY, lang.code());
        self.lang.set(lang);
    }

    /// The token, when logged in.
    pub fn token(&self) -> String {
        self.session
            .get_untracked()
            .map(|s| s.token)
            .unwrap_or_default()
    }

    /// The role, when logged in.
    pub fn me(&self) -> Option<Me> {
        self.session.get().map(|s| s.me)
    }
}

thread_local! {
    // One app per page and one thread in wasm: a plain global serves async
    // tasks too, which run outside the reactive owner that `use_context` needs.
    static CONTEXT: std::cell::OnceCell<Ctx> = const { std::cell::OnceCell::new() };
}

/// Makes the context reachable from everywhere (called once, at start).
pub fn install(ctx: Ctx) {
    CONTEXT.with(|c| {
        let _ = c.set(ctx);
    });
}

/// The app's context.
#[expect(
    clippy::expect_used,
    reason = "App installs the context before anything renders"
)]
pub fn ctx() -> Ctx {
    CONTEXT.with(|c| {
        *c.get()
            .expect("the context is installed when the app starts")
    })
}

/// A translated text that follows the language switch.
pub fn t(key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let lang = ctx().lang;
    move || tr(lang.get(), key)
}

/// A translated text now (inside reactive closures).
pub fn tnow(key: &str) -> String {
    tr(ctx().lang.get(), key)
}
