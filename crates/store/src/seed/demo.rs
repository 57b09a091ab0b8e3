//! The demo set (`dialogdesk seed --demo`): played through the state machine
//! event by event, so its timeline, counters and finishes are what real traffic leaves.

use super::{parse, random_person, random_phone, Lang, Line, Script};
use crate::catalog::NewOperator;
use crate::dialogs::{apply_event, insert_dialog, ClientNames};
use crate::error::StoreResult;
use crate::schema::*;
use crate::time::{now, to_db};
use crate::{DbConnection, Store};
use chrono::{DateTime, Duration, Utc};
use dialogdesk_domain::*;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;

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

/// What the demo seeding made.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The operators, in the order of `DEMO_LOGINS`.
    pub operators: Vec<OperatorId>,
    /// Dialogs created.
    pub dialogs: usize,
}

pub(super) struct Catalog {
    operators: Vec<OperatorId>,
    channels: Vec<ChannelId>,
    /// Per flow: its steps in order.
    flows: Vec<(FlowId, Vec<StepRef>)>,
    tags: Vec<TagId>,
}

/// Plays one demo dialog through the state machine until it reaches `target`.
pub(super) fn play_demo_dialog(
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
    let client = ClientNames {
        id: client_id,
        name,
        phone_digits: digits,
    };
    let dialog = insert_dialog(conn, &client, channel, Some(&format!("demo-{index}")), at0)?;

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

/// Tags, an assignee and favourites for some demo dialogs.
pub(super) fn finish_demo(
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

impl Store {
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
            self.write("seed_demo", |conn| {
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
}
