//! Passwords: signing in with one, and forgotten and changed ones.
//!
//! Email + password sign-in: one generic answer for every failure, similar timing whether or
//! not the email exists, and at most N failures per account per hour.
//!
//! A forgotten or changed password ends every sign-in of the contact: all refresh-token
//! families are revoked, all portal sessions deleted, and every code still pending (an identity
//! being added, a claim, another reset) ended with them.

use super::{
    codes::{CodeRequest, OtpChallenge, OtpLookup},
    password_hashing::check_strength,
    Authenticated, CustomerRef, Identity, IdentityInput,
};
use crate::{
    domain::{
        CodeIntent, Email, Field, FieldError, IdentityPart, OtpCode, Provider, Purpose,
        ValidationErrors,
    },
    services::{limits::Limit, Actor, CodeError, Core, CredentialError},
    store::{self, now_ms},
};

impl Core {
    /// Sends a reset code to the email if it is on file; answers alike either way.
    pub async fn forgot_password(
        &self,
        email: &str,
        client_ip: Option<&str>,
    ) -> Result<OtpChallenge, CodeError> {
        let email = Email::parse(Field::SignIn(IdentityPart::Email), email)?;
        let identity = Identity::Email(email);
        let owner = self.contact_of(&identity).await?;
        let request = CodeRequest::new(CodeIntent::ResetPassword, &identity, owner.is_some())
            .for_contact(owner.as_ref())
            .counted_for(client_ip);
        Ok(self.issue_code(request).await?)
    }

    /// The same with a reset token (handle and code in one string, from the reset message).
    pub async fn reset_password_by_token(
        &self,
        token: &str,
        new_password: String,
        client_ip: Option<&str>,
    ) -> Result<(), CodeError> {
        let (handle, code) = super::codes::split_reset_token(token).ok_or(CodeError::InvalidOtp)?;
        let code = super::codes::typed_code(Field::ResetToken, code)?;
        self.reset_password(handle, &code, new_password, client_ip)
            .await
    }

