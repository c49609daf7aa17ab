//! Asking for a sign-in code, and turning a valid code into a signed-in contact.

use super::{
    otp::{CodeRequest, OtpChallenge, OtpLookup, Purpose},
    register::PendingRegistration,
    tokens::TokenPair,
    Identity,
};
use crate::{
    domain::{ContactCode, ContactId, ContactType, OtpCode, Provider},
    services::{Actor, Core, ServiceError, ServiceResult},
    store::{
        self, contacts::ContactRow, flag, identities::IdentityRow, is_unique_violation, now_ms,
        organisations::OrganisationRow, otps::OtpRow, Tx,
    },
};

/// A contact that just proved who it is.
pub struct Authenticated {
    pub contact: ContactRow,
    pub organisations: Vec<OrganisationRow>,
    pub tokens: Option<TokenPair>,
    pub created: bool,
}

enum Completion {
    Done(Box<ContactRow>, bool, Option<TokenPair>),
    /// Another request created the same identity first; run again and sign in to it.
    Raced,
}

impl Core {
    /// Always answers the same way: a code goes out only when the identity is on file.
    #[tracing::instrument(skip_all)]
    pub async fn request_otp(
        &self,
        identity: Identity,
        client_ip: Option<&str>,
    ) -> ServiceResult<OtpChallenge> {
        let existing = store::identities::find(
            &self.db.pool,
            identity.provider().as_str(),
            identity.value(),
        )
        .await?;
        let contact_id = existing.map(|i| i.contact_id);
        let send_to = contact_id.as_ref().map(|_| &identity);
        self.issue_code(CodeRequest {
            identity: &identity,
            purpose: Purpose::SignIn,
            contact_id,
            payload: None,
            send_to,
            client_ip,
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    pub async fn validate_otp(
        &self,
        lookup: OtpLookup,
        code: OtpCode,
        issue_tokens: bool,
    ) -> ServiceResult<Authenticated> {
        let outcome = self.validate_otp_inner(lookup, code, issue_tokens).await;
        let label = match &outcome {
            Ok(_) => "verified",
            Err(ServiceError::InvalidOtp) => "invalid",
            Err(ServiceError::OtpExpired) => "expired",
            Err(ServiceError::OtpAttemptsExceeded) => "attempts_exceeded",
            Err(_) => "error",
        };
        metrics::counter!("portal_otp_validations_total", "outcome" => label).increment(1);
        outcome
    }

    async fn validate_otp_inner(
        &self,
        lookup: OtpLookup,
        code: OtpCode,
        issue_tokens: bool,
    ) -> ServiceResult<Authenticated> {
        let row = self.check_code(&lookup, &code).await?;
        for _ in 0..3 {
            if let Completion::Done(contact, created, tokens) =
                self.complete(&row, issue_tokens).await?
            {
                let organisations =
                    store::organisations::for_contact(&self.db.pool, &contact.id).await?;
                return Ok(Authenticated {
                    contact: *contact,
                    organisations,
                    tokens,
                    created,
                });
            }
        }
        Err(anyhow::anyhow!("identity creation kept racing").into())
    }

    /// Signs a contact in after a check that needs no code (a password, a Facebook token): one
    /// transaction opens the token family (when asked) and records how they signed in.
    pub(crate) async fn finish_sign_in(
        &self,
        contact_id: &str,
        method: &str,
        issue_tokens: bool,
    ) -> ServiceResult<Authenticated> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let tokens = match issue_tokens {
            true => Some(self.open_token_family(&mut tx, contact_id, now).await?),
            false => None,
        };
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "SIGNED_IN",
            Some(method),
        )
        .await?;
        let contact = store::contacts::find(&mut *tx, contact_id)
            .await?
            .ok_or(ServiceError::InvalidCredentials)?;
        tx.commit().await?;
        let organisations = store::organisations::for_contact(&self.db.pool, &contact.id).await?;
        Ok(Authenticated {
            contact,
            organisations,
            tokens,
            created: false,
        })
    }

    /// One transaction: use up the code, act on it, and open the token family.
    async fn complete(&self, row: &OtpRow, issue_tokens: bool) -> ServiceResult<Completion> {
        let now = now_ms();
        let purpose = Purpose::parse(&row.purpose).ok_or(ServiceError::InvalidOtp)?;
        let (provider, value) = row
            .identity_key
            .split_once(':')
            .ok_or(ServiceError::InvalidOtp)?;
        let mut tx = self.db.begin().await?;
        if !store::otps::consume(
            &mut *tx,
            &row.id,
            self.settings.limits.otp_max_attempts,
            now,
        )
        .await?
        {
            return Err(ServiceError::InvalidOtp);
        }
        let (contact_id, created, action) = match purpose {
            Purpose::Register | Purpose::SignIn => {
                match store::identities::find(&mut *tx, provider, value).await? {
                    Some(identity) => {
                        mark_verified(&mut tx, &identity, now).await?;
                        (identity.contact_id, false, "SIGNED_IN")
                    }
                    None if purpose == Purpose::Register => {
                        let pending: PendingRegistration =
                            serde_json::from_str(row.payload.as_deref().unwrap_or_default())
                                .map_err(|e| {
                                    anyhow::anyhow!("pending registration unreadable: {e}")
                                })?;
                        match create_contact(&mut tx, provider, value, pending, now).await {
                            Ok(id) => (id, true, "REGISTERED"),
                            Err(e) if is_unique_violation(&e) => return Ok(Completion::Raced),
                            Err(e) => return Err(e.into()),
                        }
                    }
                    // A decoy code (unknown identity) or a contact deleted since: nothing to sign in to.
                    None => return Err(ServiceError::InvalidOtp),
                }
            }
            Purpose::Claim | Purpose::AddIdentity => {
                let contact_id = row.contact_id.clone().ok_or(ServiceError::InvalidOtp)?;
                let pending: PendingIdentity =
                    serde_json::from_str(row.payload.as_deref().unwrap_or_default())
                        .map_err(|e| anyhow::anyhow!("pending identity unreadable: {e}"))?;
                // The code went to `identity_key`: the new identity is proven when it is that one.
                // (A Facebook identity was proven by its access token.)
                let proven = row.identity_key == format!("{}:{}", pending.provider, pending.value)
                    || pending.provider == Provider::Facebook.as_str();
                attach_identity(&mut tx, &contact_id, &pending, proven, now).await?;
                let action = if purpose == Purpose::Claim {
                    "CLAIMED"
                } else {
                    "IDENTITY_ADDED"
                };
                (contact_id, false, action)
            }
            Purpose::ResetPassword => return Err(ServiceError::InvalidOtp),
        };
        self.audit(
            &mut *tx,
            Some(&contact_id),
            &Actor::Customer(contact_id.clone()),
            action,
            Some(provider),
        )
        .await?;
        let tokens = match issue_tokens {
            true => Some(self.open_token_family(&mut tx, &contact_id, now).await?),
            false => None,
        };
        let contact = store::contacts::find(&mut *tx, &contact_id)
            .await?
            .ok_or(ServiceError::ContactNotFound)?;
        tx.commit().await?;
        Ok(Completion::Done(Box::new(contact), created, tokens))
    }
}

/// An identity waiting for its code: claimed onto a contact, or added to one's own.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PendingIdentity {
    pub provider: String,
    pub value: String,
    pub password_hash: Option<String>,
}

