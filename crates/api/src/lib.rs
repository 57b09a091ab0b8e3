//! The dialogdesk HTTP API on actix-web.
//!
//! `Application::build` binds its own listener (port 0 picks a free port, as
//! the tests do) and reports the port, so tests start the real server.

pub mod problem;
pub mod routes;
pub mod state;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use dialogdesk_store::Store;
use std::net::TcpListener;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// Address to listen on, e.g. `127.0.0.1:8080` (`:0` for any free port).
    pub bind: String,
    /// The secret that signs operators' JWTs.
    pub jwt_secret: String,
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
        let state = web::Data::new(state::AppState { store });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(
                    actix_web::middleware::Logger::new("%r %s %Dms").log_target("dialogdesk::http"),
                )
                .service(routes::health::healthz)
                .service(routes::health::readyz)
                .default_service(web::to(routes::not_found::not_found))
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
