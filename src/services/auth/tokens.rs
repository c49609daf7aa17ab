//! Access tokens (JWT, HS256 pinned, 15 minutes) and opaque refresh tokens (rotated on every use;
//! a replayed one ends the whole sign-in it came from).

use jsonwebtoken::{
    decode, encode, errors::ErrorKind, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};

use super::{
    authenticated::{Authenticated, TokenPair},
    secrets::{random_token, sha256_hex},
    CustomerRef,
};
use crate::{
    domain::SignInRef,
    services::{Core, Fault, TokenError},
    store::{self, now_ms, refresh_tokens::RefreshTokenRow, Tx},
};

pub const ISSUER: &str = "contacts-portal";
pub const AUDIENCE: &str = "self-service";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    /// The sign-in (refresh-token family) this token belongs to.
    pub sid: String,
    /// The incarnation of the contact row (`sub` alone may name a later contact with the same id).
    pub inc: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: Vec<DecodingKey>,
    validation: Validation,
}

impl TokenKeys {
    /// Signs with `current`; also accepts tokens signed with `previous` while a secret is rotated.
    pub fn new(current: &[u8], previous: Option<&[u8]>) -> Self {
        super::jwt_crypto::install();
        let mut validation = Validation::new(Algorithm::HS256);
        // jsonwebtoken compares `exp` with whole seconds rounded down, which already gives up to
        // 1 s of grace: no extra leeway, or an expired token would live up to 2 s longer.
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "sub", "iss", "aud"]);
        let mut decoding = vec![DecodingKey::from_secret(current)];
        decoding.extend(previous.map(DecodingKey::from_secret));
        Self {
            encoding: EncodingKey::from_secret(current),
            decoding,
            validation,
        }
    }

    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        Ok(encode(
            &Header::new(Algorithm::HS256),
            claims,
            &self.encoding,
        )?)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let mut outcome = Err(TokenError::InvalidToken);
        for key in &self.decoding {
            match decode::<Claims>(token, key, &self.validation) {
                Ok(data) => return Ok(data.claims),
                Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => {
                    outcome = Err(TokenError::TokenExpired)
                }
                Err(_) => {}
            }
        }
        outcome
    }
}

