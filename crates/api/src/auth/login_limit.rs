//! Login brute-force protection, without letting an attacker lock people out.
//!
//! - **Backoff, not a lock.** Failures are counted per (login, client
//!   address) and per client address. The first few are free; after that
//!   each failure doubles the wait before the next attempt (1 s, 2 s, 4 s …
//!   up to 15 minutes). Someone guessing an operator's password from their
//!   own address slows only themselves: the operator, from another address,
//!   logs in as usual. An address spraying many logins is slowed as a whole.
//! - **Counted before checking.** An attempt is recorded as a failure before
//!   the password is verified and forgiven if it was right, so a burst of
//!   parallel guesses cannot all slip in before the first failure lands.
//! - **Bounded.** Each table keeps at most [`MAX_ENTRIES`] keys; entries
//!   idle for the window are forgotten first, then the longest idle. An
//!   attacker inventing logins cannot grow memory.
//! - **The real client address.** Behind a reverse proxy every request
//!   comes from the proxy; the address is then read from the header the
//!   proxy sets, but only when the operator of the server configured it
//!   (`DIALOGDESK_CLIENT_IP_HEADER`): otherwise anyone could forge it.
//!
//! Kept per process: several processes each count alone (each still bounds
//! an attacker to the same rate per process).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Free failures per (login, address) before backing off.
pub const FREE_FAILURES_PER_LOGIN: u32 = 5;
/// Free failures per address (over all logins) before backing off.
pub const FREE_FAILURES_PER_ADDRESS: u32 = 20;
/// The longest wait.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Keys kept per table.
pub const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
    not_before: Instant,
}

/// One table of failure counts, bounded.
struct Table<K> {
    entries: HashMap<K, Entry>,
    free: u32,
}

impl<K: Eq + Hash + Clone> Table<K> {
    fn new(free: u32) -> Self {
        Table {
            entries: HashMap::new(),
            free,
        }
    }

    fn wait(&self, key: &K, now: Instant) -> Option<Duration> {
        let entry = self.entries.get(key)?;
        (now.duration_since(entry.last) < WINDOW && entry.not_before > now)
            .then(|| entry.not_before - now)
    }

    fn fail(&mut self, key: &K, now: Instant) {
        if !self.entries.contains_key(key) && self.entries.len() >= MAX_ENTRIES {
            self.make_room(now);
        }
        let free = self.free;
        let entry = self.entries.entry(key.clone()).or_insert(Entry {
            failures: 0,
            last: now,
            not_before: now,
        });
        if now.duration_since(entry.last) >= WINDOW {
            entry.failures = 0;
        }
        entry.failures += 1;
        entry.last = now;
        if entry.failures >= free {
            entry.not_before = now + backoff(entry.failures - free);
        }
    }

    fn forgive(&mut self, key: &K) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.failures = entry.failures.saturating_sub(1);
            if entry.failures < self.free {
                entry.not_before = entry.last;
            }
            if entry.failures == 0 {
                self.entries.remove(key);
            }
        }
    }

    fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Drops idle entries; if none is idle, the tenth idle the longest. Rare
    /// (only when the table is full), so a scan is fine.
    fn make_room(&mut self, now: Instant) {
        self.entries
            .retain(|_, e| now.duration_since(e.last) < WINDOW);
        if self.entries.len() < MAX_ENTRIES {
            return;
        }
        let mut by_age: Vec<(Instant, K)> = self
            .entries
            .iter()
            .map(|(k, e)| (e.last, k.clone()))
            .collect();
        by_age.sort_by_key(|(last, _)| *last);
        for (_, key) in by_age.into_iter().take(MAX_ENTRIES / 10) {
            self.entries.remove(&key);
        }
    }
}

/// The wait after `n` failures beyond the free ones: 1 s, 2 s, 4 s … capped.
fn backoff(n: u32) -> Duration {
    Duration::from_secs(1u64 << n.min(20)).min(MAX_WAIT)
}

struct Tables {
    pairs: Table<(String, String)>,
    addresses: Table<String>,
}

/// Counts recent failures.
pub struct LoginLimiter {
    tables: Mutex<Tables>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            tables: Mutex::new(Tables {
                pairs: Table::new(FREE_FAILURES_PER_LOGIN),
                addresses: Table::new(FREE_FAILURES_PER_ADDRESS),
            }),
        }
    }
}

