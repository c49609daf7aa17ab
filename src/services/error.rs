//! What the services answer when they say no.
//!
//! Each service (or use case) has its own error enum naming only what it can say, so a
//! signature tells its caller what can go wrong: `CodeError` for the one-time code flows,
//! `CredentialError` for password and Facebook sign-in and password changes, `TokenError` for
//! tokens, `ContactError` for contacts, profiles and organisation membership, `AdminError` for
//! agents, API keys and organisations, `LimitError` for the send and try limits, and `Fault` for
//! what is nobody's rule (a busy or unreachable dependency, a bug). `ServiceError` is all of them
//! together: what the adapters map, once per face (api/problem.rs to HTTP, web/outcome.rs to a
//! page).

use std::sync::Arc;

use crate::domain::{FieldError, ValidationErrors};

/// Every answer a caller of the services can act on. Services return their own narrower enum;
/// each converts into this one without loss.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Validation(ValidationErrors),
    #[error("the one-time code is not valid")]
    InvalidOtp,
    #[error("the one-time code has expired")]
    OtpExpired,
    #[error("too many wrong tries for this code")]
    OtpAttemptsExceeded,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64 },
    #[error("the credentials are not valid")]
    InvalidCredentials,
    #[error("the access token has expired")]
    TokenExpired,
    #[error("the access token is not valid")]
    InvalidToken,
    #[error("the refresh token is not valid")]
    InvalidRefreshToken,
    #[error("the refresh token was already used; the sign-in it belongs to has been ended")]
    RefreshTokenReused,
    #[error("contact not found")]
    ContactNotFound,
    #[error("organisation not found")]
    OrganisationNotFound,
    #[error("a contact with this id already exists")]
    ContactIdTaken,
    #[error("a contact with this code already exists")]
    ContactCodeTaken,
    #[error("this identity belongs to another contact")]
    IdentityTaken,
    #[error("the contact has no such identity")]
    IdentityNotFound,
    #[error("the API key is missing or not valid")]
    InvalidApiKey,
    /// The actor may not do this (an agent at an admin's task, say).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} is not available on this server")]
    NotConfigured(&'static str),
    #[error(transparent)]
    Fault(Fault),
}

/// What no rule decides: the server is busy, a dependency cannot be reached, or a bug.
#[derive(Clone, Debug, thiserror::Error)]
pub enum Fault {
    #[error("the server is busy; please try again in a moment")]
    Busy { retry_after_secs: i64 },
    /// The database (or another dependency) cannot be reached right now.
    #[error("the service is unavailable right now; please try again shortly")]
    Unavailable { retry_after_secs: i64 },
    /// Shared so that a service's error can be cloned (to say what it is without giving it up).
    #[error("{0}")]
    Unexpected(Arc<anyhow::Error>),
}

/// Some paths carry a database error inside an `anyhow::Error` (a transaction helper, a
/// housekeeping step): an unreachable database is still "unavailable" (503), not a fault (500).
impl From<anyhow::Error> for Fault {
    fn from(error: anyhow::Error) -> Self {
        let unreachable = error
            .chain()
            .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
            .any(crate::store::is_unavailable);
        if unreachable {
            tracing::warn!(error = format!("{error:#}"), "database unavailable");
            return Self::Unavailable {
                retry_after_secs: 5,
            };
        }
        Self::Unexpected(Arc::new(error))
    }
}

impl From<sqlx::Error> for Fault {
    fn from(error: sqlx::Error) -> Self {
        // One decision for both ways a database error arrives (see `From<anyhow::Error>`).
        anyhow::Error::new(error).context("database").into()
    }
}

impl From<crate::services::auth::password_hashing::HashError> for Fault {
    fn from(error: crate::services::auth::password_hashing::HashError) -> Self {
        use crate::services::auth::password_hashing::HashError;
        match error {
            HashError::Busy => Self::Busy {
                retry_after_secs: 1,
            },
            HashError::Failed(e) => e.into(),
        }
    }
}

