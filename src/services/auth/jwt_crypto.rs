//! The cryptography jsonwebtoken signs and verifies with: HS256 (HMAC-SHA-256) and nothing else.
//! Its own backends bring RSA, ECDSA and EdDSA code this server never uses (and, with it, the
//! `rsa` crate's open timing advisory, RUSTSEC-2023-0071); this provider refuses every other
//! algorithm outright, on top of `Validation` pinning HS256.

use hmac::{Hmac, Mac};
use jsonwebtoken::{
    crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils},
    errors::{ErrorKind, Result},
    signature::{self, Signer, Verifier},
    Algorithm, AlgorithmFamily, DecodingKey, EncodingKey,
};
use sha2::Sha256;

struct Hs256(Hmac<Sha256>);

impl Hs256 {
    fn new(algorithm: &Algorithm, family: AlgorithmFamily, key: &[u8]) -> Result<Self> {
        if *algorithm != Algorithm::HS256 || family != AlgorithmFamily::Hmac {
            return Err(ErrorKind::InvalidAlgorithm.into());
        }
        Hmac::new_from_slice(key)
            .map(Self)
            .map_err(|_| ErrorKind::InvalidKeyFormat.into())
    }
}

impl Signer<Vec<u8>> for Hs256 {
    fn try_sign(&self, message: &[u8]) -> std::result::Result<Vec<u8>, signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

impl Verifier<Vec<u8>> for Hs256 {
    fn verify(
        &self,
        message: &[u8],
        signature: &Vec<u8>,
    ) -> std::result::Result<(), signature::Error> {
        let mut mac = self.0.clone();
        mac.update(message);
        // Constant-time comparison.
        mac.verify_slice(signature)
            .map_err(signature::Error::from_source)
    }
}

impl JwtSigner for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

impl JwtVerifier for Hs256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::HS256
    }
}

fn signer(algorithm: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>> {
    Ok(Box::new(Hs256::new(
        algorithm,
        key.family(),
        key.as_bytes(),
    )?))
}

fn verifier(algorithm: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>> {
    Ok(Box::new(Hs256::new(
        algorithm,
        key.family(),
        key.try_get_as_bytes()?,
    )?))
}

static HS256_ONLY: CryptoProvider = CryptoProvider {
    signer_factory: signer,
    verifier_factory: verifier,
    key_utils: KeyUtils::new_unimplemented(),
};

/// Makes HS256-only the process's provider (once; later calls change nothing).
pub fn install() {
    let _already_installed = HS256_ONLY.install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hs256_with_a_secret_key_is_served() {
        let key = EncodingKey::from_secret(b"a-secret-of-at-least-32-bytes!!!");
        assert!(signer(&Algorithm::HS256, &key).is_ok());
        for other in [
            Algorithm::HS384,
            Algorithm::HS512,
            Algorithm::RS256,
            Algorithm::ES256,
        ] {
            assert!(signer(&other, &key).is_err(), "{other:?}");
        }
        let decoding = DecodingKey::from_secret(b"a-secret-of-at-least-32-bytes!!!");
        assert!(verifier(&Algorithm::HS256, &decoding).is_ok());
        assert!(verifier(&Algorithm::HS512, &decoding).is_err());
        assert!(verifier(&Algorithm::RS256, &decoding).is_err());
    }
}
