//! argon2id password hashing, off the async runtime and with bounded concurrency, so a flood of
//! password sign-ins queues here instead of starving the code and token paths.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use anyhow::Context;
use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, Salt, SaltString},
    Algorithm, Argon2, Block, Params, Version,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::domain::{Field, FieldError};

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 128;

static COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn params() -> Params {
    // OWASP's argon2id floor: m = 19 MiB, t = 2, p = 1.
    Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters")
}

/// argon2's working memory (19 MiB a hash), kept for the next hash instead of freed: at most
/// one per hash running at once. Freed and allocated anew each time, glibc kept them in
/// per-thread arenas and the process grew by one for every blocking thread that ever hashed
/// (962 MiB under a password flood, BENCHMARKS.md).
#[derive(Clone, Default)]
struct Memory(Arc<Mutex<Vec<Vec<Block>>>>);

impl Memory {
    fn take(&self) -> Vec<Block> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_default()
    }

    fn give_back(&self, blocks: Vec<Block>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(blocks);
    }
}

/// argon2id of `password` with `salt` and `params` (those of a stored hash, when verifying),
/// in `memory`, which grows to what the parameters need and is then reused.
fn compute<'a>(
    params: Params,
    version: Version,
    password: &[u8],
    salt: Salt<'a>,
    memory: &mut Vec<Block>,
) -> anyhow::Result<PasswordHash<'a>> {
    let argon2 = Argon2::new(Algorithm::Argon2id, version, params.clone());
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt
        .decode_b64(&mut salt_bytes)
        .map_err(|e| anyhow::anyhow!("argon2 salt unreadable: {e}"))?;
    let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(length, |out| {
        argon2
            .hash_password_into_with_memory(password, salt_bytes, out, &mut memory[..blocks])
            .map_err(|_| argon2::password_hash::Error::Password)
    })
    .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params)
            .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?,
        salt: Some(salt),
        hash: Some(output),
    })
}

