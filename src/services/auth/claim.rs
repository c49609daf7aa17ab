//! Claiming a contact created in the back office: the customer identifies it (code, last name,
//! email or phone on file); the code goes only to a channel already on file, which it proves; a
//! different identity the customer asks for gets a code of its own and is attached only when that
//! code is validated. The answer is the same whether anything matched or not.

use super::{
    identity::ParsedIdentity,
    otp::{CodeRequest, OtpChallenge},
    sign_in::PendingIdentity,
    CustomerRef, Identity, IdentityInput,
};
use crate::{
    domain::{Email, FieldError, IdentificationName, PhoneNumber, Purpose, ValidationErrors},
    services::{limits::Limit, CodeError, Core, Fault},
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
            let given = || Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            match IdentificationName::parse(&format!("identification[{i}].name"), name) {
                Ok(IdentificationName::Code) => out.code = given(),
                Ok(IdentificationName::LastName) => out.last_name = given(),
                Ok(IdentificationName::Email) => {
                    out.email = errors.check(Email::parse(&field, value))
                }
                Ok(IdentificationName::Phone) => {
                    out.phone = errors.check(PhoneNumber::parse_e164(&field, value))
                }
                Err(error) => errors.push(error),
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

impl Identification {
    /// What the claim's limits count: the value the contact is looked up by (the code, else the
    /// email, else the phone). A last name cannot be varied to get round them.
    fn identifier(&self) -> String {
        match (&self.code, &self.email, &self.phone) {
            (Some(code), _, _) => format!("CODE:{}", code.to_lowercase()),
            (None, Some(email), _) => Identity::Email(email.clone()).key(),
            (None, None, Some(phone)) => Identity::Phone(phone.clone()).key(),
            (None, None, None) => "NONE".to_owned(),
        }
    }
}

impl Core {
    async fn claim_candidates(&self, who: &Identification) -> Result<Vec<ContactRow>, Fault> {
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

    /// The contact a claim would take over and the channel on file the code goes to: exactly one
    /// match, never claimed or registered (no identity yet), whose channel is nobody's identity.
    async fn claim_target(
        &self,
        who: &Identification,
    ) -> Result<Option<(ContactRow, Identity)>, Fault> {
        let candidates = self.claim_candidates(who).await?;
        let [contact] = candidates.as_slice() else {
            return Ok(None);
        };
        if !store::identities::for_contact(&self.db.pool, &contact.id)
            .await?
            .is_empty()
        {
            return Ok(None);
        }
        let Some(channel) = who.channel_on_file(contact) else {
            return Ok(None);
        };
        if self.contact_of(&channel).await?.is_some() {
            return Ok(None);
        }
        Ok(Some((contact.clone(), channel)))
    }

    /// Sends a code to the channel on file of the contact the identification names; the answer
    /// (status, headers, body, limits) is the same whether or not anything matched. Validating the
    /// code signs the customer in with that channel proven; an identity that differs from it gets
    /// its own code then (`Authenticated::pending_identity`).
    #[tracing::instrument(skip_all)]
    pub async fn claim(
        &self,
        who: Identification,
        identity: IdentityInput,
        client_ip: Option<&str>,
    ) -> Result<OtpChallenge, CodeError> {
        let mut errors = ValidationErrors::default();
        let parsed = identity.parse("identity", &mut errors);
        errors.into_result()?;
        let Some(ParsedIdentity { identity, password }) = parsed else {
            return Err(
                ValidationErrors::from(FieldError::required("identity", "identity")).into(),
            );
        };
        let identifier = who.identifier();
        let limit_key = format!("CLAIM:{identifier}");
        // Every claim counts toward the account's failure cap (a match too, so the count cannot
        // tell them apart) and toward the client's claim cap; neither is taken back.
        let mut counted = vec![Limit::FailuresPerAccount(identifier)];
        counted.extend(client_ip.map(|ip| Limit::ClaimsPerIp(ip.to_owned())));
        self.count_attempts(&counted).await?;
        let mut sends = vec![Limit::SendsPerIdentifier(limit_key.clone())];
        sends.extend(client_ip.map(|ip| Limit::SendsPerIp(ip.to_owned())));
        self.precheck(&sends).await?;
        // Hashed whether or not anything matches: the cost says nothing either.
        let password_hash = match password {
            Some(p) => Some(self.passwords.hash(p, client_ip).await?),
            None => None,
        };
        let target = self.claim_target(&who).await?;
        let customer = target.as_ref().map(|(contact, _)| CustomerRef::of(contact));
        let payload = serde_json::to_string(&PendingIdentity::new(&identity, password_hash))
            .map_err(anyhow::Error::from)?;
        self.issue_code(CodeRequest {
            purpose: Purpose::Claim,
            identity: target.as_ref().map_or(&identity, |(_, channel)| channel),
            limit_key: Some(limit_key),
            contact: customer.as_ref(),
            payload: target.is_some().then_some(payload),
            deliver: target.is_some(),
            client_ip,
        })
        .await
        .map_err(CodeError::from)
    }

    /// A signed-in contact adds another email or phone, proven by a code sent to it; it is
    /// attached when that code is validated, with the id answered here.
    pub async fn add_identity(
        &self,
        customer: &CustomerRef,
        identity: IdentityInput,
        client_ip: Option<&str>,
    ) -> Result<IdentityChallenge, CodeError> {
        let mut errors = ValidationErrors::default();
        let parsed = identity.parse("identity", &mut errors);
        errors.into_result()?;
        let Some(ParsedIdentity { identity, password }) = parsed else {
            return Err(
                ValidationErrors::from(FieldError::required("identity", "identity")).into(),
            );
        };
        self.current_contact(customer)
            .await?
            .ok_or(CodeError::ContactNotFound)?;
        // A signed-in caller may be told that the identity is someone else's.
        let held =
            store::identities::find(&self.db.pool, identity.provider(), identity.value()).await?;
        if let Some(held) = &held {
            if held.contact_id != customer.contact_id {
                return Err(CodeError::IdentityTaken);
            }
        }
        // Already the contact's own (a password being added): it keeps its id.
        let identity_id = held
            .map(|h| h.id)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut limits = vec![Limit::SendsPerIdentifier(identity.key())];
        limits.extend(client_ip.map(|ip| Limit::SendsPerIp(ip.to_owned())));
        self.precheck(&limits).await?;
        let password_hash = match password {
            Some(p) => Some(self.passwords.hash(p, client_ip).await?),
            None => None,
        };
        let mut pending = PendingIdentity::new(&identity, password_hash);
        pending.id = Some(identity_id.clone());
        let payload = serde_json::to_string(&pending).map_err(anyhow::Error::from)?;
        let challenge = self
            .issue_code(CodeRequest {
                purpose: Purpose::AddIdentity,
                identity: &identity,
                limit_key: None,
                contact: Some(customer),
                payload: Some(payload),
                deliver: true,
                client_ip,
            })
            .await?;
        Ok(IdentityChallenge {
            identity_id,
            challenge,
        })
    }
}

/// What add-identity answers: the code's challenge, and the id the identity will have.
#[derive(Clone, Debug)]
pub struct IdentityChallenge {
    pub identity_id: String,
    pub challenge: OtpChallenge,
}
