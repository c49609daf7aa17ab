//! Asking for a sign-in code, and turning a valid code into a signed-in contact: each purpose
//! does its own thing (sign in, create the contact, claim it, attach a proven identity).

use serde::{Deserialize, Serialize};

use super::{
    authenticated::{Authenticated, TokenPair},
    otp::{CodeRequest, OtpChallenge, OtpLookup},
    register::PendingRegistration,
    CustomerRef, Identity,
};
use crate::{
    domain::{ContactCode, ContactId, ContactType, Email, OtpCode, PhoneNumber, Provider, Purpose},
    services::{Actor, CodeError, Core, CredentialError, Fault},
    store::{
        self, contacts::ContactRow, flag, identities::ProvenIdentity, is_unique_violation, now_ms,
        otps::OtpRow, Tx,
    },
};

/// An identity waiting for its own code before it is attached: asked for in a claim, added on
/// the profile, or a Facebook account linked to an email on file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingIdentity {
    /// The id the identity will have once proven (told to the caller of add-identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub provider: Provider,
    pub value: String,
    /// Already an argon2id hash; set on the identity once it is proven (emails only).
    pub password_hash: Option<String>,
}

impl PendingIdentity {
    pub fn new(identity: &Identity, password_hash: Option<String>) -> Self {
        Self {
            id: None,
            provider: identity.provider(),
            value: identity.value().to_owned(),
            password_hash: password_hash.filter(|_| identity.provider() == Provider::Email),
        }
    }

    /// The identity a code can prove it with (emails and phones; Facebook is proven by its token).
    pub fn code_target(&self) -> Option<Identity> {
        match self.provider {
            Provider::Email => Email::parse("value", &self.value).ok().map(Identity::Email),
            Provider::Phone => PhoneNumber::parse_e164("value", &self.value)
                .ok()
                .map(Identity::Phone),
            Provider::Facebook => None,
        }
    }

    fn is(&self, identity: &Identity) -> bool {
        self.provider == identity.provider() && self.value == identity.value()
    }
}

/// The pending identity a claim or add-identity code carries.
pub(crate) fn pending_identity(row: &OtpRow) -> Result<PendingIdentity, Fault> {
    serde_json::from_str(row.payload.as_deref().unwrap_or_default())
        .map_err(|e| anyhow::anyhow!("pending identity of code {} unreadable: {e}", row.id).into())
}

enum Completion {
    Done {
        contact: Box<ContactRow>,
        created: bool,
        tokens: Option<TokenPair>,
        /// A claim asked for another identity: it needs its own code.
        then_prove: Option<PendingIdentity>,
    },
    /// Another request created the same identity first; run again and sign in to it.
    Raced,
    /// A parallel request used this (right) code first.
    AlreadyUsed,
}

/// The codes `validate-otp` (and the portal's `/verify`) redeem: all but password resets.
const SIGN_IN_PURPOSES: &[Purpose] = &[
    Purpose::Register,
    Purpose::SignIn,
    Purpose::Claim,
    Purpose::AddIdentity,
];

impl Core {
    /// Always answers the same way: a code goes out only when the identity is on file.
    #[tracing::instrument(skip_all)]
    pub async fn request_otp(
        &self,
        identity: Identity,
        client_ip: Option<&str>,
    ) -> Result<OtpChallenge, CodeError> {
        let owner = self.contact_of(&identity).await?;
        self.issue_code(CodeRequest {
            purpose: Purpose::SignIn,
            identity: &identity,
            limit_key: None,
            contact: owner.as_ref(),
            payload: None,
            deliver: owner.is_some(),
            client_ip,
        })
        .await
        .map_err(CodeError::from)
    }

    /// The contact a proven identity belongs to.
    pub(crate) async fn contact_of(
        &self,
        identity: &Identity,
    ) -> Result<Option<CustomerRef>, Fault> {
        let Some(found) =
            store::identities::find(&self.db.pool, identity.provider(), identity.value()).await?
        else {
            return Ok(None);
        };
        Ok(store::contacts::find(&self.db.pool, &found.contact_id)
            .await?
            .map(|c| CustomerRef::of(&c)))
    }

