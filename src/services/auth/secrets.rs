//! Random secrets, keyed hashes, and the server's signing secret.

use std::path::Path;

use anyhow::Context;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use rand::{rngs::OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::config::{ExposeSecret, Settings};

pub struct Secrets {
    /// Signs access tokens.
    pub jwt: Vec<u8>,
    /// The one before, during a rotation (`JWT_SECRET_PREVIOUS`).
    pub previous: Option<Vec<u8>>,
    /// Keys the hashes of one-time codes (derived from the JWT secret, so one secret to manage).
    otp_key: Vec<u8>,
}

impl Secrets {
    pub fn from_bytes(jwt: Vec<u8>) -> Self {
        let otp_key = hmac_bytes(&jwt, b"portal/otp-code/v1");
        Self {
            jwt,
            previous: None,
            otp_key,
        }
    }

    /// `JWT_SECRET`, or in development one generated once and kept in `data/jwt_secret`.
    pub fn load(settings: &Settings) -> anyhow::Result<Self> {
        let mut secrets = match &settings.jwt_secret {
            Some(secret) => Self::from_bytes(secret.expose_secret().as_bytes().to_vec()),
            None => {
                anyhow::ensure!(
                    !settings.is_production(),
                    "JWT_SECRET is required in production"
                );
                Self::from_bytes(load_or_create(&settings.data_dir.join("jwt_secret"))?)
            }
        };
        secrets.previous = settings
            .jwt_secret_previous
            .as_ref()
            .map(|s| s.expose_secret().as_bytes().to_vec());
        Ok(secrets)
    }

    /// Seals queued messages (derived from the JWT secret), and the previous secret's key.
    pub fn delivery_keys(&self) -> ([u8; 32], Option<[u8; 32]>) {
        let key = |secret: &[u8]| {
            let mut out = [0u8; 32];
            out.copy_from_slice(&hmac_bytes(secret, b"portal/delivery/v1"));
            out
        };
        (key(&self.jwt), self.previous.as_deref().map(key))
    }

    /// The stored form of a code: bound to the row it was issued for, useless without the key.
    pub fn code_hash(&self, otp_id: &str, code: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.otp_key).expect("HMAC takes any key length");
        mac.update(otp_id.as_bytes());
        mac.update(b":");
        mac.update(code.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    pub fn code_matches(&self, otp_id: &str, code: &str, stored: &str) -> bool {
        let expected = self.code_hash(otp_id, code);
        constant_time_eq(expected.as_bytes(), stored.as_bytes())
    }
}

fn load_or_create(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let trimmed = existing.trim();
        if trimmed.len() >= 32 {
            return Ok(trimmed.as_bytes().to_vec());
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create {}", dir.display()))?;
    }
    let secret = random_token(32);
    std::fs::write(path, &secret).with_context(|| format!("could not write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    tracing::info!(path = %path.display(), "generated a development JWT secret");
    Ok(secret.into_bytes())
}

/// `bytes` random bytes from the OS CSPRNG, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// Six digits, uniformly from the OS CSPRNG.
pub fn random_code() -> String {
    use rand::Rng;
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// For secrets with 128+ bits of entropy (tokens, handles, keys) a plain SHA-256 is enough.
pub fn sha256_hex(value: &str) -> String {
    hex(&Sha256::digest(value.as_bytes()))
}

fn hmac_bytes(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_hashes_are_bound_to_the_row() {
        for _ in 0..100 {
            let code = random_code();
            assert_eq!(code.len(), 6);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
        let s = Secrets::from_bytes(b"0123456789abcdef0123456789abcdef".to_vec());
        let stored = s.code_hash("row-1", "123456");
        assert!(s.code_matches("row-1", "123456", &stored));
        assert!(!s.code_matches("row-2", "123456", &stored));
        assert!(!s.code_matches("row-1", "123457", &stored));
        assert!(!stored.contains("123456"));
    }

    #[test]
    fn tokens_carry_at_least_128_bits() {
        let t = random_token(16);
        assert_eq!(t.len(), 22);
        assert_ne!(t, random_token(16));
    }
}
