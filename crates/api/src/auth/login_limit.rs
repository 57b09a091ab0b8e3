//! Login brute-force protection: after too many failures for one login or
//! from one address within a window, further attempts get 429 until the
//! window passes. Kept per process (several processes each count alone).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed per login within the window.
pub const MAX_FAILURES_PER_LOGIN: usize = 5;
/// Failures allowed per client address within the window.
pub const MAX_FAILURES_PER_ADDRESS: usize = 20;
/// The window.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Counts recent failures.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// `Some(seconds to wait)` when this login or address is locked out.
    pub fn check(&self, login: &str, address: &str) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let mut wait = None;
        for (key, max) in [
            (login_key(login), MAX_FAILURES_PER_LOGIN),
            (address_key(address), MAX_FAILURES_PER_ADDRESS),
        ] {
            let times = failures.entry(key).or_default();
            times.retain(|t| now.duration_since(*t) < WINDOW);
            if times.len() >= max {
                let oldest = times.first().copied().unwrap_or(now);
                let left = WINDOW
                    .saturating_sub(now.duration_since(oldest))
                    .as_secs()
                    .max(1);
                wait = Some(wait.map_or(left, |w: u64| w.max(left)));
            }
        }
        wait
    }

    /// Notes a failed attempt.
    pub fn failed(&self, login: &str, address: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        failures.entry(login_key(login)).or_default().push(now);
        failures.entry(address_key(address)).or_default().push(now);
    }

    /// A successful login clears that login's failures.
    pub fn succeeded(&self, login: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&login_key(login));
    }
}

fn login_key(login: &str) -> String {
    format!("login:{}", login.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_login_but_not_another() {
        let limiter = LoginLimiter::default();
        for _ in 0..MAX_FAILURES_PER_LOGIN {
            assert_eq!(limiter.check("a@x.io", "1.2.3.4"), None);
            limiter.failed("a@x.io", "1.2.3.4");
        }
        assert!(limiter.check("A@x.io", "1.2.3.4").is_some());
        assert_eq!(limiter.check("b@x.io", "1.2.3.4"), None);
        limiter.succeeded("a@x.io");
        assert_eq!(limiter.check("a@x.io", "1.2.3.4"), None);
    }
}
