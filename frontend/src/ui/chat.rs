//! One dialog: its messages with the timeline's status changes inline, day
//! separators, media, the reply box, and the User Data panel.

use super::api;
use super::browser::js_sys_offset;
use super::ctx::{t, use_ctx};
use super::user_data::UserData;
use crate::logic::format;
use dialogdesk_domain::wire::{DialogListItem, LiveEventBody, PageParams, SendMessageBody};
use dialogdesk_domain::{
    Author, DeliveryStatus, Message, MessageId, MessageKind, TimelineChange, TimelineEvent,
};
use leptos::prelude::*;

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

/// Every timeline entry of a dialog, page after page (the panel shows the
/// latest 50, the chat every status change since its first message).
async fn whole_timeline(dialog_id: i64) -> api::Answer<Vec<TimelineEvent>> {
    let mut all = Vec::new();
    let mut params = PageParams {
        cursor: None,
        limit: Some(200),
    };
    loop {
        let page = api::dialogs::events(dialog_id, &params).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(cursor) => params.cursor = Some(cursor),
            None => return Ok(all),
        }
    }
}

/// The chat of one dialog. Its dialog, first page of messages and timeline
/// are resources; what the live stream and the operator add afterwards is
/// placed into the signals the view reads.
#[component]
pub fn ChatPanel(dialog_id: i64, read_only: bool) -> impl IntoView {
    let ctx = use_ctx();
    let loaded_dialog = LocalResource::new(move || api::dialogs::one(dialog_id));
    let loaded_messages = LocalResource::new(move || {
        api::dialogs::messages(
            dialog_id,
            &PageParams {
                cursor: None,
                limit: Some(50),
            },
        )
    });
    let loaded_timeline = LocalResource::new(move || whole_timeline(dialog_id));
    let dialog = RwSignal::new(None::<DialogListItem>);
    let messages = RwSignal::new(Vec::<Message>::new());
    let older = RwSignal::new(None::<String>);
    let timeline = RwSignal::new(Vec::<TimelineEvent>::new());
    let panel_open = RwSignal::new(read_only);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match loaded_dialog.get() {
        Some(Ok(d)) => dialog.set(Some(d)),
        Some(Err(e)) => error.set(Some(ctx.say(&e))),
        None => {}
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = loaded_messages.get() {
            messages.set(page.items);
            older.set(page.next_cursor);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(events)) = loaded_timeline.get() {
            timeline.set(events);
        }
    });
    // Older messages go before the ones shown.
    let load_older = Action::new_local(move |cursor: &String| {
        let params = PageParams {
            cursor: Some(cursor.clone()),
            limit: Some(50),
        };
        async move {
            if let Ok(page) = api::dialogs::messages(dialog_id, &params).await {
                older.set(page.next_cursor);
                messages.update(|m| {
                    let mut all = page.items;
                    all.append(m);
                    *m = all;
                });
            }
        }
    });
    follow_live(dialog_id, loaded_dialog, messages, timeline);

    let resend = Action::new_local(move |id: &MessageId| {
        let id = *id;
        async move {
            if let Ok(fresh) = api::dialogs::resend(id).await {
                messages.update(|all| {
                    if let Some(m) = all.iter_mut().find(|x| x.id == fresh.id) {
                        m.delivery = fresh.delivery;
                    }
                });
            }
        }
    });

    view! {
        <div class="chat" data-testid="chat">
            <ChatHead dialog=dialog read_only=read_only panel_open=panel_open/>
            <div class="chat-body">
                <MessageLog messages=messages timeline=timeline older=older load_older=load_older resend=resend/>
                <Show when=move || panel_open.get()>
                    {move || dialog.get().map(|d| view! {
                        <UserData dialog=d timeline=timeline read_only=read_only
                            on_saved=move |fresh: DialogListItem| dialog.set(Some(fresh))
                            on_reload=move || loaded_dialog.refetch()/>
                    })}
                </Show>
            </div>
            {(!read_only).then(|| view! { <ReplyBox dialog_id=dialog_id dialog=dialog messages=messages error=error/> })}
        </div>
    }
}

/// The head of a chat: who, where, status, flow and step, how many
/// messages; the User Data toggle.
#[component]
fn ChatHead(
    dialog: RwSignal<Option<DialogListItem>>,
    read_only: bool,
    panel_open: RwSignal<bool>,
) -> impl IntoView {
    let ctx = use_ctx();
    view! {
        <header class="chat-head">
            {move || dialog.get().map(|d| view! {
                <span class="avatar big" aria-hidden="true">{format::initials(&d.client.name)}</span>
                <span class="who">
                    <strong>{d.client.name.clone()}</strong>
                    <span class="muted">{d.client.phone.clone().unwrap_or_default()}" · "{d.channel.name.clone()}</span>
                </span>
                <span class=format!("badge st-{}", d.status.as_str()) data-testid="chat-status">{ctx.tr(&format!("status.{}", d.status.as_str()))}</span>
                {d.step.clone().map(|s| view! { <span class="muted">{d.flow.clone().map(|f| f.name).unwrap_or_default()}" → "{s.name}</span> })}
                <span class="muted" data-testid="chat-message-count">{ctx.plural("chats.messages", d.message_count)}</span>
            })}
            <span class="spacer"></span>
            {read_only.then(|| view! { <span class="muted">{t("chats.readonly")}</span> })}
            <button class="menu" aria-label=t("chats.user_data") aria-expanded=move || panel_open.get().to_string()
                data-testid="user-data-toggle" on:click=move |_| panel_open.update(|o| *o = !*o)>"⋮"</button>
        </header>
    }
}