/// An attempt under way, already counted as a failure; [`Attempt::succeeded`]
/// takes that back.
#[must_use = "a successful login must call `succeeded`"]
pub struct Attempt<'a> {
    limiter: &'a LoginLimiter,
    pair: (String, String),
    address: String,
}

impl Attempt<'_> {
    /// The password was right: the (login, address) starts afresh and the
    /// address's count drops by this attempt.
    pub fn succeeded(self) {
        let mut tables = self.limiter.lock();
        tables.pairs.clear(&self.pair);
        tables.addresses.forgive(&self.address);
    }
}

impl LoginLimiter {
    fn lock(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.tables.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an attempt: `Err(seconds to wait)` while this login from this
    /// address, or this address, is backing off; otherwise the attempt,
    /// counted as a failure until it succeeds.
    pub fn begin(&self, login: &str, address: &str) -> Result<Attempt<'_>, u64> {
        let pair = (login.trim().to_lowercase(), address.to_owned());
        let address = address.to_owned();
        let now = Instant::now();
        let mut tables = self.lock();
        let wait = [
            tables.pairs.wait(&pair, now),
            tables.addresses.wait(&address, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            // Whole seconds, rounded up, at least 1: what `Retry-After` carries.
            return Err(wait.as_millis().div_ceil(1000).max(1) as u64);
        }
        tables.pairs.fail(&pair, now);
        tables.addresses.fail(&address, now);
        Ok(Attempt {
            limiter: self,
            pair,
            address,
        })
    }

    /// Keys held now (for the test of the bound).
    #[cfg(test)]
    fn entries(&self) -> (usize, usize) {
        let tables = self.lock();
        (tables.pairs.entries.len(), tables.addresses.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_backs_off_from_one_address_only() {
        let limiter = LoginLimiter::default();
        for _ in 0..FREE_FAILURES_PER_LOGIN {
            let _failed = limiter.begin("a@x.io", "1.2.3.4").unwrap();
        }
        let wait = limiter.begin("A@x.io ", "1.2.3.4").err();
        assert_eq!(wait, Some(1), "the first wait is a second");
        assert!(
            limiter.begin("a@x.io", "5.6.7.8").is_ok(),
            "another address"
        );
        assert!(limiter.begin("b@x.io", "1.2.3.4").is_ok(), "another login");
    }

    #[test]
    fn waits_double_and_are_capped() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(30), MAX_WAIT);
    }

    #[test]
    fn a_success_forgives_its_attempt() {
        let limiter = LoginLimiter::default();
        for _ in 0..FREE_FAILURES_PER_LOGIN - 1 {
            let _failed = limiter.begin("a@x.io", "1.2.3.4").unwrap();
        }
        limiter.begin("a@x.io", "1.2.3.4").unwrap().succeeded();
        for _ in 0..FREE_FAILURES_PER_LOGIN - 1 {
            let _failed = limiter.begin("a@x.io", "1.2.3.4").unwrap();
        }
        assert!(limiter.begin("a@x.io", "1.2.3.4").is_ok());
    }

    #[test]
    fn an_address_spraying_logins_backs_off() {
        let limiter = LoginLimiter::default();
        for n in 0..FREE_FAILURES_PER_ADDRESS {
            let _failed = limiter.begin(&format!("user{n}@x.io"), "9.9.9.9").unwrap();
        }
        assert!(limiter.begin("someone@x.io", "9.9.9.9").is_err());
        assert!(limiter.begin("someone@x.io", "9.9.9.10").is_ok());
    }

    #[test]
    fn invented_logins_cannot_grow_the_tables() {
        let limiter = LoginLimiter::default();
        for n in 0..3 * MAX_ENTRIES {
            // Each from its own address, so nothing backs off.
            let _ = limiter.begin(&format!("nobody{n}@x.io"), &format!("addr{n}"));
        }
        let (pairs, addresses) = limiter.entries();
        assert!(
            pairs <= MAX_ENTRIES && addresses <= MAX_ENTRIES,
            "{pairs} {addresses}"
        );
    }
}