    #[tracing::instrument(skip_all)]
    pub async fn validate_otp(
        &self,
        lookup: OtpLookup,
        code: OtpCode,
        issue_tokens: bool,
        client_ip: Option<&str>,
    ) -> Result<Authenticated, CodeError> {
        let outcome = self
            .validate_otp_inner(lookup, code, issue_tokens, client_ip)
            .await;
        let label = match &outcome {
            Ok(_) => "verified",
            Err(CodeError::InvalidOtp) => "invalid",
            Err(CodeError::OtpExpired) => "expired",
            Err(CodeError::OtpAttemptsExceeded) => "attempts_exceeded",
            Err(CodeError::TooManyRequests { .. }) => "capped",
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
        client_ip: Option<&str>,
    ) -> Result<Authenticated, CodeError> {
        let (row, attempts) = self
            .check_code(&lookup, &code, SIGN_IN_PURPOSES, client_ip)
            .await?;
        for _ in 0..3 {
            let completion = self.complete(&row, issue_tokens).await?;
            if let Completion::AlreadyUsed = completion {
                // The right code, used by a parallel request: not a guess, so not counted.
                self.attempts_succeeded(attempts).await?;
                return Err(CodeError::InvalidOtp);
            }
            if let Completion::Done {
                contact,
                created,
                tokens,
                then_prove,
            } = completion
            {
                self.attempts_succeeded(attempts).await?;
                let mut signed_in = self.signed_in(*contact, tokens, created).await?;
                if let Some(pending) = then_prove {
                    signed_in.pending_identity = self
                        .prove_claimed_identity(&signed_in.customer, pending, client_ip)
                        .await;
                }
                return Ok(signed_in);
            }
        }
        Err(anyhow::anyhow!("identity creation kept racing").into())
    }

    /// After a claim: the new identity the customer asked for gets its own code. One that is
    /// already someone's gets a decoy (the answer does not say so); a refused send, none.
    async fn prove_claimed_identity(
        &self,
        customer: &CustomerRef,
        pending: PendingIdentity,
        client_ip: Option<&str>,
    ) -> Option<OtpChallenge> {
        let target = pending.code_target()?;
        let outcome = async {
            let taken = self.contact_of(&target).await?.is_some();
            let payload = serde_json::to_string(&pending).map_err(anyhow::Error::from)?;
            self.issue_code(CodeRequest {
                purpose: Purpose::AddIdentity,
                identity: &target,
                limit_key: None,
                contact: Some(customer),
                payload: Some(payload),
                deliver: !taken,
                client_ip,
            })
            .await
        }
        .await;
        match outcome {
            Ok(challenge) => Some(challenge),
            Err(error) => {
                tracing::warn!(error = %error, "no code for the identity asked for in a claim");
                None
            }
        }
    }

    /// Signs a contact in after a check that needs no code (a password, a Facebook token): one
    /// transaction opens the token family (when asked) and records how they signed in.
    pub(crate) async fn finish_sign_in(
        &self,
        contact_id: &str,
        method: &str,
        issue_tokens: bool,
    ) -> Result<Authenticated, CredentialError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, contact_id).await?;
        let contact = store::contacts::find(&mut *tx, contact_id)
            .await?
            .ok_or(CredentialError::InvalidCredentials)?;
        let customer = CustomerRef::of(&contact);
        let tokens = match issue_tokens {
            true => Some(self.open_token_family(&mut tx, &customer, now).await?),
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
        tx.commit().await?;
        Ok(self.signed_in(contact, tokens, false).await?)
    }

    /// One transaction: use up the code, act on it, and open the token family.
    async fn complete(&self, row: &OtpRow, issue_tokens: bool) -> Result<Completion, CodeError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        // The contact first, then its code: the order every transaction on a contact keeps.
        if let Some(id) = &row.contact_id {
            store::contacts::lock(&mut *tx, id).await?;
        }
        if !store::otps::consume(&mut *tx, &row.id, now).await? {
            return Ok(Completion::AlreadyUsed);
        }
        let provider = row.identity.provider().as_str();
        let mut then_prove = None;
        let (contact_id, created, action) = match row.purpose {
            Purpose::Register | Purpose::SignIn => {
                match store::identities::find(
                    &mut *tx,
                    row.identity.provider(),
                    row.identity.value(),
                )
                .await?
                {
                    Some(identity) => (identity.contact_id, false, "SIGNED_IN"),
                    None if row.purpose == Purpose::Register => {
                        let pending: PendingRegistration =
                            serde_json::from_str(row.payload.as_deref().unwrap_or_default())
                                .map_err(|e| {
                                    anyhow::anyhow!("pending registration unreadable: {e}")
                                })?;
                        match create_contact(&mut tx, &row.identity, pending, now).await {
                            Ok(id) => (id, true, "REGISTERED"),
                            Err(e) if is_unique_violation(&e) => return Ok(Completion::Raced),
                            Err(e) => return Err(e.into()),
                        }
                    }
                    // A decoy code (unknown identity) or a contact deleted since: nothing to sign in to.
                    None => return Err(CodeError::InvalidOtp),
                }
            }
            Purpose::Claim => {
                let contact = code_contact(&mut tx, row).await?;
                let pending = pending_identity(row)?;
                claim_contact(&mut tx, &contact, row, &pending, now).await?;
                then_prove = (!pending.is(&row.identity)).then_some(pending);
                (contact.id, false, "CLAIMED")
            }
            Purpose::AddIdentity => {
                let contact = code_contact(&mut tx, row).await?;
                attach(&mut tx, &contact.id, &pending_identity(row)?, now).await?;
                (contact.id, false, "IDENTITY_ADDED")
            }
            Purpose::ResetPassword => return Err(CodeError::InvalidOtp),
        };
        store::contacts::mark_verified(&mut *tx, &contact_id, now).await?;
        self.audit(
            &mut *tx,
            Some(&contact_id),
            &Actor::Customer(contact_id.clone()),
            action,
            Some(provider),
        )
        .await?;
        let contact = store::contacts::find(&mut *tx, &contact_id)
            .await?
            // Locked above and just marked verified: gone only if the code's contact is.
            .ok_or(CodeError::InvalidOtp)?;
        let tokens = match issue_tokens {
            true => {
                let customer = CustomerRef::of(&contact);
                Some(self.open_token_family(&mut tx, &customer, now).await?)
            }
            false => None,
        };
        tx.commit().await?;
        Ok(Completion::Done {
            contact: Box::new(contact),
            created,
            tokens,
            then_prove,
        })
    }
}

