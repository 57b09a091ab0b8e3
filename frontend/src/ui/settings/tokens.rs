//! Settings → API tokens: create (the secret is shown once), revoke.

use super::super::api;
use super::super::api::admin::Change;
use super::super::ctx::{t, use_ctx};
use super::{input, Changes};
use dialogdesk_domain::wire::CreateTokenBody;
use dialogdesk_domain::Scope;
use leptos::prelude::*;

/// The section.
#[component]
pub fn Tokens(changes: Changes) -> impl IntoView {
    let ctx = use_ctx();
    let made = changes.version();
    // Tokens are not in the shared catalog: read again after any change.
    let tokens = LocalResource::new(move || {
        made.track();
        api::admin::tokens()
    });
    let name = RwSignal::new(String::new());
    let scope = RwSignal::new("inbound".to_owned());
    let create = Action::new_local(move |body: &CreateTokenBody| {
        let body = body.clone();
        async move {
            let created = api::admin::create_token(&body).await;
            tokens.refetch();
            created.map(|c| c.token).map_err(|e| ctx.say(&e))
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateTokenBody {
            name: name.get_untracked(),
            scopes: scope
                .get_untracked()
                .parse()
                .map(|s: Scope| vec![s])
                .unwrap_or_default(),
        });
    };
    view! {
        <section>
            <h2>{t("settings.tokens")}</h2>
            {move || create.value().get().map(|answer| match answer {
                Ok(secret) => view! { <p class="notice" role="status">{t("settings.secret_once")}" "<code data-testid="token-secret">{secret}</code></p> }.into_any(),
                Err(problem) => view! { <p class="error" role="alert">{problem}</p> }.into_any(),
            })}
            <ul class="plain">
                {move || tokens.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|tk| {
                    let id = tk.id;
                    view! {
                        <li>
                            <strong>{tk.name}</strong>" "
                            <span class="muted">{tk.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")}</span>" "
                            {tk.last_used_at.map(|u| view! { <span class="muted">{t("settings.last_used")}" "{u.format("%Y-%m-%d %H:%M").to_string()}</span> })}
                            {if tk.revoked_at.is_some() {
                                view! { <span class="badge">{t("settings.revoked")}</span> }.into_any()
                            } else {
                                view! { <button class="ghost" on:click=move |_| changes.make(Change::RevokeToken(id))>{t("settings.revoke")}</button> }.into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline" on:submit=submit>
                <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(name)/>
                <select aria-label=t("settings.scopes") on:change=input(scope)>
                    {Scope::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
                </select>
                <button class="primary" type="submit">{t("common.create")}</button>
            </form>
        </section>
    }
}
