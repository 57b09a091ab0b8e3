//! Settings → Webhooks: subscriptions, their secrets (shown once), the
//! delivery log, redelivery of what failed.

use super::api::{self, Method};
use super::ctx::t;
use dialogdesk_domain::wire::{
    CreateWebhookBody, Items, Page, RedeliverBody, UpdateWebhookBody, Webhook, WebhookAttempt,
    WebhookWithSecret,
};
use dialogdesk_domain::{WebhookEventType, WebhookId};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The section.
#[component]
pub fn Webhooks() -> impl IntoView {
    let hooks = RwSignal::new(Vec::<Webhook>::new());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<String>);
    let log = RwSignal::new(None::<(WebhookId, Vec<WebhookAttempt>)>);
    let reload = move || {
        spawn_local(async move {
            match api::get::<Items<Webhook>>("/api/v1/webhooks").await {
                Ok(items) => hooks.set(items.items),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    reload();
    // A change whose answer may carry a new secret (create, rotate).
    let with_secret = move |path: String, body: Option<CreateWebhookBody>| {
        spawn_local(async move {
            match api::send::<WebhookWithSecret>(Method::Post, &path, body.as_ref()).await {
                Ok(created) => {
                    error.set(None);
                    secret.set(Some(created.secret));
                }
                Err(e) => error.set(Some(e.message)),
            }
            reload();
        });
    };
    let act = move |method: Method, path: String, body: serde_json::Value| {
        spawn_local(async move {
            match api::send_empty(method, &path, Some(&body)).await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.message)),
            }
            reload();
        });
    };
    let show_log = move |id: WebhookId| {
        spawn_local(async move {
            let path = format!("/api/v1/webhooks/{id}/deliveries?limit=20");
            match api::get::<Page<WebhookAttempt>>(&path).await {
                Ok(page) => log.set(Some((id, page.items))),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(WebhookEventType::ALL.to_vec());
    let create = move || {
        with_secret(
            "/api/v1/webhooks".into(),
            Some(CreateWebhookBody {
                url: url.get_untracked(),
                events: chosen.get_untracked(),
                channel_id: None,
            }),
        );
    };
    view! {
        <section data-testid="webhooks">
            <h2>{t("webhooks.title")}</h2>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || secret.get().map(|s| view! { <p class="notice" role="status">{t("settings.secret_once")}" "<code data-testid="webhook-secret">{s}</code></p> })}
            <ul class="plain">
                {move || hooks.get().into_iter().map(|hook| {
                    let id = hook.id;
                    let enabled = hook.enabled;
                    let toggle = move |_| act(Method::Patch, format!("/api/v1/webhooks/{id}"),
                        serde_json::to_value(UpdateWebhookBody { enabled: Some(!enabled), ..Default::default() }).unwrap_or_default());
                    let since = chrono::Utc::now() - chrono::Duration::days(30);
                    let redeliver = move |_| act(Method::Post, format!("/api/v1/webhooks/{id}/redeliver"),
                        serde_json::to_value(RedeliverBody { event_id: None, since: Some(since) }).unwrap_or_default());
                    view! {
                        <li data-testid="webhook">
                            <code>{hook.url}</code>" "
                            <span class="muted">{hook.events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(", ")}</span>" "
                            <span class="badge">{if enabled { t("webhooks.enabled") } else { t("webhooks.disabled") }}</span>
                            {hook.disabled_reason.map(|r| view! { <span class="error">{r}</span> })}
                            <button class="ghost" on:click=toggle>{if enabled { t("webhooks.disable") } else { t("webhooks.enable") }}</button>
                            <button class="ghost" on:click=move |_| with_secret(format!("/api/v1/webhooks/{id}/secret"), None)>{t("webhooks.rotate")}</button>
                            <button class="ghost" on:click=move |_| show_log(id)>{t("webhooks.log")}</button>
                            <button class="ghost" on:click=redeliver>{t("webhooks.redeliver")}</button>
                            <button class="ghost" on:click=move |_| act(Method::Delete, format!("/api/v1/webhooks/{id}"), serde_json::Value::Null)>{t("common.delete")}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || log.get().map(|(id, attempts)| view! {
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
