//! Sign-ins: an app's (a refresh-token family) or a browser's (the sign-in id kept in its portal
//! session). What a sign-in asked for (an identity being added) lives only as long as it does,
//! and ending every sign-in of a contact ends its pending codes with it.

use super::{
    authenticated::{Authenticated, TokenPair},
    CustomerRef,
};
use crate::{
    domain::SignInRef,
    services::{Actor, ContactError, Core, CredentialError, Fault, TokenError},
    store::{self, now_ms, Tx},
};

/// A customer together with the sign-in they are acting through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub customer: CustomerRef,
    pub sign_in: SignInRef,
}

impl Core {
    /// Signs a contact in after a check that needs no code (a password, a Facebook token): one
    /// transaction opens the sign-in (with tokens when asked) and records how they signed in.
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
        let (sign_in, tokens) = self
            .open_sign_in(&mut tx, &customer, issue_tokens, now)
            .await?;
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "SIGNED_IN",
            Some(method),
        )
        .await?;
        tx.commit().await?;
        Ok(self
            .signed_in(contact, Some(sign_in), tokens, false)
            .await?)
    }

    /// Opens a sign-in in the caller's transaction: a token family for an app
    /// (`issue_tokens`), or an id for the portal session to keep.
    pub(crate) async fn open_sign_in(
        &self,
        tx: &mut Tx<'_>,
        customer: &CustomerRef,
        issue_tokens: bool,
        now: i64,
    ) -> Result<(SignInRef, Option<TokenPair>), Fault> {
        if issue_tokens {
            let tokens = self.open_token_family(tx, customer, now).await?;
            Ok((SignInRef::Tokens(tokens.family_id.clone()), Some(tokens)))
        } else {
            Ok((SignInRef::Portal(uuid::Uuid::new_v4().to_string()), None))
        }
    }

    /// Whether `sign_in` is still live for this very contact row.
    pub(crate) async fn sign_in_is_live<'e>(
        &self,
        ex: impl store::Conn<'e>,
        sign_in: &SignInRef,
        customer: &CustomerRef,
    ) -> Result<bool, Fault> {
        Ok(match sign_in {
            SignInRef::Tokens(family) => {
                store::refresh_tokens::family_is_live(
                    ex,
                    family,
                    &customer.contact_id,
                    &customer.incarnation,
                )
                .await?
            }
            SignInRef::Portal(id) => {
                store::sessions::sign_in_is_live(ex, id, &customer.contact_id, now_ms()).await?
            }
        })
    }

    /// The customer an access token speaks for, with its sign-in.
    pub async fn authenticate_sign_in(&self, access_token: &str) -> Result<SignedIn, TokenError> {
        let customer = self.authenticate_access_token(access_token).await?;
        let claims = self.tokens.verify(access_token)?;
        Ok(SignedIn {
            customer,
            sign_in: SignInRef::Tokens(claims.sid),
        })
    }

    /// Ends every sign-in of the contact: its refresh-token families, its portal sessions and
    /// every code still pending (an identity being added, a claim, a reset), in the caller's
    /// transaction. A password reset or change and signing out everywhere call this.
    pub(crate) async fn end_every_sign_in(
        &self,
        tx: &mut Tx<'_>,
        contact_id: &str,
        now: i64,
    ) -> Result<(), Fault> {
        store::refresh_tokens::revoke_contact(&mut **tx, contact_id, now).await?;
        store::sessions::end_for_contact(&mut **tx, contact_id).await?;
        store::otps::delete_for_contact(&mut **tx, contact_id).await?;
        Ok(())
    }

    /// "Sign out everywhere": every app and browser signed in to this contact, this one too.
    pub async fn sign_out_everywhere(&self, customer: &CustomerRef) -> Result<(), ContactError> {
        let contact_id = customer.contact_id.as_str();
        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, contact_id).await?;
        store::contacts::find_incarnation(&mut *tx, contact_id, &customer.incarnation)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        self.end_every_sign_in(&mut tx, contact_id, now_ms())
            .await?;
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "SIGNED_OUT_EVERYWHERE",
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
