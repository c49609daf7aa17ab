//! Claiming a contact created in the back office: the customer identifies it (code, last name,
//! email or phone on file); the code goes only to a channel already on file, which it proves; a
//! different identity the customer asks for gets a code of its own and is attached only when that
//! code is validated. The answer is the same whether anything matched or not.

use super::{
    codes::{CodeRequest, OtpChallenge},
    identities::{attach, code_contact},
    identity::ParsedIdentity,
    redemption::Redeemed,
    CustomerRef, Identity, IdentityInput,
};
use crate::{
    domain::{
        CodeIntent, Email, Field, FieldError, IdentificationName, IdentificationPart,
        PendingIdentity, PhoneNumber, SignInRef, ValidationErrors,
    },
    services::{
        limits::{claim_limits, Limit, CLAIM_LIMIT_PREFIX},
        CodeError, Core, Fault,
    },
    store::{self, contacts::ContactRow, otps::OtpRow, Tx},
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
            let at = |part| Field::Identification(u16::try_from(i).ok(), part);
            let field = at(IdentificationPart::Value);
            let given = || Some(value.trim().to_owned()).filter(|v| !v.is_empty());
            match IdentificationName::parse(at(IdentificationPart::Name), name) {
                Ok(IdentificationName::Code) => out.code = given(),
                Ok(IdentificationName::LastName) => out.last_name = given(),
                Ok(IdentificationName::Email) => {
                    out.email = errors.check(Email::parse(field, value))
                }
                Ok(IdentificationName::Phone) => {
                    out.phone = errors.check(PhoneNumber::parse_e164(field, value))
                }
                Err(error) => errors.push(error),
            }
        }
        if out.code.is_none() && out.email.is_none() && out.phone.is_none() {
            errors.push(FieldError::new(
                Field::Identification(None, IdentificationPart::Whole),
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
                .and_then(|e| Email::parse(Field::Stored, e).ok())
                .map(Identity::Email)
        };
        let phone = || {
            c.phone
                .as_deref()
                .and_then(|p| PhoneNumber::parse_e164(Field::Stored, p).ok())
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

    /// Where the claim says the code went: what the customer typed, masked, never what is on
    /// file (which would tell whether anything matched).
    fn shown_as(&self) -> String {
        match (&self.email, &self.phone) {
            (Some(email), _) => email.obfuscated(),
            (None, Some(phone)) => phone.obfuscated(),
            (None, None) => "the email or phone on file".to_owned(),
        }
    }
}

impl Core {
    async fn claim_candidates(&self, who: &Identification) -> Result<Vec<ContactRow>, Fault> {
        let rows = if let Some(code) = &who.code {
            store::contacts::find_by_code(&self.db, code)
                .await?
                .into_iter()
                .collect()
        } else if let Some(email) = &who.email {
            store::contacts::by_email(&self.db, email.as_str()).await?
        } else if let Some(phone) = &who.phone {
            store::contacts::by_phone(&self.db, phone.as_str()).await?
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
        if !store::identities::for_contact(&self.db, &contact.id)
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
        let ParsedIdentity { identity, password } = identity.require(Field::ClaimIdentity)?;
        let identifier = who.identifier();
        let limit_key = format!("{CLAIM_LIMIT_PREFIX}{identifier}");
        // Every claim counts toward the account's failure cap (a match too, so the count cannot
        // tell them apart) and toward the client's claim cap; neither is taken back.
        self.count_attempts(&claim_limits(&identifier, client_ip))
            .await?;
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
        let intent = CodeIntent::Claim {
            wanted: PendingIdentity::new(&identity, password_hash),
            shown_as: who.shown_as(),
        };
        let code_to = target.as_ref().map_or(&identity, |(_, channel)| channel);
        let mut request = CodeRequest::new(intent, code_to, target.is_some())
            .for_contact(customer.as_ref())
            .counted_for(client_ip);
        request.limit_key = Some(limit_key);
        Ok(self.issue_code(request).await?)
    }

    /// Redeems a claim code: the channel on file becomes the contact's first identity (with the
    /// password, when the customer asked for that very email); a different identity asked for
    /// is proven by a code of its own afterwards (`then_prove`).
    pub(crate) async fn redeem_claim(
        &self,
        tx: &mut Tx<'_>,
        row: &OtpRow,
        wanted: &PendingIdentity,
        now: i64,
    ) -> Result<Redeemed, CodeError> {
        let contact = code_contact(tx, row).await?;
        claim_contact(tx, &contact, row, wanted, now).await?;
        let mut redeemed = Redeemed::signing_in(contact.id, "CLAIMED");
        redeemed.then_prove = (!wanted.is(&row.identity)).then(|| wanted.clone());
        Ok(redeemed)
    }

    /// After a claim: the new identity the customer asked for gets its own code, bound to the
    /// sign-in the claim opened. One that is already someone's gets a decoy (the answer does not
    /// say so); a refused send, none.
    pub(crate) async fn prove_claimed_identity(
        &self,
        customer: &CustomerRef,
        sign_in: SignInRef,
        pending: PendingIdentity,
        client_ip: Option<&str>,
    ) -> Option<OtpChallenge> {
        let target = pending.code_target()?;
        let outcome = async {
            let taken = self.contact_of(&target).await?.is_some();
            let intent = CodeIntent::AddIdentity {
                identity: pending,
                sign_in,
            };
            let request = CodeRequest::new(intent, &target, !taken)
                .for_contact(Some(customer))
                .counted_for(client_ip);
            self.issue_code(request).await
        }
        .await;
        match outcome {
            Ok(challenge) => Some(challenge),
            Err(error) => {
                tracing::warn!(error = %error, "no code for the identity asked for in a claim");
                None
            }
        }
    }
}

/// A claim proves the channel on file, which becomes the contact's first identity (with the
/// password, when the customer asked for that very email). A contact someone claimed or
/// registered meanwhile is not claimed again.
async fn claim_contact(
    tx: &mut Tx<'_>,
    contact: &ContactRow,
    row: &OtpRow,
    wanted: &PendingIdentity,
    now: i64,
) -> Result<(), CodeError> {
    let held = store::identities::for_contact(&mut **tx, &contact.id).await?;
    if held
        .iter()
        .any(|i| !(i.provider == row.identity.provider() && i.value == row.identity.value()))
    {
        return Err(CodeError::InvalidOtp);
    }
    let password = wanted
        .is(&row.identity)
        .then(|| wanted.password_hash.clone())
        .flatten();
    let channel = PendingIdentity::new(&row.identity, password);
    match attach(tx, &contact.id, &channel, now).await {
        Err(CodeError::IdentityTaken) => Err(CodeError::InvalidOtp),
        other => other,
    }
}
