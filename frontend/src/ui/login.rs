//! The login page.

use super::api::{self, ApiResult};
use super::ctx::{ctx, t};
use dialogdesk_domain::wire::{LoginRequest, LoginResponse};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Log in with e-mail and password.
#[component]
pub fn Login() -> impl IntoView {
    let ctx = ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let body = LoginRequest {
                email: email.get_untracked(),
                password: password.get_untracked(),
            };
            let result: ApiResult<LoginResponse> =
                api::send(api::Method::Post, "/api/v1/auth/login", Some(&body)).await;
            busy.set(false);
            match result {
                // The token is in the response too (for integrations);
                // the app relies on the cookie set with it and drops it.
                Ok(r) => ctx.login(r.operator),
                Err(e) if e.status == 401 => error.set(Some(crate::logic::i18n::tr(
                    ctx.lang.get_untracked(),
                    "login.failed",
                ))),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <div class="login">
            <form on:submit=submit class="card">
                <h1>{t("login.title")}</h1>
                {move || ctx.flash.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                <label>{t("login.email")}
                    <input type="email" name="email" autocomplete="username" required
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))/>
                </label>
                <label>{t("login.password")}
                    <input type="password" name="password" autocomplete="current-password" required
                        prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit" class="primary" disabled=move || busy.get()>{t("login.submit")}</button>
                <button type="button" class="ghost" on:click=move |_| ctx.set_lang(ctx.lang.get_untracked().other())>
                    {move || ctx.lang.get().other().code().to_uppercase()}
                </button>
            </form>
        </div>
    }
}
