//! Settings for admins: operators, channels, flows and steps, tags, API tokens,
//! webhooks.

use super::api::{self, Method};
use super::ctx::{t, tnow};
use dialogdesk_domain::wire::{
    ApiToken, CreateChannelBody, CreateFlowBody, CreateOperatorBody, CreateTagBody,
    CreateTokenBody, CreatedToken, Items, PasswordBody, RenameBody, StepBody, StepOrderBody,
    UpdateChannelBody, UpdateOperatorBody, UpdateStepBody, UpdateTagBody,
};
use dialogdesk_domain::{
    Channel, ChannelKind, FinishStatus, Flow, Operator, Role, Scope, StepId, Tag,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Serialize;
use serde_json::Value;

/// A typed request body, for [`Settings`]' one change runner.
fn body(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

#[derive(Clone, Default)]
struct Data {
    operators: Vec<Operator>,
    channels: Vec<Channel>,
    flows: Vec<Flow>,
    tags: Vec<Tag>,
    tokens: Vec<ApiToken>,
}

/// The page.
#[component]
pub fn Settings() -> impl IntoView {
    let data = RwSignal::new(Data::default());
    let error = RwSignal::new(None::<String>);
    let secret = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            let operators = api::get::<Items<Operator>>("/api/v1/operators")
                .await
                .map(|i| i.items);
            let channels = api::get::<Items<Channel>>("/api/v1/channels")
                .await
                .map(|i| i.items);
            let flows = api::get::<Items<Flow>>("/api/v1/flows")
                .await
                .map(|i| i.items);
            let tags = api::get::<Items<Tag>>("/api/v1/tags")
                .await
                .map(|i| i.items);
            let tokens = api::get::<Items<ApiToken>>("/api/v1/api-tokens")
                .await
                .map(|i| i.items);
            match (operators, channels, flows, tags, tokens) {
                (Ok(operators), Ok(channels), Ok(flows), Ok(tags), Ok(tokens)) => data.set(Data {
                    operators,
                    channels,
                    flows,
                    tags,
                    tokens,
                }),
                (Err(e), ..)
                | (_, Err(e), ..)
                | (_, _, Err(e), ..)
                | (_, _, _, Err(e), _)
                | (.., Err(e)) => error.set(Some(e.message)),
            }
        });
    };
    reload();
    // Runs a change, then shows the fresh state (or the problem).
    let act = move |method: Method, path: String, body: Value| {
        spawn_local(async move {
            match api::send_empty(method, &path, Some(&body)).await {
                Ok(()) => error.set(None),
                Err(e) => error.set(Some(e.message)),
            }
            reload();
        });
    };
    // Renames through the browser's prompt, as the password reset asks:
    // `make` turns the new name into the change's body.
    let rename = move |path: String, current: String, make: fn(String) -> Value| {
        let asked = web_sys::window().and_then(|w| {
            w.prompt_with_message_and_default(&tnow("settings.new_name"), &current)
                .ok()
                .flatten()
        });
        if let Some(name) = asked
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty() && *n != current)
        {
            act(Method::Patch, path, make(name));
        }
    };
    let delete = move |path: String| act(Method::Delete, path, Value::Null);
    // A new token's secret is shown once, so its answer is read.
    let create_token = move |request: CreateTokenBody| {
        spawn_local(async move {
            match api::send::<CreatedToken>(Method::Post, "/api/v1/api-tokens", Some(&request))
                .await
            {
                Ok(created) => {
                    error.set(None);
                    secret.set(Some(created.token));
                }
                Err(e) => error.set(Some(e.message)),
            }
            reload();
        });
    };

    // Form fields.
    let op_name = RwSignal::new(String::new());
    let op_email = RwSignal::new(String::new());
    let op_role = RwSignal::new("operator".to_owned());
    let op_password = RwSignal::new(String::new());
    let ch_name = RwSignal::new(String::new());
    let ch_kind = RwSignal::new("whatsapp".to_owned());
    let flow_name = RwSignal::new(String::new());
    let tag_name = RwSignal::new(String::new());
    let tag_color = RwSignal::new("#1e88e5".to_owned());
    let token_name = RwSignal::new(String::new());
    let token_scope = RwSignal::new("inbound".to_owned());
    let input =
        |signal: RwSignal<String>| move |ev: leptos::ev::Event| signal.set(event_target_value(&ev));

    view! {
        <div class="settings">
            <h1>{t("nav.settings")}</h1>
            {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}

            <section>
                <h2>{t("settings.operators")}</h2>
                <table class="grid">
                    <thead><tr><th>{t("settings.name")}</th><th>{t("settings.email")}</th><th>{t("settings.role")}</th><th>{t("settings.active")}</th><th></th></tr></thead>
                    <tbody>
                        {move || data.get().operators.into_iter().map(|o| {
                            let id = o.id.0;
                            let active = o.active;
                            view! {
                                <tr>
                                    <td>{o.name}</td><td>{o.email}</td>
                                    <td>{move || tnow(&format!("role.{}", o.role.as_str()))}</td>
                                    <td>{if active { "✓" } else { "—" }}</td>
                                    <td>
                                        <button class="ghost" on:click=move |_| act(Method::Patch, format!("/api/v1/operators/{id}"), body(&UpdateOperatorBody { active: Some(!active), ..Default::default() }))>
                                            {move || if active { tnow("settings.deactivate") } else { tnow("settings.activate") }}
                                        </button>
                                        <button class="ghost" on:click=move |_| {
                                            let asked = web_sys::window().and_then(|w| w.prompt_with_message(&tnow("settings.new_password")).ok().flatten());
                                            if let Some(password) = asked.filter(|p| !p.is_empty()) {
                                                spawn_local(async move {
                                                    match api::send_empty(Method::Put, &format!("/api/v1/operators/{id}/password"), Some(&PasswordBody { password })).await {
                                                        Ok(()) => error.set(None),
                                                        Err(e) => error.set(Some(e.message)),
                                                    }
                                                });
                                            }
                                        }>{t("settings.reset_password")}</button>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    act(Method::Post, "/api/v1/operators".into(), body(&CreateOperatorBody { name: op_name.get(), email: op_email.get(), role: op_role.get().parse().unwrap_or(Role::Operator), password: op_password.get() }));
                }>
                    <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(op_name)/>
                    <input type="email" placeholder=t("settings.email") aria-label=t("settings.email") required on:input=input(op_email)/>
                    <select aria-label=t("settings.role") on:change=input(op_role)>
                        {Role::ALL.iter().rev().map(|r| view! { <option value=r.as_str()>{move || tnow(&format!("role.{}", r.as_str()))}</option> }).collect_view()}
                    </select>
                    <input type="password" placeholder=t("settings.password") aria-label=t("settings.password") required minlength="8" on:input=input(op_password)/>
                    <button class="primary" type="submit">{t("common.create")}</button>
                </form>
            </section>

            <section>
                <h2>{t("settings.channels")}</h2>
                <ul class="plain">
                    {move || data.get().channels.into_iter().map(|c| {
                        let id = c.id.0;
                        let name = c.name.clone();
                        // A channel with dialogs cannot go (409, and the
                        // page says so): its dialogs keep pointing at it.
                        view! {
                            <li data-testid="channel">
                                <span class=format!("channel ch-{}", c.kind.as_str())>{c.kind.as_str()}</span>" "{c.name}" "
                                <button class="ghost" on:click=move |_| rename(format!("/api/v1/channels/{id}"), name.clone(),
                                    |name| body(&UpdateChannelBody { name: Some(name), ..Default::default() }))>{t("settings.rename")}</button>
                                <button class="ghost" on:click=move |_| delete(format!("/api/v1/channels/{id}"))>{t("common.delete")}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <form class="inline" on:submit=move |ev| { ev.prevent_default(); act(Method::Post, "/api/v1/channels".into(), body(&CreateChannelBody { kind: ch_kind.get().parse().unwrap_or(ChannelKind::Whatsapp), name: ch_name.get() })); }>
                    <select aria-label=t("settings.kind") on:change=input(ch_kind)>
                        {ChannelKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                    </select>
                    <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(ch_name)/>
                    <button class="primary" type="submit">{t("common.create")}</button>
                </form>
            </section>

            <section>
                <h2>{t("settings.flows")}</h2>
                {move || data.get().flows.into_iter().map(|flow| {
                    let flow_id = flow.id.0;
                    let order: Vec<i64> = flow.steps.iter().map(|s| s.id.0).collect();
                    let new_step = RwSignal::new(String::new());
                    view! {
                        <div class="flow">
                            <h3>{flow.name.clone()}" "
                                <button class="ghost" on:click=move |_| rename(format!("/api/v1/flows/{flow_id}"), flow.name.clone(),
                                    |name| body(&RenameBody { name }))>{t("settings.rename")}</button>
                            </h3>
                            <ol>
                                {flow.steps.into_iter().enumerate().map(|(i, step)| {
                                    let step_id = step.id.0;
                                    let up = order.clone();
                                    let down = order.clone();
                                    let last = order.len() - 1;
                                    let step_name = step.name.clone();
                                    view! {
                                        <li>
                                            {step.name}" "
                                            <button class="ghost" on:click=move |_| rename(format!("/api/v1/flows/{flow_id}/steps/{step_id}"), step_name.clone(),
                                                |name| body(&UpdateStepBody { name: Some(name), ..Default::default() }))>{t("settings.rename")}</button>
                                            <button class="ghost" on:click=move |_| delete(format!("/api/v1/flows/{flow_id}/steps/{step_id}"))>{t("common.delete")}</button>
                                            <select aria-label=t("settings.finish_status") on:change=move |ev| act(Method::Patch, format!("/api/v1/flows/{flow_id}/steps/{step_id}"), body(&UpdateStepBody { finish_status: event_target_value(&ev).parse().ok(), ..Default::default() }))>
                                                {FinishStatus::ALL.iter().map(|f| view! {
                                                    <option value=f.as_str() selected=*f == step.finish_status>{move || tnow(&format!("finish.{}", f.as_str()))}</option>
                                                }).collect_view()}
                                            </select>
                                            <button class="ghost" aria-label=t("settings.up") disabled=i == 0 on:click=move |_| {
                                                let mut o = up.clone(); o.swap(i, i.saturating_sub(1));
                                                act(Method::Put, format!("/api/v1/flows/{flow_id}/steps/order"), body(&StepOrderBody { step_ids: o.into_iter().map(StepId).collect() }));
                                            }>"↑"</button>
                                            <button class="ghost" aria-label=t("settings.down") disabled=i == last on:click=move |_| {
                                                let mut o = down.clone(); o.swap(i, (i + 1).min(last));
                                                act(Method::Put, format!("/api/v1/flows/{flow_id}/steps/order"), body(&StepOrderBody { step_ids: o.into_iter().map(StepId).collect() }));
                                            }>"↓"</button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ol>
                            <form class="inline" on:submit=move |ev| { ev.prevent_default(); act(Method::Post, format!("/api/v1/flows/{flow_id}/steps"), body(&StepBody { name: new_step.get(), finish_status: FinishStatus::None })); }>
                                <input placeholder=t("settings.add_step") aria-label=t("settings.add_step") required on:input=input(new_step)/>
                                <button class="ghost" type="submit">{t("settings.add_step")}</button>
                            </form>
                        </div>
                    }
                }).collect_view()}
                <form class="inline" on:submit=move |ev| { ev.prevent_default(); act(Method::Post, "/api/v1/flows".into(), body(&CreateFlowBody { name: flow_name.get(), steps: Vec::new() })); }>
                    <input placeholder=t("settings.new_flow") aria-label=t("settings.new_flow") required on:input=input(flow_name)/>
                    <button class="primary" type="submit">{t("common.create")}</button>
                </form>
            </section>

            <section>
                <h2>{t("settings.tags")}</h2>
                <ul class="plain">
                    {move || data.get().tags.into_iter().map(|tag| {
                        let id = tag.id.0;
                        view! {
                            <li>
                                <span class="tag" style=format!("--tag:{}", tag.color)>{tag.name.clone()}</span>
                                <button class="ghost" on:click=move |_| rename(format!("/api/v1/tags/{id}"), tag.name.clone(),
                                    |name| body(&UpdateTagBody { name: Some(name), ..Default::default() }))>{t("settings.rename")}</button>
                                <button class="ghost" on:click=move |_| {
                                    spawn_local(async move {
                                        if let Err(e) = api::send_empty(Method::Delete, &format!("/api/v1/tags/{id}"), None::<&()>).await { error.set(Some(e.message)); }
                                        reload();
                                    });
                                }>{t("common.delete")}</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <form class="inline" on:submit=move |ev| { ev.prevent_default(); act(Method::Post, "/api/v1/tags".into(), body(&CreateTagBody { name: tag_name.get(), color: tag_color.get() })); }>
                    <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(tag_name)/>
                    <input type="color" aria-label=t("settings.color") prop:value=move || tag_color.get() on:input=input(tag_color)/>
                    <button class="primary" type="submit">{t("common.create")}</button>
                </form>
            </section>

            <section>
                <h2>{t("settings.tokens")}</h2>
                {move || secret.get().map(|s| view! { <p class="notice" role="status">{t("settings.secret_once")}" "<code data-testid="token-secret">{s}</code></p> })}
                <ul class="plain">
                    {move || data.get().tokens.into_iter().map(|tk| {
                        let id = tk.id;
                        let revoked = tk.revoked_at.is_some();
                        view! {
                            <li>
                                <strong>{tk.name}</strong>" "
                                <span class="muted">{tk.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")}</span>" "
                                {tk.last_used_at.map(|u| view! { <span class="muted">{t("settings.last_used")}" "{u.format("%Y-%m-%d %H:%M").to_string()}</span> })}
                                {if revoked {
                                    view! { <span class="badge">{t("settings.revoked")}</span> }.into_any()
                                } else {
                                    view! { <button class="ghost" on:click=move |_| {
                                        spawn_local(async move {
                                            let _ = api::send_empty(Method::Delete, &format!("/api/v1/api-tokens/{id}"), None::<&()>).await;
                                            reload();
                                        });
                                    }>{t("settings.revoke")}</button> }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <form class="inline" on:submit=move |ev| { ev.prevent_default(); create_token(CreateTokenBody { name: token_name.get(), scopes: token_scope.get().parse().map(|s: Scope| vec![s]).unwrap_or_default() }); }>
                    <input placeholder=t("settings.name") aria-label=t("settings.name") required on:input=input(token_name)/>
                    <select aria-label=t("settings.scopes") on:change=input(token_scope)>
                        {Scope::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
                    </select>
                    <button class="primary" type="submit">{t("common.create")}</button>
                </form>
            </section>
            <super::webhooks::Webhooks/>
        </div>
    }
}
