//! `spawn_app`: the real server on a random port against a throw-away
//! SQLite file or PostgreSQL database, with an admin, a head and an
//! operator logged in and one API token per scope; typed helpers for the
//! requests most tests make.

use crate::db::{Backend, ThrowAway};
use dialogdesk_api::{ApiConfig, Application};
use dialogdesk_domain::wire::{
    BotEvent, CreateChannelBody, CreateFlowBody, CreateTagBody, CreateTokenBody, CreatedToken,
    InboundBody, InboundClientBody, InboundMessageBody, LoginRequest, LoginResponse, SettingsBody,
    StepBody,
};
use dialogdesk_domain::{ChannelId, ChannelKind, Email, FinishStatus, PersonName, Role, Scope};
use dialogdesk_store::catalog::NewOperator;
use dialogdesk_store::Store;
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::Value;

/// The header the test server trusts for the client's address, as it would
/// a reverse proxy's.
pub const CLIENT_IP_HEADER: &str = "X-Test-Client-IP";

/// The test server's bounds on open live streams.
pub const STREAM_CAPS: dialogdesk_api::live::slots::StreamCaps =
    dialogdesk_api::live::slots::StreamCaps {
        per_caller: 6,
        total: 12,
    };

/// The token the test server's `/metrics` asks for.
pub const METRICS_TOKEN: &str = "test-metrics-token";

/// The secret the test server signs tokens with (tests forge tokens with it).
pub const JWT_SECRET: &str = "test-secret-of-the-api-tests";

/// The per-client live buffer of the test server, in events.
pub const LIVE_CLIENT_BUFFER: usize = 64;

/// A running server and its callers.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// A client for it.
    pub http: reqwest::Client,
    /// The server's store (for checks behind the API).
    pub store: Store,
    /// An admin's JWT.
    pub admin: String,
    /// A head's JWT.
    pub head: String,
    /// An operator's JWT.
    pub operator: String,
    /// The admin's id.
    pub admin_id: i64,
    /// The head's id.
    pub head_id: i64,
    /// The operator's id.
    pub operator_id: i64,
    /// API token with the `inbound` scope.
    pub inbound_token: String,
    /// API token with the `bot` scope.
    pub bot_token: String,
    /// API token with the `read` scope.
    pub read_token: String,
    /// Its id (to revoke it).
    pub read_token_id: i64,
    /// API token with the `admin` scope.
    pub admin_token: String,
    _database: ThrowAway,
}

/// A stand-in for the SPA's build: an index page, a hashed script, and a
/// hashed wasm with its gzip copy (`.gz`; the bytes only mark which one
/// was served).
fn spa_fixture() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dd-spa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder for the SPA fixture");
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>dialogdesk</title><script type=\"module\">import init from '/app-0123abcd.js'; await init();</script><div id=app></div>",
    )
    .expect("the SPA fixture's index");
    std::fs::write(dir.join("app-0123abcd.js"), "console.log('app')")
        .expect("the SPA fixture's asset");
    std::fs::write(dir.join("app-4567cdef_bg.wasm"), "the plain wasm")
        .expect("the SPA fixture's wasm");
    std::fs::write(dir.join("app-4567cdef_bg.wasm.gz"), "the gzip copy")
        .expect("the SPA fixture's gzip copy");
    dir
}

/// Starts the server; `None` when the backend is not available here.
///
/// # Panics
/// The webhook settings of test servers: receivers on loopback allowed,
/// retries after 200 ms, a subscription disabled after 3 s of failures.
pub fn test_webhook_settings() -> dialogdesk_api::outbound::WebhookSettings {
    let ms = std::time::Duration::from_millis;
    dialogdesk_api::outbound::WebhookSettings {
        allow_private: true,
        retry: dialogdesk_store::webhooks::dispatch::RetryPolicy {
            retry_delays: vec![ms(200); 7],
            disable_after: ms(3_000),
        },
        timeout: ms(2_000),
        batch: 64,
    }
}

/// When the server cannot be set up: a test cannot run without it.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, test_webhook_settings()).await
}

