//! What a sign-in gives back, whichever way it happened (a code, a password, Facebook, a refresh):
//! the customer, the contact and its organisations as the outside may see them, and the tokens.

use super::{codes::OtpChallenge, CustomerRef};
use crate::{
    domain::SignInRef,
    services::{Core, Fault},
    store::{self, contacts::ContactRow},
    views::{ContactSummary, ContactView, OrganisationView},
};

/// A fresh pair, as the token response shows it.
#[derive(Clone, Debug)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// When the access token expires, epoch milliseconds.
    pub expires_at_ms: i64,
    /// The sign-in (refresh-token family) the pair belongs to.
    pub family_id: String,
}

/// A contact that just proved who it is, as the outside may see it.
pub struct Authenticated {
    pub customer: CustomerRef,
    pub contact: ContactSummary,
    /// The whole contact (its type, company name…), for answers shaped otherwise (v2).
    pub details: ContactView,
    pub organisations: Vec<OrganisationView>,
    pub tokens: Option<TokenPair>,
    /// The sign-in this opened (for the portal to keep in its session); `None` when nobody was
    /// signed in anew (a code that added an identity to a sign-in already live).
    pub sign_in: Option<SignInRef>,
    pub created: bool,
    /// After a claim that asked for a new identity: the code sent to prove it (it is attached
    /// when that code is validated).
    pub pending_identity: Option<OtpChallenge>,
}

impl Core {
    /// What every sign-in answers: the contact, its organisations, the tokens.
    pub(crate) async fn signed_in(
        &self,
        contact: ContactRow,
        sign_in: Option<SignInRef>,
        tokens: Option<TokenPair>,
        created: bool,
    ) -> Result<Authenticated, Fault> {
        let organisations = store::organisations::for_contact(&self.db, &contact.id).await?;
        Ok(Authenticated {
            customer: CustomerRef::of(&contact),
            contact: crate::services::contacts::summary(&contact),
            details: crate::services::contacts::contact_view(&contact),
            organisations: organisations
                .into_iter()
                .map(crate::services::organisations::view)
                .collect(),
            tokens,
            sign_in,
            created,
            pending_identity: None,
        })
    }
}