/// The messages, with the status changes since the first of them inline
/// and a separator at each new day; older ones on request.
#[component]
fn MessageLog(
    messages: RwSignal<Vec<Message>>,
    timeline: RwSignal<Vec<TimelineEvent>>,
    older: RwSignal<Option<String>>,
    load_older: Action<String, ()>,
    resend: Action<MessageId, ()>,
) -> impl IntoView {
    let ctx = use_ctx();
    let offset = -js_sys_offset();
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
    view! {
                <div class="messages" role="log" aria-live="polite">
                    {move || older.get().map(|c| view! {
                        <button class="ghost wide" on:click=move |_| { load_older.dispatch(c.clone()); }>{t("chats.older")}</button>
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
                                Line::Message(m) => message_view(m, local, resend).into_any(),
                                Line::Status(e) => {
                                    let to = match e.change {
                                        TimelineChange::Status { to, .. } => to.as_str(),
                                        _ => "",
                                    };
                                    view! {
                                        <div class="system" data-key=line.key()>
                                            {format!("{} → {} · {}", ctx.tr("event.status_changed"), ctx.tr(&format!("status.{to}")), format::time(local))}
                                        </div>
                                    }.into_any()
                                }
                            };
                            view! { {separator} {body} }
                        }).collect_view()
                    }}
                </div>
    }
}

/// The reply box (none once the dialog is closed for replies): Enter sends,
/// Shift+Enter starts a new line.
#[component]
fn ReplyBox(
    dialog_id: i64,
    dialog: RwSignal<Option<DialogListItem>>,
    messages: RwSignal<Vec<Message>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let draft = RwSignal::new(String::new());
    let reply = Action::new_local(move |text: &String| {
        let body = SendMessageBody { text: text.clone() };
        async move {
            match api::dialogs::reply(dialog_id, &body).await {
                Ok(m) => {
                    draft.set(String::new());
                    error.set(None);
                    messages.update(|all| {
                        if !all.iter().any(|x| x.id == m.id) {
                            all.push(m);
                        }
                    });
                }
                Err(e) => error.set(Some(ctx.say(&e))),
            }
        }
    });
    let send = move || {
        let text = draft.get_untracked();
        if !text.trim().is_empty() && !reply.pending().get_untracked() {
            reply.dispatch(text);
        }
    };
    let closed = move || dialog.get().is_some_and(|d| d.status.closed_for_replies());
    view! {
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
    }
}

/// The delivery mark of an operator's message: a clock while pending, one
/// tick sent, two delivered, two blue read, a red mark with the reason and
/// a Retry when the channel refused it.
fn delivery_view(m: &Message, resend: Action<MessageId, ()>) -> Option<AnyView> {
    let ctx = use_ctx();
    let delivery = m.delivery.clone()?;
    let (mark, class) = match delivery.status {
        DeliveryStatus::Pending => ("🕓", "pending"),
        DeliveryStatus::Sent => ("✓", "sent"),
        DeliveryStatus::Delivered => ("✓✓", "delivered"),
        DeliveryStatus::Read => ("✓✓", "read"),
        DeliveryStatus::Failed => ("!", "failed"),
    };
    let status = delivery.status.as_str();
    let label = ctx.tr(&format!("delivery.{status}"));
    let id = m.id;
    let failed = (delivery.status == DeliveryStatus::Failed).then(|| {
        let retry = move |_| {
            resend.dispatch(id);
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
    resend: Action<MessageId, ()>,
) -> impl IntoView {
    let ctx = use_ctx();
    let delivery = delivery_view(&m, resend);
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
        view! { <span class="media-missing" data-testid="media-missing">{move || ctx.tr(&kind_key)}</span> }
    });
    view! {
        <div class=format!("msg {who}") data-testid="message">
            <span class="author">{move || ctx.tr(&format!("author.{who}"))}</span>
            {media}
            <p>{m.text.clone()}{placeholder}</p>
            <time>{format::time(local)}{delivery}</time>
        </div>
    }
}

/// Live: new messages, delivery changes and timeline entries of this dialog
/// are placed into what the view shows; a change of the dialog itself reads
/// it again.
fn follow_live(
    dialog_id: i64,
    loaded_dialog: LocalResource<api::Answer<DialogListItem>>,
    messages: RwSignal<Vec<Message>>,
    timeline: RwSignal<Vec<TimelineEvent>>,
) {
    let live = use_ctx().live;
    Effect::new(move |_| {
        let Some(event) = live.chat.get() else {
            return;
        };
        match LiveEventBody::decode(&event.kind, &event.data) {
            Some(LiveEventBody::MessageCreated(created)) if created.dialog_id.0 == dialog_id => {
                messages.update(|m| {
                    if !m.iter().any(|x| x.id == created.message.id) {
                        m.push(created.message);
                    }
                });
            }
            Some(LiveEventBody::MessageDeliveryUpdated(update))
                if update.dialog_id.0 == dialog_id =>
            {
                messages.update(|m| {
                    if let Some(message) = m.iter_mut().find(|x| x.id == update.message_id) {
                        message.delivery = Some(update.delivery);
                    }
                });
            }
            Some(LiveEventBody::TimelineAppended(appended))
                if appended.dialog_id.0 == dialog_id =>
            {
                timeline.update(|tl| {
                    for e in appended.events {
                        if !tl.iter().any(|x| x.id == e.id) {
                            tl.push(e);
                        }
                    }
                });
            }
            Some(_) => {}
            // A body this version cannot read: refetch.
            None => live.resync.update(|n| *n += 1),
        }
    });
    Effect::new(move |_| {
        if let Some(update) = live.dialog.get() {
            if update.id.0 == dialog_id {
                loaded_dialog.refetch();
            }
        }
    });
}
