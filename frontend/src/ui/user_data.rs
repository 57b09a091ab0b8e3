//! The User Data panel: chat settings (manager, status, flow and step,
//! tags; one Save), client information, and the live timeline.

use super::api;
use super::browser::js_sys_offset;
use super::catalog::use_catalog;
use super::ctx::{t, use_ctx};
use crate::logic::{format, timeline};
use dialogdesk_domain::wire::{DialogListItem, SettingsBody};
use dialogdesk_domain::{Author, Client, FlowId, OperatorId, Status, StepId, TagId, TimelineEvent};
use leptos::prelude::*;

/// The form's state, compared with the dialog to know what changed.
#[derive(Clone, PartialEq)]
struct Form {
    assignee: String,
    status: String,
    flow: String,
    step: String,
    tags: Vec<i64>,
}

impl Form {
    fn of(d: &DialogListItem) -> Form {
        Form {
            assignee: d
                .assignee
                .as_ref()
                .map(|a| a.id.0.to_string())
                .unwrap_or_default(),
            status: String::new(),
            flow: d
                .flow
                .as_ref()
                .map(|f| f.id.0.to_string())
                .unwrap_or_default(),
            step: d
                .step
                .as_ref()
                .map(|s| s.id.0.to_string())
                .unwrap_or_default(),
            tags: {
                let mut t: Vec<i64> = d.tags.iter().map(|t| t.id.0).collect();
                t.sort();
                t
            },
        }
    }

    /// The save body: only what changed, with the version.
    fn body(&self, original: &Form, version: i64) -> SettingsBody {
        let id = |s: &str| s.parse::<i64>().ok();
        let mut body = SettingsBody {
            version: Some(version),
            ..SettingsBody::default()
        };
        if self.assignee != original.assignee {
            body.assignee_id = Some(id(&self.assignee).map(OperatorId));
        }
        if !self.status.is_empty() {
            body.status = self.status.parse::<Status>().ok();
        }
        if self.flow != original.flow || self.step != original.step {
            body.flow_id = Some(id(&self.flow).map(FlowId));
            body.step_id = Some(id(&self.step).map(StepId));
        }
        if self.tags != original.tags {
            body.tag_ids = Some(self.tags.iter().copied().map(TagId).collect());
        }
        body
    }
}

/// The panel.
#[component]
pub fn UserData(
    dialog: DialogListItem,
    timeline: RwSignal<Vec<TimelineEvent>>,
    read_only: bool,
    on_saved: impl Fn(DialogListItem) + Copy + Send + Sync + 'static,
    on_reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let channel = dialog.channel.name.clone();
    let client = dialog.client.clone();
    view! {
        <aside class="user-data" aria-label=t("ud.title") data-testid="user-data">
            <h2>{t("ud.title")}</h2>
            <SettingsForm dialog=dialog read_only=read_only on_saved=on_saved on_reload=on_reload/>
            <ClientInfo client=client channel=channel/>
            <Timeline timeline=timeline/>
        </aside>
    }
}

