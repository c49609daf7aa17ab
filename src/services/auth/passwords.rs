//! argon2id password hashing, off the async runtime and with bounded concurrency, so a flood of
//! password sign-ins queues here instead of starving the code and token paths.

use std::sync::Arc;

use anyhow::Context;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;

use crate::domain::FieldError;

pub const MIN_PASSWORD_LEN: usize = 8;
pub const MAX_PASSWORD_LEN: usize = 128;

static COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

fn argon2() -> Argon2<'static> {
    // OWASP's argon2id floor: m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn check_strength(field: &str, password: &str) -> Result<(), FieldError> {
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

#[derive(Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Hasher {
    pub fn new(max_concurrent: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
        }
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        tokio::task::spawn_blocking(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
        })
        .await
        .context("hashing task panicked")?
    }

    /// Verifies against `stored`, or against a dummy hash when there is none, so that a
    /// missing account costs the same time as a wrong password.
    pub async fn verify(&self, password: String, stored: Option<String>) -> anyhow::Result<bool> {
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        tokio::task::spawn_blocking(move || {
            let (hash, real) = match stored {
                Some(h) => (h, true),
                None => (dummy_hash().to_owned(), false),
            };
            let parsed = PasswordHash::new(&hash)
                .map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
            let ok = argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok();
            Ok(ok && real)
        })
        .await
        .context("verification task panicked")?
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(b"not a real password, only for timing", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert_eq!(
            check_strength("p", "short").unwrap_err().code,
            "PASSWORD_TOO_SHORT"
        );
        assert_eq!(
            check_strength("p", "password").unwrap_err().code,
            "PASSWORD_TOO_COMMON"
        );
        assert_eq!(
            check_strength("p", "Password1").unwrap_err().code,
            "PASSWORD_TOO_COMMON"
        );
        assert!(check_strength("p", "correct horse battery").is_ok());
    }

    #[tokio::test]
    async fn hashes_verify() {
        let hasher = Hasher::new(1);
        let hash = hasher.hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher
            .verify("correct horse battery".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher
            .verify("wrong horse battery".into(), Some(hash))
            .await
            .unwrap());
        assert!(!hasher.verify("anything at all".into(), None).await.unwrap());
    }
}
