//! The one-time code rules: issue (with send limits), deliver, and check (expiry, tries, single use).

use serde::Serialize;

use super::{
    secrets::{random_code, random_token, sha256_hex},
    Identity,
};
use crate::{
    delivery::OtpMessage,
    domain::OtpCode,
    services::{Core, ServiceError, ServiceResult},
    store::{
        self, now_ms,
        otps::OtpRow,
        throttles::{self, Rule, Verdict},
    },
};

/// What a client gets back after a code was sent: an opaque handle to the code, and where it went.
#[derive(Clone, Debug, Serialize)]
pub struct OtpChallenge {
    pub auth_otp: String,
    pub obfuscated_value: String,
}

/// Which code a `validate-otp` call means.
#[derive(Clone, Debug)]
pub enum OtpLookup {
    /// The `auth_otp` handle returned when the code was sent.
    Handle(String),
    /// The newest live code of this identity.
    Identity(Identity),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Register,
    SignIn,
    Claim,
    AddIdentity,
    ResetPassword,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "REGISTER",
            Purpose::SignIn => "SIGN_IN",
            Purpose::Claim => "CLAIM",
            Purpose::AddIdentity => "ADD_IDENTITY",
            Purpose::ResetPassword => "RESET_PASSWORD",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "REGISTER" => Some(Purpose::Register),
            "SIGN_IN" => Some(Purpose::SignIn),
            "CLAIM" => Some(Purpose::Claim),
            "ADD_IDENTITY" => Some(Purpose::AddIdentity),
            "RESET_PASSWORD" => Some(Purpose::ResetPassword),
            _ => None,
        }
    }
}

/// One code to issue: for whom, why, and where it goes.
pub struct CodeRequest<'a> {
    /// The identity the code proves (and the one rate limits count).
    pub identity: &'a Identity,
    pub purpose: Purpose,
    pub contact_id: Option<String>,
    pub payload: Option<String>,
    /// Where the code is sent; `None` issues a decoy that nobody receives (unknown identities), so
    /// that the answer and its cost look the same whether or not the identity exists.
    pub send_to: Option<&'a Identity>,
    pub client_ip: Option<&'a str>,
}

impl Core {
    fn send_rules(&self) -> (Rule, Rule) {
        let limits = &self.settings.limits;
        let hour = 3_600_000;
        let identity = Rule {
            cooldown_ms: i64::try_from(limits.otp_send_cooldown.as_millis()).unwrap_or(i64::MAX),
            max_hits: limits.otp_sends_per_identity_per_hour,
            window_ms: hour,
        };
        let ip = Rule {
            cooldown_ms: 0,
            max_hits: limits.otp_sends_per_ip_per_hour,
            window_ms: hour,
        };
        (identity, ip)
    }

    #[tracing::instrument(skip_all, fields(purpose = request.purpose.as_str()))]
    pub(crate) async fn issue_code(&self, request: CodeRequest<'_>) -> ServiceResult<OtpChallenge> {
        let now = now_ms();
        let (identity_rule, ip_rule) = self.send_rules();
        let code = random_code();
        let handle = random_token(16);
        let id = uuid::Uuid::new_v4().to_string();
        let row = OtpRow {
            code_hash: self.secrets.code_hash(&id, &code),
            id,
            handle_hash: sha256_hex(&handle),
            identity_key: request.identity.key(),
            purpose: request.purpose.as_str().to_owned(),
            contact_id: request.contact_id,
            payload: request.payload,
            attempts: 0,
            client_ip: request.client_ip.map(str::to_owned),
            created_at: now,
            expires_at: now
                + i64::try_from(self.settings.limits.otp_ttl.as_millis()).unwrap_or(600_000),
            consumed_at: None,
        };

        let identity_key = format!("otp-send:{}", row.identity_key);
        let ip_key = request.client_ip.map(|ip| format!("otp-send-ip:{ip}"));
        let mut tx = self.db.begin().await?;
        let (verdict, identity_before) =
            throttles::hit_returning_previous(&mut tx, &identity_key, identity_rule, now).await?;
        if let Verdict::Refused { retry_after_secs } = verdict {
            return Err(ServiceError::TooManyRequests { retry_after_secs });
        }
        let mut ip_before = None;
        if let Some(ip_key) = &ip_key {
            let (verdict, before) =
                throttles::hit_returning_previous(&mut tx, ip_key, ip_rule, now).await?;
            if let Verdict::Refused { retry_after_secs } = verdict {
                return Err(ServiceError::TooManyRequests { retry_after_secs });
            }
            ip_before = Some(before);
        }
        store::otps::insert(&mut *tx, &row).await?;
        tx.commit().await.map_err(anyhow::Error::from)?;

        if let Some(target) = request.send_to {
            let message = OtpMessage::new(target.channel(), target.value(), &code);
            if let Err(error) = self.delivery.send(&message).await {
                tracing::error!(
                    channel = target.channel().as_str(),
                    error = format!("{error:#}"),
                    "could not deliver a one-time code"
                );
                // Nothing half-done stays behind: no usable code, and the send does not count.
                let mut tx = self.db.begin().await?;
                store::otps::delete(&mut *tx, &row.id).await?;
                throttles::undo(&mut *tx, &identity_key, identity_before).await?;
                if let (Some(ip_key), Some(before)) = (&ip_key, ip_before) {
                    throttles::undo(&mut *tx, ip_key, before).await?;
                }
                tx.commit().await?;
                return Err(ServiceError::DeliveryFailed);
            }
        }
        Ok(OtpChallenge {
            auth_otp: handle,
            obfuscated_value: request.identity.obfuscated(),
        })
    }