pub fn check_strength(field: Field, password: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_LEN {
        return Err(FieldError::new(
            field,
            "PASSWORD_TOO_SHORT",
            format!("Password must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if length > MAX_PASSWORD_LEN {
        return Err(FieldError::new(
            field,
            "PASSWORD_TOO_LONG",
            format!("Password must be at most {MAX_PASSWORD_LEN} characters"),
        ));
    }
    let lowered = password.to_lowercase();
    if COMMON_PASSWORDS.lines().any(|common| common == lowered) {
        return Err(FieldError::new(
            field,
            "PASSWORD_TOO_COMMON",
            "This password is too common; choose another",
        ));
    }
    Ok(())
}

/// Why a hash could not start: the queue (or this client's share of it) is full.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("too many password checks are waiting")]
    Busy,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// argon2id off the async runtime: `concurrency` hashes at once, at most `queue` more waiting,
/// and at most `per_client` running or waiting for one client IP, so one client's flood cannot
/// make everyone else wait (it gets 503s instead).
#[derive(Clone)]
pub struct Hasher {
    running: Arc<Semaphore>,
    admitted: Arc<Semaphore>,
    per_client: usize,
    clients: Clients,
    memory: Memory,
}

/// How many hashes each client IP has running or waiting.
type Clients = Arc<Mutex<HashMap<String, usize>>>;

/// A client's place in the queue; leaving it (drop) frees the place.
struct Place {
    _admitted: OwnedSemaphorePermit,
    client: Option<(String, Clients)>,
}

impl Drop for Place {
    fn drop(&mut self) {
        if let Some((ip, clients)) = &self.client {
            let mut clients = clients.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(n) = clients.get_mut(ip) {
                *n -= 1;
                if *n == 0 {
                    clients.remove(ip);
                }
            }
        }
    }
}

impl Hasher {
    pub fn new(concurrency: usize, queue: usize, per_client: usize) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            running: Arc::new(Semaphore::new(concurrency)),
            admitted: Arc::new(Semaphore::new(concurrency + queue)),
            per_client: per_client.max(1),
            clients: Arc::default(),
            memory: Memory::default(),
        }
    }

    fn admit(&self, client: Option<&str>) -> Result<Place, HashError> {
        let admitted = self
            .admitted
            .clone()
            .try_acquire_owned()
            .map_err(|_| HashError::Busy)?;
        let client = match client {
            Some(ip) => {
                let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
                let n = clients.entry(ip.to_owned()).or_default();
                if *n >= self.per_client {
                    return Err(HashError::Busy);
                }
                *n += 1;
                Some((ip.to_owned(), self.clients.clone()))
            }
            None => None,
        };
        Ok(Place {
            _admitted: admitted,
            client,
        })
    }

    async fn run<T: Send + 'static>(
        &self,
        client: Option<&str>,
        work: impl FnOnce(&mut Vec<Block>) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let _place = self.admit(client)?;
        let _running = self.running.acquire().await.context("hasher closed")?;
        metrics::counter!("portal_password_hashes_total").increment(1);
        let memory = self.memory.clone();
        Ok(tokio::task::spawn_blocking(move || {
            let mut blocks = memory.take();
            let outcome = work(&mut blocks);
            memory.give_back(blocks);
            outcome
        })
        .await
        .context("hashing task panicked")??)
    }

    pub async fn hash(&self, password: String, client: Option<&str>) -> Result<String, HashError> {
        self.run(client, move |memory| {
            let salt = SaltString::generate(&mut OsRng);
            let hash = compute(
                params(),
                Version::V0x13,
                password.as_bytes(),
                salt.as_salt(),
                memory,
            )?;
            Ok(hash.to_string())
        })
        .await
    }

    /// Verifies against `stored`, or against a dummy hash when there is none, so that a
    /// missing account costs the same time as a wrong password.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<String>,
        client: Option<&str>,
    ) -> Result<bool, HashError> {
        self.run(client, move |memory| {
            let (hash, real) = match stored {
                Some(h) => (h, true),
                None => (dummy_hash().to_owned(), false),
            };
            let parsed = PasswordHash::new(&hash)
                .map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
            if parsed.algorithm != Algorithm::Argon2id.ident() {
                return Err(anyhow::anyhow!("stored hash is not argon2id"));
            }
            let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
                return Err(anyhow::anyhow!("stored hash has no salt or no output"));
            };
            let stored_params = Params::try_from(&parsed)
                .map_err(|e| anyhow::anyhow!("stored hash parameters: {e}"))?;
            let version = Version::try_from(parsed.version.unwrap_or(0x13))
                .map_err(|e| anyhow::anyhow!("stored hash version: {e}"))?;
            let computed = compute(stored_params, version, password.as_bytes(), salt, memory)?;
            // `Output`'s equality is constant-time.
            Ok(computed.hash == Some(expected) && real)
        })
        .await
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let mut memory = Vec::new();
        compute(
            params(),
            Version::V0x13,
            b"not a real password, only for timing",
            salt.as_salt(),
            &mut memory,
        )
        .map(|h| h.to_string())
        .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::Field;

    #[test]
    fn strength_rules() {
        assert_eq!(
            check_strength(Field::Stored, "short").unwrap_err().code,
            "PASSWORD_TOO_SHORT"
        );
        assert_eq!(
            check_strength(Field::Stored, "password").unwrap_err().code,
            "PASSWORD_TOO_COMMON"
        );
        assert_eq!(
            check_strength(Field::Stored, "Password1").unwrap_err().code,
            "PASSWORD_TOO_COMMON"
        );
        assert!(check_strength(Field::Stored, "correct horse battery").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify() {
        let hasher = Hasher::new(1, 4, 4);
        let hash = hasher
            .hash("correct horse battery".into(), None)
            .await
            .unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher
            .verify("correct horse battery".into(), Some(hash.clone()), None)
            .await
            .unwrap());
        assert!(!hasher
            .verify("wrong horse battery".into(), Some(hash), None)
            .await
            .unwrap());
        assert!(!hasher
            .verify("anything at all".into(), None, None)
            .await
            .unwrap());
    }

    /// Hashes stored before the working memory was reused (made by the argon2 crate's own
    /// `hash_password`) still verify, and new ones verify with the crate's own check.
    #[tokio::test]
    async fn hashes_agree_with_the_argon2_crates_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
        let salt = SaltString::generate(&mut OsRng);
        let old = standard
            .hash_password(b"correct horse battery", &salt)
            .unwrap()
            .to_string();
        let hasher = Hasher::new(1, 4, 4);
        assert!(hasher
            .verify("correct horse battery".into(), Some(old.clone()), None)
            .await
            .unwrap());
        assert!(!hasher
            .verify("correct horse batterz".into(), Some(old), None)
            .await
            .unwrap());
        let new = hasher
            .hash("correct horse battery".into(), None)
            .await
            .unwrap();
        let parsed = PasswordHash::new(&new).unwrap();
        assert!(standard
            .verify_password(b"correct horse battery", &parsed)
            .is_ok());
        assert!(standard.verify_password(b"wrong", &parsed).is_err());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn working_memory_is_kept_once_per_hash_running_at_once() {
        let hasher = Hasher::new(2, 16, 16);
        let hashes: Vec<_> = (0..8)
            .map(|_| {
                let h = hasher.clone();
                tokio::spawn(async move { h.hash("correct horse battery".into(), None).await })
            })
            .collect();
        for hash in hashes {
            assert!(hash.await.unwrap().is_ok());
        }
        let kept = hasher.memory.0.lock().unwrap();
        assert!((1..=2).contains(&kept.len()), "{} buffers kept", kept.len());
        let per_hash = params().block_count();
        assert!(kept.iter().all(|blocks| blocks.len() == per_hash));
    }

    /// Waits until `n` hashes hold a place in the queue (5 s at most): a spawned hash is
    /// admitted when its task first runs, and the checks after this need it to be.
    async fn admitted(hasher: &Hasher, n: usize) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while hasher.clients.lock().unwrap().values().sum::<usize>() < n {
            assert!(
                std::time::Instant::now() < deadline,
                "{n} hashes were not admitted within 5 s"
            );
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_queue_is_bounded_overall_and_per_client() {
        let hasher = Hasher::new(1, 1, 1);
        // The one hasher is busy: whoever is admitted waits, and places stay taken.
        let busy = hasher.running.clone().acquire_owned().await.unwrap();
        let spawn = |ip: &'static str| {
            let h = hasher.clone();
            tokio::spawn(async move { h.hash("correct horse battery".into(), Some(ip)).await })
        };
        let first = spawn("1.1.1.1");
        admitted(&hasher, 1).await;
        // One client: its second hash is refused, whatever room the queue has.
        assert!(matches!(
            hasher
                .hash("correct horse battery".into(), Some("1.1.1.1"))
                .await,
            Err(HashError::Busy)
        ));
        // Another client takes the last place; a third finds the queue full.
        let second = spawn("2.2.2.2");
        admitted(&hasher, 2).await;
        assert!(matches!(
            hasher
                .hash("correct horse battery".into(), Some("3.3.3.3"))
                .await,
            Err(HashError::Busy)
        ));
        drop(busy);
        assert!(first.await.unwrap().is_ok());
        assert!(second.await.unwrap().is_ok());
        // Places are given back: the first client may hash again.
        assert!(hasher
            .hash("correct horse battery".into(), Some("1.1.1.1"))
            .await
            .is_ok());
    }
}
