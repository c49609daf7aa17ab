//! Email + password sign-in: one generic answer for every failure, similar timing whether or
//! not the email exists, and at most N failures per account per hour.

use super::{Authenticated, Identity, IdentityInput};
use crate::{
    domain::{Email, Field, FieldError, IdentityPart, Provider, ValidationErrors},
    services::{limits::Limit, Core, CredentialError},
    store,
};

impl Core {
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
