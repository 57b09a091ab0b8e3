//! `spawn_app`: the real server on a random port against a fresh SQLite file
//! or a fresh PostgreSQL database, with an admin, a head and an operator
//! logged in and one API token per scope.
#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use dialogdesk_api::{ApiConfig, Application};
use dialogdesk_domain::{Email, PersonName, Role};
use dialogdesk_store::catalog::NewOperator;
use dialogdesk_store::Store;
use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The secret the test server signs tokens with (tests forge tokens with it).
pub const JWT_SECRET: &str = "test-secret-of-the-api-tests";

/// The per-client live buffer of the test server, in events.
pub const LIVE_CLIENT_BUFFER: usize = 64;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and its callers.
pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub store: Store,
    pub admin: String,
    pub head: String,
    pub operator: String,
    pub admin_id: i64,
    pub head_id: i64,
    pub operator_id: i64,
    pub inbound_token: String,
    pub bot_token: String,
    pub read_token: String,
    pub admin_token: String,
    _db: Cleanup,
}

enum Cleanup {
    Sqlite(tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = self {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin);
            }
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn database(backend: Backend) -> Option<(String, Cleanup)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("api.db").display());
            Some((url, Cleanup::Sqlite(dir)))
        }
        Backend::Postgres => {
            let admin_url = std::env::var("DATABASE_URL_PG")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
            let mut admin = match PgConnection::establish(&admin_url) {
                Ok(c) => c,
                Err(e) if std::env::var("DIALOGDESK_REQUIRE_PG").as_deref() != Ok("1") => {
                    eprintln!("PostgreSQL is not reachable at {admin_url} ({e}): skipping the PostgreSQL half of the API tests");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required but not reachable: {e}"),
            };
            let name = format!(
                "dd_api_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut admin)
                .unwrap();
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut admin)
                .unwrap();
            let base = admin_url
                .rsplit_once('/')
                .map_or(admin_url.as_str(), |(b, _)| b);
            Some((
                format!("{base}/{name}"),
                Cleanup::Postgres {
                    admin_url: admin_url.clone(),
                    name,
                },
            ))
        }
    }
}

/// A stand-in for trunk's output: an index page and one hashed asset.
fn spa_fixture() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dd-spa-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>dialogdesk</title><div id=app></div>",
    )
    .unwrap();
    std::fs::write(dir.join("app-0123abcd.js"), "console.log('app')").unwrap();
    dir
}