    /// Checks the reset code, sets the new password and ends every sign-in of the contact.
    pub async fn reset_password(
        &self,
        handle: &str,
        code: &OtpCode,
        new_password: String,
        client_ip: Option<&str>,
    ) -> Result<(), CodeError> {
        check_strength(Field::Password, &new_password)?;
        let (row, attempts) = self
            .check_code(
                &OtpLookup::Handle(handle.to_owned()),
                code,
                &[Purpose::ResetPassword],
                client_ip,
            )
            .await?;
        let contact_id = row.contact_id.clone().ok_or(CodeError::InvalidOtp)?;
        let hash = self.passwords.hash(new_password, client_ip).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, &contact_id).await?;
        if !store::otps::consume(&mut *tx, &row.id, now).await? {
            return Err(CodeError::InvalidOtp);
        }
        let contact = store::contacts::find_incarnation(
            &mut *tx,
            &contact_id,
            row.contact_incarnation.as_deref().unwrap_or_default(),
        )
        .await?
        .ok_or(CodeError::InvalidOtp)?;
        let identity = store::identities::find(&mut *tx, Provider::Email, row.identity.value())
            .await?
            .filter(|i| i.contact_id == contact.id)
            .ok_or(CodeError::InvalidOtp)?;
        store::identities::set_password(&mut *tx, &identity.id, &hash).await?;
        self.end_every_sign_in(&mut tx, &contact_id, now).await?;
        self.audit(
            &mut *tx,
            Some(&contact_id),
            &Actor::Customer(contact_id.clone()),
            "PASSWORD_RESET",
            None,
        )
        .await?;
        tx.commit().await?;
        self.attempts_succeeded(attempts).await?;
        Ok(())
    }

    /// A signed-in contact changes its password, proving the current one.
    pub async fn change_password(
        &self,
        customer: &CustomerRef,
        current: String,
        new_password: String,
        client_ip: Option<&str>,
    ) -> Result<(), CredentialError> {
        let contact_id = customer.contact_id.as_str();
        self.current_contact(customer)
            .await?
            .ok_or(CredentialError::ContactNotFound)?;
        let identities = store::identities::for_contact(&self.db, contact_id).await?;
        let Some(identity) = identities
            .into_iter()
            .find(|i| i.provider == Provider::Email)
        else {
            return Err(FieldError::new(
                Field::Password,
                "NO_EMAIL",
                "Add an email address before setting a password",
            )
            .into());
        };
        let mut errors = ValidationErrors::default();
        // A first password needs no current one: the contact is signed in with a proven code.
        if identity.password_hash.is_some() && current.is_empty() {
            errors.push(FieldError::required(
                Field::CurrentPassword,
                "Current password",
            ));
        }
        errors.check(check_strength(Field::Password, &new_password));
        errors.into_result()?;
        // A stolen session must not become a way to guess the current password.
        let attempts = self
            .begin_attempts(&[Limit::FailuresPerAccount(format!("CONTACT:{contact_id}"))])
            .await?;
        if identity.password_hash.is_some()
            && !self
                .passwords
                .verify(current, identity.password_hash.clone(), client_ip)
                .await?
        {
            return Err(FieldError::new(
                Field::CurrentPassword,
                "INVALID_CREDENTIALS",
                "The current password is not correct",
            )
            .into());
        }
        self.attempts_succeeded(attempts).await?;
        let hash = self.passwords.hash(new_password, client_ip).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, contact_id).await?;
        store::identities::set_password(&mut *tx, &identity.id, &hash).await?;
        self.end_every_sign_in(&mut tx, contact_id, now).await?;
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "PASSWORD_CHANGED",
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    pub async fn authenticate_password(
        &self,
        input: IdentityInput,
        issue_tokens: bool,
        client_ip: Option<&str>,
    ) -> Result<Authenticated, CredentialError> {
        let mut errors = ValidationErrors::default();
        let provider = errors.check(Provider::parse(
            Field::SignIn(IdentityPart::Provider),
            input.provider.as_deref().unwrap_or(""),
        ));
        if provider == Some(Provider::Facebook) {
            return Err(CredentialError::NotConfigured("Facebook sign-in"));
        }
        if provider == Some(Provider::Phone) {
            errors.push(FieldError::new(
                Field::SignIn(IdentityPart::Provider),
                "INVALID_PROVIDER",
                "Phone sign-in uses a one-time code (request-otp)",
            ));
        }
        let email = errors.check(Email::parse(
            Field::SignIn(IdentityPart::Email),
            input.email.as_deref().unwrap_or(""),
        ));
        let password = input.password.filter(|p| !p.is_empty());
        if password.is_none() {
            errors.push(FieldError::required(
                Field::SignIn(IdentityPart::Password),
                "Password",
            ));
        }
        errors.into_result()?;
        let (Some(email), Some(password)) = (email, password) else {
            return Err(CredentialError::InvalidCredentials);
        };

        // Counted before the (expensive) check, per account and per client, taken back on success.
        let mut limits = vec![Limit::FailuresPerAccount(
            Identity::Email(email.clone()).key(),
        )];
        limits.extend(client_ip.map(|ip| Limit::FailuresPerIp(ip.to_owned())));
        let attempts = self.begin_attempts(&limits).await?;
        let identity = store::identities::find(&self.db, Provider::Email, email.as_str()).await?;
        let stored = identity.as_ref().and_then(|i| i.password_hash.clone());
        let matches = self.passwords.verify(password, stored, client_ip).await?;
        let identity = match (matches, identity) {
            (true, Some(identity)) => identity,
            _ => return Err(CredentialError::InvalidCredentials),
        };
        self.attempts_succeeded(attempts).await?;

        self.finish_sign_in(&identity.contact_id, "PASSWORD", issue_tokens)
            .await
    }
}