/// Chat settings: manager, status, flow and step, tags, and one Save that
/// sends only what changed, with the version it was read at.
#[component]
fn SettingsForm(
    dialog: DialogListItem,
    read_only: bool,
    on_saved: impl Fn(DialogListItem) + Copy + Send + Sync + 'static,
    on_reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctx = use_ctx();
    let catalog = use_catalog();
    let original = Form::of(&dialog);
    let form = RwSignal::new(original.clone());
    let version = dialog.version;
    let status = dialog.status;
    let id = dialog.id.0;
    let lead_wrote_last = dialog
        .last_message
        .as_ref()
        .is_some_and(|m| m.author == Author::Lead);
    let original_for_changed = original.clone();
    let changed = move || form.get() != original_for_changed;
    let save = Action::new_local(move |body: &SettingsBody| {
        let body = body.clone();
        async move {
            match api::dialogs::save_settings(id, &body).await {
                Ok(fresh) => {
                    on_saved(fresh);
                    None
                }
                Err(e) => Some((ctx.say(&e), e.status == 409)),
            }
        }
    });
    let saving = save.pending();
    let problem = move || save.value().get().flatten();
    let steps_of_flow = move || {
        let flow = form.get().flow;
        catalog.with(|c| {
            c.flows
                .iter()
                .find(|f| f.id.0.to_string() == flow)
                .map(|f| f.steps.clone())
                .unwrap_or_default()
        })
    };
    view! {
            <section>
                <h3>{t("ud.settings")}</h3>
                <fieldset disabled=read_only>
                    <label>{t("ud.manager")}
                        <select data-testid="ud-manager" on:change=move |ev| form.update(|f| f.assignee = event_target_value(&ev))>
                            <option value="" selected=move || form.get().assignee.is_empty()>{t("ud.no_manager")}</option>
                            {move || catalog.get().operators.into_iter().filter(|o| o.active).map(|o| {
                                let value = o.id.0.to_string();
                                let v2 = value.clone();
                                view! { <option value=value selected=move || form.get().assignee == v2>{o.name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <StatusSelect form=form status=status lead_wrote_last=lead_wrote_last/>
                    {(!lead_wrote_last).then(|| view! { <p class="hint">{t("ud.ignore_disabled")}</p> })}
                    <label>{t("ud.flow")}
                        <select data-testid="ud-flow" on:change=move |ev| form.update(|f| { f.flow = event_target_value(&ev); f.step.clear(); })>
                            <option value="" selected=move || form.get().flow.is_empty()>{t("ud.no_flow")}</option>
                            {move || catalog.get().flows.into_iter().map(|fl| {
                                let value = fl.id.0.to_string();
                                let v2 = value.clone();
                                view! { <option value=value selected=move || form.get().flow == v2>{fl.name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>{t("ud.step")}
                        <select data-testid="ud-step" on:change=move |ev| form.update(|f| f.step = event_target_value(&ev))>
                            <option value="" selected=move || form.get().step.is_empty()>{t("common.none")}</option>
                            {move || steps_of_flow().into_iter().map(|s| {
                                let value = s.id.0.to_string();
                                let v2 = value.clone();
                                let finish = s.finish_status;
                                view! {
                                    <option value=value selected=move || form.get().step == v2>
                                        {s.name}" · "{move || ctx.tr(&format!("finish.{}", finish.as_str()))}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </label>
                    <TagPicker form=form/>
                    {move || problem().map(|(message, conflict)| view! {
                        <div class="error" role="alert">
                            {conflict.then(|| view! { <strong>{t("ud.conflict")}" "</strong> })}
                            {message}
                            {conflict.then(|| view! { <button class="ghost" on:click=move |_| on_reload()>{t("common.reload")}</button> })}
                        </div>
                    })}
                    <button class="primary" data-testid="ud-save" disabled=move || !changed() || saving.get()
                        on:click=move |_| { save.dispatch(form.get_untracked().body(&original, version)); }>
                        {move || if saving.get() { ctx.tr("common.saving") } else { ctx.tr("common.save") }}
                    </button>
                </fieldset>
            </section>
    }
}

/// The status to set by hand, or none to keep the dialog's own. Ignore is
/// offered only when the lead wrote last (the state machine's rule).
#[component]
fn StatusSelect(form: RwSignal<Form>, status: Status, lead_wrote_last: bool) -> impl IntoView {
    let ctx = use_ctx();
    let settable: Vec<Status> = Status::ALL
        .iter()
        .copied()
        .filter(|s| s.settable_by_hand())
        .collect();
    view! {
                    <label>{t("ud.status")}
                        <select data-testid="ud-status" on:change=move |ev| form.update(|f| f.status = event_target_value(&ev))>
                            <option value="">{t("ud.keep_status")}" ("{move || ctx.tr(&format!("status.{}", status.as_str()))}")"</option>
                            {settable.into_iter().map(|s| {
                                let disabled = s == Status::Ignore && !lead_wrote_last;
                                view! {
                                    <option value=s.as_str() disabled=disabled
                                        title=move || if disabled { ctx.tr("ud.ignore_disabled") } else { String::new() }>
                                        {move || ctx.tr(&format!("status.{}", s.as_str()))}
                                    </option>
                                }
                            }).collect_view()}
                        </select>
                    </label>
    }
}

/// The catalog's tags, each a checkbox in its own colour.
#[component]
fn TagPicker(form: RwSignal<Form>) -> impl IntoView {
    let catalog = use_catalog();
    view! {
                    <div class="tag-picker" role="group" aria-label=t("ud.tags")>
                        <span class="label">{t("ud.tags")}</span>
                        {move || catalog.get().tags.into_iter().map(|tag| {
                            let tag_id = tag.id.0;
                            view! {
                                <label class="tag-check" style=format!("--tag:{}", tag.color)>
                                    <input type="checkbox" prop:checked=move || form.get().tags.contains(&tag_id)
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            form.update(|f| {
                                                f.tags.retain(|t| *t != tag_id);
                                                if on { f.tags.push(tag_id); f.tags.sort(); }
                                            });
                                        }/>
                                    {tag.name}
                                </label>
                            }
                        }).collect_view()}
                    </div>
    }
}

/// Who the lead is.
#[component]
fn ClientInfo(client: Client, channel: String) -> impl IntoView {
    let ctx = use_ctx();
    let offset = -js_sys_offset();
    let created_at = client.created_at;
    let fields = (!client.custom_fields.is_empty()).then(|| {
        client
            .custom_fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}: {}",
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    });
    view! {
        <section>
            <h3>{t("ud.client")}</h3>
            <dl>
                <dt>{t("ud.name")}</dt><dd>{client.name}</dd>
                <dt>{t("ud.phone")}</dt><dd>{client.phone.unwrap_or_default()}</dd>
                <dt>{t("ud.channel")}</dt><dd>{channel}</dd>
                <dt>{t("ud.created")}</dt><dd>{move || format::date_time(ctx.lang.get(), format::local(created_at, offset))}</dd>
                {fields.map(|fields| view! { <dt>{t("ud.fields")}</dt><dd>{fields}</dd> })}
            </dl>
        </section>
    }
}

/// The latest 50 timeline entries, newest first, in words.
#[component]
fn Timeline(timeline: RwSignal<Vec<TimelineEvent>>) -> impl IntoView {
    let ctx = use_ctx();
    let catalog = use_catalog();
    let offset = -js_sys_offset();
    view! {
        <section>
            <h3>{t("ud.timeline")}</h3>
            <ol class="timeline" data-testid="timeline">
                {move || timeline.get().into_iter().rev().take(50).map(|e| {
                    let lang = ctx.lang.get();
                    let when = format::date_time(lang, format::local(e.at, offset));
                    let what = catalog.with(|names| timeline::what(lang, &e, &timeline::Names {
                        operators: &names.operators,
                        flows: &names.flows,
                        tags: &names.tags,
                    }));
                    view! {
                        <li class=format!("ev {}", e.kind)>
                            <span class="what">{ctx.tr(&format!("event.{}", e.kind))}</span>
                            " "<span>{what}</span>
                            <time>{when}</time>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
