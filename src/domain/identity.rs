//! What a one-time code can prove and where it is sent: an email address or a phone number.

use super::{CredentialPart, Email, Field, FieldError, PhoneNumber, Provider};

/// How a code reaches a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Channel {
    #[serde(rename = "EMAIL")]
    Email,
    #[serde(rename = "SMS")]
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "EMAIL",
            Channel::Sms => "SMS",
        }
    }
}

/// An identity a code can be sent to, valid by construction.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    Email(Email),
    Phone(PhoneNumber),
}

impl Identity {
    pub fn provider(&self) -> Provider {
        match self {
            Identity::Email(_) => Provider::Email,
            Identity::Phone(_) => Provider::Phone,
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Identity::Email(e) => e.as_str(),
            Identity::Phone(p) => p.as_str(),
        }
    }

    /// The identifier rate limits count (`EMAIL:a@example.com`): the identifier, not the contact.
    pub fn key(&self) -> String {
        format!("{}:{}", self.provider().as_str(), self.value())
    }

    pub fn channel(&self) -> Channel {
        match self {
            Identity::Email(_) => Channel::Email,
            Identity::Phone(_) => Channel::Sms,
        }
    }

    pub fn obfuscated(&self) -> String {
        match self {
            Identity::Email(e) => e.obfuscated(),
            Identity::Phone(p) => p.obfuscated(),
        }
    }

    /// `credentials: [{name: EMAIL|PHONE, value}]` as sent to request-otp/validate-otp (phones
    /// in E.164).
    pub fn from_credential(name: &str, value: &str) -> Result<Self, FieldError> {
        let (name_field, value_field) = (
            Field::Credential(CredentialPart::Name),
            Field::Credential(CredentialPart::Value),
        );
        match name.trim().to_ascii_uppercase().as_str() {
            "EMAIL" => Email::parse(value_field, value).map(Identity::Email),
            "PHONE" => PhoneNumber::parse_e164(value_field, value).map(Identity::Phone),
            "" => Err(FieldError::required(name_field, "Credential name")),
            _ => Err(FieldError::new(
                name_field,
                "INVALID_VALUE",
                "Credential name must be EMAIL or PHONE",
            )),
        }
    }

    /// An identity read back from storage (provider and value columns).
    pub fn from_stored(provider: &str, value: &str) -> Result<Self, FieldError> {
        match Provider::parse(Field::Stored, provider)? {
            Provider::Email => Email::parse(Field::Stored, value).map(Identity::Email),
            Provider::Phone => PhoneNumber::parse_e164(Field::Stored, value).map(Identity::Phone),
            Provider::Facebook => Err(FieldError::new(
                Field::Stored,
                "INVALID_PROVIDER",
                "no code can be sent to a Facebook identity",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_identities_round_trip() {
        let email = Identity::from_credential("email", "A@Example.com").unwrap();
        assert_eq!(email.key(), "EMAIL:a@example.com");
        let back = Identity::from_stored(email.provider().as_str(), email.value()).unwrap();
        assert_eq!(back, email);
        let phone = Identity::from_credential("PHONE", "+35799123456").unwrap();
        assert_eq!(phone.channel(), Channel::Sms);
        assert_eq!(
            Identity::from_stored("PHONE", "+35799123456").unwrap(),
            phone
        );
        assert!(Identity::from_stored("FACEBOOK", "123").is_err());
        assert!(Identity::from_stored("PHONE", "99123456").is_err());
    }
}
