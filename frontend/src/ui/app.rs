//! The shell: the login page until someone logs in, then the header and the
//! routes (Chats, Records → Dialog list, Settings).

use super::catalog::provide_catalog;
use super::ctx::{t, use_ctx, Ctx};
use super::lazy_routes::{RecordDialogPage, RecordsPage, SettingsPage};
use super::route::{self, NavLink};
use super::{api, chats, live, login};
use crate::logic::url::{Page, HOME};
use dialogdesk_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::restore();
    super::ctx::provide(ctx);
    route::provide();
    // A session cookie from earlier (a reload, a new tab) logs straight in.
    spawn_local_scoped_with_cancellation(async move {
        match api::auth::me().await {
            Ok(me) => ctx.login(me),
            Err(_) => ctx.logout(None),
        }
    });
    // Any call the server refuses with 401 ends the session here too.
    let _ = window_event_listener_untyped(api::UNAUTHORIZED_EVENT, move |_| {
        if ctx.logged_in() {
            ctx.logout(Some(ctx.tr_untracked("login.expired")));
        }
    });
    // One live stream per login.
    Effect::new(move |_| {
        if let Some(session) = ctx.session.get() {
            live::connect(ctx, session.serial);
        }
    });
    Effect::new(move |_| {
        let code = ctx.lang.get().code();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", code);
        }
    });
    move || {
        if ctx.session.get().is_some() {
            view! { <Shell/> }.into_any()
        } else if ctx.checking.get() {
            view! { <p class="notice" role="status">{t("common.loading")}</p> }.into_any()
        } else {
            view! { <login::Login/> }.into_any()
        }
    }
}

#[component]
fn Shell() -> impl IntoView {
    let ctx = use_ctx();
    provide_catalog(ctx);
    let role = move || ctx.me().map(|m| m.role).unwrap_or(Role::Operator);
    let switch_lang = move |_| ctx.set_lang(ctx.lang.get_untracked().other());
    // Ends the session on the server (every token of this operator, the
    // cookie) before forgetting it here; offline, it is forgotten anyway.
    let log_out = Action::new_local(move |_: &()| async move {
        let _ = api::auth::logout().await;
        ctx.logout(None);
    });
    view! {
        <header class="topbar">
            <span class="brand">"dialogdesk"</span>
            <nav aria-label=t("nav.main")>
                <NavLink href=HOME>{t("nav.chats")}</NavLink>
                <Show when=move || role().includes(Role::Head)>
                    <NavLink href="/records" title=Signal::derive(t("nav.records.path"))>{t("nav.records")}</NavLink>
                </Show>
                <Show when=move || role().includes(Role::Admin)>
                    <NavLink href="/settings">{t("nav.settings")}</NavLink>
                </Show>
            </nav>
            <span class="spacer"></span>
            <span class="who">{move || ctx.me().map(|m| format!("{} · {}", m.name, ctx.tr(&format!("role.{}", m.role.as_str())))).unwrap_or_default()}</span>
            <button class="ghost" on:click=switch_lang data-testid="lang-switch"
                aria-label=move || format!("{} ({})", ctx.lang.get().other().label(), ctx.tr("nav.language"))>
                {move || ctx.lang.get().other().label()}
            </button>
            <button class="ghost" on:click=move |_| { log_out.dispatch(()); } data-testid="logout">{t("nav.logout")}</button>
        </header>
        <main>
            <Routes/>
        </main>
    }
}

/// The page of the address. Only a change of page builds a new one: a new
/// tab or `?dialog=` is read by the page itself, which keeps its state
/// (filters, loaded pages). `/` and unknown paths are sent on to the chats.
#[component]
fn Routes() -> impl IntoView {
    let location = route::use_location();
    let page = Memo::new(move |_| location.page());
    Effect::new(move |_| {
        if page.get() == Page::Elsewhere {
            location.redirect(HOME);
        }
    });
    move || match page.get() {
        Page::Chats => view! { <chats::Chats/> }.into_any(),
        Page::Records => view! { <RecordsPage/> }.into_any(),
        Page::RecordDialog => view! { <RecordDialogPage/> }.into_any(),
        Page::Settings => view! { <SettingsPage/> }.into_any(),
        Page::Elsewhere => ().into_any(),
    }
}