/// Starts the server; `None` when the backend is not available here.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let (url, cleanup) = database(backend)?;
    let store = Store::open(&url).unwrap();
    let mut ids = Vec::new();
    for (role, name) in [
        (Role::Admin, "Admin Adminova"),
        (Role::Head, "Head Headov"),
        (Role::Operator, "Оля Операторова"),
    ] {
        let op = store
            .create_operator(NewOperator {
                name: PersonName::parse(name).unwrap(),
                email: Email::parse(&format!("{}@test.local", role.as_str())).unwrap(),
                role,
                password: format!("{}-password", role.as_str()),
            })
            .unwrap();
        ids.push(op.id.0);
    }
    let config = ApiConfig {
        bind: "127.0.0.1:0".into(),
        jwt_secret: JWT_SECRET.into(),
        jwt_ttl_seconds: 3600,
        // Small, so tests can push a client past it.
        live_client_buffer: LIVE_CLIENT_BUFFER,
        spa_dir: spa_fixture(),
    };
    let app = Application::build(&config, store.clone()).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for role in ["admin", "head", "operator"] {
        let body =
            json!({"email": format!("{role}@test.local"), "password": format!("{role}-password")});
        let response: Value = http
            .post(format!("{base}/api/v1/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(response["access_token"].as_str().unwrap().to_owned());
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
        admin_token: String::new(),
        _db: cleanup,
    };
    let admin = app.admin.clone();
    for scope in ["inbound", "bot", "read", "admin"] {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/api-tokens",
                &admin,
                Some(json!({"name": format!("{scope} token"), "scopes": [scope]})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let secret = body["token"].as_str().unwrap().to_owned();
        match scope {
            "inbound" => app.inbound_token = secret,
            "bot" => app.bot_token = secret,
            "read" => app.read_token = secret,
            _ => app.admin_token = secret,
        }
    }
    Some(app)
}

impl TestApp {
    /// A request with a bearer token ("" for none) and an optional JSON body.
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
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.call(Method::GET, path, token, None).await;
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        body
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        self.call(method, path, token, Some(body)).await
    }

    /// Creates the small catalog most tests need; returns its ids.
    pub async fn catalog(&self) -> Catalog {
        let a = &self.admin;
        let (_, wa) = self
            .send(
                Method::POST,
                "/api/v1/channels",
                a,
                json!({"kind": "whatsapp", "name": "WhatsApp"}),
            )
            .await;
        let (_, tg) = self
            .send(
                Method::POST,
                "/api/v1/channels",
                a,
                json!({"kind": "telegram", "name": "Telegram"}),
            )
            .await;
        let (_, sales) = self
            .send(
                Method::POST,
                "/api/v1/flows",
                a,
                json!({"name": "Sales", "steps": [
                    {"name": "Hello", "finish_status": "none"},
                    {"name": "Wait for payment", "finish_status": "waiting"},
                    {"name": "Paid", "finish_status": "finished"}
                ]}),
            )
            .await;
        let (_, other) = self
            .send(
                Method::POST,
                "/api/v1/flows",
                a,
                json!({"name": "Consult", "steps": [{"name": "Hi", "finish_status": "none"}]}),
            )
            .await;
        let (_, vip) = self
            .send(
                Method::POST,
                "/api/v1/tags",
                a,
                json!({"name": "VIP", "color": "#e53935"}),
            )
            .await;
        let (_, hot) = self
            .send(
                Method::POST,
                "/api/v1/tags",
                a,
                json!({"name": "Hot", "color": "#fb8c00"}),
            )
            .await;
        let steps = |flow: &Value| {
            flow["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_i64().unwrap())
                .collect()
        };
        Catalog {
            whatsapp: wa["id"].as_i64().unwrap(),
            telegram: tg["id"].as_i64().unwrap(),
            sales: sales["id"].as_i64().unwrap(),
            sales_steps: steps(&sales),
            other_flow: other["id"].as_i64().unwrap(),
            other_steps: steps(&other),
            vip: vip["id"].as_i64().unwrap(),
            hot: hot["id"].as_i64().unwrap(),
        }
    }

    /// A lead's message through the inbound integration.
    #[expect(
        clippy::too_many_arguments,
        reason = "mirrors the inbound body's fields"
    )]
    pub async fn inbound(
        &self,
        channel: i64,
        chat: &str,
        name: &str,
        phone: Option<&str>,
        kind: &str,
        text: &str,
        message_id: Option<&str>,
    ) -> (StatusCode, Value) {
        let body = json!({
            "channel_id": channel,
            "client": {"external_id": chat, "phone": phone, "name": name},
            "message": {"external_id": message_id, "kind": kind, "text": text}
        });
        self.send(Method::POST, "/api/v1/inbound", &self.inbound_token, body)
            .await
    }

    /// An AI-engine report.
    pub async fn bot(&self, dialog: i64, body: Value) -> (StatusCode, Value) {
        self.send(
            Method::POST,
            &format!("/api/v1/dialogs/{dialog}/bot"),
            &self.bot_token,
            body,
        )
        .await
    }

    /// The chat-settings save as the operator.
    pub async fn settings(&self, dialog: i64, body: Value) -> (StatusCode, Value) {
        self.send(
            Method::PUT,
            &format!("/api/v1/dialogs/{dialog}/settings"),
            &self.operator,
            body,
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
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
    }
}

/// Ids of the test catalog.
pub struct Catalog {
    pub whatsapp: i64,
    pub telegram: i64,
    pub sales: i64,
    /// none, waiting, finished.
    pub sales_steps: Vec<i64>,
    pub other_flow: i64,
    pub other_steps: Vec<i64>,
    pub vip: i64,
    pub hot: i64,
}

/// Runs each named `async fn(TestApp)` as `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::common::spawn_app($crate::common::Backend::Sqlite).await.unwrap();
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(app) = $crate::common::spawn_app($crate::common::Backend::Postgres).await else { return };
                    super::$name(app).await;
                }
            )*
        }
    };
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub id: Option<i64>,
    pub kind: String,
    pub data: Value,
}

/// A stream client that parses `text/event-stream`.
pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    /// Opens `/api/v1/stream` on `base` with a token and optionally a `Last-Event-ID`.
    pub async fn open(base: &str, token: &str, last_event_id: Option<i64>) -> SseClient {
        let mut request = reqwest::Client::new()
            .get(format!("{base}/api/v1/stream"))
            .bearer_auth(token);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        SseClient {
            response,
            buffer: String::new(),
        }
    }

    /// The next event (comments and `retry:` skipped), or `None` when the
    /// stream ends or nothing comes within `wait`.
    pub async fn next(&mut self, wait: std::time::Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, None, String::new());
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("id: ") {
                        id = v.parse().ok();
                    } else if let Some(v) = line.strip_prefix("event: ") {
                        kind = Some(v.to_owned());
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                if let Some(kind) = kind {
                    return Some(Sse {
                        id,
                        kind,
                        data: serde_json::from_str(&data).unwrap(),
                    });
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Events until `until` matches one (included), within `wait`.
    pub async fn until(
        &mut self,
        wait: std::time::Duration,
        until: impl Fn(&Sse) -> bool,
    ) -> Vec<Sse> {
        let deadline = tokio::time::Instant::now() + wait;
        let mut events = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let Some(event) = self.next(left).await else {
                panic!("the stream ended or went quiet before the awaited event; got {events:#?}");
            };
            let done = until(&event);
            events.push(event);
            if done {
                return events;
            }
        }
    }
}

impl SseClient {
    /// Every event until the stream is quiet for `quiet`.
    pub async fn drain(&mut self, quiet: std::time::Duration) -> Vec<Sse> {
        let mut events = Vec::new();
        while let Some(event) = self.next(quiet).await {
            events.push(event);
        }
        events
    }
}
