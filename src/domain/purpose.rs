//! What a one-time code is for. A code answers only the purpose it was issued for (DESIGN §2.1).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Purpose {
    /// Proves a new identity before its contact is created.
    Register,
    /// Signs in with an identity on file.
    SignIn,
    /// Proves the channel on file of a contact made in the back office.
    Claim,
    /// Proves an identity before it is attached to a contact that already exists.
    AddIdentity,
    /// Proves the email on file before a Facebook account is linked to its contact.
    LinkFacebook,
    ResetPassword,
}

impl Purpose {
    pub const ALL: [Purpose; 6] = [
        Purpose::Register,
        Purpose::SignIn,
        Purpose::Claim,
        Purpose::AddIdentity,
        Purpose::LinkFacebook,
        Purpose::ResetPassword,
    ];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "REGISTER",
            Purpose::SignIn => "SIGN_IN",
            Purpose::Claim => "CLAIM",
            Purpose::AddIdentity => "ADD_IDENTITY",
            Purpose::LinkFacebook => "LINK_FACEBOOK",
            Purpose::ResetPassword => "RESET_PASSWORD",
        }
    }

    pub fn from_stored(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }

    /// Codes that `validate-otp` by `credentials` may redeem: sign-in codes only, which carry
    /// nothing but the identity. Every other code (a registration's names and password, a claim,
    /// an identity being added) is redeemed only with its own `auth_otp`, the one thing that ties
    /// whoever holds the code to whoever sent what it carries.
    pub fn signs_in_by_identity(self) -> bool {
        matches!(self, Purpose::SignIn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_round_trip_and_only_sign_in_codes_work_by_identity() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::from_stored(p.as_str()), Some(p));
        }
        assert_eq!(Purpose::from_stored("sign_in"), None);
        let by_identity: Vec<_> = Purpose::ALL
            .into_iter()
            .filter(|p| p.signs_in_by_identity())
            .collect();
        assert_eq!(by_identity, [Purpose::SignIn]);
    }
}
