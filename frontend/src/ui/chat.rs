//! One dialog: its messages with the timeline's status changes inline, day
//! separators, media, the reply box, and the User Data panel.

use super::api;
use super::browser::js_sys_offset;
use super::catalog::Catalog;
use super::ctx::{ctx, t, tnow};
use super::user_data::UserData;
use crate::logic::format;
use dialogdesk_domain::wire::{DialogListItem, Page, SendMessageBody};
use dialogdesk_domain::{
    Author, DeliveryStatus, Message, MessageKind, TimelineChange, TimelineEvent,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A line of the chat: a message or a quiet system line.
#[derive(Clone, PartialEq)]
enum Line {
    Message(Message),
    Status(TimelineEvent),
}

impl Line {
    fn at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Line::Message(m) => m.sent_at,
            Line::Status(e) => e.at,
        }
    }
    fn key(&self) -> String {
        match self {
            Line::Message(m) => format!("m{}", m.id),
            Line::Status(e) => format!("e{}", e.id),
        }
    }
}

/// The chat of one dialog.
#[component]
pub fn ChatPanel(dialog_id: i64, catalog: RwSignal<Catalog>, read_only: bool) -> impl IntoView {
    let ctx = ctx();
    let dialog = RwSignal::new(None::<DialogListItem>);
    let messages = RwSignal::new(Vec::<Message>::new());
    let older = RwSignal::new(None::<String>);
    let timeline = RwSignal::new(Vec::<TimelineEvent>::new());
    let panel_open = RwSignal::new(read_only);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let load_dialog = move || {
        spawn_local(async move {
            match api::get::<DialogListItem>(&format!("/api/v1/dialogs/{dialog_id}")).await {
                Ok(d) => dialog.set(Some(d)),
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let load_timeline = move || {
        spawn_local(async move {
            let mut all = Vec::new();
            let mut cursor = String::new();
            loop {
                let url = format!("/api/v1/dialogs/{dialog_id}/events?limit=200{cursor}");
                let Ok(page) = api::get::<Page<TimelineEvent>>(&url).await else {
                    break;
                };
                all.extend(page.items);
                match page.next_cursor {
                    Some(c) => cursor = format!("&cursor={c}"),
                    None => break,
                }
            }
            timeline.set(all);
        });
    };
    let load_messages = move |cursor: Option<String>| {
        spawn_local(async move {
            let url = match &cursor {
                Some(c) => format!("/api/v1/dialogs/{dialog_id}/messages?limit=50&cursor={c}"),
                None => format!("/api/v1/dialogs/{dialog_id}/messages?limit=50"),
            };
            if let Ok(page) = api::get::<Page<Message>>(&url).await {
                older.set(page.next_cursor);
                if cursor.is_some() {
                    messages.update(|m| {
                        let mut all = page.items;
                        all.append(m);
                        *m = all;
                    });
                } else {
                    messages.set(page.items);
                }
            }
        });
    };
    load_dialog();
    load_timeline();
    load_messages(None);
    // Live: new messages, timeline entries and state of this dialog.
    Effect::new(move |_| {
        if let Some(created) = ctx.live.message.get() {
            if created.dialog_id.0 == dialog_id {
                messages.update(|m| {
                    if !m.iter().any(|x| x.id == created.message.id) {
                        m.push(created.message);
                    }
                });
            }
        }
    });
    Effect::new(move |_| {
        if let Some(update) = ctx.live.delivery.get() {
            if update.dialog_id.0 == dialog_id {
                messages.update(|m| {
                    if let Some(message) = m.iter_mut().find(|x| x.id == update.message_id) {
                        message.delivery = Some(update.delivery);
                    }
                });
            }
        }
    });
    Effect::new(move |_| {
        if let Some(appended) = ctx.live.timeline.get() {
            if appended.dialog_id.0 == dialog_id {
                timeline.update(|tl| {
                    for e in appended.events {
                        if !tl.iter().any(|x| x.id == e.id) {
                            tl.push(e);
                        }
                    }
                });
            }
        }
    });
    Effect::new(move |_| {
        if let Some(update) = ctx.live.dialog.get() {
            if update.id.0 == dialog_id {
                load_dialog();
            }
        }
    });

    let lines = Memo::new(move |_| {
        let mut lines: Vec<Line> = messages.get().into_iter().map(Line::Message).collect();
        let first = lines.first().map(Line::at);
        lines.extend(
            timeline
                .get()
                .into_iter()
                .filter(|e| e.kind == "status_changed" && first.is_none_or(|f| e.at >= f))
                .map(Line::Status),
        );
        lines.sort_by_key(|l| l.at());
        lines
    });
    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        spawn_local(async move {
            let result: api::ApiResult<Message> = api::send(
                api::Method::Post,
                &format!("/api/v1/dialogs/{dialog_id}/messages"),
                Some(&SendMessageBody { text }),
            )
            .await;
            match result {
                Ok(m) => {
                    draft.set(String::new());
                    error.set(None);
                    messages.update(|all| {
                        if !all.iter().any(|x| x.id == m.id) {
                            all.push(m);
                        }
                    });
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    let closed = move || dialog.get().is_some_and(|d| d.status.closed_for_replies());
    let offset = -js_sys_offset();

    view! {
        <div class="chat" data-testid="chat">
            <header class="chat-head">
                {move || dialog.get().map(|d| view! {
                    <span class="avatar big" aria-hidden="true">{format::initials(&d.client.name)}</span>
                    <span class="who">
                        <strong>{d.client.name.clone()}</strong>
                        <span class="muted">{d.client.phone.clone().unwrap_or_default()}" · "{d.channel.name.clone()}</span>
                    </span>
                    <span class=format!("badge st-{}", d.status.as_str()) data-testid="chat-status">{tnow(&format!("status.{}", d.status.as_str()))}</span>
                    {d.step.clone().map(|s| view! { <span class="muted">{d.flow.clone().map(|f| f.name).unwrap_or_default()}" → "{s.name}</span> })}
                })}
                <span class="spacer"></span>
                {read_only.then(|| view! { <span class="muted">{t("chats.readonly")}</span> })}
                <button class="menu" aria-label=t("chats.user_data") aria-expanded=move || panel_open.get().to_string()
                    data-testid="user-data-toggle" on:click=move |_| panel_open.update(|o| *o = !*o)>"⋮"</button>
            </header>
            <div class="chat-body">
                <div class="messages" role="log" aria-live="polite">
                    {move || older.get().map(|c| view! {
                        <button class="ghost wide" on:click=move |_| load_messages(Some(c.clone()))>{t("chats.older")}</button>
                    })}
                    {move || {
                        let now = format::local(chrono::Utc::now(), offset);
                        let lang = ctx.lang.get();
                        let mut last_day = None;
                        lines.get().into_iter().map(|line| {
                            let local = format::local(line.at(), offset);
                            let separator = (last_day != Some(local.date_naive())).then(|| {
                                last_day = Some(local.date_naive());
                                view! { <div class="day"><span>{format::day_separator(lang, local, now)}</span></div> }
                            });
                            let body = match line.clone() {
                                Line::Message(m) => message_view(m, local, messages).into_any(),
                                Line::Status(e) => {
                                    let to = match e.change {
                                        TimelineChange::Status { to, .. } => to.as_str(),
                                        _ => "",
                                    };
                                    view! {
                                        <div class="system" data-key=line.key()>
                                            {format!("{} → {} · {}", tnow("event.status_changed"), tnow(&format!("status.{to}")), format::time(local))}
                                        </div>
                                    }.into_any()
                                }
                            };
                            view! { {separator} {body} }
                        }).collect_view()
                    }}
                </div>
                <Show when=move || panel_open.get()>
                    {move || dialog.get().map(|d| view! {
                        <UserData dialog=d catalog=catalog timeline=timeline read_only=read_only
                            on_saved=move |fresh: DialogListItem| dialog.set(Some(fresh))
                            on_reload=move || load_dialog()/>
                    })}
                </Show>
            </div>
            {(!read_only).then(|| view! {
                <footer class="reply">
                    {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                    <Show when=move || !closed() fallback=move || view! { <p class="notice">{t("chats.closed")}</p> }>
                        <textarea rows="2" placeholder=t("chats.reply") aria-label=t("chats.reply") data-testid="reply"
                            prop:value=move || draft.get()
                            on:input=move |ev| draft.set(event_target_value(&ev))
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" && !ev.shift_key() {
                                    ev.prevent_default();
                                    send();
                                }
                            }></textarea>
                        <button class="primary" on:click=move |_| send()>{t("chats.send")}</button>
                    </Show>
                </footer>
            })}
        </div>
    }
}

/// The delivery mark of an operator's message: a clock while pending, one
/// tick sent, two delivered, two blue read, a red mark with the reason and
/// a Retry when the channel refused it.
fn delivery_view(m: &Message, messages: RwSignal<Vec<Message>>) -> Option<AnyView> {
    let delivery = m.delivery.clone()?;
    let (mark, class) = match delivery.status {
        DeliveryStatus::Pending => ("🕓", "pending"),
        DeliveryStatus::Sent => ("✓", "sent"),
        DeliveryStatus::Delivered => ("✓✓", "delivered"),
        DeliveryStatus::Read => ("✓✓", "read"),
        DeliveryStatus::Failed => ("!", "failed"),
    };
    let status = delivery.status.as_str();
    let label = tnow(&format!("delivery.{status}"));
    let id = m.id;
    let failed = (delivery.status == DeliveryStatus::Failed).then(|| {
        let retry = move |_| {
            spawn_local(async move {
                let resent: api::ApiResult<Message> = api::send(
                    api::Method::Post,
                    &format!("/api/v1/messages/{id}/resend"),
                    None::<&()>,
                )
                .await;
                if let Ok(fresh) = resent {
                    messages.update(|all| {
                        if let Some(m) = all.iter_mut().find(|x| x.id == fresh.id) {
                            m.delivery = fresh.delivery;
                        }
                    });
                }
            });
        };
        view! {
            <span class="delivery-reason">{delivery.reason.clone().unwrap_or_default()}</span>
            <button class="ghost small" data-testid="delivery-retry" on:click=retry>{t("delivery.retry")}</button>
        }
    });
    Some(
        view! {
            <span class=format!("delivery {class}") data-testid="delivery" data-status=status
                title=label.clone() aria-label=label>{mark}</span>
            {failed}
        }
        .into_any(),
    )
}

fn message_view(
    m: Message,
    local: chrono::DateTime<chrono::FixedOffset>,
    messages: RwSignal<Vec<Message>>,
) -> impl IntoView {
    let delivery = delivery_view(&m, messages);
    let who = match m.author {
        Author::Lead => "lead",
        Author::Bot => "bot",
        Author::Operator => "operator",
    };
    // Only http(s) links are rendered: a `javascript:` or `data:` URL stored
    // before the API refused them must not become a live link.
    let safe_url = m
        .media_url
        .as_deref()
        .and_then(|u| dialogdesk_domain::WebUrl::parse(u).ok())
        .map(dialogdesk_domain::WebUrl::into_string);
    let media = safe_url.clone().map(|url| match m.kind {
        MessageKind::Image | MessageKind::Sticker => {
            view! { <img src=url alt=t("chats.media") loading="lazy"/> }.into_any()
        }
        MessageKind::Audio | MessageKind::Voice => {
            view! { <audio controls src=url></audio> }.into_any()
        }
        MessageKind::Video => view! { <video controls src=url></video> }.into_any(),
        _ => view! { <a href=url target="_blank" rel="noopener">{t("chats.media")}</a> }.into_any(),
    });
    // A media message whose file the channel did not pass on: what it was,
    // in words (never a code like "[voice]").
    let kind_key = format!("kind.{}", m.kind);
    let placeholder = (safe_url.is_none() && m.text.is_empty()).then(|| {
        view! { <span class="media-missing" data-testid="media-missing">{move || tnow(&kind_key)}</span> }
    });
    view! {
        <div class=format!("msg {who}") data-testid="message">
            <span class="author">{move || tnow(&format!("author.{who}"))}</span>
            {media}
            <p>{m.text.clone()}{placeholder}</p>
            <time>{format::time(local)}{delivery}</time>
        </div>
    }
}