/// [`spawn_app`] with webhook settings of the test's own.
///
/// # Panics
/// When the server cannot be set up.
pub async fn spawn_app_with(
    backend: Backend,
    webhooks: dialogdesk_api::outbound::WebhookSettings,
) -> Option<TestApp> {
    let database = ThrowAway::new(backend)?;
    let store = Store::open(&database.url).expect("opening the test database");
    let mut ids = Vec::new();
    for (role, name) in [
        (Role::Admin, "Admin Adminova"),
        (Role::Head, "Head Headov"),
        (Role::Operator, "Оля Операторова"),
    ] {
        let op = store
            .create_operator(NewOperator {
                name: PersonName::parse(name).expect("a name"),
                email: Email::parse(&format!("{}@test.local", role.as_str())).expect("an e-mail"),
                role,
                password: format!("{}-password", role.as_str()),
            })
            .expect("creating a test operator");
        ids.push(op.id.0);
    }
    let config = ApiConfig {
        bind: "127.0.0.1:0".into(),
        jwt_secret: JWT_SECRET.into(),
        jwt_ttl_seconds: 3600,
        // Small, so tests can push a client past it.
        live_client_buffer: LIVE_CLIENT_BUFFER,
        spa_dir: spa_fixture(),
        // Tests stand for clients behind a proxy by sending this header.
        client_ip_header: Some(CLIENT_IP_HEADER.into()),
        metrics_token: Some(METRICS_TOKEN.into()),
        // Small, so tests can reach them.
        stream_caps: STREAM_CAPS,
        webhooks,
    };
    let app = Application::build(&config, store.clone()).expect("building the server");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for role in ["admin", "head", "operator"] {
        let login = LoginRequest {
            email: format!("{role}@test.local"),
            password: format!("{role}-password"),
        };
        let response: LoginResponse = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&login)
            .send()
            .await
            .expect("logging in")
            .json()
            .await
            .expect("a login response");
        tokens.push(response.access_token);
    }
    let mut app = TestApp {
        base,
        http,
        store,
        admin: tokens[0].clone(),
        head: tokens[1].clone(),
        operator: tokens[2].clone(),
        admin_id: ids[0],
        head_id: ids[1],
        operator_id: ids[2],
        inbound_token: String::new(),
        bot_token: String::new(),
        read_token: String::new(),
        read_token_id: 0,
        admin_token: String::new(),
        _database: database,
    };
    let admin = app.admin.clone();
    for scope in Scope::ALL {
        let created: CreatedToken = app
            .post_as(
                &admin,
                "/api/v1/api-tokens",
                &CreateTokenBody {
                    name: format!("{scope} token"),
                    scopes: vec![*scope],
                },
            )
            .await;
        match scope {
            Scope::Inbound => app.inbound_token = created.token,
            Scope::Bot => app.bot_token = created.token,
            Scope::Read => (app.read_token, app.read_token_id) = (created.token, created.id.0),
            Scope::Admin => app.admin_token = created.token,
        }
    }
    Some(app)
}

/// A lead's message as a channel connector delivers it.
pub fn lead_message(
    channel: i64,
    chat: &str,
    name: &str,
    phone: Option<&str>,
    kind: &str,
    text: &str,
    message_id: Option<&str>,
) -> InboundBody {
    InboundBody {
        channel_id: ChannelId(channel),
        client: InboundClientBody {
            external_id: Some(chat.to_owned()),
            phone: phone.map(str::to_owned),
            name: Some(name.to_owned()),
            avatar_url: None,
        },
        message: InboundMessageBody {
            external_id: message_id.map(str::to_owned),
            kind: Some(kind.parse().expect("a message kind")),
            text: text.to_owned(),
            media_url: None,
            sent_at: None,
        },
    }
}

impl TestApp {
    /// A request with a bearer token ("" for none) and an optional JSON
    /// body, as raw JSON both ways: for malformed bodies and for asserting
    /// the served JSON itself.
    ///
    /// # Panics
    /// When the server does not answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        let text = response.text().await.expect("a readable answer");
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    /// `count` new leads on `channel` (chat ids `<prefix>-0`, `<prefix>-1`,
    /// …) each say "hi".
    pub async fn new_leads_say_hi(&self, channel: i64, prefix: &str, count: usize) {
        for n in 0..count {
            let (status, body) = self
                .inbound(lead_message(
                    channel,
                    &format!("{prefix}-{n}"),
                    "Lead",
                    None,
                    "text",
                    "hi",
                    None,
                ))
                .await;
            assert!(status.is_success(), "{status} {body}");
        }
    }

    /// The admin (de)activates an operator; the answer's status.
    pub async fn set_active(&self, operator: i64, active: bool) -> StatusCode {
        self.send(
            Method::PATCH,
            &format!("/api/v1/operators/{operator}"),
            &self.admin,
            serde_json::json!({ "active": active }),
        )
        .await
        .0
    }

    /// A typed request body (a wire type), the answer as raw JSON.
    pub async fn call_typed(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: &impl Serialize,
    ) -> (StatusCode, Value) {
        let body = serde_json::to_value(body).expect("a wire type serialises");
        self.call(method, path, token, Some(body)).await
    }

    /// GET that must answer 200.
    pub async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call(Method::GET, path, token, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    /// A raw JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.call(method, path, token, Some(body)).await
    }

