//! Credential checks served from a short cache.
//!
//! Every authenticated request checks its JWT's session (operator active,
//! token epoch) or its API token (not revoked). Read from the database each
//! time, that check queues for a connection like any query, so a burst of
//! work could make logins and unrelated requests wait. A positive answer is
//! kept for [`TTL`]; unknown or revoked credentials are never kept (a flood
//! of made-up tokens cannot fill the cache, and a refusal stays a database
//! answer).
//!
//! Changes made through this process take effect at once: logout, a
//! password reset, an operator's change and a token's revocation empty the
//! cache. A change made by another `serve` process on the same database
//! takes effect here within [`TTL`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a positive check is reused.
pub const TTL: Duration = Duration::from_secs(2);

/// Entries kept at most per kind; past it the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// Recent positive answers for one kind of credential.
pub(crate) struct Recent<K, V> {
    state: Mutex<RecentState<K, V>>,
}

struct RecentState<K, V> {
    entries: HashMap<K, (Instant, V)>,
    /// Bumped by every `forget_all`: an answer read before a change must not
    /// be stored after it.
    generation: u64,
}

impl<K: Eq + Hash, V: Clone> Default for Recent<K, V> {
    fn default() -> Self {
        Recent {
            state: Mutex::new(RecentState {
                entries: HashMap::new(),
                generation: 0,
            }),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    fn state(&self) -> std::sync::MutexGuard<'_, RecentState<K, V>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The kept answer for `key`, if it is fresh.
    pub fn get(&self, key: &K) -> Option<V> {
        let state = self.state();
        state
            .entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, value)| value.clone())
    }

    /// The generation to pass to [`Recent::put`], taken before the read.
    pub fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Keeps `value`, unless the cache was emptied since `generation`.
    pub fn put(&self, key: K, value: V, generation: u64) {
        let mut state = self.state();
        if state.generation != generation {
            return;
        }
        if state.entries.len() >= MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(key, (Instant::now(), value));
    }

    /// Drops every answer.
    pub fn forget_all(&self) {
        let mut state = self.state();
        state.entries.clear();
        state.generation += 1;
    }
}

/// Looks `key` up in `cache`, else asks `read` and keeps a positive answer.
pub(crate) fn cached<K: Eq + Hash, V: Clone, E>(
    cache: &Recent<K, V>,
    key: K,
    read: impl FnOnce() -> Result<Option<V>, E>,
) -> Result<Option<V>, E> {
    if let Some(value) = cache.get(&key) {
        return Ok(Some(value));
    }
    let generation = cache.generation();
    let value = read()?;
    if let Some(value) = &value {
        cache.put(key, value.clone(), generation);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_read_before_a_change_is_not_kept() {
        let cache: Recent<i64, &str> = Recent::default();
        let generation = cache.generation();
        cache.forget_all();
        cache.put(1, "stale", generation);
        assert_eq!(cache.get(&1), None);
        cache.put(1, "fresh", cache.generation());
        assert_eq!(cache.get(&1), Some("fresh"));
        cache.forget_all();
        assert_eq!(cache.get(&1), None);
    }

    #[test]
    fn refusals_are_not_kept() {
        let cache: Recent<i64, &str> = Recent::default();
        let mut reads = 0;
        for _ in 0..2 {
            let found: Result<Option<&str>, ()> = cached(&cache, 7, || {
                reads += 1;
                Ok(None)
            });
            assert_eq!(found, Ok(None));
        }
        assert_eq!(reads, 2);
        for _ in 0..2 {
            let found: Result<Option<&str>, ()> = cached(&cache, 8, || {
                reads += 1;
                Ok(Some("operator"))
            });
            assert_eq!(found, Ok(Some("operator")));
        }
        assert_eq!(reads, 3);
    }
}
