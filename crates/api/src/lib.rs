//! The dialogdesk HTTP API on actix-web.
//!
//! `Application::build` binds its own listener (port 0 picks a free port, as
//! the tests do) and reports the port, so tests start the real server.

pub mod auth;
pub mod blocking;
pub mod json;
pub mod live;
pub mod masking;
pub mod metrics;
pub mod openapi;
pub mod outbound;
pub mod problem;
pub mod routes;
pub mod state;

use actix_web::dev::{Server, Service};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use dialogdesk_store::Store;
use std::net::TcpListener;
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt};
use utoipa_swagger_ui::SwaggerUi;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080` (`:0` for any free port).
    pub bind: String,
    /// The secret that signs operators' JWTs.
    pub jwt_secret: String,
    /// How long an operator's token lives, in seconds.
    pub jwt_ttl_seconds: i64,
    /// Live events a stream client may fall behind by before it is dropped
    /// (it resumes with `Last-Event-ID`); see `live::relay::CLIENT_BUFFER`.
    pub live_client_buffer: usize,
    /// The built web app (trunk's `dist` folder), served at `/`.
    pub spa_dir: std::path::PathBuf,
    /// The header a trusted reverse proxy sets to the client's address
    /// (e.g. `X-Forwarded-For`, `X-Real-IP`); `None` without a proxy.
    pub client_ip_header: Option<String>,
    /// The bearer token `/metrics` asks for; `None`: only callers on this
    /// machine may read it.
    pub metrics_token: Option<String>,
    /// How many live streams may be open, per caller and in all.
    pub stream_caps: live::slots::StreamCaps,
    /// How outbound webhooks are delivered.
    pub webhooks: outbound::WebhookSettings,
}

/// Operators' tokens last a working shift by default.
pub const DEFAULT_JWT_TTL_SECONDS: i64 = 8 * 60 * 60;

/// The OpenAPI document of every `/api/v1` operation, as served at
/// `/api/openapi.json` and committed as `openapi/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .service(scope("/api/v1").configure(routes::configure))
        .split_for_parts()
        .1;
    openapi::add_problem_responses(&mut doc);
    doc
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
}

impl Application {
    /// Binds the listener and builds the server.
    pub fn build(config: &ApiConfig, store: Store) -> anyhow::Result<Application> {
        let listener =
            TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener
            .local_addr()
            .context("reading the bound address")?
            .port();
        let client_ip_header = config
            .client_ip_header
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .map(|h| actix_web::http::header::HeaderName::try_from(h.trim()))
            .transpose()
            .context("the client IP header is not a valid header name")?;
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let state = web::Data::new(state::AppState {
            store,
            jwt: auth::jwt::JwtKeys::new(&config.jwt_secret, config.jwt_ttl_seconds),
            login_limiter: Arc::new(auth::login_limit::LoginLimiter::default()),
            password_checks: Arc::new(tokio::sync::Semaphore::new(cores)),
            client_ip_header,
            webhook_allow_private: config.webhooks.allow_private,
        });
        outbound::start(state.store.clone(), config.webhooks.clone())?;
        let spec = openapi();
        let metrics = Arc::new(metrics::Metrics::default());
        let hub = web::Data::new(live::relay::LiveHub::start(
            state.store.clone(),
            metrics.clone(),
            config.live_client_buffer,
        )?);
        let recorder = metrics.clone();
        let metrics = web::Data::from(metrics);
        let spa = web::Data::new(routes::spa::SpaDir(config.spa_dir.clone()));
        let slots = web::Data::new(live::slots::StreamSlots::new(config.stream_caps));
        let known_routes = web::Data::new(routes::not_found::KnownRoutes::of(&spec));
        let metrics_token = web::Data::new(metrics::MetricsToken(
            config
                .metrics_token
                .clone()
                .filter(|t| !t.trim().is_empty()),
        ));
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .service(
                    scope("/api/v1")
                        .wrap(actix_web::middleware::from_fn(auth::authenticate_request))
                        .configure(routes::configure),
                )
                .split_for_parts();
            app.app_data(state.clone())
                .app_data(hub.clone())
                .app_data(metrics.clone())
                .app_data(spa.clone())
                .app_data(metrics_token.clone())
                .app_data(slots.clone())
                .app_data(known_routes.clone())
                .app_data(web::QueryConfig::default().error_handler(problem::query_error))
                .app_data(web::PathConfig::default().error_handler(routes::not_found::path_error))
                .wrap_fn({
                    let recorder = recorder.clone();
                    move |req, service| {
                        let started = std::time::Instant::now();
                        let (route, method) = metrics::labels(&req);
                        let recorder = recorder.clone();
                        let response = service.call(req);
                        async move {
                            let response = response.await?;
                            let seconds = started.elapsed().as_secs_f64();
                            recorder.observe(&route, &method, response.status().as_u16(), seconds);
                            Ok(response)
                        }
                    }
                })
                // Everywhere: no MIME sniffing of an answer into something
                // runnable, and no URL leaking to other sites in `Referer`.
                .wrap(
                    actix_web::middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                // The path without its query string: `?token=` must not reach the logs.
                .wrap(
                    actix_web::middleware::Logger::new("%{method}xi %U %s %Dms")
                        .custom_request_replace("method", |req| req.method().to_string())
                        .log_target("dialogdesk::http"),
                )
                .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
                .service(web::redirect("/api/docs", "/api/docs/"))
                .service(routes::health::healthz)
                .service(routes::health::readyz)
                .route("/metrics", web::get().to(metrics::metrics))
                .default_service(web::to(routes::spa::fallback))
        })
        .listen(listener)
        .context("starting the HTTP server")?
        .run();
        Ok(Application { server, port })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
