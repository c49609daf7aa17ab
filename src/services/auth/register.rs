//! Self-service registration: validate everything, then prove the identity with a code before
//! anything is created. The contact is written when the code is validated (sign_in.rs).

use serde::{Deserialize, Serialize};

use super::{
    identity::ParsedIdentity,
    otp::{CodeRequest, OtpChallenge},
    Identity, IdentityInput,
};
use crate::{
    domain::{FieldError, PersonName, Purpose, ValidationErrors},
    services::{limits::Limit, CodeError, Core},
};

/// A registration as a client sends it.
#[derive(Clone, Debug, Default)]
pub struct RegisterInput {
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub identity: IdentityInput,
    pub service_acceptance: bool,
    pub email_opt_out: bool,
    pub sms_opt_out: bool,
}

/// What waits with the code until the identity is proven.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingRegistration {
    pub title: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email_opt_out: bool,
    pub sms_opt_out: bool,
    /// Already an argon2id hash; set on the identity once the email is proven.
    pub password_hash: Option<String>,
}

/// A registration whose every part parsed.
pub struct Registration {
    pub title: Option<PersonName>,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub identity: Identity,
    pub password: Option<String>,
}

impl RegisterInput {
    /// Every rule a registration must meet before anything is sent, all problems at once.
    pub fn check(&self) -> Result<Registration, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = errors
            .check(PersonName::parse_optional(
                "title",
                "Title",
                self.title.as_deref(),
            ))
            .flatten();
        let first_name = errors.check(PersonName::parse(
            "first_name",
            "First name",
            self.first_name.as_deref().unwrap_or(""),
        ));
        let last_name = errors.check(PersonName::parse(
            "last_name",
            "Last name",
            self.last_name.as_deref().unwrap_or(""),
        ));
        let parsed = self.identity.parse("identity", &mut errors);
        if !self.service_acceptance {
            errors.push(FieldError::new(
                "service_acceptance",
                "TERMS_NOT_ACCEPTED",
                "You must accept the terms of service",
            ));
        }
        match (first_name, last_name, parsed) {
            (Some(first_name), Some(last_name), Some(ParsedIdentity { identity, password }))
                if errors.is_empty() =>
            {
                Ok(Registration {
                    title,
                    first_name,
                    last_name,
                    identity,
                    password,
                })
            }
            _ => Err(errors),
        }
    }
}

impl Core {
    /// Sends a code to prove the identity. For an identity that already exists the owner gets a
    /// sign-in code instead and the caller gets exactly the same answer (names and password ignored).
    #[tracing::instrument(skip_all)]
    pub async fn register(
        &self,
        input: RegisterInput,
        client_ip: Option<&str>,
    ) -> Result<OtpChallenge, CodeError> {
        let Registration {
            title,
            first_name,
            last_name,
            identity,
            password,
        } = input.check()?;

        // Refusals that need no password hash come first, so a flood is cheap to turn away. With
        // no password to hash there is nothing to spare: the send itself counts these limits
        // (under the lock, in the transaction that writes the code), so they are not read twice.
        if password.is_some() {
            let mut limits = vec![Limit::SendsPerIdentifier(identity.key())];
            limits.extend(client_ip.map(|ip| Limit::SendsPerIp(ip.to_owned())));
            self.precheck(&limits).await?;
        }
        // Hash whenever a password is sent, even if it will be ignored, so timing does not tell
        // whether the identity exists.
        let password_hash = match password {
            Some(p) => Some(self.passwords.hash(p, client_ip).await?),
            None => None,
        };
        let owner = self.contact_of(&identity).await?;
        let (purpose, payload) = match &owner {
            Some(_) => (Purpose::SignIn, None),
            None => {
                let pending = PendingRegistration {
                    title: title.map(PersonName::into_string),
                    first_name: first_name.into_string(),
                    last_name: last_name.into_string(),
                    email_opt_out: input.email_opt_out,
                    sms_opt_out: input.sms_opt_out,
                    password_hash,
                };
                let json = serde_json::to_string(&pending).map_err(anyhow::Error::from)?;
                (Purpose::Register, Some(json))
            }
        };
        let request = CodeRequest {
            purpose,
            identity: &identity,
            limit_key: None,
            contact: owner.as_ref(),
            payload,
            deliver: true,
            client_ip,
        };
        Ok(self.issue_code(request).await?)
    }
}
