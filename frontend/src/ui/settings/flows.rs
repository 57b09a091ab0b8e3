//! Settings → Flows and steps: create a flow, rename it; add, rename,
//! reorder and delete steps, and set what finishing at a step means. A flow
//! itself is not deleted (the API keeps flows: dialogs and the timeline
//! name them); an unused one can be renamed for another purpose.

use super::super::api::admin::Change;
use super::super::catalog::use_catalog;
use super::super::ctx::{t, use_ctx};
use super::{input, Changes, RenameButton};
use dialogdesk_domain::wire::{
    CreateFlowBody, RenameBody, StepBody, StepOrderBody, UpdateStepBody,
};
use dialogdesk_domain::{FinishStatus, Flow, Step, StepId};
use leptos::prelude::*;

/// The section.
#[component]
pub fn Flows(changes: Changes) -> impl IntoView {
    let catalog = use_catalog();
    let name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changes.make(Change::CreateFlow(CreateFlowBody {
            name: name.get_untracked(),
            steps: Vec::new(),
        }));
    };
    view! {
        <section>
            <h2>{t("settings.flows")}</h2>
            {move || catalog.get().flows.into_iter().map(|flow| view! { <FlowEditor flow=flow changes=changes/> }).collect_view()}
            <form class="inline" on:submit=create>
                <input placeholder=t("settings.new_flow") aria-label=t("settings.new_flow") required on:input=input(name)/>
                <button class="primary" type="submit">{t("common.create")}</button>
            </form>
        </section>
    }
}

/// One flow: its name and its steps in order.
#[component]
fn FlowEditor(flow: Flow, changes: Changes) -> impl IntoView {
    let flow_id = flow.id.0;
    let order: Vec<i64> = flow.steps.iter().map(|s| s.id.0).collect();
    let new_step = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        changes.make(Change::AddStep(
            flow_id,
            StepBody {
                name: new_step.get_untracked(),
                finish_status: FinishStatus::None,
            },
        ));
    };
    view! {
        <div class="flow">
            <h3>{flow.name.clone()}" "
                <RenameButton current=flow.name.clone() changes=changes change=move |name| Change::RenameFlow(flow_id, RenameBody { name })/>
            </h3>
            <ol>
                {flow.steps.into_iter().enumerate().map(|(at, step)| view! {
                    <StepEditor flow_id=flow_id step=step at=at order=order.clone() changes=changes/>
                }).collect_view()}
            </ol>
            <form class="inline" on:submit=add>
                <input placeholder=t("settings.add_step") aria-label=t("settings.add_step") required on:input=input(new_step)/>
                <button class="ghost" type="submit">{t("settings.add_step")}</button>
            </form>
        </div>
    }
}

/// One step: rename, delete, finish status, up and down.
#[component]
fn StepEditor(
    flow_id: i64,
    step: Step,
    at: usize,
    order: Vec<i64>,
    changes: Changes,
) -> impl IntoView {
    let ctx = use_ctx();
    let step_id = step.id.0;
    let last = order.len().saturating_sub(1);
    // Swaps this step with the one `to` names and sends the whole order.
    let swap_with = move |to: usize| {
        let mut ids = order.clone();
        ids.swap(at, to);
        changes.make(Change::OrderSteps(
            flow_id,
            StepOrderBody {
                step_ids: ids.into_iter().map(StepId).collect(),
            },
        ));
    };
    let up = swap_with.clone();
    let set_finish = move |ev: leptos::ev::Event| {
        changes.make(Change::UpdateStep(
            flow_id,
            step_id,
            UpdateStepBody {
                finish_status: event_target_value(&ev).parse().ok(),
                ..Default::default()
            },
        ));
    };
    view! {
        <li>
            {step.name.clone()}" "
            <RenameButton current=step.name.clone() changes=changes
                change=move |name| Change::UpdateStep(flow_id, step_id, UpdateStepBody { name: Some(name), ..Default::default() })/>
            <button class="ghost" on:click=move |_| changes.make(Change::DeleteStep(flow_id, step_id))>{t("common.delete")}</button>
            <select aria-label=t("settings.finish_status") on:change=set_finish>
                {FinishStatus::ALL.iter().map(|f| view! {
                    <option value=f.as_str() selected=*f == step.finish_status>{move || ctx.tr(&format!("finish.{}", f.as_str()))}</option>
                }).collect_view()}
            </select>
            <button class="ghost" aria-label=t("settings.up") disabled=at == 0 on:click=move |_| up(at.saturating_sub(1))>"↑"</button>
            <button class="ghost" aria-label=t("settings.down") disabled=at == last on:click=move |_| swap_with((at + 1).min(last))>"↓"</button>
        </li>
    }
}
