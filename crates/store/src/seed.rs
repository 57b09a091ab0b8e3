//! Demo data (`dialogdesk seed --demo`) and large data sets
//! (`dialogdesk seed --dialogs N`).
//!
//! The demo set is played through the state machine event by event, so its
//! timeline, counters and finishes are exactly what real traffic would leave.
//! The bulk set writes consistent snapshots in large batches, for speed.

use crate::catalog::NewOperator;
use crate::dialogs::{apply_event, insert_dialog, NewMessage};
use crate::error::{StoreError, StoreResult};
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use chrono::{DateTime, Duration, Utc};
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeSet, HashMap};

/// A demo login; demo only: `dialogdesk create-operator` makes real ones.
#[derive(Debug, Clone, Copy)]
pub struct DemoLogin {
    /// Role.
    pub role: Role,
    /// Name.
    pub name: &'static str,
    /// Login.
    pub email: &'static str,
    /// Password.
    pub password: &'static str,
}

/// The three demo logins of DESIGN.md §5.
pub const DEMO_LOGINS: [DemoLogin; 3] = [
    DemoLogin {
        role: Role::Admin,
        name: "Ольга Петрова",
        email: "admin@demo.local",
        password: "admin-demo",
    },
    DemoLogin {
        role: Role::Head,
        name: "Игорь Соколов",
        email: "head@demo.local",
        password: "head-demo",
    },
    DemoLogin {
        role: Role::Operator,
        name: "Мария Иванова",
        email: "operator@demo.local",
        password: "operator-demo",
    },
];

/// How many dialogs the demo set has in each status (300 in all).
pub const DEMO_PLAN: [(Status, usize); 9] = [
    (Status::Auto, 60),
    (Status::Manual, 40),
    (Status::Waiting, 35),
    (Status::Ignore, 25),
    (Status::Start, 25),
    (Status::Error, 10),
    (Status::Blocked, 15),
    (Status::Stopped, 10),
    (Status::Finished, 80),
];

// Russian surnames agree with the gender of the first name.
const WOMEN_RU: &[&str] = &[
    "Анна",
    "Елена",
    "Наталья",
    "Ирина",
    "Татьяна",
    "Юлия",
    "Светлана",
    "Ксения",
];
const MEN_RU: &[&str] = &[
    "Дмитрий",
    "Сергей",
    "Алексей",
    "Павел",
    "Максим",
    "Андрей",
    "Николай",
];
const SURNAMES_RU: &[(&str, &str)] = &[
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
const FIRST_NAMES_EN: &[&str] = &[
    "Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan",
];
const LAST_NAMES_EN: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Miller", "Wilson", "Clark", "Walker",
];

const LEAD_TEXT_RU: &[&str] = &[
    "Здравствуйте! Сколько стоит курс?",
    "Добрый день, хочу записаться на консультацию",
    "А есть рассрочка?",
    "Когда ближайший старт?",
    "Спасибо, подумаю",
    "Можно подробнее про программу?",
    "Да, мне удобно завтра в 15:00",
    "Пришлите, пожалуйста, ссылку на оплату",
];
const LEAD_TEXT_EN: &[&str] = &[
    "Hi! How much is the course?",
    "Hello, I'd like to book a consultation",
    "Do you offer instalments?",
    "When does the next group start?",
    "Thanks, I'll think about it",
    "Could you tell me more about the programme?",
    "Tomorrow at 3 pm works for me",
    "Please send me the payment link",
];
const BOT_TEXT_RU: &[&str] = &[
    "Здравствуйте! Меня зовут Ассистент, помогу с выбором.",
    "Стоимость курса — 49 900 ₽, есть рассрочка на 12 месяцев.",
    "Ближайший поток стартует 1 декабря.",
    "Подскажите, какое время вам удобно для звонка?",
    "Отправил ссылку на оплату.",
];
const BOT_TEXT_EN: &[&str] = &[
    "Hello! I'm the assistant and I'll help you choose.",
    "The course costs $590, and instalments over 12 months are available.",
    "The next group starts on 1 December.",
    "What time suits you for a call?",
    "I've sent you the payment link.",
];
const OPERATOR_TEXT_RU: &[&str] = &[
    "Добрый день! Я менеджер, подключилась к диалогу.",
    "Получила ваше голосовое, сейчас отвечу подробно.",
    "Забронировала для вас место в группе.",
];
const OPERATOR_TEXT_EN: &[&str] = &[
    "Hi, I'm your manager and I've joined the chat.",
    "I got your voice message, answering in detail now.",
    "I've booked a place in the group for you.",
];

