//! What the two Self-Service faces do alike, written once with the face as a parameter: a
//! Facebook sign-in's answer, the refresh token wherever a client put it, a page of a list.

use axum::{
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

use super::{
    client::bearer,
    problem::{ApiError, ApiResult},
    spelling::Spelling,
};
use crate::{
    domain::{Field, FieldError, ValidationErrors},
    services::{
        auth::OtpChallenge,
        auth::{authenticate::terms_not_accepted, facebook::FacebookOutcome, Authenticated},
        ServiceError,
    },
};

/// How a face answers the outcomes the faces share.
pub trait Face: Spelling {
    /// A sign-in's token answer (200; callers that sign someone up say 201).
    fn tokens(signed_in: Authenticated) -> ApiResult<Response, Self>
    where
        Self: Sized;
    /// A code is on its way to prove an identity (a registration, an email before Facebook is
    /// linked to it).
    fn code_sent(challenge: OtpChallenge) -> Response;
}

/// A Facebook sign-in's answer on face `F`: tokens with `status`, a code to prove the email on
/// file, or, for someone new who has not accepted the terms, `TERMS_NOT_ACCEPTED`.
pub fn facebook_reply<F: Face>(
    outcome: FacebookOutcome,
    status: StatusCode,
) -> ApiResult<Response, F> {
    match outcome {
        FacebookOutcome::SignedIn(auth) => {
            let mut response = F::tokens(*auth)?;
            *response.status_mut() = status;
            Ok(response)
        }
        FacebookOutcome::ProveEmail(challenge) => Ok(F::code_sent(challenge)),
        FacebookOutcome::AcceptTerms(_) => Err(terms_not_accepted().into()),
    }
}

/// The refresh token from the body, else from a `refresh_token` (or `refresh-token`) header,
/// else from `Authorization: Bearer` (CRM.COM's v2 sends it there).
pub fn refresh_token<S>(in_body: Option<String>, headers: &HeaderMap) -> ApiResult<String, S> {
    let in_header = headers
        .get("refresh_token")
        .or_else(|| headers.get("refresh-token"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    in_body
        .or(in_header)
        .or_else(|| bearer(headers).map(str::to_owned))
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            ApiError::from(ValidationErrors::from(FieldError::required(
                Field::RefreshToken,
                "refresh_token",
            )))
        })
}

/// The highest page number asked for (far beyond any real list; it keeps offsets in range).
pub const MAX_PAGE: i64 = 1_000_000;

/// `page`/`size` of a query string: a whole number from 1 to `max`, or the default when absent.
pub fn page_number(
    field: Field,
    raw: Option<&str>,
    default: i64,
    max: i64,
    errors: &mut ValidationErrors,
) -> i64 {
    match raw.map(str::trim) {
        None => default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    field,
                    "INVALID_VALUE",
                    format!("{{field}} must be a whole number from 1 to {max}"),
                ));
                default
            }
        },
    }
}

/// `(page, size)` of a list's query: page from 1, size from 1 to `max_size` (20 by default).
pub fn paging<S>(
    page: Option<&str>,
    size: Option<&str>,
    max_size: i64,
) -> ApiResult<(i64, i64), S> {
    let mut errors = ValidationErrors::default();
    let page = page_number(Field::Page, page, 1, MAX_PAGE, &mut errors);
    let size = page_number(Field::Size, size, 20, max_size, &mut errors);
    errors.into_result()?;
    Ok((page, size))
}

/// A service's "no" in a face's words (for helpers that return a plain `Response`).
pub fn refused<F: Spelling>(error: impl Into<ServiceError>) -> Response {
    ApiError::<F>::from(error.into()).into_response()
}
