//! The one place errors become HTTP: RFC 9457 problem details with a stable `code`. The fields
//! of a validation problem are spelled by the face that answers (`ApiError<S>`, `spelling.rs`).

use std::marker::PhantomData;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;

use super::spelling::{Spelling, V1};
use crate::{
    domain::{FieldError, ValidationErrors},
    services::{
        AdminError, CodeError, ContactError, CredentialError, Fault, LimitError, Refusal,
        ServiceError, TokenError,
    },
};

/// What a REST face answers when it does not answer what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
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

/// A `Failure` as face `S` answers it (`S` spells the fields of a validation problem).
pub struct ApiError<S = V1> {
    pub failure: Failure,
    face: PhantomData<S>,
}

impl<S> std::fmt::Debug for ApiError<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.failure.fmt(f)
    }
}

impl<S> From<Failure> for ApiError<S> {
    fn from(failure: Failure) -> Self {
        Self {
            failure,
            face: PhantomData,
        }
    }
}

impl<S> ApiError<S> {
    pub fn not_found() -> Self {
        Failure::NotFound.into()
    }

    pub fn malformed(why: impl Into<String>) -> Self {
        Failure::MalformedJson(why.into()).into()
    }

    /// The same failure, answered by another face (an extractor's rejection, say).
    pub fn on<T>(self) -> ApiError<T> {
        self.failure.into()
    }
}

impl<S> From<ServiceError> for ApiError<S> {
    fn from(error: ServiceError) -> Self {
        Failure::Service(error).into()
    }
}

impl<S> From<ValidationErrors> for ApiError<S> {
    fn from(errors: ValidationErrors) -> Self {
        ServiceError::Validation(errors).into()
    }
}

impl<S> From<FieldError> for ApiError<S> {
    fn from(error: FieldError) -> Self {
        ValidationErrors::from(error).into()
    }
}

// Every service's own error reaches HTTP through `ServiceError`'s one mapping below.
impl<S> From<AdminError> for ApiError<S> {
    fn from(error: AdminError) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<CodeError> for ApiError<S> {
    fn from(error: CodeError) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<ContactError> for ApiError<S> {
    fn from(error: ContactError) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<CredentialError> for ApiError<S> {
    fn from(error: CredentialError) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<TokenError> for ApiError<S> {
    fn from(error: TokenError) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<LimitError> for ApiError<S> {
    fn from(error: LimitError) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<Fault> for ApiError<S> {
    fn from(error: Fault) -> Self {
        ServiceError::from(error).into()
    }
}
impl<S> From<Refusal> for ApiError<S> {
    fn from(error: Refusal) -> Self {
        ServiceError::from(error).into()
    }
}

#[derive(Serialize)]
struct FieldProblem<'a> {
    field: String,
    code: &'a str,
    message: String,
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

impl Failure {
    fn status_and_code(&self) -> (StatusCode, &str) {
        use ServiceError as S;
        match self {
            Failure::Service(e) => match e {
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
            Failure::MalformedJson(_) => (StatusCode::BAD_REQUEST, "MALFORMED_JSON"),
            Failure::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE"),
            Failure::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
            }
            Failure::CredentialsNotAllowed => (StatusCode::BAD_REQUEST, "CREDENTIALS_NOT_ALLOWED"),
            Failure::NotFound => (StatusCode::NOT_FOUND, "NOT_FOUND"),
            Failure::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED"),
        }
    }
}

impl<S: Spelling> IntoResponse for ApiError<S> {
    fn into_response(self) -> Response {
        let failure = self.failure;
        let (status, code) = failure.status_and_code();
        let errors: Vec<FieldProblem> = match &failure {
            Failure::Service(ServiceError::Validation(errors)) => errors
                .0
                .iter()
                .map(|e| {
                    let field = S::field(e.field);
                    // A message may name its field as the face spells it.
                    let message = e.message.replace("{field}", &field);
                    FieldProblem {
                        field,
                        code: &e.code,
                        message,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let detail = match &failure {
            Failure::Service(ServiceError::Fault(Fault::Unexpected(error))) => {
                tracing::error!(error = format!("{error:#}"), "request failed");
                "Something went wrong on our side; please try again".to_owned()
            }
            // The field errors' own sentences, with their fields named as this face spells them.
            Failure::Service(ServiceError::Validation(_)) => errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
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
        match &failure {
            Failure::Service(
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
            Failure::Service(ServiceError::TokenExpired | ServiceError::InvalidToken) => {
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

pub type ApiResult<T, S = V1> = Result<T, ApiError<S>>;

/// A signed-in call whose contact is gone (deleted since): to the caller, the token no longer
/// works.
pub fn signed_out(error: impl Into<ServiceError>) -> ServiceError {
    match error.into() {
        ServiceError::ContactNotFound => ServiceError::InvalidToken,
        other => other,
    }
}