/// What the demo seeding made.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The operators, in the order of `DEMO_LOGINS`.
    pub operators: Vec<OperatorId>,
    /// Dialogs created.
    pub dialogs: usize,
}

struct Catalog {
    operators: Vec<OperatorId>,
    channels: Vec<ChannelId>,
    /// Per flow: its steps in order.
    flows: Vec<(FlowId, Vec<StepRef>)>,
    tags: Vec<TagId>,
}

impl Store {
    /// Whether the database has no operators yet (a fresh install).
    pub fn is_empty(&self) -> StoreResult<bool> {
        self.read(|conn| {
            let n: i64 = operators::table.count().get_result(conn)?;
            Ok(n == 0)
        })
    }

    /// Seeds the demo set: 3 operators, 4 channels, 2 flows, 6 tags and 300
    /// dialogs over all nine statuses. Deterministic.
    pub fn seed_demo(&self) -> StoreResult<DemoSummary> {
        let catalog = self.seed_catalog()?;
        let mut rng = StdRng::seed_from_u64(20_261_121);
        let mut plan: Vec<Status> = DEMO_PLAN
            .iter()
            .flat_map(|(s, n)| std::iter::repeat_n(*s, *n))
            .collect();
        // Interleave statuses so that recent activity mixes every tab.
        for i in (1..plan.len()).rev() {
            plan.swap(i, rng.random_range(0..=i));
        }
        // Dialogs start over 30 days ending two days ago, so that a dozen
        // events of up to 90 minutes each still end before now.
        let base = now() - Duration::days(32);
        let mut made = 0;
        for (i, target) in plan.iter().enumerate() {
            let english = i % 4 == 3;
            let start = base + Duration::minutes(rng.random_range(0..30 * 24 * 60));
            self.write(|conn| {
                play_demo_dialog(conn, &catalog, &mut rng, *target, english, start, i)
            })?;
            made += 1;
        }
        Ok(DemoSummary {
            operators: catalog.operators,
            dialogs: made,
        })
    }

    fn seed_catalog(&self) -> StoreResult<Catalog> {
        let mut operators = Vec::new();
        for login in DEMO_LOGINS {
            let op = self.create_operator(NewOperator {
                name: parse(PersonName::parse(login.name))?,
                email: parse(Email::parse(login.email))?,
                role: login.role,
                password: login.password.to_owned(),
            })?;
            operators.push(op.id);
        }
        let mut channels = Vec::new();
        for (kind, name) in [
            (ChannelKind::Whatsapp, "WhatsApp продажи"),
            (ChannelKind::Telegram, "Telegram бот"),
            (ChannelKind::Instagram, "Instagram Direct"),
            (ChannelKind::Web, "Виджет на сайте"),
        ] {
            channels.push(self.create_channel(kind, &parse(Label::parse(name))?)?.id);
        }
        let mut flows = Vec::new();
        let flow_specs: [(&str, &[(&str, FinishStatus)]); 2] = [
            (
                "Продажа курса",
                &[
                    ("Приветствие", FinishStatus::None),
                    ("Квалификация", FinishStatus::None),
                    ("Презентация", FinishStatus::None),
                    ("Ожидание оплаты", FinishStatus::Waiting),
                    ("Оплата получена", FinishStatus::Finished),
                ],
            ),
            (
                "Запись на консультацию",
                &[
                    ("Приветствие", FinishStatus::None),
                    ("Выбор времени", FinishStatus::Waiting),
                    ("Запись подтверждена", FinishStatus::Finished),
                ],
            ),
        ];
        for (name, steps) in flow_specs {
            let steps = steps
                .iter()
                .map(|(n, f)| Ok((parse(Label::parse(n))?, *f)))
                .collect::<StoreResult<Vec<_>>>()?;
            let flow = self.create_flow(&parse(Label::parse(name))?, &steps)?;
            let refs = flow
                .steps
                .iter()
                .map(|s| StepRef {
                    id: s.id,
                    flow_id: flow.id,
                    finish_status: s.finish_status,
                })
                .collect();
            flows.push((flow.id, refs));
        }
        let mut tags = Vec::new();
        for (name, color) in [
            ("VIP", "#e53935"),
            ("Горячий", "#fb8c00"),
            ("Холодный", "#1e88e5"),
            ("Повторный", "#43a047"),
            ("Опт", "#8e24aa"),
            ("Жалоба", "#6d4c41"),
        ] {
            tags.push(
                self.create_tag(&parse(Label::parse(name))?, &parse(Color::parse(color))?)?
                    .id,
            );
        }
        Ok(Catalog {
            operators,
            channels,
            flows,
            tags,
        })
    }

