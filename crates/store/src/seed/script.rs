//! What demo people are called and what demo dialogs say, in Russian and English.

use super::pick;
use crate::dialogs::{apply_event, NewMessage};
use crate::error::StoreResult;
use crate::DbConnection;
use chrono::{DateTime, Duration, Utc};
use dialogdesk_domain::*;
use rand::rngs::StdRng;
use rand::Rng;

// Russian surnames agree with the gender of the first name.
pub(super) const WOMEN_RU: &[&str] = &[
    "Анна",
    "Елена",
    "Наталья",
    "Ирина",
    "Татьяна",
    "Юлия",
    "Светлана",
    "Ксения",
];

pub(super) const MEN_RU: &[&str] = &[
    "Дмитрий",
    "Сергей",
    "Алексей",
    "Павел",
    "Максим",
    "Андрей",
    "Николай",
];

pub(super) const SURNAMES_RU: &[(&str, &str)] = &[
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Васильев", "Васильева"),
    ("Смирнов", "Смирнова"),
    ("Новиков", "Новикова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Егоров", "Егорова"),
    ("Орлов", "Орлова"),
    ("Зайцев", "Зайцева"),
];

pub(super) const FIRST_NAMES_EN: &[&str] = &[
    "Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan",
];

pub(super) const LAST_NAMES_EN: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Clark", "Walker",
];

pub(super) const LEAD_TEXT_RU: &[&str] = &[
    "Здравствуйте! Сколько стоит курс?",
    "Добрый день, хочу записаться на консультацию",
    "А есть рассрочка?",
    "Когда ближайший старт?",
    "Спасибо, подумаю",
    "Можно подробнее про программу?",
    "Да, мне удобно завтра в 15:00",
    "Пришлите, пожалуйста, ссылку на оплату",
];

pub(super) const LEAD_TEXT_EN: &[&str] = &[
    "Hi! How much is the course?",
    "Hello, I'd like to book a consultation",
    "Do you offer instalments?",
    "When does the next group start?",
    "Thanks, I'll think about it",
    "Could you tell me more about the programme?",
    "Tomorrow at 3 pm works for me",
    "Please send me the payment link",
];

pub(super) const BOT_TEXT_RU: &[&str] = &[
    "Здравствуйте! Меня зовут Ассистент, помогу с выбором.",
    "Стоимость курса — 49 900 ₽, есть рассрочка на 12 месяцев.",
    "Ближайший поток стартует 1 декабря.",
    "Подскажите, какое время вам удобно для звонка?",
    "Отправил ссылку на оплату.",
];

pub(super) const BOT_TEXT_EN: &[&str] = &[
    "Hello! I'm the assistant and I'll help you choose.",
    "The course costs $590, and instalments over 12 months are available.",
    "The next group starts on 1 December.",
    "What time suits you for a call?",
    "I've sent you the payment link.",
];

pub(super) const OPERATOR_TEXT_RU: &[&str] = &[
    "Добрый день! Я менеджер, подключилась к диалогу.",
    "Получила ваше голосовое, сейчас отвечу подробно.",
    "Забронировала для вас место в группе.",
];

pub(super) const OPERATOR_TEXT_EN: &[&str] = &[
    "Hi, I'm your manager and I've joined the chat.",
    "I got your voice message, answering in detail now.",
    "I've booked a place in the group for you.",
];

/// A demo dialog being played: each event comes a few minutes after the last.
pub(super) struct Script {
    pub(super) dialog: DialogId,
    pub(super) clock: DateTime<Utc>,
    pub(super) lang: Lang,
}

impl Script {
    pub(super) fn tick(&mut self, rng: &mut StdRng) -> DateTime<Utc> {
        self.clock += Duration::minutes(rng.random_range(1..90));
        self.clock
    }

    /// An event that carries no message.
    pub(super) fn act(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        actor: Actor,
        kind: EventKind,
    ) -> StoreResult<()> {
        let at = self.tick(rng);
        apply_event(conn, self.dialog, &DialogEvent { at, actor, kind }, None).map(|_| ())
    }

    /// A message event.
    pub(super) fn say(
        &mut self,
        conn: &mut DbConnection,
        rng: &mut StdRng,
        actor: Actor,
        kind: EventKind,
        line: Line,
    ) -> StoreResult<()> {
        let at = self.tick(rng);
        let text = self.lang.line(line, rng);
        let message = NewMessage {
            operator_id: actor.operator(),
            kind: match &kind {
                EventKind::LeadMessage { kind } => *kind,
                _ => MessageKind::Text,
            },
            text,
            media_url: None,
            external_id: None,
            sent_at: at,
        };
        apply_event(
            conn,
            self.dialog,
            &DialogEvent { at, actor, kind },
            Some(&message),
        )
        .map(|_| ())
    }
}

/// What a demo message says.
#[derive(Clone, Copy)]
pub(super) enum Line {
    Lead,
    Bot,
    Operator,
    /// A voice note or picture: no text.
    Media,
}

#[derive(Clone, Copy)]
pub(super) enum Lang {
    Ru,
    En,
}

impl Lang {
    /// A random line of this kind in this language.
    pub(super) fn line(self, line: Line, rng: &mut StdRng) -> String {
        let options = match (line, self) {
            (Line::Lead, Lang::Ru) => LEAD_TEXT_RU,
            (Line::Lead, Lang::En) => LEAD_TEXT_EN,
            (Line::Bot, Lang::Ru) => BOT_TEXT_RU,
            (Line::Bot, Lang::En) => BOT_TEXT_EN,
            (Line::Operator, Lang::Ru) => OPERATOR_TEXT_RU,
            (Line::Operator, Lang::En) => OPERATOR_TEXT_EN,
            (Line::Media, _) => return String::new(),
        };
        pick(rng, options).to_owned()
    }
}
