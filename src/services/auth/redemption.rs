//! What redeeming a code did, as each use case reports it to the one place that redeems codes
//! (otp.rs): kept apart so that the use cases and that place do not depend on each other.

use crate::domain::PendingIdentity;

/// What redeeming a code did to its contact.
pub(crate) struct Redeemed {
    pub contact_id: String,
    pub created: bool,
    /// The audit trail's word for it.
    pub action: &'static str,
    /// Whether the redeemer is signed in by it (an added identity signs nobody in).
    pub signs_in: bool,
    /// A claim asked for another identity: it needs its own code, for the new sign-in.
    pub then_prove: Option<PendingIdentity>,
}

impl Redeemed {
    pub fn signing_in(contact_id: String, action: &'static str) -> Self {
        Self {
            contact_id,
            created: false,
            action,
            signs_in: true,
            then_prove: None,
        }
    }
}