    /// POST of a wire body that must succeed, decoding the wire answer.
    pub async fn post_as<T: serde::de::DeserializeOwned>(
        &self,
        token: &str,
        path: &str,
        body: &impl Serialize,
    ) -> T {
        let (status, answer) = self.call_typed(Method::POST, path, token, body).await;
        assert!(status.is_success(), "POST {path}: {status} {answer}");
        serde_json::from_value(answer).expect("a wire answer")
    }

    /// Creates the small catalog most tests need; returns its ids.
    pub async fn catalog(&self) -> Catalog {
        let a = &self.admin;
        let channel = |kind, name: &str| CreateChannelBody {
            kind,
            name: name.to_owned(),
        };
        let step = |name: &str, finish_status| StepBody {
            name: name.to_owned(),
            finish_status,
        };
        let flow = |name: &str, steps| CreateFlowBody {
            name: name.to_owned(),
            steps,
        };
        let tag = |name: &str, color: &str| CreateTagBody {
            name: name.to_owned(),
            color: color.to_owned(),
        };
        let wa: dialogdesk_domain::Channel = self
            .post_as(
                a,
                "/api/v1/channels",
                &channel(ChannelKind::Whatsapp, "WhatsApp"),
            )
            .await;
        let tg: dialogdesk_domain::Channel = self
            .post_as(
                a,
                "/api/v1/channels",
                &channel(ChannelKind::Telegram, "Telegram"),
            )
            .await;
        let sales: dialogdesk_domain::Flow = self
            .post_as(
                a,
                "/api/v1/flows",
                &flow(
                    "Sales",
                    vec![
                        step("Hello", FinishStatus::None),
                        step("Wait for payment", FinishStatus::Waiting),
                        step("Paid", FinishStatus::Finished),
                    ],
                ),
            )
            .await;
        let other: dialogdesk_domain::Flow = self
            .post_as(
                a,
                "/api/v1/flows",
                &flow("Consult", vec![step("Hi", FinishStatus::None)]),
            )
            .await;
        let vip: dialogdesk_domain::Tag = self
            .post_as(a, "/api/v1/tags", &tag("VIP", "#e53935"))
            .await;
        let hot: dialogdesk_domain::Tag = self
            .post_as(a, "/api/v1/tags", &tag("Hot", "#fb8c00"))
            .await;
        let steps = |flow: &dialogdesk_domain::Flow| flow.steps.iter().map(|s| s.id.0).collect();
        Catalog {
            whatsapp: wa.id.0,
            telegram: tg.id.0,
            sales: sales.id.0,
            sales_steps: steps(&sales),
            other_flow: other.id.0,
            other_steps: steps(&other),
            vip: vip.id.0,
            hot: hot.id.0,
        }
    }

    /// A lead's message through the inbound integration.
    pub async fn inbound(&self, delivery: InboundBody) -> (StatusCode, Value) {
        self.call_typed(
            Method::POST,
            "/api/v1/inbound",
            &self.inbound_token,
            &delivery,
        )
        .await
    }

    /// An AI-engine report.
    pub async fn bot(&self, dialog: i64, event: BotEvent) -> (StatusCode, Value) {
        self.call_typed(
            Method::POST,
            &format!("/api/v1/dialogs/{dialog}/bot"),
            &self.bot_token,
            &event,
        )
        .await
    }

    /// The chat-settings save as the operator.
    pub async fn settings(&self, dialog: i64, save: SettingsBody) -> (StatusCode, Value) {
        self.call_typed(
            Method::PUT,
            &format!("/api/v1/dialogs/{dialog}/settings"),
            &self.operator,
            &save,
        )
        .await
    }

    /// The dialog as the admin sees it.
    pub async fn dialog(&self, id: i64) -> Value {
        self.get(&format!("/api/v1/dialogs/{id}"), &self.admin)
            .await
    }

    /// Every item of a paged list, following `next_cursor`.
    pub async fn all_pages(&self, path: &str, token: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let sep = if path.contains('?') { '&' } else { '?' };
        loop {
            let url = match &cursor {
                Some(c) => format!("{path}{sep}cursor={c}"),
                None => path.to_owned(),
            };
            let page = self.get(&url, token).await;
            items.extend(page["items"].as_array().into_iter().flatten().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }
}

/// Ids of the test catalog.
pub struct Catalog {
    /// A WhatsApp channel.
    pub whatsapp: i64,
    /// A Telegram channel.
    pub telegram: i64,
    /// The sales flow.
    pub sales: i64,
    /// Its steps: none, waiting, finished.
    pub sales_steps: Vec<i64>,
    /// Another flow.
    pub other_flow: i64,
    /// Its one step (none).
    pub other_steps: Vec<i64>,
    /// Tag VIP.
    pub vip: i64,
    /// Tag Hot.
    pub hot: i64,
}
