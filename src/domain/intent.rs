//! What a one-time code does when it is redeemed, carrying exactly what that needs. A code's
//! purpose follows from its intent, so the two cannot disagree; the store keeps the intent as one
//! self-describing value and reads it back typed (store/otps.rs).

use serde::{Deserialize, Serialize};

use super::{Agreement, Email, Field, Identity, PhoneNumber, Provider, Purpose};

/// A registration waiting for its code: what the registrant sent, and nothing of anybody else's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRegistration {
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email_opt_out: bool,
    pub sms_opt_out: bool,
    /// Already an argon2id hash; set on the identity once the email is proven.
    pub password_hash: Option<String>,
    /// ISO 639-1 as `LanguageCode` writes it (codes asked for before it have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
    /// (Codes asked for before it carry none.)
    #[serde(default, flatten)]
    pub agreement: Agreement,
}

/// An identity waiting to be proven before it is attached to a contact that exists.
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

    /// The identity a code proves it with (emails and phones; Facebook is proven by its token).
    pub fn code_target(&self) -> Option<Identity> {
        match self.provider {
            Provider::Email => Email::parse(Field::Stored, &self.value)
                .ok()
                .map(Identity::Email),
            Provider::Phone => PhoneNumber::parse_e164(Field::Stored, &self.value)
                .ok()
                .map(Identity::Phone),
            Provider::Facebook => None,
        }
    }

    pub fn is(&self, identity: &Identity) -> bool {
        self.provider == identity.provider() && self.value == identity.value()
    }
}

/// One sign-in (a refresh-token family of an app, or a portal session): an add-identity code
/// belongs to the sign-in that asked for it and dies with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignInRef {
    /// An app's sign-in: its refresh-token family.
    Tokens(String),
    /// A browser's sign-in: the id kept in its portal session.
    Portal(String),
}

/// What redeeming a code does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CodeIntent {
    /// Creates the contact with this registrant's own details; redeemed only with its own handle.
    Register(PendingRegistration),
    /// Signs in to the contact that holds the identity.
    SignIn,
    /// Proves the channel on file of a back-office contact and signs in to it; the identity the
    /// customer asked for gets a code of its own when it differs. `shown_as` is what the claim
    /// answered as where the code went (what the customer typed, never what is on file).
    Claim {
        wanted: PendingIdentity,
        shown_as: String,
    },
    /// Attaches a proven identity to the contact of a sign-in that is still live; signs nobody in.
    AddIdentity {
        identity: PendingIdentity,
        sign_in: SignInRef,
    },
    /// Proves the email on file, then links this Facebook account and signs in.
    LinkFacebook {
        facebook_id: String,
    },
    ResetPassword,
}

impl CodeIntent {
    pub fn purpose(&self) -> Purpose {
        match self {
            CodeIntent::Register(_) => Purpose::Register,
            CodeIntent::SignIn => Purpose::SignIn,
            CodeIntent::Claim { .. } => Purpose::Claim,
            CodeIntent::AddIdentity { .. } => Purpose::AddIdentity,
            CodeIntent::LinkFacebook { .. } => Purpose::LinkFacebook,
            CodeIntent::ResetPassword => Purpose::ResetPassword,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_intent_round_trips_and_names_its_purpose() {
        let email = Identity::Email(Email::parse(Field::Stored, "a@example.com").unwrap());
        let intents = [
            CodeIntent::Register(PendingRegistration {
                title: None,
                first_name: "Vera".into(),
                last_name: "Victim".into(),
                email_opt_out: false,
                sms_opt_out: true,
                password_hash: Some("$argon2id$…".into()),
                language_code: Some("EL".into()),
                agreement: Agreement {
                    referred_by: Some("3M5Y1P".into()),
                    country_of_agreement: Some("CYP".into()),
                },
            }),
            CodeIntent::SignIn,
            CodeIntent::Claim {
                wanted: PendingIdentity::new(&email, None),
                shown_as: "a***@example.com".into(),
            },
            CodeIntent::AddIdentity {
                identity: PendingIdentity::new(&email, Some("h".into())),
                sign_in: SignInRef::Portal("p1".into()),
            },
            CodeIntent::LinkFacebook {
                facebook_id: "10".into(),
            },
            CodeIntent::ResetPassword,
        ];
        for intent in intents {
            let stored = serde_json::to_string(&intent).unwrap();
            let back: CodeIntent = serde_json::from_str(&stored).unwrap();
            assert_eq!(back.purpose(), intent.purpose());
            assert_eq!(back, intent);
        }
    }
}
