//! Queued messages carry a code in clear, so they are sealed (XChaCha20-Poly1305, a random nonce
//! each) with a key derived from `JWT_SECRET`: a copy of the database alone gives away no code in
//! flight. During a secret rotation the previous key still opens what it sealed.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chacha20poly1305::{
    aead::{Aead, KeyInit},
    XChaCha20Poly1305, XNonce,
};
use rand::{rngs::OsRng, RngCore};

pub struct SealKey {
    current: XChaCha20Poly1305,
    previous: Option<XChaCha20Poly1305>,
}

const NONCE_LEN: usize = 24;

impl SealKey {
    pub fn new(current: [u8; 32], previous: Option<[u8; 32]>) -> Self {
        Self {
            current: XChaCha20Poly1305::new(&current.into()),
            previous: previous.map(|k| XChaCha20Poly1305::new(&k.into())),
        }
    }

    pub fn seal(&self, plaintext: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and nonce cannot fail for messages of this size.
        let mut out = nonce.to_vec();
        out.extend(
            self.current
                .encrypt(XNonce::from_slice(&nonce), plaintext)
                .unwrap_or_default(),
        );
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        if bytes.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = XNonce::from_slice(nonce);
        self.current
            .decrypt(nonce, ciphertext)
            .ok()
            .or_else(|| self.previous.as_ref()?.decrypt(nonce, ciphertext).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_messages_open_with_their_key_only() {
        let key = SealKey::new([7; 32], None);
        let sealed = key.seal(b"Your code is 123456");
        assert!(!sealed.contains("123456"));
        assert_ne!(
            sealed,
            key.seal(b"Your code is 123456"),
            "a fresh nonce each time"
        );
        assert_eq!(key.open(&sealed).unwrap(), b"Your code is 123456");
        assert!(SealKey::new([8; 32], None).open(&sealed).is_none());
        let rotated = SealKey::new([8; 32], Some([7; 32]));
        assert_eq!(rotated.open(&sealed).unwrap(), b"Your code is 123456");
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(key.open(&String::from_utf8(tampered).unwrap()).is_none());
        assert!(key.open("short").is_none());
    }
}
