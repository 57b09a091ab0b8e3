//! The shell: the login page until someone logs in, then the header and the
//! routes (Chats, Records → Dialog list, Settings).

use super::ctx::{ctx, t, Ctx};
use super::{api, chats, live, login, records, settings};
use crate::logic::i18n::tr;
use dialogdesk_domain::wire::Me;
use dialogdesk_domain::Role;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::path;

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::restore();
    super::ctx::install(ctx);
    // A session cookie from earlier (a reload, a new tab) logs straight in.
    spawn_local(async move {
        match api::get::<Me>("/api/v1/me").await {
            Ok(me) => ctx.login(me),
            Err(_) => ctx.logout(None),
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
    view! {
        <Router>
            {move || if ctx.session.get().is_some() {
                view! { <Shell/> }.into_any()
            } else if ctx.checking.get() {
                view! { <p class="notice" role="status">{t("common.loading")}</p> }.into_any()
            } else {
                view! { <login::Login/> }.into_any()
            }}
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let ctx = ctx();
    let role = move || ctx.me().map(|m| m.role).unwrap_or(Role::Operator);
    let switch_lang = move |_| ctx.set_lang(ctx.lang.get_untracked().other());
    // Ends the session on the server (every token of this operator, the
    // cookie) before forgetting it here; offline, it is forgotten anyway.
    let log_out = move |_| {
        spawn_local(async move {
            let _ = api::send_empty(api::Method::Post, "/api/v1/auth/logout", None::<&()>).await;
            ctx.logout(None);
        });
    };
    view! {
        <header class="topbar">
            <span class="brand">"dialogdesk"</span>
            <nav aria-label=t("nav.main")>
                <A href="/chats/all">{t("nav.chats")}</A>
                <Show when=move || role().includes(Role::Head)>
                    <A href="/records" attr:title=t("nav.records.path")>{t("nav.records")}</A>
                </Show>
                <Show when=move || role().includes(Role::Admin)>
                    <A href="/settings">{t("nav.settings")}</A>
                </Show>
            </nav>
            <span class="spacer"></span>
            <span class="who">{move || ctx.me().map(|m| format!("{} · {}", m.name, tr(ctx.lang.get(), &format!("role.{}", m.role.as_str())))).unwrap_or_default()}</span>
            <button class="ghost" on:click=switch_lang aria-label=t("nav.language") data-testid="lang-switch">
                {move || ctx.lang.get().other().code().to_uppercase()}
            </button>
            <button class="ghost" on:click=log_out data-testid="logout">{t("nav.logout")}</button>
        </header>
        <main>
            <Routes fallback=|| view! { <Redirect path="/chats/all"/> }>
                <Route path=path!("/") view=|| view! { <Redirect path="/chats/all"/> }/>
                <Route path=path!("/chats/:view") view=chats::Chats/>
                <Route path=path!("/records") view=records::Records/>
                <Route path=path!("/records/dialog/:id") view=records::RecordDialog/>
                <Route path=path!("/settings") view=settings::Settings/>
            </Routes>
        </main>
    }
}