/// An actor asked for what it may not do: why, in words for the person.
#[derive(Clone, Copy, Debug)]
pub struct Refusal(pub &'static str);

impl From<Refusal> for ServiceError {
    fn from(refusal: Refusal) -> Self {
        Self::Forbidden(refusal.0)
    }
}

impl From<Fault> for ServiceError {
    fn from(fault: Fault) -> Self {
        Self::Fault(fault)
    }
}

/// The send and try limits: a limit holds (for so many seconds).
#[derive(Clone, Debug, thiserror::Error)]
pub enum LimitError {
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64 },
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Asking for, resending, checking and redeeming a one-time code: registration, sign-in by
/// code, claims, added identities and password resets.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CodeError {
    /// No live code matches (wrong, used, or for another purpose): one answer for all, so that
    /// nobody learns which.
    #[error("the one-time code is not valid")]
    InvalidOtp,
    #[error("the one-time code has expired")]
    OtpExpired,
    /// The code took its last wrong try and is gone.
    #[error("too many wrong tries for this code")]
    OtpAttemptsExceeded,
    /// The identity proven is another contact's (adding an identity, a claim).
    #[error("this identity belongs to another contact")]
    IdentityTaken,
    /// The contact the code was for is gone.
    #[error("contact not found")]
    ContactNotFound,
    #[error("{0}")]
    Validation(ValidationErrors),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64 },
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Credentials without a code: signing in with a password (customer or agent) or a Facebook
/// token, and changing a password.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CredentialError {
    /// Wrong password, unknown account, unproven identity: one answer for all.
    #[error("the credentials are not valid")]
    InvalidCredentials,
    #[error("contact not found")]
    ContactNotFound,
    #[error("{0}")]
    Validation(ValidationErrors),
    /// The provider (Facebook, say) is not set up on this server.
    #[error("{0} is not available on this server")]
    NotConfigured(&'static str),
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: i64 },
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Access and refresh tokens: checking, refreshing, ending.
#[derive(Clone, Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the access token has expired")]
    TokenExpired,
    /// Not ours, tampered with, or its sign-in has ended.
    #[error("the access token is not valid")]
    InvalidToken,
    #[error("the refresh token is not valid")]
    InvalidRefreshToken,
    /// A refresh token used twice: the sign-in it belongs to is ended for both holders.
    #[error("the refresh token was already used; the sign-in it belongs to has been ended")]
    RefreshTokenReused,
    /// A token used for another contact's path.
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Contacts (back office and a customer's own profile) and organisation membership.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ContactError {
    #[error("contact not found")]
    ContactNotFound,
    #[error("the contact has no such identity")]
    IdentityNotFound,
    #[error("organisation not found")]
    OrganisationNotFound,
    #[error("a contact with this id already exists")]
    ContactIdTaken,
    #[error("a contact with this code already exists")]
    ContactCodeTaken,
    #[error("{0}")]
    Validation(ValidationErrors),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Fault(#[from] Fault),
}

/// Agents, roles, API keys (and checking one), organisations and the audit trail: what
/// admins manage.
#[derive(Clone, Debug, thiserror::Error)]
pub enum AdminError {
    #[error("the API key is missing or not valid")]
    InvalidApiKey,
    #[error("{0}")]
    Validation(ValidationErrors),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Fault(#[from] Fault),
}

// Each service's error is one of `ServiceError`'s answers, variant for variant: the matches
// below are exhaustive, so a variant added to a service cannot miss the faces' one mapping.

impl From<LimitError> for ServiceError {
    fn from(error: LimitError) -> Self {
        match error {
            LimitError::TooManyRequests { retry_after_secs } => {
                Self::TooManyRequests { retry_after_secs }
            }
            LimitError::Fault(fault) => Self::Fault(fault),
        }
    }
}

impl From<CodeError> for ServiceError {
    fn from(error: CodeError) -> Self {
        match error {
            CodeError::InvalidOtp => Self::InvalidOtp,
            CodeError::OtpExpired => Self::OtpExpired,
            CodeError::OtpAttemptsExceeded => Self::OtpAttemptsExceeded,
            CodeError::IdentityTaken => Self::IdentityTaken,
            CodeError::ContactNotFound => Self::ContactNotFound,
            CodeError::Validation(errors) => Self::Validation(errors),
            CodeError::TooManyRequests { retry_after_secs } => {
                Self::TooManyRequests { retry_after_secs }
            }
            CodeError::Fault(fault) => Self::Fault(fault),
        }
    }
}

impl From<CredentialError> for ServiceError {
    fn from(error: CredentialError) -> Self {
        match error {
            CredentialError::InvalidCredentials => Self::InvalidCredentials,
            CredentialError::ContactNotFound => Self::ContactNotFound,
            CredentialError::Validation(errors) => Self::Validation(errors),
            CredentialError::NotConfigured(what) => Self::NotConfigured(what),
            CredentialError::TooManyRequests { retry_after_secs } => {
                Self::TooManyRequests { retry_after_secs }
            }
            CredentialError::Fault(fault) => Self::Fault(fault),
        }
    }
}

impl From<TokenError> for ServiceError {
    fn from(error: TokenError) -> Self {
        match error {
            TokenError::TokenExpired => Self::TokenExpired,
            TokenError::InvalidToken => Self::InvalidToken,
            TokenError::InvalidRefreshToken => Self::InvalidRefreshToken,
            TokenError::RefreshTokenReused => Self::RefreshTokenReused,
            TokenError::Forbidden(why) => Self::Forbidden(why),
            TokenError::Fault(fault) => Self::Fault(fault),
        }
    }
}

impl From<ContactError> for ServiceError {
    fn from(error: ContactError) -> Self {
        match error {
            ContactError::ContactNotFound => Self::ContactNotFound,
            ContactError::IdentityNotFound => Self::IdentityNotFound,
            ContactError::OrganisationNotFound => Self::OrganisationNotFound,
            ContactError::ContactIdTaken => Self::ContactIdTaken,
            ContactError::ContactCodeTaken => Self::ContactCodeTaken,
            ContactError::Validation(errors) => Self::Validation(errors),
            ContactError::Forbidden(why) => Self::Forbidden(why),
            ContactError::Fault(fault) => Self::Fault(fault),
        }
    }
}

impl From<AdminError> for ServiceError {
    fn from(error: AdminError) -> Self {
        match error {
            AdminError::InvalidApiKey => Self::InvalidApiKey,
            AdminError::Validation(errors) => Self::Validation(errors),
            AdminError::Forbidden(why) => Self::Forbidden(why),
            AdminError::Fault(fault) => Self::Fault(fault),
        }
    }
}

// A use case that calls the limits says what they say.

impl From<LimitError> for CodeError {
    fn from(error: LimitError) -> Self {
        match error {
            LimitError::TooManyRequests { retry_after_secs } => {
                Self::TooManyRequests { retry_after_secs }
            }
            LimitError::Fault(fault) => Self::Fault(fault),
        }
    }
}

impl From<LimitError> for CredentialError {
    fn from(error: LimitError) -> Self {
        match error {
            LimitError::TooManyRequests { retry_after_secs } => {
                Self::TooManyRequests { retry_after_secs }
            }
            LimitError::Fault(fault) => Self::Fault(fault),
        }
    }
}

/// What `?` turns into a service's error besides `Fault`: the infrastructure's errors (always
/// a fault), field errors (for the errors with `Validation`) and refusals (with `Forbidden`).
/// (`From` for each pair spelled out by this one small list, not a grammar of its own.)
macro_rules! converts {
    (faults: $($error:ty),*) => {$(
        impl From<sqlx::Error> for $error {
            fn from(error: sqlx::Error) -> Self {
                Self::Fault(error.into())
            }
        }
        impl From<anyhow::Error> for $error {
            fn from(error: anyhow::Error) -> Self {
                Self::Fault(error.into())
            }
        }
        impl From<crate::services::auth::password_hashing::HashError> for $error {
            fn from(error: crate::services::auth::password_hashing::HashError) -> Self {
                Self::Fault(error.into())
            }
        }
    )*};
    (validation: $($error:ty),*) => {$(
        impl From<ValidationErrors> for $error {
            fn from(errors: ValidationErrors) -> Self {
                Self::Validation(errors)
            }
        }
        impl From<FieldError> for $error {
            fn from(error: FieldError) -> Self {
                Self::Validation(error.into())
            }
        }
    )*};
    (refusal: $($error:ty),*) => {$(
        impl From<Refusal> for $error {
            fn from(refusal: Refusal) -> Self {
                Self::Forbidden(refusal.0)
            }
        }
    )*};
}
converts!(faults: LimitError, CodeError, CredentialError, TokenError, ContactError, AdminError);
converts!(validation: CodeError, CredentialError, ContactError, AdminError);
converts!(refusal: TokenError, ContactError, AdminError);

impl From<ValidationErrors> for ServiceError {
    fn from(errors: ValidationErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<FieldError> for ServiceError {
    fn from(error: FieldError) -> Self {
        Self::Validation(error.into())
    }
}

impl From<sqlx::Error> for ServiceError {
    fn from(error: sqlx::Error) -> Self {
        Self::Fault(error.into())
    }
}

impl From<anyhow::Error> for ServiceError {
    fn from(error: anyhow::Error) -> Self {
        Self::Fault(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_error_becomes_the_same_answer_and_says_the_same() {
        let narrow = CodeError::TooManyRequests {
            retry_after_secs: 42,
        };
        assert_eq!(narrow.to_string(), "too many requests");
        assert!(matches!(
            ServiceError::from(narrow),
            ServiceError::TooManyRequests {
                retry_after_secs: 42
            }
        ));
        assert!(matches!(
            ServiceError::from(ContactError::Forbidden("no")),
            ServiceError::Forbidden("no")
        ));
        assert!(matches!(
            CodeError::from(LimitError::TooManyRequests {
                retry_after_secs: 3
            }),
            CodeError::TooManyRequests {
                retry_after_secs: 3
            }
        ));
    }

    /// Each narrow error's sentence is its `ServiceError`'s (written twice, held equal here).
    #[test]
    fn every_service_error_says_what_its_answer_says() {
        let fields = ValidationErrors::from(FieldError::new(
            crate::domain::Field::Code,
            "REQUIRED",
            "Code is required",
        ));
        let limit = || LimitError::TooManyRequests {
            retry_after_secs: 1,
        };
        fn alike<E: Clone + std::fmt::Display + Into<ServiceError>>(error: E) {
            let wide: ServiceError = error.clone().into();
            assert_eq!(error.to_string(), wide.to_string(), "{wide:?}");
        }
        alike(limit());
        for e in [
            CodeError::InvalidOtp,
            CodeError::OtpExpired,
            CodeError::OtpAttemptsExceeded,
            CodeError::IdentityTaken,
            CodeError::ContactNotFound,
            CodeError::Validation(fields.clone()),
            CodeError::from(limit()),
        ] {
            alike(e);
        }
        for e in [
            CredentialError::InvalidCredentials,
            CredentialError::ContactNotFound,
            CredentialError::Validation(fields.clone()),
            CredentialError::NotConfigured("Facebook"),
            CredentialError::from(limit()),
        ] {
            alike(e);
        }
        for e in [
            TokenError::TokenExpired,
            TokenError::InvalidToken,
            TokenError::InvalidRefreshToken,
            TokenError::RefreshTokenReused,
            TokenError::Forbidden("no"),
        ] {
            alike(e);
        }
        for e in [
            ContactError::ContactNotFound,
            ContactError::IdentityNotFound,
            ContactError::OrganisationNotFound,
            ContactError::ContactIdTaken,
            ContactError::ContactCodeTaken,
            ContactError::Validation(fields.clone()),
            ContactError::Forbidden("no"),
        ] {
            alike(e);
        }
        for e in [
            AdminError::InvalidApiKey,
            AdminError::Validation(fields),
            AdminError::Forbidden("no"),
        ] {
            alike(e);
        }
    }

    #[test]
    fn an_unreachable_database_is_unavailable_in_every_service_error() {
        for error in [
            ServiceError::from(TokenError::from(sqlx::Error::PoolTimedOut)),
            ServiceError::from(AdminError::from(
                anyhow::Error::new(sqlx::Error::PoolTimedOut).context("listing"),
            )),
        ] {
            assert!(
                matches!(error, ServiceError::Fault(Fault::Unavailable { .. })),
                "{error:?}"
            );
        }
        let bug = ContactError::from(anyhow::anyhow!("a bug"));
        assert!(matches!(bug, ContactError::Fault(Fault::Unexpected(_))));
    }
}