impl Core {
    fn access_token(
        &self,
        customer: &CustomerRef,
        family_id: &str,
        now: i64,
    ) -> Result<(String, i64), Fault> {
        let ttl = i64::try_from(self.settings.access_token_ttl.as_secs()).unwrap_or(900);
        let iat = now / 1000;
        let claims = Claims {
            sub: customer.contact_id.clone(),
            sid: family_id.to_owned(),
            inc: customer.incarnation.clone(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat,
            exp: iat + ttl,
            jti: uuid::Uuid::new_v4().to_string(),
        };
        Ok((self.tokens.sign(&claims)?, (iat + ttl) * 1000))
    }

    async fn refresh_row(
        &self,
        tx: &mut Tx<'_>,
        contact_id: &str,
        family_id: &str,
        now: i64,
    ) -> Result<String, Fault> {
        let token = random_token(32);
        let ttl =
            i64::try_from(self.settings.refresh_token_ttl.as_millis()).unwrap_or(i64::MAX / 2);
        store::refresh_tokens::insert(
            &mut **tx,
            &RefreshTokenRow {
                id: uuid::Uuid::new_v4().to_string(),
                token_hash: sha256_hex(&token),
                family_id: family_id.to_owned(),
                contact_id: contact_id.to_owned(),
                created_at: now,
                expires_at: now.saturating_add(ttl),
                rotated_at: None,
                revoked_at: None,
            },
        )
        .await?;
        Ok(token)
    }

    /// A new sign-in: a new refresh-token family and its first pair.
    pub(crate) async fn open_token_family(
        &self,
        tx: &mut Tx<'_>,
        customer: &CustomerRef,
        now: i64,
    ) -> Result<TokenPair, Fault> {
        let family_id = uuid::Uuid::new_v4().to_string();
        let refresh_token = self
            .refresh_row(tx, &customer.contact_id, &family_id, now)
            .await?;
        let (access_token, expires_at_ms) = self.access_token(customer, &family_id, now)?;
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_at_ms,
            family_id,
        })
    }

    /// Swaps a refresh token for a new pair, in one transaction that first marks the old one
    /// rotated (so parallel uses, or a contact deleted meanwhile, are decided one way). Presenting
    /// one that was already swapped is taken as theft: the whole family is revoked.
    #[tracing::instrument(skip_all)]
    pub async fn refresh_tokens(&self, refresh_token: &str) -> Result<Authenticated, TokenError> {
        let now = now_ms();
        let hash = sha256_hex(refresh_token.trim());
        let row = store::refresh_tokens::by_hash(&self.db, &hash)
            .await?
            .ok_or(TokenError::InvalidRefreshToken)?;
        if row.rotated_at.is_some() {
            store::refresh_tokens::revoke_family(&self.db, &row.family_id, now).await?;
            tracing::warn!(family = %row.family_id, "refresh token reused; sign-in revoked");
            return Err(TokenError::RefreshTokenReused);
        }
        if row.revoked_at.is_some() || now >= row.expires_at {
            return Err(TokenError::InvalidRefreshToken);
        }
        let mut tx = self.db.begin().await?;
        // The contact's row is locked first, as by every transaction that acts on a contact (a
        // delete included): one order, no deadlock.
        store::contacts::lock(&mut *tx, &row.contact_id).await?;
        if !store::refresh_tokens::rotate(&mut *tx, &row.id, now).await? {
            drop(tx);
            // Gone (its contact was deleted), revoked, or rotated by a parallel request.
            return match store::refresh_tokens::by_hash(&self.db, &hash).await? {
                Some(again) if again.rotated_at.is_some() => {
                    store::refresh_tokens::revoke_family(&self.db, &row.family_id, now).await?;
                    Err(TokenError::RefreshTokenReused)
                }
                _ => Err(TokenError::InvalidRefreshToken),
            };
        }
        let contact = store::contacts::find(&mut *tx, &row.contact_id)
            .await?
            .ok_or(TokenError::InvalidRefreshToken)?;
        let customer = CustomerRef::of(&contact);
        let refresh_token = self
            .refresh_row(&mut tx, &row.contact_id, &row.family_id, now)
            .await?;
        tx.commit().await?;
        let (access_token, expires_at_ms) = self.access_token(&customer, &row.family_id, now)?;
        let pair = TokenPair {
            access_token,
            refresh_token,
            expires_at_ms,
            family_id: row.family_id.clone(),
        };
        let sign_in = SignInRef::Tokens(row.family_id);
        Ok(self
            .signed_in(contact, Some(sign_in), Some(pair), false)
            .await?)
    }

    /// Ends the sign-in a refresh token belongs to. Unknown tokens are ignored: signing out twice is fine.
    pub async fn sign_out_refresh_token(&self, refresh_token: &str) -> Result<(), TokenError> {
        if let Some(row) =
            store::refresh_tokens::by_hash(&self.db, &sha256_hex(refresh_token.trim())).await?
        {
            store::refresh_tokens::revoke_family(&self.db, &row.family_id, now_ms()).await?;
        }
        Ok(())
    }

    /// Ends the sign-in an access token belongs to (CRM.COM's `contacts/{id}/sign_out`, which
    /// sends no refresh token): its refresh tokens stop working and so does the access token.
    pub async fn sign_out_access_token(
        &self,
        token: &str,
        contact_id: &str,
    ) -> Result<(), TokenError> {
        let customer = self.authenticate_access_token(token).await?;
        customer.require_self(contact_id)?;
        let claims = self.tokens.verify(token)?;
        store::refresh_tokens::revoke_family(&self.db, &claims.sid, now_ms()).await?;
        Ok(())
    }

    /// The customer an access token speaks for, provided its sign-in is still live and its
    /// contact is the very row it was issued for.
    pub async fn authenticate_access_token(&self, token: &str) -> Result<CustomerRef, TokenError> {
        let claims = self.tokens.verify(token)?;
        if !store::refresh_tokens::family_is_live(&self.db, &claims.sid, &claims.sub, &claims.inc)
            .await?
        {
            return Err(TokenError::InvalidToken);
        }
        Ok(CustomerRef {
            contact_id: claims.sub,
            incarnation: claims.inc,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            sub: "c1".into(),
            sid: "f1".into(),
            inc: "i1".into(),
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: 0,
            exp,
            jti: "j".into(),
        }
    }

    #[test]
    fn tokens_verify_and_expire() {
        let keys = TokenKeys::new(b"a-secret-of-at-least-32-bytes!!!", None);
        let now = now_ms() / 1000;
        let token = keys.sign(&claims(now + 60)).unwrap();
        assert_eq!(keys.verify(&token).unwrap().sub, "c1");
        let old = keys.sign(&claims(now - 5)).unwrap();
        assert!(matches!(keys.verify(&old), Err(TokenError::TokenExpired)));
        assert!(matches!(
            keys.verify("not.a.jwt"),
            Err(TokenError::InvalidToken)
        ));
    }

    #[test]
    fn other_keys_audiences_and_algorithms_are_refused() {
        let keys = TokenKeys::new(b"a-secret-of-at-least-32-bytes!!!", None);
        let other = TokenKeys::new(b"another-secret-of-32-bytes-long!", None);
        let now = now_ms() / 1000;
        let forged = other.sign(&claims(now + 60)).unwrap();
        assert!(matches!(
            keys.verify(&forged),
            Err(TokenError::InvalidToken)
        ));
        let mut wrong_aud = claims(now + 60);
        wrong_aud.aud = "backoffice".into();
        assert!(matches!(
            keys.verify(&keys.sign(&wrong_aud).unwrap()),
            Err(TokenError::InvalidToken)
        ));
        // `alg: none` over claims that are otherwise all valid (so only the algorithm can be
        // what refuses it), with no signature and with the real token's signature.
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let valid = keys.sign(&claims(now + 60)).unwrap();
        assert!(keys.verify(&valid).is_ok(), "the control verifies");
        let payload = valid.split('.').nth(1).unwrap();
        let signature = valid.split('.').nth(2).unwrap();
        for alg in ["none", "None", "NONE"] {
            let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#));
            for tail in ["", signature] {
                let forged = format!("{header}.{payload}.{tail}");
                assert!(
                    matches!(keys.verify(&forged), Err(TokenError::InvalidToken)),
                    "{alg} with signature {tail:?}"
                );
            }
        }
        let rotated = TokenKeys::new(
            b"another-secret-of-32-bytes-long!",
            Some(b"a-secret-of-at-least-32-bytes!!!"),
        );
        let signed_before = keys.sign(&claims(now + 60)).unwrap();
        assert_eq!(rotated.verify(&signed_before).unwrap().sub, "c1");
    }
}
