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

impl From<crate::services::auth::passwords::HashError> for Fault {
    fn from(error: crate::services::auth::passwords::HashError) -> Self {
        use crate::services::auth::passwords::HashError;
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

/// Declares a service's own error enum: a subset of `ServiceError`'s variants (same names, same
/// payloads) plus `Fault`. It converts into `ServiceError` (and so reaches either face's one
/// mapping), says what it is as `ServiceError` does, and takes the infrastructure errors (and
/// field errors, when it has `Validation`) with `?`.
macro_rules! service_error {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($unit:ident,)*
            $(($tuple:ident($payload:ty)),)*
            $({$field_variant:ident { $field:ident: $field_ty:ty }},)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        pub enum $name {
            $($unit,)*
            $($tuple($payload),)*
            $($field_variant { $field: $field_ty },)*
            Fault($crate::services::error::Fault),
        }

        impl From<$name> for $crate::services::error::ServiceError {
            fn from(error: $name) -> Self {
                match error {
                    $($name::$unit => Self::$unit,)*
                    $($name::$tuple(value) => Self::$tuple(value),)*
                    $($name::$field_variant { $field } => Self::$field_variant { $field },)*
                    $name::Fault(fault) => Self::Fault(fault),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let said = $crate::services::error::ServiceError::from(self.clone());
                std::fmt::Display::fmt(&said, f)
            }
        }

        impl std::error::Error for $name {}

        impl From<$crate::services::error::Fault> for $name {
            fn from(fault: $crate::services::error::Fault) -> Self {
                Self::Fault(fault)
            }
        }

        impl From<sqlx::Error> for $name {
            fn from(error: sqlx::Error) -> Self {
                Self::Fault(error.into())
            }
        }

        impl From<anyhow::Error> for $name {
            fn from(error: anyhow::Error) -> Self {
                Self::Fault(error.into())
            }
        }

        impl From<$crate::services::auth::passwords::HashError> for $name {
            fn from(error: $crate::services::auth::passwords::HashError) -> Self {
                Self::Fault(error.into())
            }
        }

        $crate::services::error::service_error!(@parts $name $($tuple)*);
    };
    (@parts $name:ident Validation $($rest:ident)*) => {
        impl From<$crate::domain::ValidationErrors> for $name {
            fn from(errors: $crate::domain::ValidationErrors) -> Self {
                Self::Validation(errors)
            }
        }

        impl From<$crate::domain::FieldError> for $name {
            fn from(error: $crate::domain::FieldError) -> Self {
                Self::Validation(error.into())
            }
        }
        $crate::services::error::service_error!(@parts $name $($rest)*);
    };
    (@parts $name:ident Forbidden $($rest:ident)*) => {
        impl From<$crate::services::error::Refusal> for $name {
            fn from(refusal: $crate::services::error::Refusal) -> Self {
                Self::Forbidden(refusal.0)
            }
        }
        $crate::services::error::service_error!(@parts $name $($rest)*);
    };
    (@parts $name:ident $first:ident $($rest:ident)*) => {
        $crate::services::error::service_error!(@parts $name $($rest)*);
    };
    (@parts $name:ident) => {};
}
pub(crate) use service_error;

/// Declares that every answer of service error `$from` is also one of `$into` (a use case that
/// calls another service): its variants, named once more, are checked by the compiler.
macro_rules! widen_error {
    ($from:ident => $into:ident {
        $($unit:ident,)*
        $(($tuple:ident),)*
        $({$field_variant:ident { $field:ident }},)*
    }) => {
        impl From<$from> for $into {
            fn from(error: $from) -> Self {
                match error {
                    $($from::$unit => Self::$unit,)*
                    $($from::$tuple(value) => Self::$tuple(value),)*
                    $($from::$field_variant { $field } => Self::$field_variant { $field },)*
                    $from::Fault(fault) => Self::Fault(fault),
                }
            }
        }
    };
}

service_error! {
    /// The send and try limits: a limit holds (for so many seconds).
    pub enum LimitError {
        {TooManyRequests { retry_after_secs: i64 }},
    }
}

service_error! {
    /// Asking for, resending, checking and redeeming a one-time code: registration, sign-in by
    /// code, claims, added identities and password resets.
    pub enum CodeError {
        InvalidOtp,
        OtpExpired,
        OtpAttemptsExceeded,
        IdentityTaken,
        ContactNotFound,
        (Validation(ValidationErrors)),
        {TooManyRequests { retry_after_secs: i64 }},
    }
}

service_error! {
    /// Credentials without a code: signing in with a password (customer or agent) or a Facebook
    /// token, and changing a password.
    pub enum CredentialError {
        InvalidCredentials,
        ContactNotFound,
        (Validation(ValidationErrors)),
        (NotConfigured(&'static str)),
        {TooManyRequests { retry_after_secs: i64 }},
    }
}

service_error! {
    /// Access and refresh tokens: checking, refreshing, ending.
    pub enum TokenError {
        TokenExpired,
        InvalidToken,
        InvalidRefreshToken,
        RefreshTokenReused,
        (Forbidden(&'static str)),
    }
}

service_error! {
    /// Contacts (back office and a customer's own profile) and organisation membership.
    pub enum ContactError {
        ContactNotFound,
        IdentityNotFound,
        OrganisationNotFound,
        ContactIdTaken,
        ContactCodeTaken,
        (Validation(ValidationErrors)),
        (Forbidden(&'static str)),
    }
}

service_error! {
    /// Agents, roles, API keys (and checking one), organisations and the audit trail: what
    /// admins manage.
    pub enum AdminError {
        InvalidApiKey,
        (Validation(ValidationErrors)),
        (Forbidden(&'static str)),
    }
}

widen_error!(LimitError => CodeError { {TooManyRequests { retry_after_secs }}, });
widen_error!(LimitError => CredentialError { {TooManyRequests { retry_after_secs }}, });

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
