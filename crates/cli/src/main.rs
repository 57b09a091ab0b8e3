//! `dialogdesk`: serve the API and the SPA, migrate, seed, manage operators.

mod config;
mod receiver;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use dialogdesk_api::{ApiConfig, Application};
use dialogdesk_domain::{Email, Label, PersonName, Role, Scope};
use dialogdesk_store::catalog::NewOperator;
use dialogdesk_store::db::PoolSettings;
use dialogdesk_store::seed::DEMO_LOGINS;
use dialogdesk_store::Store;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::BufRead;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "dialogdesk",
    version,
    about = "Operator console and REST API of an AI chatbot sales service"
)]
struct Cli {
    /// `sqlite://path/file.db` (embedded default) or `postgres://user@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/dialogdesk.db",
        global = true
    )]
    database_url: String,
    /// Where dialogdesk keeps its own files (the generated JWT secret).
    #[arg(
        long,
        env = "DIALOGDESK_DATA_DIR",
        default_value = "data",
        global = true
    )]
    data_dir: PathBuf,
    /// Database connections for logins, dialogs, messages and writes
    /// (default 8 on SQLite, 16 on PostgreSQL).
    #[arg(long, env = "DIALOGDESK_DB_POOL_SIZE", global = true)]
    db_pool_size: Option<u32>,
    /// Database connections for lists, searches, CSV and analytics, a pool
    /// of their own so slow reports never starve logins and writes (default 4).
    #[arg(long, env = "DIALOGDESK_DB_REPORT_CONNECTIONS", global = true)]
    db_report_connections: Option<u32>,
    /// How long a request waits for a free connection before a 503 with
    /// `Retry-After`, in milliseconds.
    #[arg(
        long,
        env = "DIALOGDESK_DB_POOL_WAIT_MS",
        default_value_t = 3000,
        global = true
    )]
    db_pool_wait_ms: u64,
    /// How long one list, search or report statement may run on PostgreSQL
    /// before it is cancelled (503), in milliseconds.
    #[arg(
        long,
        env = "DIALOGDESK_STATEMENT_TIMEOUT_MS",
        default_value_t = 5000,
        global = true
    )]
    statement_timeout_ms: u64,
    /// Log filter, e.g. `info` or `dialogdesk=debug,info`.
    #[arg(long, env = "DIALOGDESK_LOG", default_value = "info", global = true)]
    log: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "DIALOGDESK_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Signs operators' JWTs; generated and kept in the data folder when unset.
        #[arg(long, env = "DIALOGDESK_JWT_SECRET", hide_env_values = true)]
        jwt_secret: Option<String>,
        /// How long an operator's login lasts, in minutes.
        #[arg(long, env = "DIALOGDESK_JWT_TTL_MINUTES", default_value_t = dialogdesk_api::DEFAULT_JWT_TTL_SECONDS / 60)]
        jwt_ttl_minutes: i64,
        /// Seed the demo data when the database is empty, and print the demo logins.
        #[arg(long)]
        demo: bool,
        /// The built web app (trunk's output), served at `/`.
        #[arg(long, env = "DIALOGDESK_SPA_DIR", default_value = "frontend/dist")]
        spa_dir: std::path::PathBuf,
        /// Behind a reverse proxy: the header it puts the client's address
        /// in (e.g. `X-Forwarded-For`), for login throttling per client.
        /// Leave unset without a proxy: clients could forge the header.
        #[arg(long, env = "DIALOGDESK_CLIENT_IP_HEADER")]
        client_ip_header: Option<String>,
        /// The bearer token `/metrics` asks for; unset: only callers on
        /// this machine may read the metrics.
        #[arg(long, env = "DIALOGDESK_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Let webhooks go to loopback, private and link-local addresses
        /// (a receiver on this machine or network). Off by default: a
        /// subscription must not reach internal services.
        #[arg(long, env = "DIALOGDESK_WEBHOOK_ALLOW_PRIVATE", value_parser = clap::builder::BoolishValueParser::new(), default_value_t = false)]
        webhook_allow_private: bool,
        /// The waits before each webhook retry, comma-separated, e.g.
        /// `5s,30s,2m,5m,15m,30m,1h` (the default): a delivery fails for
        /// good after one more attempt than there are waits.
        #[arg(long, env = "DIALOGDESK_WEBHOOK_RETRY_DELAYS")]
        webhook_retry_delays: Option<String>,
    },
    /// Print the OpenAPI document (JSON) of the API.
    Openapi,
    /// Create an API token for an integration and print its secret (shown once).
    Token {
        /// What it is for, e.g. "WhatsApp connector".
        #[arg(long)]
        name: String,
        /// What it may do (repeat or comma-separate).
        #[arg(long, value_enum, value_delimiter = ',', required = true)]
        scope: Vec<Scope>,
    },
    /// Run pending database migrations and exit.
    Migrate,
    /// Receive webhooks to try them: verify each request's signature with
    /// the subscription's secret and print the verified events (JSON, one
    /// per line).
    WebhookReceiver {
        /// Address to listen on (subscribe `http://<it>/`, with
        /// DIALOGDESK_WEBHOOK_ALLOW_PRIVATE=1 on the server for a loopback one).
        #[arg(long, default_value = "127.0.0.1:9000")]
        bind: String,
        /// The subscription's `whsec_…` secret.
        #[arg(long, env = "DIALOGDESK_WEBHOOK_SECRET", hide_env_values = true)]
        secret: String,
    },
    /// Fill the database with data.
    Seed {
        /// The demo set: 3 operators, 4 channels, 2 flows, 6 tags, 300 dialogs.
        #[arg(long, conflicts_with = "dialogs")]
        demo: bool,
        /// This many more dialogs, for load (needs the demo catalog).
        #[arg(long)]
        dialogs: Option<usize>,
    },
    /// Create an operator (the password is read from stdin unless given).
    CreateOperator {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// What the operator may do.
        #[arg(long, value_enum, default_value = "operator")]
        role: Role,
        /// The password (prefer stdin or DIALOGDESK_PASSWORD: flags show in `ps`).
        #[arg(long, env = "DIALOGDESK_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(&cli.log).context("reading the log filter")?,
        )
        .with_writer(std::io::stderr)
        .init();
    let pool = pool_settings(&cli);
    match cli.command {
        Command::Serve {
            bind,
            jwt_secret,
            jwt_ttl_minutes,
            demo,
            spa_dir,
            client_ip_header,
            metrics_token,
            webhook_allow_private,
            webhook_retry_delays,
        } => {
            if demo && !config::is_loopback(&bind) {
                bail!(
                    "--demo serves well-known demo logins: bind it to a loopback address \
                     (127.0.0.1, ::1, localhost), not `{bind}`"
                );
            }
            let jwt_secret = config::jwt_secret(jwt_secret, &cli.data_dir)?;
            let store = open(&cli.database_url, &pool)?;
            if demo {
                seed_demo_if_empty(&store)?;
            }
            if jwt_ttl_minutes < 1 {
                bail!("--jwt-ttl-minutes must be at least 1");
            }
            let config = ApiConfig {
                bind: bind.clone(),
                jwt_secret,
                jwt_ttl_seconds: jwt_ttl_minutes * 60,
                live_client_buffer: dialogdesk_api::live::relay::CLIENT_BUFFER,
                spa_dir,
                client_ip_header,
                metrics_token,
                stream_caps: Default::default(),
                webhooks: config::webhook_settings(
                    webhook_allow_private,
                    webhook_retry_delays.as_deref(),
                )?,
            };
            let app = Application::build(&config, store)?;
            let host = bind
                .rsplit_once(':')
                .map_or(bind.as_str(), |(host, _)| host);
            // Tests and scripts read this line to learn the port.
            println!("dialogdesk listening on http://{host}:{}", app.port());
            app.run_until_stopped().await?;
        }
        Command::Openapi => {
            println!("{}", dialogdesk_api::openapi().to_pretty_json()?);
        }
        Command::Token { name, scope } => {
            let store = open(&cli.database_url, &pool)?;
            let (token, secret) = store.create_api_token(&Label::parse(&name)?, &scope, None)?;
            let names: Vec<&str> = token.scopes.iter().map(|s| s.as_str()).collect();
            eprintln!(
                "created API token {} \"{}\" with scopes {}; the secret is shown only now:",
                token.id,
                token.name,
                names.join(",")
            );
            println!("{secret}");
        }
        Command::WebhookReceiver { bind, secret } => {
            receiver::run(&bind, secret).await?;
        }
        Command::Migrate => {
            let store = open(&cli.database_url, &pool)?;
            println!(
                "database at {} is migrated",
                dialogdesk_store::db::redact(&cli.database_url)
            );
            drop(store);
        }
        Command::Seed { demo, dialogs } => {
            let store = open(&cli.database_url, &pool)?;
            if demo {
                if !store.is_empty()? {
                    bail!("the database already has data; the demo set goes into an empty database only");
                }
                seed_demo(&store)?;
            } else if let Some(count) = dialogs {
                seed_bulk(&store, count)?;
            } else {
                bail!("say what to seed: --demo or --dialogs N");
            }
        }
        Command::CreateOperator {
            name,
            email,
            role,
            password,
        } => {
            let store = open(&cli.database_url, &pool)?;
            let password = match password {
                Some(p) => p,
                None => {
                    eprintln!("password for {email}:");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let operator = store.create_operator(NewOperator {
                name: PersonName::parse(&name)?,
                email: Email::parse(&email)?,
                role,
                password,
            })?;
            println!(
                "created operator {} <{}> ({}) with id {}",
                operator.name, operator.email, operator.role, operator.id
            );
        }
    }
    Ok(())
}

/// The pool settings the options give.
fn pool_settings(cli: &Cli) -> PoolSettings {
    PoolSettings {
        size: cli.db_pool_size,
        report_size: cli.db_report_connections,
        wait: std::time::Duration::from_millis(cli.db_pool_wait_ms),
        statement_timeout: std::time::Duration::from_millis(cli.statement_timeout_ms),
    }
}

fn open(url: &str, pool: &PoolSettings) -> anyhow::Result<Store> {
    let store = Store::open_with(url, pool.clone())?;
    tracing::info!(database = %dialogdesk_store::db::redact(url), "database ready");
    Ok(store)
}

fn seed_demo_if_empty(store: &Store) -> anyhow::Result<()> {
    if store.is_empty()? {
        seed_demo(store)?;
    } else {
        println!("demo logins (if this database was seeded with the demo set):");
        print_demo_logins();
    }
    Ok(())
}

fn seed_demo(store: &Store) -> anyhow::Result<()> {
    println!("seeding the demo data…");
    let summary = store.seed_demo()?;
    println!(
        "seeded {} demo dialogs; demo logins (demo only, never use in production):",
        summary.dialogs
    );
    print_demo_logins();
    Ok(())
}

fn print_demo_logins() {
    for login in DEMO_LOGINS {
        println!(
            "  {:<8} {:<22} {}",
            login.role.as_str(),
            login.email,
            login.password
        );
    }
}

fn seed_bulk(store: &Store, count: usize) -> anyhow::Result<()> {
    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} dialogs ({per_sec}, {eta} left)")
            .context("progress bar template")?,
    );
    let started = std::time::Instant::now();
    store.seed_bulk(count, &|done| bar.set_position(done as u64))?;
    bar.finish();
    println!("seeded {count} dialogs in {:.1?}", started.elapsed());
    Ok(())
}
