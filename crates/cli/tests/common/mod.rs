//! The real `dialogdesk` binary as tests start it: a server on a free port,
//! killed (SIGKILL) and reaped when dropped or when a test crashes it.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of this module"
)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `dialogdesk serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// What it printed up to the listening line (the demo logins among it).
    pub output: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.crash();
    }
}

impl Server {
    /// `kill -9`: no shutdown, no flush, as a crash or the OOM killer would.
    pub fn crash(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How to start it.
pub struct Launch<'a> {
    /// `DATABASE_URL`.
    pub database_url: &'a str,
    /// `DIALOGDESK_DATA_DIR`.
    pub data_dir: &'a Path,
    /// `--demo`.
    pub demo: bool,
    /// `DIALOGDESK_JWT_SECRET`; `None`: unset (generated in the data dir).
    pub jwt_secret: Option<&'a str>,
    /// More environment variables.
    pub env: &'a [(&'a str, &'a str)],
}

/// Starts `dialogdesk serve` and waits until it listens.
pub fn serve(launch: &Launch<'_>) -> Server {
    let mut args = vec!["serve", "--bind", "127.0.0.1:0"];
    if launch.demo {
        args.push("--demo");
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_dialogdesk"));
    command
        .args(&args)
        .env("DATABASE_URL", launch.database_url)
        .env("DIALOGDESK_DATA_DIR", launch.data_dir)
        .envs(launch.env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    match launch.jwt_secret {
        Some(secret) => command.env("DIALOGDESK_JWT_SECRET", secret),
        None => command.env_remove("DIALOGDESK_JWT_SECRET"),
    };
    let mut child = command.spawn().expect("starting dialogdesk");
    let stdout = child.stdout.take().expect("stdout");
    // Owned by the guard from here on, so it is killed and reaped on any panic.
    let mut server = Server {
        child,
        base: String::new(),
        output: Vec::new(),
    };
    let (tx, rx) = mpsc::channel();
    // Keeps draining stdout, so the process never blocks writing to it.
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("dialogdesk printed its address in time");
        server.output.push(line.clone());
        if let Some(url) = line.strip_prefix("dialogdesk listening on ") {
            server.base = url.to_owned();
            return server;
        }
    }
}

/// Runs a one-shot `dialogdesk` command on the database; its stdout.
pub fn run(database_url: &str, data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dialogdesk"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("DIALOGDESK_DATA_DIR", data_dir)
        .output()
        .expect("running dialogdesk");
    assert!(
        out.status.success(),
        "dialogdesk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
