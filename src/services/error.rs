use crate::domain::{FieldError, ValidationErrors};

/// Everything a caller of the contact and auth services can act on. Adapters map it to HTTP
/// (api/problem.rs) or to a message on a page (web/); neither adds rules of its own.
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
    #[error("the API key is missing or not valid")]
    InvalidApiKey,
    /// The actor may not do this (an agent at an admin's task, say).
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("the server is busy; please try again in a moment")]
    Busy { retry_after_secs: i64 },
    /// The database (or another dependency) cannot be reached right now.
    #[error("the service is unavailable right now; please try again shortly")]
    Unavailable { retry_after_secs: i64 },
    #[error("{0} is not available on this server")]
    NotConfigured(&'static str),
    #[error(transparent)]
    Unexpected(anyhow::Error),
}

/// Some paths carry a database error inside an `anyhow::Error` (a transaction helper, a
/// housekeeping step): an unreachable database is still "unavailable" (503), not a fault (500).
impl From<anyhow::Error> for ServiceError {
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
        Self::Unexpected(error)
    }
}

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
        // One decision for both ways a database error arrives (see `From<anyhow::Error>`).
        anyhow::Error::new(error).context("database").into()
    }
}

impl From<crate::services::auth::passwords::HashError> for ServiceError {
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

pub type ServiceResult<T> = Result<T, ServiceError>;
