//! Settings → Operators: create, deactivate (an operator is never deleted:
//! dialogs and the timeline keep naming them), reset a password.

use super::super::api::admin::Change;
use super::super::catalog::use_catalog;
use super::super::ctx::{t, use_ctx};
use super::{input, Changes};
use dialogdesk_domain::wire::{CreateOperatorBody, PasswordBody, UpdateOperatorBody};
use dialogdesk_domain::Role;
use leptos::prelude::*;

/// The section.
#[component]
pub fn Operators(changes: Changes) -> impl IntoView {
    let ctx = use_ctx();
    let catalog = use_catalog();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new("operator".to_owned());
    let password = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changes.make(Change::CreateOperator(CreateOperatorBody {
            name: name.get_untracked(),
            email: email.get_untracked(),
            role: role.get_untracked().parse().unwrap_or(Role::Operator),
            password: password.get_untracked(),
        }));
    };
    view! {
        <section>
            <h2>{t("settings.operators")}</h2>
            <table class="grid">
                <thead><tr><th>{t("settings.name")}</th><th>{t("settings.email")}</th><th>{t("settings.role")}</th><th>{t("settings.active")}</th><th><span class="visually-hidden">{t("settings.actions")}</span></th></tr></thead>
                <tbody>
                    {move || catalog.get().operators.into_iter().map(|o| {
                        let id = o.id.0;
                        let active = o.active;
                        let toggle = move |_| changes.make(Change::UpdateOperator(id, UpdateOperatorBody { active: Some(!active), ..Default::default() }));
                        let reset = move |_| {
                            let asked = web_sys::window().and_then(|w| w.prompt_with_message(&ctx.tr_untracked("settings.new_password")).ok().flatten());
                            if let Some(password) = asked.filter(|p| !p.is_empty()) {
                                changes.make(Change::SetPassword(id, PasswordBody { password }));
                            }
                        };
                        view! {
                            <tr>
                                <td>{o.name}</td><td>{o.email}</td>
                                <td>{move || ctx.tr(&format!("role.{}", o.role.as_str()))}</td>
                                <td>{if active { "✓" } else { "—" }}</td>
                                <td>
                                    <button class="ghost" on:click=toggle>
                                        {move || if active { ctx.tr("settings.deactivate") } else { ctx.tr("settings.activate") }}
                                    </button>
                                    <button class="ghost" on:click=reset>{t("settings.reset_password")}</button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <form class="inline" on:submit=create>
                <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(name)/>
                <input type="email" placeholder=t("settings.email") aria-label=t("settings.email") required on:input=input(email)/>
                <select aria-label=t("settings.role") on:change=input(role)>
                    {Role::ALL.iter().rev().map(|r| view! { <option value=r.as_str()>{move || ctx.tr(&format!("role.{}", r.as_str()))}</option> }).collect_view()}
                </select>
                <input type="password" placeholder=t("settings.password") aria-label=t("settings.password") required minlength="8" on:input=input(password)/>
                <button class="primary" type="submit">{t("common.create")}</button>
            </form>
        </section>
    }
}
