//! API keys: shown once when created, stored only as a hash, checked on every API call. Only
//! admins (and the operator at the command line) create and revoke them; both are audited.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use super::secrets::{random_token, sha256_hex};
use crate::{
    domain::ApiKeyKind,
    services::{contacts::convert_time, Actor, AdminError, Core},
    store::{self, api_keys::ApiKeyRow, now_ms},
    views::ApiKeyView,
};

impl Core {
    /// Creates a key and returns it in clear: the only time it exists outside the caller.
    pub async fn create_api_key(
        &self,
        actor: &Actor,
        kind: ApiKeyKind,
        label: Option<String>,
    ) -> Result<String, AdminError> {
        actor.require_admin()?;
        let key = format!("{}{}", kind.prefix(), random_token(24));
        let row = ApiKeyRow {
            id: uuid::Uuid::new_v4().to_string(),
            kind,
            key_hash: sha256_hex(&key),
            prefix: key.chars().take(8).collect(),
            label: label.filter(|l| !l.trim().is_empty()),
            created_at: now_ms(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.db.begin().await?;
        store::api_keys::insert(&mut *tx, &row).await?;
        let detail = format!("{}… ({})", row.prefix, kind.as_str());
        self.audit(&mut *tx, None, actor, "API_KEY_CREATED", Some(&detail))
            .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// The id of a live key of this kind, or `InvalidApiKey`.
    pub async fn check_api_key(
        &self,
        kind: ApiKeyKind,
        key: Option<&str>,
    ) -> Result<String, AdminError> {
        let key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(AdminError::InvalidApiKey)?;
        let hash = sha256_hex(key);
        if let Some(live) = self.api_key_cache.get(&hash) {
            return (live.kind == kind)
                .then_some(live.id)
                .ok_or(AdminError::InvalidApiKey);
        }
        let generation = self.api_key_cache.generation();
        let row = store::api_keys::live_by_hash(&self.db, &hash)
            .await?
            .ok_or(AdminError::InvalidApiKey)?;
        let stored_kind = row.kind;
        // When it was last used is a courtesy to admins: a failed stamp fails no request. With
        // the cache it is stamped when the key is looked up again, so at most a TTL late.
        if let Err(error) = store::api_keys::touch(&self.db, &row.id, now_ms()).await {
            tracing::debug!(error = %error, "could not stamp an API key's last use");
        }
        self.api_key_cache.put(
            generation,
            hash,
            LiveKey {
                id: row.id.clone(),
                kind: stored_kind,
            },
        );
        (stored_kind == kind)
            .then_some(row.id)
            .ok_or(AdminError::InvalidApiKey)
    }

    pub async fn api_keys(&self, actor: &Actor) -> Result<Vec<ApiKeyView>, AdminError> {
        actor.require_admin()?;
        Ok(store::api_keys::list(&self.db)
            .await?
            .into_iter()
            .map(|k| ApiKeyView {
                kind: k.kind,
                id: k.id,
                prefix: k.prefix,
                label: k.label,
                created_at: convert_time(k.created_at),
                last_used_at: k.last_used_at.map(convert_time),
                revoked: k.revoked_at.is_some(),
            })
            .collect())
    }

    pub async fn revoke_api_key(&self, actor: &Actor, id: &str) -> Result<(), AdminError> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let key = store::api_keys::by_id(&mut *tx, id)
            .await?
            .ok_or(AdminError::InvalidApiKey)?;
        if store::api_keys::revoke(&mut *tx, id, now_ms()).await? {
            let detail = format!("{}…", key.prefix);
            self.audit(&mut *tx, None, actor, "API_KEY_REVOKED", Some(&detail))
                .await?;
        }
        tx.commit().await?;
        // Revoked here: refused from this very moment on this server (other servers on the same
        // database refuse it once their cached entry is older than `API_KEY_CACHE_TTL`).
        self.api_key_cache.clear();
        Ok(())
    }
}

/// How long a live key, once looked up, is taken as live without asking the database again.
/// A key revoked on another server sharing the database (or straight in the database) stops
/// working here within this time; one revoked through this server stops at once.
pub const API_KEY_CACHE_TTL: Duration = Duration::from_secs(5);
/// Keys kept at most; a full cache starts over (there are a handful of keys, not thousands).
const API_KEY_CACHE_MAX: usize = 1024;

/// A key found live in the database.
#[derive(Clone, Debug)]
pub(crate) struct LiveKey {
    id: String,
    kind: ApiKeyKind,
}

/// Live API keys by hash, each for `ttl` after it was read from the database: the key check is on
/// every API call, and without this it costs a query (and a write lock for the stamp) each time.
/// Only keys found live are kept, so a guessed key never fills it. `generation` changes with each
/// revocation, so a lookup that raced a revocation does not put back what it read before.
#[derive(Clone, Debug)]
pub(crate) struct ApiKeyCache {
    inner: Arc<Mutex<CacheState>>,
    ttl: Duration,
}

#[derive(Debug, Default)]
struct CacheState {
    generation: u64,
    keys: HashMap<String, (LiveKey, Instant)>,
}

impl Default for ApiKeyCache {
    fn default() -> Self {
        Self::with_ttl(API_KEY_CACHE_TTL)
    }
}

impl ApiKeyCache {
    pub(crate) fn with_ttl(ttl: Duration) -> Self {
        Self {
            inner: Arc::default(),
            ttl,
        }
    }

    // A panic while the lock was held cannot leave the map half-updated in a way that matters
    // (an entry is there or not), so a poisoned lock is used as it is.
    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, hash: &str) -> Option<LiveKey> {
        let mut state = self.state();
        match state.keys.get(hash) {
            Some((key, read_at)) if read_at.elapsed() < self.ttl => Some(key.clone()),
            Some(_) => {
                state.keys.remove(hash);
                None
            }
            None => None,
        }
    }

    fn generation(&self) -> u64 {
        self.state().generation
    }

    fn put(&self, generation: u64, hash: String, key: LiveKey) {
        self.put_read_at(generation, hash, key, Instant::now());
    }

    /// `put`, for a key read from the database at `read_at` (tests age an entry this way
    /// instead of sleeping past the TTL).
    fn put_read_at(&self, generation: u64, hash: String, key: LiveKey, read_at: Instant) {
        let mut state = self.state();
        if state.generation != generation {
            return;
        }
        if state.keys.len() >= API_KEY_CACHE_MAX {
            state.keys.clear();
        }
        state.keys.insert(hash, (key, read_at));
    }

    fn clear(&self) {
        let mut state = self.state();
        state.generation = state.generation.wrapping_add(1);
        state.keys.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(id: &str) -> LiveKey {
        LiveKey {
            id: id.to_owned(),
            kind: ApiKeyKind::SelfService,
        }
    }

    #[test]
    fn an_entry_lasts_its_ttl_only() {
        // Entries are aged by when they were read, not by sleeping: the test cannot race the
        // clock however slowly it runs.
        let ttl = Duration::from_secs(10);
        let cache = ApiKeyCache::with_ttl(ttl);
        let ago = |secs| {
            Instant::now()
                .checked_sub(Duration::from_secs(secs))
                .expect("the monotonic clock reads more than 10 s")
        };
        let generation = cache.generation();
        cache.put(generation, "fresh".into(), live("k1"));
        cache.put_read_at(generation, "halfway".into(), live("k2"), ago(5));
        cache.put_read_at(generation, "old".into(), live("k3"), ago(10));
        assert_eq!(cache.get("fresh").map(|k| k.id), Some("k1".to_owned()));
        assert_eq!(cache.get("halfway").map(|k| k.id), Some("k2".to_owned()));
        assert!(
            cache.get("old").is_none(),
            "an expired entry is looked up again"
        );
    }

    #[test]
    fn a_revocation_empties_it_and_a_racing_lookup_does_not_refill_it() {
        let cache = ApiKeyCache::default();
        cache.put(cache.generation(), "h".into(), live("k1"));
        let before = cache.generation();
        cache.clear();
        assert!(cache.get("h").is_none());
        // A lookup that read the database before the revocation, finishing after it.
        cache.put(before, "h".into(), live("k1"));
        assert!(cache.get("h").is_none());
    }
}
