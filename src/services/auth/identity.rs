use serde::Deserialize;

use crate::{
    delivery::Channel,
    domain::{Email, FieldError, PhoneNumber, Provider, ValidationErrors},
};

/// An identity as a client sends it; every field optional until parsed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct IdentityInput {
    pub provider: Option<String>,
    pub email: Option<String>,
    pub password: Option<String>,
    pub phone_number: Option<String>,
    pub country_code: Option<String>,
    pub token: Option<String>,
}

/// A proven-format identity that a one-time code can be sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
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

    /// The key rate limits and codes are filed under: the identifier, not the contact.
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

    /// `credentials: [{name: EMAIL|PHONE, value}]` as sent to request-otp/validate-otp.
    pub fn from_credential(field: &str, name: &str, value: &str) -> Result<Self, FieldError> {
        match name.trim().to_ascii_uppercase().as_str() {
            "EMAIL" => Email::parse(&format!("{field}.value"), value).map(Identity::Email),
            "PHONE" => {
                PhoneNumber::parse_e164(&format!("{field}.value"), value).map(Identity::Phone)
            }
            "" => Err(FieldError::required(
                &format!("{field}.name"),
                "Credential name",
            )),
            _ => Err(FieldError::new(
                format!("{field}.name"),
                "INVALID_VALUE",
                "Credential name must be EMAIL or PHONE",
            )),
        }
    }
}

/// What an identity input parses to: an identity codes can reach, and an optional password.
pub struct ParsedIdentity {
    pub identity: Identity,
    pub password: Option<String>,
}

impl IdentityInput {
    /// Parses the part of the input that the chosen provider uses; the rest is ignored.
    /// `prefix` names fields as the client sent them (`identity.email` for the API, `email` for forms).
    pub fn parse(&self, prefix: &str, errors: &mut ValidationErrors) -> Option<ParsedIdentity> {
        let name = |f: &str| {
            if prefix.is_empty() {
                f.to_owned()
            } else {
                format!("{prefix}.{f}")
            }
        };
        let provider = errors.check(Provider::parse(
            &name("provider"),
            self.provider.as_deref().unwrap_or(""),
        ))?;
        match provider {
            Provider::Email => {
                let email = errors.check(Email::parse(
                    &name("email"),
                    self.email.as_deref().unwrap_or(""),
                ));
                let password = self.password.clone().filter(|p| !p.is_empty());
                if let Some(p) = &password {
                    errors.check(super::passwords::check_strength(&name("password"), p));
                }
                email.map(|e| ParsedIdentity {
                    identity: Identity::Email(e),
                    password,
                })
            }
            Provider::Phone => {
                let number = self.phone_number.as_deref().unwrap_or("");
                let country = self.country_code.as_deref().unwrap_or("");
                let parsed = PhoneNumber::parse_any(
                    &name("phone_number"),
                    &name("country_code"),
                    number,
                    country,
                );
                errors.check(parsed).map(|p| ParsedIdentity {
                    identity: Identity::Phone(p),
                    password: None,
                })
            }
            Provider::Facebook => {
                errors.push(FieldError::new(
                    name("provider"),
                    "PROVIDER_NOT_CONFIGURED",
                    "Facebook sign-in is not configured on this server",
                ));
                None
            }
        }
    }
}