/// The contact a claim or add-identity code was issued for, if it is still that very row.
async fn code_contact(tx: &mut Tx<'_>, row: &OtpRow) -> Result<ContactRow, CodeError> {
    let (Some(id), Some(incarnation)) = (&row.contact_id, &row.contact_incarnation) else {
        return Err(CodeError::InvalidOtp);
    };
    store::contacts::find_incarnation(&mut **tx, id, incarnation)
        .await?
        .ok_or(CodeError::InvalidOtp)
}

/// A claim proves the channel on file, which becomes the contact's first identity (with the
/// password, when the customer asked for that very email). A contact someone claimed or
/// registered meanwhile is not claimed again.
async fn claim_contact(
    tx: &mut Tx<'_>,
    contact: &ContactRow,
    row: &OtpRow,
    pending: &PendingIdentity,
    now: i64,
) -> Result<(), CodeError> {
    let held = store::identities::for_contact(&mut **tx, &contact.id).await?;
    if held
        .iter()
        .any(|i| !(i.provider == row.identity.provider() && i.value == row.identity.value()))
    {
        return Err(CodeError::InvalidOtp);
    }
    let password = pending
        .is(&row.identity)
        .then(|| pending.password_hash.clone())
        .flatten();
    let channel = PendingIdentity::new(&row.identity, password);
    match attach(tx, &contact.id, &channel, now).await {
        Err(CodeError::IdentityTaken) => Err(CodeError::InvalidOtp),
        other => other,
    }
}

/// Attaches a proven identity (with its password, if one was given): it is the contact's own
/// already, or nobody's.
async fn attach(
    tx: &mut Tx<'_>,
    contact_id: &str,
    pending: &PendingIdentity,
    now: i64,
) -> Result<(), CodeError> {
    match store::identities::find(&mut **tx, pending.provider, &pending.value).await? {
        Some(existing) if existing.contact_id == contact_id => {
            if let Some(hash) = &pending.password_hash {
                store::identities::set_password(&mut **tx, &existing.id, hash).await?;
            }
            Ok(())
        }
        Some(_) => Err(CodeError::IdentityTaken),
        None => {
            let inserted = store::identities::insert(
                &mut **tx,
                &ProvenIdentity {
                    id: pending.id.as_deref(),
                    contact_id,
                    provider: pending.provider,
                    value: &pending.value,
                    password_hash: pending.password_hash.as_deref(),
                    proven_at: now,
                },
            )
            .await;
            match inserted {
                Err(e) if is_unique_violation(&e) => Err(CodeError::IdentityTaken),
                other => Ok(other?),
            }
        }
    }
}

async fn create_contact(
    tx: &mut Tx<'_>,
    identity: &Identity,
    pending: PendingRegistration,
    now: i64,
) -> sqlx::Result<String> {
    let value = identity.value();
    let is_email = identity.provider() == Provider::Email;
    let mut contact = ContactRow::new(
        &ContactId::generate(),
        &ContactCode::generate(),
        ContactType::Person,
        now,
    );
    contact.title = pending.title;
    contact.first_name = Some(pending.first_name);
    contact.last_name = Some(pending.last_name);
    contact.email = is_email.then(|| value.to_owned());
    contact.phone = (!is_email).then(|| value.to_owned());
    contact.email_opt_out = flag(pending.email_opt_out);
    contact.sms_opt_out = flag(pending.sms_opt_out);
    contact.is_verified = 1;
    let id = contact.id.clone();
    store::contacts::insert(&mut **tx, &contact).await?;
    store::identities::insert(
        &mut **tx,
        &ProvenIdentity {
            id: None,
            contact_id: &id,
            provider: identity.provider(),
            value,
            password_hash: pending.password_hash.as_deref().filter(|_| is_email),
            proven_at: now,
        },
    )
    .await?;
    Ok(id)
}
