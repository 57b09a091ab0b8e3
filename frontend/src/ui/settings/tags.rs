//! Settings → Tags: create, rename, delete (a deleted tag leaves the
//! dialogs that carried it; the timeline keeps its name).

use super::super::api::admin::Change;
use super::super::catalog::use_catalog;
use super::super::ctx::t;
use super::{input, Changes, RenameButton};
use dialogdesk_domain::wire::{CreateTagBody, UpdateTagBody};
use leptos::prelude::*;

/// The section.
#[component]
pub fn Tags(changes: Changes) -> impl IntoView {
    let catalog = use_catalog();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#1e88e5".to_owned());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changes.make(Change::CreateTag(CreateTagBody {
            name: name.get_untracked(),
            color: color.get_untracked(),
        }));
    };
    view! {
        <section>
            <h2>{t("settings.tags")}</h2>
            <ul class="plain">
                {move || catalog.get().tags.into_iter().map(|tag| {
                    let id = tag.id.0;
                    view! {
                        <li>
                            <span class="tag" style=format!("--tag:{}", tag.color)>{tag.name.clone()}</span>
                            <RenameButton current=tag.name.clone() changes=changes
                                change=move |name| Change::UpdateTag(id, UpdateTagBody { name: Some(name), ..Default::default() })/>
                            <button class="ghost" on:click=move |_| changes.make(Change::DeleteTag(id))>{t("common.delete")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline" on:submit=create>
                <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(name)/>
                <input type="color" aria-label=t("settings.color") prop:value=move || color.get() on:input=input(color)/>
                <button class="primary" type="submit">{t("common.create")}</button>
            </form>
        </section>
    }
}
