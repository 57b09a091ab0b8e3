//! Configuration from the environment and flags (flags win).

use anyhow::Context;
use rand::Rng;
use std::path::{Path, PathBuf};

/// The shortest JWT secret accepted.
pub const MIN_SECRET_BYTES: usize = 32;

/// Whether `bind` (`host:port`) listens on this machine only.
pub fn is_loopback(bind: &str) -> bool {
    let host = bind.rsplit_once(':').map_or(bind, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Reads the JWT secret: `DIALOGDESK_JWT_SECRET` when set; otherwise the one
/// kept in `<data dir>/jwt-secret`, generated on first start. Never a
/// hard-coded secret: each installation has its own.
pub fn jwt_secret(from_env: Option<String>, data_dir: &Path) -> anyhow::Result<String> {
    if let Some(secret) = from_env.filter(|s| !s.trim().is_empty()) {
        // HS256 with a short secret can be brute-forced offline from one token.
        anyhow::ensure!(
            secret.len() >= MIN_SECRET_BYTES,
            "DIALOGDESK_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes \
             (e.g. `openssl rand -hex 32`); unset it to have one generated"
        );
        return Ok(secret);
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if !existing.is_empty() {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let bytes: [u8; 32] = rand::rng().random();
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret)?;
    tracing::info!(path = %path.display(), "generated a new JWT secret");
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &PathBuf, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

#[cfg(not(unix))]
fn write_private(path: &PathBuf, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// The dispatcher's settings from `--webhook-allow-private` and
/// `--webhook-retry-delays` (`5s,30s,2m,1h`; plain numbers are seconds).
pub fn webhook_settings(
    allow_private: bool,
    retry_delays: Option<&str>,
) -> anyhow::Result<dialogdesk_api::outbound::WebhookSettings> {
    let mut settings = dialogdesk_api::outbound::WebhookSettings {
        allow_private,
        ..Default::default()
    };
    if let Some(delays) = retry_delays.filter(|d| !d.trim().is_empty()) {
        settings.retry.retry_delays = delays
            .split(',')
            .map(|d| parse_duration(d.trim()))
            .collect::<anyhow::Result<_>>()
            .context("--webhook-retry-delays")?;
    }
    Ok(settings)
}

/// `250ms`, `5s`, `2m`, `1h`, or a number of seconds.
fn parse_duration(text: &str) -> anyhow::Result<std::time::Duration> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .with_context(|| format!("`{text}` is not a duration like 5s, 2m or 1h"))?;
    let seconds = std::time::Duration::from_secs;
    Ok(match unit {
        "ms" => std::time::Duration::from_millis(n),
        "" | "s" => seconds(n),
        "m" => seconds(n * 60),
        "h" => seconds(n * 3_600),
        _ => anyhow::bail!("`{text}` is not a duration like 5s, 2m or 1h"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_read_units() {
        let settings = webhook_settings(false, Some("250ms, 5s,2m,1h,7")).unwrap();
        let s = std::time::Duration::from_secs;
        assert_eq!(
            settings.retry.retry_delays,
            vec![
                std::time::Duration::from_millis(250),
                s(5),
                s(120),
                s(3_600),
                s(7)
            ]
        );
        assert!(webhook_settings(false, Some("5 parsecs")).is_err());
        assert_eq!(
            webhook_settings(false, None)
                .unwrap()
                .retry
                .retry_delays
                .len(),
            7
        );
    }

    #[test]
    fn the_secret_is_generated_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let first = jwt_secret(None, dir.path()).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(jwt_secret(None, dir.path()).unwrap(), first);
        let long = "a-secret-of-at-least-thirty-two-bytes";
        assert_eq!(jwt_secret(Some(long.into()), dir.path()).unwrap(), long);
        assert!(jwt_secret(Some("from-env".into()), dir.path()).is_err());
    }

    #[test]
    fn loopback_binds_are_recognised() {
        for bind in [
            "127.0.0.1:8080",
            "127.0.0.2:0",
            "[::1]:8080",
            "localhost:80",
        ] {
            assert!(is_loopback(bind), "{bind}");
        }
        for bind in ["0.0.0.0:8080", "[::]:8080", "10.0.0.5:80", "example.com:80"] {
            assert!(!is_loopback(bind), "{bind}");
        }
    }
}
