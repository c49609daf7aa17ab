use serde::Deserialize;

pub use crate::domain::Identity;
use crate::domain::{
    Email, Field, FieldError, IdentityPart, PhoneNumber, Provider, ValidationErrors,
};

/// An identity as a client sends it; every field optional until parsed. Each face fills it
/// from its own shape (v2 sends the phone as `{number, country_code}`).
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
    pub fn is_facebook(&self) -> bool {
        self.provider
            .as_deref()
            .and_then(|p| Provider::parse(Field::Stored, p).ok())
            == Some(Provider::Facebook)
    }

    /// Parses the part of the input that the chosen provider uses; the rest is ignored. `at`
    /// names the fields as the command knows them (`Field::Identity`, `Field::ClaimIdentity`…).
    pub fn parse(
        &self,
        at: fn(IdentityPart) -> Field,
        errors: &mut ValidationErrors,
    ) -> Option<ParsedIdentity> {
        let provider = errors.check(Provider::parse(
            at(IdentityPart::Provider),
            self.provider.as_deref().unwrap_or(""),
        ))?;
        match provider {
            Provider::Email => {
                let email = errors.check(Email::parse(
                    at(IdentityPart::Email),
                    self.email.as_deref().unwrap_or(""),
                ));
                let password = self.password.clone().filter(|p| !p.is_empty());
                if let Some(p) = &password {
                    errors.check(super::password_hashing::check_strength(
                        at(IdentityPart::Password),
                        p,
                    ));
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
                    at(IdentityPart::PhoneNumber),
                    at(IdentityPart::CountryCode),
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
                    at(IdentityPart::Provider),
                    "PROVIDER_NOT_CONFIGURED",
                    "Facebook sign-in is not configured on this server",
                ));
                None
            }
        }
    }

    /// `parse`, for a command that needs an identity: all problems at once, or the identity.
    pub fn require(
        &self,
        at: fn(IdentityPart) -> Field,
    ) -> Result<ParsedIdentity, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let parsed = self.parse(at, &mut errors);
        errors.into_result()?;
        parsed.ok_or_else(|| FieldError::required(at(IdentityPart::Whole), "identity").into())
    }
}
