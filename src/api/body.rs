//! Reading JSON bodies into a request type (api/*/requests.rs). Request types are made of
//! lenient fields (lenient.rs), so a body that is a JSON object always reads; only a body that
//! is not JSON, or not an object, is refused here (`MALFORMED_JSON`).

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, StatusCode},
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::problem::{ApiError, Failure};

/// A JSON object body (1 MiB at most) read as `T`.
pub struct Body<T>(pub T);

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let mime = v
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
        .unwrap_or(false)
}

async fn bytes_of<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Failure::PayloadTooLarge.into()
            } else {
                ApiError::malformed("the request body could not be read")
            }
        })
}

/// The request type a JSON object reads as.
pub fn read_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value @ Value::Object(_)) => serde_json::from_value(value)
            .map_err(|e| ApiError::malformed(format!("the request body could not be read: {e}"))),
        Ok(_) => Err(ApiError::malformed(
            "the request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::malformed(format!(
            "the request body is not valid JSON: {e}"
        ))),
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(&request);
        let bytes = bytes_of(request, state).await?;
        if !json {
            return Err(Failure::UnsupportedMediaType.into());
        }
        read_object(&bytes).map(Body)
    }
}

/// A JSON object body that may also be absent (no bytes at all): calls whose every input can
/// come in a header instead (the refresh token of v1 `refresh-token`, CRM.COM's apps). Absent,
/// it reads as `T::default()`.
pub struct OptionalBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(&request);
        let bytes = bytes_of(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
            return Ok(OptionalBody(T::default()));
        }
        if !json {
            return Err(Failure::UnsupportedMediaType.into());
        }
        read_object(&bytes).map(OptionalBody)
    }
}
