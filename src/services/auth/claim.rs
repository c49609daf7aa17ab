//! Claiming a contact created in the back office: the customer identifies it (code, last name,
//! email or phone on file); the code goes only to a channel already on file; the new identity is
//! attached when that code is validated. The answer is the same whether anything matched or not.

use super::{
    identity::ParsedIdentity,
    otp::{CodeRequest, OtpChallenge, Purpose},
    sign_in::PendingIdentity,
    Identity, IdentityInput,
};
use crate::{
    domain::{Email, FieldError, PhoneNumber, ValidationErrors},
    services::{Core, ServiceResult},
    store::{self, contacts::ContactRow},
};

/// What the customer says identifies the contact.
#[derive(Clone, Debug, Default)]
pub struct Identification {
    pub code: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<PhoneNumber>,
}

impl Identification {
    /// `[{name: EMAIL|PHONE|CODE|LAST_NAME, value}]`.
    pub fn parse(items: &[(String, String)], errors: &mut ValidationErrors) -> Self {
        let mut out = Identification::default();
        for (i, (name, value)) in items.iter().enumerate() {
            let field = format!("identification[{i}].value");
            match name.trim().to_ascii_uppercase().as_str() {
                "CODE" => out.code = Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
                "LAST_NAME" => {
                    out.last_name = Some(value.trim().to_owned()).filter(|v| !v.is_empty())
                }
                "EMAIL" => out.email = errors.check(Email::parse(&field, value)),
                "PHONE" => out.phone = errors.check(PhoneNumber::parse_e164(&field, value)),
                _ => errors.push(FieldError::new(
                    format!("identification[{i}].name"),
                    "INVALID_VALUE",
                    "Identification name must be EMAIL, PHONE, CODE or LAST_NAME",
                )),
            }
        }
        if out.code.is_none() && out.email.is_none() && out.phone.is_none() {
            errors.push(FieldError::new(
                "identification",
                "REQUIRED",
                "Give the contact code, or the email or phone on file",
            ));
        }
        out
    }

    fn matches(&self, c: &ContactRow) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_none_or(|w| {
                have.as_deref()
                    .is_some_and(|h| h.trim().eq_ignore_ascii_case(w))
            })
        };
        self.code.as_ref().is_none_or(|code| code == &c.code)
            && eq(&self.last_name, &c.last_name)
            && self
                .email
                .as_ref()
                .is_none_or(|e| c.email.as_deref() == Some(e.as_str()))
            && self
                .phone
                .as_ref()
                .is_none_or(|p| c.phone.as_deref() == Some(p.as_str()))
    }

    /// The channel on file the code goes to: the one the customer named, else email, else phone.
    fn channel_on_file(&self, c: &ContactRow) -> Option<Identity> {
        let email = || {
            c.email
                .as_deref()
                .and_then(|e| Email::parse("email", e).ok())
                .map(Identity::Email)
        };
        let phone = || {
            c.phone
                .as_deref()
                .and_then(|p| PhoneNumber::parse_e164("phone", p).ok())
                .map(Identity::Phone)
        };
        if self.phone.is_some() && self.email.is_none() {
            phone().or_else(email)
        } else {
            email().or_else(phone)
        }
    }
}

impl Core {
    async fn claim_candidates(&self, who: &Identification) -> ServiceResult<Vec<ContactRow>> {
        let rows = if let Some(code) = &who.code {
            store::contacts::find_by_code(&self.db.pool, code)
                .await?
                .into_iter()
                .collect()
        } else if let Some(email) = &who.email {
            store::contacts::by_email(&self.db.pool, email.as_str()).await?
        } else if let Some(phone) = &who.phone {
            store::contacts::by_phone(&self.db.pool, phone.as_str()).await?
        } else {
            Vec::new()
        };
        Ok(rows.into_iter().filter(|c| who.matches(c)).collect())
    }

    #[tracing::instrument(skip_all)]
    pub async fn claim(
        &self,
        who: Identification,
        identity: IdentityInput,
        client_ip: Option<&str>,
    ) -> ServiceResult<OtpChallenge> {
        let mut errors = ValidationErrors::default();
        let parsed = identity.parse("identity", &mut errors);
        errors.into_result()?;
        let Some(ParsedIdentity { identity, password }) = parsed else {
            return Err(
                ValidationErrors::from(FieldError::required("identity", "identity")).into(),
            );
        };
        let password_hash = match password {
            Some(p) => Some(self.passwords.hash(p).await?),
            None => None,
        };
        let candidates = self.claim_candidates(&who).await?;
        let mut target = None;
        if let [contact] = candidates.as_slice() {
            let held = store::identities::for_contact(&self.db.pool, &contact.id).await?;
            let kind_free = !held
                .iter()
                .any(|i| i.provider == identity.provider().as_str());
            let value_free = store::identities::find(
                &self.db.pool,
                identity.provider().as_str(),
                identity.value(),
            )
            .await?
            .is_none();
            if kind_free && value_free {
                target = who
                    .channel_on_file(contact)
                    .map(|channel| (contact.id.clone(), channel));
            }
        }
        let pending = PendingIdentity {
            provider: identity.provider().as_str().to_owned(),
            value: identity.value().to_owned(),
            password_hash,
        };
        let payload = Some(serde_json::to_string(&pending).map_err(anyhow::Error::from)?);
        match &target {
            Some((contact_id, channel)) => {
                self.issue_code(CodeRequest {
                    identity: channel,
                    purpose: Purpose::Claim,
                    contact_id: Some(contact_id.clone()),
                    payload,
                    send_to: Some(channel),
                    client_ip,
                })
                .await
            }
            // Nothing matched (or it is claimed already): a decoy, limited and answered alike.
            None => {
                self.issue_code(CodeRequest {
                    identity: &identity,
                    purpose: Purpose::Claim,
                    contact_id: None,
                    payload: None,
                    send_to: None,
                    client_ip,
                })
                .await
            }
        }
    }

    /// A signed-in contact adds another email or phone, proven by a code sent to it.
    pub async fn add_identity(
        &self,
        contact_id: &str,
        identity: IdentityInput,
        client_ip: Option<&str>,
    ) -> ServiceResult<OtpChallenge> {
        let mut errors = ValidationErrors::default();
        let parsed = identity.parse("identity", &mut errors);
        errors.into_result()?;
        let Some(ParsedIdentity { identity, password }) = parsed else {
            return Err(
                ValidationErrors::from(FieldError::required("identity", "identity")).into(),
            );
        };
        if let Some(existing) = store::identities::find(
            &self.db.pool,
            identity.provider().as_str(),
            identity.value(),
        )
        .await?
        {
            if existing.contact_id != contact_id {
                return Err(crate::services::ServiceError::IdentityTaken);
            }
        }
        let password_hash = match password {
            Some(p) => Some(self.passwords.hash(p).await?),
            None => None,
        };
        let pending = PendingIdentity {
            provider: identity.provider().as_str().to_owned(),
            value: identity.value().to_owned(),
            password_hash,
        };
        self.issue_code(CodeRequest {
            identity: &identity,
            purpose: Purpose::AddIdentity,
            contact_id: Some(contact_id.to_owned()),
            payload: Some(serde_json::to_string(&pending).map_err(anyhow::Error::from)?),
            send_to: Some(&identity),
            client_ip,
        })
        .await
    }
}
