//! Forgotten and changed passwords. Either way every sign-in of the contact ends: all refresh-token
//! families are revoked and all portal sessions deleted.

use super::{
    otp::{CodeRequest, OtpChallenge, OtpLookup, Purpose},
    passwords::check_strength,
    Identity,
};
use crate::{
    domain::{Email, FieldError, OtpCode, Provider, ValidationErrors},
    services::{Actor, Core, ServiceError, ServiceResult},
    store::{self, now_ms},
};

impl Core {
    /// Sends a reset code to the email if it is on file; answers alike either way.
    pub async fn forgot_password(
        &self,
        email: &str,
        client_ip: Option<&str>,
    ) -> ServiceResult<OtpChallenge> {
        let email = Email::parse("email", email)?;
        let identity = Identity::Email(email);
        let owner =
            store::identities::find(&self.db.pool, Provider::Email.as_str(), identity.value())
                .await?;
        let contact_id = owner.map(|i| i.contact_id);
        let send_to = contact_id.as_ref().map(|_| &identity);
        self.issue_code(CodeRequest {
            identity: &identity,
            purpose: Purpose::ResetPassword,
            contact_id,
            payload: None,
            send_to,
            client_ip,
        })
        .await
    }

    /// Checks the reset code, sets the new password and ends every sign-in of the contact.
    pub async fn reset_password(
        &self,
        handle: &str,
        code: &OtpCode,
        new_password: String,
    ) -> ServiceResult<()> {
        check_strength("password", &new_password)?;
        let row = self
            .check_code(&OtpLookup::Handle(handle.to_owned()), code)
            .await?;
        if row.purpose != Purpose::ResetPassword.as_str() {
            return Err(ServiceError::InvalidOtp);
        }
        let contact_id = row.contact_id.clone().ok_or(ServiceError::InvalidOtp)?;
        let (_, email) = row
            .identity_key
            .split_once(':')
            .ok_or(ServiceError::InvalidOtp)?;
        let hash = self.passwords.hash(new_password).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if !store::otps::consume(
            &mut *tx,
            &row.id,
            self.settings.limits.otp_max_attempts,
            now,
        )
        .await?
        {
            return Err(ServiceError::InvalidOtp);
        }
        let identity = store::identities::find(&mut *tx, Provider::Email.as_str(), email)
            .await?
            .filter(|i| i.contact_id == contact_id)
            .ok_or(ServiceError::InvalidOtp)?;
        store::identities::set_password(&mut *tx, &identity.id, &hash).await?;
        sqlx::query("UPDATE identities SET verified_at = $2 WHERE id = $1 AND verified_at IS NULL")
            .bind(&identity.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        store::refresh_tokens::revoke_contact(&mut *tx, &contact_id, now).await?;
        self.audit(
            &mut *tx,
            Some(&contact_id),
            &Actor::Customer(contact_id.clone()),
            "PASSWORD_RESET",
            None,
        )
        .await?;
        tx.commit().await?;
        store::sessions::end_for_contact(&self.db, &contact_id).await?;
        Ok(())
    }

    /// A signed-in contact changes its password, proving the current one.
    pub async fn change_password(
        &self,
        contact_id: &str,
        current: String,
        new_password: String,
    ) -> ServiceResult<()> {
        let identities = store::identities::for_contact(&self.db.pool, contact_id).await?;
        let Some(identity) = identities
            .into_iter()
            .find(|i| i.provider == Provider::Email.as_str())
        else {
            return Err(FieldError::new(
                "password",
                "NO_EMAIL",
                "Add an email address before setting a password",
            )
            .into());
        };
        let mut errors = ValidationErrors::default();
        // A first password needs no current one: the contact is signed in with a proven code.
        if identity.password_hash.is_some() && current.is_empty() {
            errors.push(FieldError::required("current_password", "Current password"));
        }
        errors.check(check_strength("password", &new_password));
        errors.into_result()?;
        if identity.password_hash.is_some()
            && !self
                .passwords
                .verify(current, identity.password_hash.clone())
                .await?
        {
            return Err(FieldError::new(
                "current_password",
                "INVALID_CREDENTIALS",
                "The current password is not correct",
            )
            .into());
        }
        let hash = self.passwords.hash(new_password).await?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        store::identities::set_password(&mut *tx, &identity.id, &hash).await?;
        store::refresh_tokens::revoke_contact(&mut *tx, contact_id, now).await?;
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "PASSWORD_CHANGED",
            None,
        )
        .await?;
        tx.commit().await?;
        store::sessions::end_for_contact(&self.db, contact_id).await?;
        Ok(())
    }
}