async fn attach_identity(
    tx: &mut Tx<'_>,
    contact_id: &str,
    pending: &PendingIdentity,
    proven: bool,
    now: i64,
) -> ServiceResult<()> {
    match store::identities::find(&mut **tx, &pending.provider, &pending.value).await? {
        Some(existing) if existing.contact_id == contact_id => {}
        Some(_) => return Err(ServiceError::IdentityTaken),
        None => {
            let inserted = store::identities::insert(
                &mut **tx,
                &IdentityRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    contact_id: contact_id.to_owned(),
                    provider: pending.provider.clone(),
                    value: pending.value.clone(),
                    password_hash: pending.password_hash.clone(),
                    verified_at: proven.then_some(now),
                    created_at: now,
                },
            )
            .await;
            match inserted {
                Err(e) if is_unique_violation(&e) => return Err(ServiceError::IdentityTaken),
                other => other?,
            }
        }
    }
    sqlx::query("UPDATE contacts SET is_verified = 1, updated_at = $2 WHERE id = $1")
        .bind(contact_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn mark_verified(tx: &mut Tx<'_>, identity: &IdentityRow, now: i64) -> sqlx::Result<()> {
    if identity.verified_at.is_none() {
        sqlx::query("UPDATE identities SET verified_at = $2 WHERE id = $1")
            .bind(&identity.id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(
        "UPDATE contacts SET is_verified = 1, updated_at = $2 WHERE id = $1 AND is_verified = 0",
    )
    .bind(&identity.contact_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn create_contact(
    tx: &mut Tx<'_>,
    provider: &str,
    value: &str,
    pending: PendingRegistration,
    now: i64,
) -> sqlx::Result<String> {
    let id = ContactId::generate().as_str().to_owned();
    let is_email = provider == Provider::Email.as_str();
    let contact = ContactRow {
        id: id.clone(),
        code: ContactCode::generate().as_str().to_owned(),
        contact_type: ContactType::Person.as_str().to_owned(),
        title: pending.title,
        first_name: Some(pending.first_name),
        last_name: Some(pending.last_name),
        company_name: None,
        email: is_email.then(|| value.to_owned()),
        phone: (!is_email).then(|| value.to_owned()),
        email_opt_out: flag(pending.email_opt_out),
        sms_opt_out: flag(pending.sms_opt_out),
        avatar: None,
        is_verified: 1,
        created_at: now,
        updated_at: now,
    };
    store::contacts::insert(&mut **tx, &contact).await?;
    store::identities::insert(
        &mut **tx,
        &IdentityRow {
            id: uuid::Uuid::new_v4().to_string(),
            contact_id: id.clone(),
            provider: provider.to_owned(),
            value: value.to_owned(),
            password_hash: if is_email {
                pending.password_hash
            } else {
                None
            },
            verified_at: Some(now),
            created_at: now,
        },
    )
    .await?;
    Ok(id)
}
