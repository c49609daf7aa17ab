//! Identities, one-time codes, passwords, tokens and API keys.

pub mod api_keys;
pub mod authenticate;
pub mod authenticated;
pub mod claim;
pub mod codes;
pub mod facebook;
pub mod identities;
pub mod identity;
pub mod jwt_crypto;
pub mod otp;
pub mod password;
pub mod password_hashing;
pub mod redemption;
pub mod register;
pub mod secrets;
pub mod sign_ins;
pub mod tokens;

pub use identity::{Identity, IdentityInput};

/// A signed-in customer: the contact, and the incarnation of the contact row it signed in to.
/// Access tokens, portal sessions and codes carry both, so none of them speaks for a later
/// contact that was given the same id after a delete.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerRef {
    pub contact_id: String,
    pub incarnation: String,
}

impl CustomerRef {
    pub fn of(contact: &crate::store::contacts::ContactRow) -> Self {
        Self {
            contact_id: contact.id.clone(),
            incarnation: contact.incarnation.clone(),
        }
    }

    /// A customer acts on their own contact only: a call naming another id (CRM.COM's
    /// `contacts/{id}/…`) is refused alike whether or not that contact exists.
    pub fn require_self(&self, contact_id: &str) -> Result<(), crate::services::Refusal> {
        if self.contact_id == contact_id {
            Ok(())
        } else {
            Err(crate::services::Refusal(
                "a customer can act on their own contact only",
            ))
        }
    }
}
pub use authenticate::{SignInAttempt, SignInOutcome};
pub use authenticated::{Authenticated, TokenPair};
pub use codes::{OtpChallenge, OtpLookup};
pub use register::RegisterInput;
pub use sign_ins::SignedIn;
