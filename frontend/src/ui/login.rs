//! The login page.

use super::api;
use super::ctx::{t, use_ctx};
use dialogdesk_domain::wire::LoginRequest;
use leptos::prelude::*;

/// Log in with e-mail and password.
#[component]
pub fn Login() -> impl IntoView {
    let ctx = use_ctx();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let log_in = Action::new_local(move |body: &LoginRequest| {
        let body = body.clone();
        async move {
            match api::auth::login(&body).await {
                // The token is in the response too (for integrations);
                // the app relies on the cookie set with it and drops it.
                Ok(r) => {
                    ctx.login(r.operator);
                    None
                }
                Err(e) if e.status == 401 => Some(ctx.tr_untracked("login.failed")),
                Err(e) => Some(ctx.say(&e)),
            }
        }
    });
    let busy = log_in.pending();
    let error = move || log_in.value().get().flatten();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        log_in.dispatch(LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
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
                {move || error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                <button type="submit" class="primary" disabled=move || busy.get()>{t("login.submit")}</button>
                <button type="button" class="ghost" on:click=move |_| ctx.set_lang(ctx.lang.get_untracked().other())>
                    {move || ctx.lang.get().other().label()}
                </button>
            </form>
        </div>
    }
}
