//! The one place errors become HTTP: RFC 9457 problem details with a stable `code`.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use crate::{
    domain::ValidationErrors,
    services::{
        AdminError, CodeError, ContactError, CredentialError, Fault, LimitError, Refusal,
        ServiceError, TokenError,
    },
};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Service(#[from] ServiceError),
    #[error("{0}")]
    MalformedJson(String),
    #[error("the request body is larger than 1 MiB")]
    PayloadTooLarge,
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("back-office calls cannot set or read credentials")]
    CredentialsNotAllowed,
    #[error("no such resource")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
}

/// Every service's own error reaches HTTP through `ServiceError`'s one mapping below.
macro_rules! from_service_errors {
    ($($error:ty),*) => {
        $(impl From<$error> for ApiError {
            fn from(error: $error) -> Self {
                ApiError::Service(error.into())
            }
        })*
    };
}
from_service_errors!(
    AdminError,
    CodeError,
    ContactError,
    Fault,
    LimitError,
    Refusal,
    CredentialError,
    TokenError
);

impl From<ValidationErrors> for ApiError {
    fn from(errors: ValidationErrors) -> Self {
        ApiError::Service(ServiceError::Validation(errors))
    }
}

#[derive(Serialize)]
struct FieldProblem<'a> {
    field: &'a str,
    code: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    code: &'a str,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem<'a>>,
}

/// Field codes specific enough to name the whole problem when they are its only cause.
const SPECIFIC_CODES: &[&str] = &[
    "TERMS_NOT_ACCEPTED",
    "INVALID_EMAIL",
    "INVALID_PHONE_NUMBER",
    "INVALID_COUNTRY_CODE",
];

fn validation_code(errors: &ValidationErrors) -> &str {
    match errors.0.first() {
        Some(first)
            if SPECIFIC_CODES.contains(&first.code.as_str())
                && errors.0.iter().all(|e| e.code == first.code) =>
        {
            &first.code
        }
        _ => "VALIDATION_FAILED",
    }
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &str) {
        use ServiceError as S;
        match self {
            ApiError::Service(e) => match e {
                S::Validation(errors) => (StatusCode::BAD_REQUEST, validation_code(errors)),
                S::InvalidOtp => (StatusCode::UNAUTHORIZED, "INVALID_OTP"),
                S::OtpExpired => (StatusCode::UNAUTHORIZED, "OTP_EXPIRED"),
                S::OtpAttemptsExceeded => (StatusCode::UNAUTHORIZED, "OTP_ATTEMPTS_EXCEEDED"),
                S::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS"),
                S::InvalidCredentials => (StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS"),
                S::TokenExpired => (StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED"),
                S::InvalidToken => (StatusCode::UNAUTHORIZED, "INVALID_TOKEN"),
                S::InvalidRefreshToken => (StatusCode::UNAUTHORIZED, "INVALID_REFRESH_TOKEN"),
                S::RefreshTokenReused => (StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REUSED"),
                S::ContactNotFound => (StatusCode::NOT_FOUND, "CONTACT_NOT_FOUND"),
                S::OrganisationNotFound => (StatusCode::NOT_FOUND, "ORGANISATION_NOT_FOUND"),
                S::ContactIdTaken => (StatusCode::CONFLICT, "CONTACT_ID_TAKEN"),
                S::ContactCodeTaken => (StatusCode::CONFLICT, "CONTACT_CODE_TAKEN"),
                S::IdentityTaken => (StatusCode::CONFLICT, "IDENTITY_TAKEN"),
                S::IdentityNotFound => (StatusCode::NOT_FOUND, "IDENTITY_NOT_FOUND"),
                S::InvalidApiKey => (StatusCode::UNAUTHORIZED, "INVALID_API_KEY"),
                S::Forbidden(_) => (StatusCode::FORBIDDEN, "FORBIDDEN"),
                S::Fault(Fault::Busy { .. } | Fault::Unavailable { .. }) => {
                    (StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE")
                }
                S::NotConfigured(_) => (StatusCode::BAD_REQUEST, "NOT_CONFIGURED"),
                S::Fault(Fault::Unexpected(_)) => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL"),
            },
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, "MALFORMED_JSON"),
            ApiError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
            ApiError::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
            }
            ApiError::CredentialsNotAllowed => (StatusCode::BAD_REQUEST, "CREDENTIALS_NOT_ALLOWED"),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            ApiError::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let detail = match &self {
            ApiError::Service(ServiceError::Fault(Fault::Unexpected(error))) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                "Something went wrong on our side; please try again".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match &self {
            ApiError::Service(ServiceError::Validation(errors)) => errors
                .0
                .iter()
                .map(|e| FieldProblem {
                    field: &e.field,
                    code: &e.code,
                    message: &e.message,
                })
                .collect(),
            _ => Vec::new(),
        };
        let body = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            code,
            detail,
            errors,
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &self {
            ApiError::Service(
                ServiceError::TooManyRequests { retry_after_secs }
                | ServiceError::Fault(
                    Fault::Busy { retry_after_secs } | Fault::Unavailable { retry_after_secs },
                ),
            ) => {
                headers.insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after_secs.max(&1).to_owned()),
                );
            }
            ApiError::Service(ServiceError::TokenExpired | ServiceError::InvalidToken) => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                );
            }
            _ => {}
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A signed-in call whose contact is gone (deleted since): to the caller, the token no longer
/// works.
pub fn signed_out(error: impl Into<ServiceError>) -> ServiceError {
    match error.into() {
        ServiceError::ContactNotFound => ServiceError::InvalidToken,
        other => other,
    }
}