    /// Seeds `count` more dialogs quickly, in batches; `progress` is called
    /// with the number written so far. Needs the catalog (run `--demo`
    /// first, or have channels and flows).
    pub fn seed_bulk(&self, count: usize, progress: &dyn Fn(usize)) -> StoreResult<usize> {
        let (channels, flows, operators) = self.read(|conn| {
            let channels: Vec<i64> = channels::table.select(channels::id).load(conn)?;
            let steps: Vec<(i64, i64, String)> = steps::table
                .select((steps::id, steps::flow_id, steps::finish_status))
                .load(conn)?;
            let operators: Vec<i64> = operators::table.select(operators::id).load(conn)?;
            Ok((channels, steps, operators))
        })?;
        if channels.is_empty() || flows.is_empty() {
            return Err(StoreError::invalid(
                "dialogs",
                "seed the demo catalog first (`dialogdesk seed --demo`)",
            ));
        }
        let mut rng = StdRng::seed_from_u64(count as u64);
        let mut done = 0;
        while done < count {
            let batch = (count - done).min(BULK_BATCH);
            self.write(|conn| bulk_batch(conn, &mut rng, batch, &channels, &flows, &operators))?;
            done += batch;
            progress(done);
        }
        Ok(done)
    }
}

fn parse<T>(r: Result<T, InvalidValue>) -> StoreResult<T> {
    r.map_err(|e| StoreError::invalid("seed", e.0))
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn random_person(rng: &mut StdRng, english: bool) -> String {
    if english {
        format!("{} {}", pick(rng, FIRST_NAMES_EN), pick(rng, LAST_NAMES_EN))
    } else {
        let (male, female) = SURNAMES_RU
            .choose(rng)
            .copied()
            .unwrap_or(("Иванов", "Иванова"));
        if rng.random_bool(0.5) {
            format!("{} {female}", pick(rng, WOMEN_RU))
        } else {
            format!("{} {male}", pick(rng, MEN_RU))
        }
    }
}

fn random_phone(rng: &mut StdRng, english: bool) -> String {
    if english {
        format!(
            "+1{}{:07}",
            rng.random_range(201..990),
            rng.random_range(0..10_000_000)
        )
    } else {
        format!("+79{:09}", rng.random_range(0..1_000_000_000u64))
    }
}

/// Plays one demo dialog through the state machine until it reaches `target`.
fn play_demo_dialog(
    conn: &mut DbConnection,
    catalog: &Catalog,
    rng: &mut StdRng,
    target: Status,
    english: bool,
    start: DateTime<Utc>,
    index: usize,
) -> StoreResult<()> {
    let name = random_person(rng, english);
    let phone = random_phone(rng, english);
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let channel = catalog.channels[index % catalog.channels.len()];
    let at0 = to_db(start);
    let client_id: i64 = diesel::insert_into(clients::table)
        .values((
            clients::name.eq(&name),
            clients::phone.eq(&phone),
            clients::custom_fields.eq(if index.is_multiple_of(3) {
                r#"{"city":"Москва","source":"реклама"}"#
            } else {
                "{}"
            }),
            clients::search_name.eq(name.to_lowercase()),
            clients::phone_digits.eq(&digits),
            clients::created_at.eq(at0),
        ))
        .returning(clients::id)
        .get_result(conn)?;
    let dialog = insert_dialog(
        conn,
        client_id,
        channel,
        Some(&format!("demo-{index}")),
        at0,
    )?;

    let lang = if english { Lang::En } else { Lang::Ru };
    let mut script = Script {
        dialog,
        clock: start,
        lang,
    };
    let integration = Actor::Integration(None);
    let engine = Actor::AiEngine(None);
    let operator = catalog.operators[index % catalog.operators.len()];
    let manager = Actor::Operator(operator);
    let (flow_id, steps) = &catalog.flows[index % catalog.flows.len()];
    let step_with =
        |finish: FinishStatus| steps.iter().copied().find(|s| s.finish_status == finish);
    let lead_text = EventKind::LeadMessage {
        kind: MessageKind::Text,
    };

    script.say(conn, rng, integration, lead_text.clone(), Line::Lead)?;
    if target == Status::Start {
        return finish_demo(conn, catalog, rng, dialog, index);
    }
    script.act(
        conn,
        rng,
        engine,
        EventKind::FlowLaunched {
            flow_id: *flow_id,
            step: steps[0],
        },
    )?;
    script.say(conn, rng, engine, EventKind::BotMessage, Line::Bot)?;
    script.say(conn, rng, integration, lead_text.clone(), Line::Lead)?;
    let middle = steps
        .iter()
        .skip(1)
        .copied()
        .find(|s| s.finish_status == FinishStatus::None);
    if let Some(step) = middle.filter(|_| rng.random_bool(0.6)) {
        script.act(conn, rng, engine, EventKind::StepReached { step })?;
        script.say(conn, rng, engine, EventKind::BotMessage, Line::Bot)?;
    }
    match target {
        Status::Start | Status::Auto => {}
        Status::Waiting => {
            if let Some(step) = step_with(FinishStatus::Waiting) {
                script.say(conn, rng, engine, EventKind::BotMessage, Line::Bot)?;
                script.act(conn, rng, engine, EventKind::StepReached { step })?;
            }
        }
        Status::Manual => {
            script.say(
                conn,
                rng,
                integration,
                EventKind::LeadMessage {
                    kind: MessageKind::Voice,
                },
                Line::Media,
            )?;
            script.say(
                conn,
                rng,
                manager,
                EventKind::OperatorMessage { operator },
                Line::Operator,
            )?;
        }
        Status::Ignore => {
            // Finished once, then the lead wrote again and nobody answered.
            if let Some(step) = step_with(FinishStatus::Finished) {
                script.say(conn, rng, engine, EventKind::BotMessage, Line::Bot)?;
                script.act(conn, rng, engine, EventKind::StepReached { step })?;
            }
            script.say(conn, rng, integration, lead_text, Line::Lead)?;
        }
        Status::Error => script.act(
            conn,
            rng,
            engine,
            EventKind::AiError {
                detail: "token generation failed".into(),
            },
        )?,
        Status::Blocked => script.act(conn, rng, integration, EventKind::BlockedByLead)?,
        Status::Stopped => script.act(
            conn,
            rng,
            engine,
            EventKind::DeliveryRefused {
                detail: "cannot write first".into(),
            },
        )?,
        Status::Finished => {
            if index.is_multiple_of(2) {
                // Finished by a manager through the chat settings.
                script.say(
                    conn,
                    rng,
                    manager,
                    EventKind::OperatorMessage { operator },
                    Line::Operator,
                )?;
                let version = crate::dialogs::dialog_row(conn, dialog)?.version;
                let mut change = SettingsChange::by(operator, version);
                change.status = Some(Status::Finished);
                script.act(conn, rng, manager, EventKind::Settings(change))?;
            } else if let Some(step) = step_with(FinishStatus::Finished) {
                // The bot says goodbye, then reaches the finishing step.
                script.say(conn, rng, engine, EventKind::BotMessage, Line::Bot)?;
                script.act(conn, rng, engine, EventKind::StepReached { step })?;
            }
        }
    }
    finish_demo(conn, catalog, rng, dialog, index)
}

/// A demo dialog being played: each event comes a few minutes after the last.
struct Script {
    dialog: DialogId,
    clock: DateTime<Utc>,
    lang: Lang,
}

/// What a demo message says.
#[derive(Clone, Copy)]
enum Line {
    Lead,
    Bot,
    Operator,
    /// A voice note or picture: no text.
    Media,
}

impl Script {
    fn tick(&mut self, rng: &mut StdRng) -> DateTime<Utc> {
        self.clock += Duration::minutes(rng.random_range(1..90));
        self.clock
    }

    /// An event that carries no message.
    fn act(
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
    fn say(
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

#[derive(Clone, Copy)]
enum Lang {
    Ru,
    En,
}

impl Lang {
    /// A random line of this kind in this language.
    fn line(self, line: Line, rng: &mut StdRng) -> String {
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

/// Tags, an assignee and favourites for some demo dialogs.
fn finish_demo(
    conn: &mut DbConnection,
    catalog: &Catalog,
    rng: &mut StdRng,
    dialog: DialogId,
    index: usize,
) -> StoreResult<()> {
    let row = crate::dialogs::dialog_row(conn, dialog)?;
    let who = catalog.operators[(index / 3) % catalog.operators.len()];
    let mut change = SettingsChange::by(who, row.version);
    let tag_count = rng.random_range(0..3);
    if tag_count > 0 {
        let tags: BTreeSet<TagId> = catalog
            .tags
            .choose_multiple(rng, tag_count)
            .copied()
            .collect();
        change.tags = Some(tags);
    }
    if row.assignee_id.is_none() && index % 5 == 1 {
        change.assignee = Some(Some(who));
    }
    if change.tags.is_some() || change.assignee.is_some() {
        let at = crate::time::from_db(row.last_message_at) + Duration::minutes(5);
        apply_event(
            conn,
            dialog,
            &DialogEvent {
                at,
                actor: Actor::Operator(who),
                kind: EventKind::Settings(change),
            },
            None,
        )?;
    }
    if index.is_multiple_of(7) {
        diesel::insert_into(favourites::table)
            .values((
                favourites::operator_id.eq(catalog.operators[index % catalog.operators.len()].0),
                favourites::dialog_id.eq(dialog.0),
                favourites::created_at.eq(to_db(now())),
            ))
            .execute(conn)?;
    }
    Ok(())
}

const BULK_BATCH: usize = 500;

/// One batch of bulk dialogs: clients, dialogs, messages, one status event
/// each, and the counters, in multi-row inserts.
fn bulk_batch(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    batch: usize,
    channels: &[i64],
    steps: &[(i64, i64, String)],
    operators: &[i64],
) -> StoreResult<()> {
    let created = now();
    let mut client_rows = Vec::with_capacity(batch);
    for i in 0..batch {
        let english = i % 4 == 3;
        let name = random_person(rng, english);
        let phone = random_phone(rng, english);
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        client_rows.push((
            clients::search_name.eq(name.to_lowercase()),
            clients::name.eq(name),
            clients::phone.eq(Some(phone)),
            clients::phone_digits.eq(digits),
            clients::custom_fields.eq("{}"),
            clients::created_at.eq(to_db(created)),
        ));
    }
    let client_ids: Vec<i64> = crate::on_backend!(conn, |c| diesel::insert_into(clients::table)
        .values(&client_rows)
        .returning(clients::id)
        .get_results(c))?;

    let mut dialog_rows = Vec::with_capacity(batch);
    let mut per_status: HashMap<Status, i64> = HashMap::new();
    let mut message_counts = Vec::with_capacity(batch);
    let mut facts: Vec<(i64, Status)> = Vec::with_capacity(batch);
    for client_id in &client_ids {
        let status = *Status::ALL.choose(rng).unwrap_or(&Status::Auto);
        let step = steps.choose(rng).cloned();
        let on_step = status.needs_step() || (status != Status::Start && rng.random_bool(0.7));
        let (flow_id, step_id) = match (&step, on_step) {
            (Some((s, f, _)), true) => (Some(*f), Some(*s)),
            _ => (None, None),
        };
        let at = created - Duration::minutes(rng.random_range(0..60 * 24 * 90));
        let count = rng.random_range(1..8i64);
        // `ignore` needs the lead to have written last; others alternate.
        let author = if status == Status::Ignore || count % 2 == 1 {
            Author::Lead
        } else {
            Author::Bot
        };
        let finished =
            status == Status::Finished || (status == Status::Ignore && rng.random_bool(0.5));
        *per_status.entry(status).or_default() += 1;
        message_counts.push((count, author));
        let channel_id = *channels.choose(rng).unwrap_or(&channels[0]);
        facts.push((channel_id, status));
        dialog_rows.push((
            dialogs::client_id.eq(*client_id),
            dialogs::channel_id.eq(channel_id),
            dialogs::status.eq(status.as_str()),
            dialogs::flow_id.eq(flow_id),
            dialogs::step_id.eq(step_id),
            dialogs::assignee_id.eq(operators
                .choose(rng)
                .copied()
                .filter(|_| rng.random_bool(0.5))),
            dialogs::last_message_at.eq(to_db(at + Duration::minutes(count * 3))),
            dialogs::last_message_author.eq(Some(author.as_str())),
            dialogs::last_message_kind.eq(Some("text")),
            dialogs::last_message_text.eq(Some(if author == Author::Lead {
                "Здравствуйте!"
            } else {
                "Чем могу помочь?"
            })),
            dialogs::message_count.eq(count),
            dialogs::finished_at.eq(finished.then(|| to_db(at + Duration::minutes(count * 3)))),
            dialogs::finished_by.eq(if finished {
                operators.choose(rng).copied()
            } else {
                None
            }),
            dialogs::version.eq(2),
            dialogs::created_at.eq(to_db(at)),
            dialogs::updated_at.eq(to_db(at)),
        ));
    }
    let dialog_ids: Vec<i64> = crate::on_backend!(conn, |c| diesel::insert_into(dialogs::table)
        .values(&dialog_rows)
        .returning(dialogs::id)
        .get_results(c))?;

    let mut message_rows = Vec::new();
    let mut event_rows = Vec::new();
    for ((dialog_id, (count, last_author)), (channel_id, status)) in
        dialog_ids.iter().zip(&message_counts).zip(&facts)
    {
        for n in 0..*count {
            let author = if n == count - 1 {
                *last_author
            } else if n % 2 == 0 {
                Author::Lead
            } else {
                Author::Bot
            };
            message_rows.push((
                messages::dialog_id.eq(*dialog_id),
                messages::channel_id.eq(*channel_id),
                messages::author.eq(author.as_str()),
                messages::kind.eq("text"),
                messages::text.eq(if author == Author::Lead {
                    "Здравствуйте!"
                } else {
                    "Чем могу помочь?"
                }),
                messages::sent_at.eq(to_db(created - Duration::minutes(n))),
                messages::created_at.eq(to_db(created)),
            ));
        }
        event_rows.push((
            events::dialog_id.eq(*dialog_id),
            events::kind.eq("status_changed"),
            events::actor_kind.eq("system"),
            events::reason.eq("seeded"),
            events::before_value.eq("\"start\""),
            events::after_value.eq(format!("\"{status}\"")),
            events::created_at.eq(to_db(created)),
        ));
    }
    // Stay under SQLite's bound-parameter limit.
    for chunk in message_rows.chunks(2000) {
        crate::on_backend!(conn, |c| diesel::insert_into(messages::table)
            .values(chunk)
            .execute(c))?;
    }
    crate::on_backend!(conn, |c| diesel::insert_into(events::table)
        .values(&event_rows)
        .execute(c))?;
    for (status, n) in per_status {
        diesel::update(status_counters::table.find(status.as_str()))
            .set(status_counters::count.eq(status_counters::count + n))
            .execute(conn)?;
    }
    Ok(())
}
