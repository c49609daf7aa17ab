//! Asking for a sign-in code, and redeeming any code `validate-otp` takes: the code is checked
//! (codes.rs), then its intent does its own thing in one transaction, written where that use case
//! lives (a registration in register.rs, a claim in claim.rs, an added identity in
//! identities.rs, a Facebook link in facebook.rs).

use super::{
    authenticated::Authenticated,
    codes::{CodeRequest, OtpChallenge, OtpLookup},
    redemption::Redeemed,
    register::redeem_registration,
    CustomerRef, Identity,
};
use crate::{
    domain::{CodeIntent, OtpCode, PendingIdentity, Purpose},
    services::{Actor, CodeError, Core},
    store::{self, contacts::ContactRow, now_ms, otps::OtpRow, Tx},
};

enum Completion {
    Done(Box<Authenticated>, Option<PendingIdentity>),
    /// Another request created the same identity first; run again and sign in to it.
    Raced,
    /// A parallel request used this (right) code first.
    AlreadyUsed,
}

/// The codes `validate-otp` (and the portal's `/verify`) redeem: all but password resets.
const REDEEMED_HERE: &[Purpose] = &[
    Purpose::Register,
    Purpose::SignIn,
    Purpose::Claim,
    Purpose::AddIdentity,
    Purpose::LinkFacebook,
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
        let request = CodeRequest::new(CodeIntent::SignIn, &identity, owner.is_some())
            .for_contact(owner.as_ref())
            .counted_for(client_ip);
        Ok(self.issue_code(request).await?)
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
            .check_code(&lookup, &code, REDEEMED_HERE, client_ip)
            .await?;
        for _ in 0..3 {
            match self.complete(&row, issue_tokens).await? {
                Completion::AlreadyUsed => {
                    // The right code, used by a parallel request: not a guess, so not counted.
                    self.attempts_succeeded(attempts).await?;
                    return Err(CodeError::InvalidOtp);
                }
                Completion::Done(mut signed_in, then_prove) => {
                    self.attempts_succeeded(attempts).await?;
                    if let (Some(pending), Some(sign_in)) = (then_prove, &signed_in.sign_in) {
                        signed_in.pending_identity = self
                            .prove_claimed_identity(
                                &signed_in.customer,
                                sign_in.clone(),
                                pending,
                                client_ip,
                            )
                            .await;
                    }
                    return Ok(*signed_in);
                }
                Completion::Raced => {}
            }
        }
        Err(anyhow::anyhow!("identity creation kept racing").into())
    }

    /// One transaction: use up the code, do what it is for, and open the sign-in it gives.
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
        let redeemed = match &row.intent {
            CodeIntent::Register(pending) => {
                match redeem_registration(&mut tx, row, pending, now).await? {
                    Some(redeemed) => redeemed,
                    None => return Ok(Completion::Raced),
                }
            }
            CodeIntent::SignIn => signing_in_to_holder(&mut tx, row).await?,
            CodeIntent::Claim { wanted, .. } => {
                self.redeem_claim(&mut tx, row, wanted, now).await?
            }
            CodeIntent::AddIdentity { identity, sign_in } => Redeemed {
                contact_id: self
                    .redeem_added_identity(&mut tx, row, identity, sign_in, now)
                    .await?,
                created: false,
                action: "IDENTITY_ADDED",
                signs_in: false,
                then_prove: None,
            },
            CodeIntent::LinkFacebook { facebook_id } => {
                self.redeem_facebook_link(&mut tx, row, facebook_id, now)
                    .await?
            }
            CodeIntent::ResetPassword => return Err(CodeError::InvalidOtp),
        };
        store::contacts::mark_verified(&mut *tx, &redeemed.contact_id, now).await?;
        self.audit(
            &mut *tx,
            Some(&redeemed.contact_id),
            &Actor::Customer(redeemed.contact_id.clone()),
            redeemed.action,
            Some(row.identity.provider().as_str()),
        )
        .await?;
        let contact: ContactRow = store::contacts::find(&mut *tx, &redeemed.contact_id)
            .await?
            // Locked above and just marked verified: gone only if the code's contact is.
            .ok_or(CodeError::InvalidOtp)?;
        let (sign_in, tokens) = match redeemed.signs_in {
            true => {
                let customer = CustomerRef::of(&contact);
                let (sign_in, tokens) = self
                    .open_sign_in(&mut tx, &customer, issue_tokens, now)
                    .await?;
                (Some(sign_in), tokens)
            }
            false => (None, None),
        };
        tx.commit().await?;
        // Notices an intent queued (an identity added tells the channels on file).
        self.delivery.wake();
        let signed_in = self
            .signed_in(contact, sign_in, tokens, redeemed.created)
            .await?;
        Ok(Completion::Done(Box::new(signed_in), redeemed.then_prove))
    }
}

/// A sign-in code signs in to the contact that holds its identity now (a decoy, or a contact
/// deleted since, finds nobody).
pub(crate) async fn signing_in_to_holder(
    tx: &mut Tx<'_>,
    row: &OtpRow,
) -> Result<Redeemed, CodeError> {
    let holder =
        store::identities::find(&mut **tx, row.identity.provider(), row.identity.value()).await?;
    match holder {
        Some(identity) => Ok(Redeemed::signing_in(identity.contact_id, "SIGNED_IN")),
        None => Err(CodeError::InvalidOtp),
    }
}
