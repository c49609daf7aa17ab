//! Self-service registration: validate everything, then prove the identity with a code before
//! anything is created. The contact is written when the code is validated (otp.rs).

use super::{
    codes::{CodeRequest, OtpChallenge},
    identity::ParsedIdentity,
    redemption::Redeemed,
    Identity, IdentityInput,
};
use crate::{
    domain::{
        Agreement, AgreementInput, CodeIntent, ContactCode, ContactId, ContactType, Field,
        FieldError, LanguageCode, PendingRegistration, PersonName, Provider, ValidationErrors,
    },
    services::{limits::Limit, CodeError, Core},
    store::{
        self, contacts::ContactRow, identities::ProvenIdentity, otps::OtpRow, unique_violation, Tx,
        UniqueKey,
    },
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
    pub language_code: Option<String>,
    /// CRM.COM's v2 sign-up extras (the other faces send none).
    pub agreement: AgreementInput,
}

/// A registration whose every part parsed.
pub struct Registration {
    pub title: Option<PersonName>,
    pub first_name: PersonName,
    pub last_name: PersonName,
    pub identity: Identity,
    pub password: Option<String>,
    pub language_code: Option<LanguageCode>,
    pub agreement: Agreement,
}

impl RegisterInput {
    /// Every rule a registration must meet before anything is sent, all problems at once.
    pub fn check(&self) -> Result<Registration, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let title = errors
            .check(PersonName::parse_optional(
                Field::Title,
                "Title",
                self.title.as_deref(),
            ))
            .flatten();
        let first_name = errors.check(PersonName::parse(
            Field::FirstName,
            "First name",
            self.first_name.as_deref().unwrap_or(""),
        ));
        let last_name = errors.check(PersonName::parse(
            Field::LastName,
            "Last name",
            self.last_name.as_deref().unwrap_or(""),
        ));
        let parsed = self.identity.parse(Field::Identity, &mut errors);
        let language_code = errors
            .check(LanguageCode::parse_optional(
                Field::LanguageCode,
                self.language_code.as_deref(),
            ))
            .flatten();
        let agreement = self.agreement.parse(&mut errors);
        if !self.service_acceptance {
            errors.push(FieldError::new(
                Field::Terms,
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
                    language_code,
                    agreement,
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
            language_code,
            agreement,
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
        // Each registration's code carries that registration's own details, and is redeemed
        // only with its own `auth_otp`: whoever holds the code (the owner of the inbox) and
        // whoever sent the details are then the same person. A later registration of the same
        // identity neither replaces nor shadows this one.
        let intent = match &owner {
            Some(_) => CodeIntent::SignIn,
            None => CodeIntent::Register(PendingRegistration {
                title: title.map(PersonName::into_string),
                first_name: first_name.into_string(),
                last_name: last_name.into_string(),
                email_opt_out: input.email_opt_out,
                sms_opt_out: input.sms_opt_out,
                password_hash,
                language_code: language_code.map(|code| code.to_string()),
                agreement,
            }),
        };
        let request = CodeRequest::new(intent, &identity, true)
            .for_contact(owner.as_ref())
            .counted_for(client_ip);
        Ok(self.issue_code(request).await?)
    }
}

/// Redeems a registration code: creates the contact with the details that came with this very
/// code, or signs in to the contact that proved the identity first. `None`: another request
/// created the same identity meanwhile (the caller runs again).
pub(crate) async fn redeem_registration(
    tx: &mut Tx<'_>,
    row: &OtpRow,
    pending: &PendingRegistration,
    now: i64,
) -> Result<Option<Redeemed>, CodeError> {
    let holder =
        store::identities::find(&mut **tx, row.identity.provider(), row.identity.value()).await?;
    if let Some(identity) = holder {
        return Ok(Some(Redeemed::signing_in(identity.contact_id, "SIGNED_IN")));
    }
    match create_contact(tx, &row.identity, pending, now).await {
        Ok(contact_id) => Ok(Some(Redeemed {
            contact_id,
            created: true,
            action: "REGISTERED",
            signs_in: true,
            then_prove: None,
        })),
        Err(e) if unique_violation(&e) == Some(UniqueKey::Identity) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn create_contact(
    tx: &mut Tx<'_>,
    identity: &Identity,
    pending: &PendingRegistration,
    now: i64,
) -> sqlx::Result<String> {
    let value = identity.value();
    let is_email = identity.provider() == Provider::Email;
    let mut contact = ContactRow::new(
        &ContactId::generate(),
        &ContactCode::generate(),
        ContactType::Person,
        now,
    );
    contact.title = pending.title.clone();
    contact.first_name = Some(pending.first_name.clone());
    contact.last_name = Some(pending.last_name.clone());
    contact.email = is_email.then(|| value.to_owned());
    contact.phone = (!is_email).then(|| value.to_owned());
    contact.email_opt_out = pending.email_opt_out;
    contact.sms_opt_out = pending.sms_opt_out;
    contact.language_code = pending
        .language_code
        .as_deref()
        .and_then(LanguageCode::from_stored);
    contact.agreement = pending.agreement.clone();
    contact.is_verified = true;
    let id = contact.id.clone();
    store::contacts::insert(&mut **tx, &contact).await?;
    store::identities::insert(
        &mut **tx,
        &ProvenIdentity {
            id: None,
            contact_id: &id,
            provider: identity.provider(),
            value,
            password_hash: pending.password_hash.as_deref().filter(|_| is_email),
            proven_at: now,
        },
    )
    .await?;
    Ok(id)
}
