use serde::Deserialize;

pub use crate::domain::Identity;
use crate::domain::{Email, FieldError, PhoneNumber, Provider, ValidationErrors};

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