    /// Sends a fresh code for the same purpose as an earlier one (the "Send a new code" button);
    /// the send limits apply as to any other code.
    pub async fn resend_code(
        &self,
        handle: &str,
        client_ip: Option<&str>,
    ) -> ServiceResult<OtpChallenge> {
        let row = store::otps::by_handle(&self.db.pool, &sha256_hex(handle.trim()))
            .await?
            .ok_or(ServiceError::InvalidOtp)?;
        let purpose = Purpose::parse(&row.purpose).ok_or(ServiceError::InvalidOtp)?;
        let (provider, value) = row
            .identity_key
            .split_once(':')
            .ok_or(ServiceError::InvalidOtp)?;
        let identity = Identity::from_credential("identity", provider, value)
            .map_err(|_| ServiceError::InvalidOtp)?;
        // Decoys (issued for identities not on file) stay decoys: nothing is sent.
        let is_decoy = purpose != Purpose::Register && row.contact_id.is_none();
        self.issue_code(CodeRequest {
            identity: &identity,
            purpose,
            contact_id: row.contact_id,
            payload: row.payload,
            send_to: (!is_decoy).then_some(&identity),
            client_ip,
        })
        .await
    }

    /// Finds the code meant and checks it. A wrong code counts a try; the right one is returned
    /// unconsumed (the caller consumes it inside the transaction that acts on it).
    pub(crate) async fn check_code(
        &self,
        lookup: &OtpLookup,
        code: &OtpCode,
    ) -> ServiceResult<OtpRow> {
        let now = now_ms();
        let row = match lookup {
            OtpLookup::Handle(handle) => {
                store::otps::by_handle(&self.db.pool, &sha256_hex(handle.trim())).await?
            }
            OtpLookup::Identity(identity) => {
                store::otps::newest_live(&self.db.pool, &identity.key(), now).await?
            }
        };
        let row = row.ok_or(ServiceError::InvalidOtp)?;
        check_state(&row, now, self.settings.limits.otp_max_attempts)?;
        if !self
            .secrets
            .code_matches(&row.id, code.as_str(), &row.code_hash)
        {
            store::otps::record_wrong_try(&self.db.pool, &row.id).await?;
            return Err(ServiceError::InvalidOtp);
        }
        Ok(row)
    }
}

/// The pure part of the code rules: used, expired, or out of tries.
pub fn check_state(row: &OtpRow, now: i64, max_attempts: i64) -> ServiceResult<()> {
    if row.consumed_at.is_some() {
        return Err(ServiceError::InvalidOtp);
    }
    if row.attempts >= max_attempts {
        return Err(ServiceError::OtpAttemptsExceeded);
    }
    if now >= row.expires_at {
        return Err(ServiceError::OtpExpired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(attempts: i64, expires_at: i64, consumed_at: Option<i64>) -> OtpRow {
        OtpRow {
            id: "x".into(),
            handle_hash: String::new(),
            identity_key: String::new(),
            purpose: "SIGN_IN".into(),
            contact_id: None,
            payload: None,
            code_hash: String::new(),
            attempts,
            client_ip: None,
            created_at: 0,
            expires_at,
            consumed_at,
        }
    }

    #[test]
    fn expiry_tries_and_single_use() {
        assert!(check_state(&row(0, 1000, None), 999, 5).is_ok());
        assert!(matches!(
            check_state(&row(0, 1000, None), 1000, 5),
            Err(ServiceError::OtpExpired)
        ));
        assert!(check_state(&row(4, 1000, None), 10, 5).is_ok());
        assert!(matches!(
            check_state(&row(5, 1000, None), 10, 5),
            Err(ServiceError::OtpAttemptsExceeded)
        ));
        assert!(matches!(
            check_state(&row(0, 1000, Some(5)), 10, 5),
            Err(ServiceError::InvalidOtp)
        ));
    }
}
