//! Settings → Webhooks: subscriptions, their secrets (shown once), the
//! delivery log, redelivery of what failed.

use super::api;
use super::ctx::{t, use_ctx};
use dialogdesk_domain::wire::{CreateWebhookBody, RedeliverBody, UpdateWebhookBody};
use dialogdesk_domain::{WebhookEventType, WebhookId};
use leptos::prelude::*;

/// What a change of a subscription can be.
#[derive(Clone)]
enum HookChange {
    Create(CreateWebhookBody),
    RotateSecret(WebhookId),
    Update(WebhookId, UpdateWebhookBody),
    Redeliver(WebhookId, RedeliverBody),
    Delete(WebhookId),
}

/// The section.
#[component]
pub fn Webhooks() -> impl IntoView {
    let ctx = use_ctx();
    let secret = RwSignal::new(None::<String>);
    let change = Action::new_local(move |change: &HookChange| {
        let change = change.clone();
        async move {
            let answer = match change {
                HookChange::Create(body) => api::webhooks::create(&body).await.map(Some),
                HookChange::RotateSecret(id) => api::webhooks::rotate_secret(id).await.map(Some),
                HookChange::Update(id, body) => {
                    api::webhooks::update(id, &body).await.map(|()| None)
                }
                HookChange::Redeliver(id, body) => {
                    api::webhooks::redeliver(id, &body).await.map(|()| None)
                }
                HookChange::Delete(id) => api::webhooks::delete(id).await.map(|()| None),
            };
            match answer {
                // A new secret is shown once.
                Ok(with_secret) => {
                    if let Some(created) = with_secret {
                        secret.set(Some(created.secret));
                    }
                    None
                }
                Err(e) => Some(ctx.say(&e)),
            }
        }
    });
    let made = change.version();
    let hooks = LocalResource::new(move || {
        made.track();
        api::webhooks::list()
    });
    let show_log = Action::new_local(move |id: &WebhookId| {
        let id = *id;
        async move { (id, api::webhooks::deliveries(id).await) }
    });
    let error = move || {
        change
            .value()
            .get()
            .flatten()
            .or_else(|| hooks.get().and_then(|h| h.err()).map(|e| ctx.say(&e)))
    };
    let log = move || match show_log.value().get() {
        Some((id, Ok(attempts))) => Some((id, attempts)),
        _ => None,
    };
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(WebhookEventType::ALL.to_vec());
    let create = move || {
        change.dispatch(HookChange::Create(CreateWebhookBody {
            url: url.get_untracked(),
            events: chosen.get_untracked(),
            channel_id: None,
        }));
    };
    view! {
        <section data-testid="webhooks">
            <h2>{t("webhooks.title")}</h2>
            {move || error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || secret.get().map(|s| view! { <p class="notice" role="status">{t("settings.secret_once")}" "<code data-testid="webhook-secret">{s}</code></p> })}
            <ul class="plain">
                {move || hooks.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|hook| {
                    let id = hook.id;
                    let enabled = hook.enabled;
                    let toggle = move |_| { change.dispatch(HookChange::Update(id, UpdateWebhookBody { enabled: Some(!enabled), ..Default::default() })); };
                    let since = chrono::Utc::now() - chrono::Duration::days(30);
                    let redeliver = move |_| { change.dispatch(HookChange::Redeliver(id, RedeliverBody { event_id: None, since: Some(since) })); };
                    view! {
                        <li data-testid="webhook">
                            <code>{hook.url}</code>" "
                            <span class="muted">{hook.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")}</span>" "
                            <span class="badge">{if enabled { t("webhooks.enabled") } else { t("webhooks.disabled") }}</span>
                            {hook.disabled_reason.map(|r| view! { <span class="error">{r}</span> })}
                            <button class="ghost" on:click=toggle>{if enabled { t("webhooks.disable") } else { t("webhooks.enable") }}</button>
                            <button class="ghost" on:click=move |_| { change.dispatch(HookChange::RotateSecret(id)); }>{t("webhooks.rotate")}</button>
                            <button class="ghost" on:click=move |_| { show_log.dispatch(id); }>{t("webhooks.log")}</button>
                            <button class="ghost" on:click=redeliver>{t("webhooks.redeliver")}</button>
                            <button class="ghost" on:click=move |_| { change.dispatch(HookChange::Delete(id)); }>{t("common.delete")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || log().map(|(id, attempts)| view! {
                <table class="log" data-testid="webhook-log">
                    <caption>{t("webhooks.log")}" #"{id.0}</caption>
                    <thead><tr><th>{t("webhooks.when")}</th><th>{t("webhooks.event")}</th><th>"#"</th><th>"HTTP"</th><th>"ms"</th><th>{t("webhooks.error")}</th></tr></thead>
                    <tbody>{attempts.into_iter().map(|a| view! {
                        <tr><td>{a.attempted_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td><td>{a.event_type.as_str()}" "{a.event_id}</td>
                            <td>{a.attempt}</td><td>{a.status_code.map(|c| c.to_string()).unwrap_or_default()}</td>
                            <td>{a.latency_ms}</td><td>{a.error.unwrap_or_default()}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            })}
            <form class="inline" on:submit=move |ev| { ev.prevent_default(); create(); }>
                <input type="url" placeholder="https://…" aria-label=t("webhooks.url") required data-testid="webhook-url"
                    on:input=move |ev| url.set(event_target_value(&ev))/>
                {WebhookEventType::ALL.iter().map(|&event| view! {
                    <label class="check">
                        <input type="checkbox" prop:checked=move || chosen.get().contains(&event)
                            on:change=move |_| chosen.update(|c| if c.contains(&event) { c.retain(|e| *e != event) } else { c.push(event) })/>
                        {event.as_str()}
                    </label>
                }).collect_view()}
                <button class="primary" type="submit">{t("common.create")}</button>
            </form>
        </section>
    }
}
