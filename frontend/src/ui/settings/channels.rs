//! Settings → Channels: create, rename, delete. A channel that dialogs
//! point at cannot be deleted (409, and the page says so): its dialogs keep
//! their channel, so it is kept and can be renamed instead.

use super::super::api::admin::Change;
use super::super::catalog::use_catalog;
use super::super::ctx::t;
use super::{input, Changes, RenameButton};
use dialogdesk_domain::wire::{CreateChannelBody, UpdateChannelBody};
use dialogdesk_domain::ChannelKind;
use leptos::prelude::*;

/// The section.
#[component]
pub fn Channels(changes: Changes) -> impl IntoView {
    let catalog = use_catalog();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("whatsapp".to_owned());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changes.make(Change::CreateChannel(CreateChannelBody {
            kind: kind
                .get_untracked()
                .parse()
                .unwrap_or(ChannelKind::Whatsapp),
            name: name.get_untracked(),
        }));
    };
    view! {
        <section>
            <h2>{t("settings.channels")}</h2>
            <ul class="plain">
                {move || catalog.get().channels.into_iter().map(|c| {
                    let id = c.id.0;
                    view! {
                        <li data-testid="channel">
                            <span class=format!("channel ch-{}", c.kind.as_str())>{c.kind.as_str()}</span>" "{c.name.clone()}" "
                            <RenameButton current=c.name.clone() changes=changes
                                change=move |name| Change::UpdateChannel(id, UpdateChannelBody { name: Some(name), ..Default::default() })/>
                            <button class="ghost" on:click=move |_| changes.make(Change::DeleteChannel(id))>{t("common.delete")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline" on:submit=create>
                <select aria-label=t("settings.kind") on:change=input(kind)>
                    {ChannelKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                </select>
                <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(name)/>
                <button class="primary" type="submit">{t("common.create")}</button>
            </form>
        </section>
    }
}
