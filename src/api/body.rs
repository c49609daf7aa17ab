//! Reading JSON bodies so that every mistake names its field: malformed JSON, wrong types and
//! missing fields each get a stable code instead of a serde message.

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, StatusCode},
};
use serde_json::{Map, Value};

use super::problem::ApiError;
use crate::domain::{FieldError, ValidationErrors};

/// A JSON object body (1 MiB at most).
pub struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
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
            .unwrap_or(false);
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedJson("the request body could not be read".into())
            }
        })?;
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(JsonBody(map)),
            Ok(_) => Err(ApiError::MalformedJson(
                "the request body must be a JSON object".into(),
            )),
            Err(e) => Err(ApiError::MalformedJson(format!(
                "the request body is not valid JSON: {e}"
            ))),
        }
    }
}

/// A JSON object body that may also be absent (no bytes at all): calls whose every input can
/// come in a header instead (v1 `refresh-token` with a `refresh_token` header, CRM.COM's apps).
pub struct OptionalJsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for OptionalJsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::MalformedJson("the request body could not be read".into())
                }
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) || bytes.trim_ascii() == b"null" {
            return Ok(OptionalJsonBody(Map::new()));
        }
        let request = Request::from_parts(parts, axum::body::Body::from(bytes));
        Ok(OptionalJsonBody(
            JsonBody::from_request(request, state).await?.0,
        ))
    }
}

/// Typed access to a JSON object that records a field error instead of failing.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

fn wrong_type(field: &str, expected: &str) -> FieldError {
    FieldError::new(field, "INVALID_TYPE", format!("{field} must be {expected}"))
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            prefix: String::new(),
        }
    }

    pub fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// A string, or `None` when absent or null.
    pub fn string(&self, key: &str, errors: &mut ValidationErrors) -> Option<String> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                errors.push(wrong_type(&self.path(key), "a string"));
                None
            }
        }
    }

    pub fn required_string(
        &self,
        key: &str,
        label: &str,
        errors: &mut ValidationErrors,
    ) -> Option<String> {
        let value = self.string(key, errors);
        if value.is_none() && matches!(self.map.get(key), None | Some(Value::Null)) {
            errors.push(FieldError::required(&self.path(key), label));
        }
        value
    }

    /// A boolean, as a JSON boolean or the strings "true"/"false".
    pub fn boolean(&self, key: &str, errors: &mut ValidationErrors) -> Option<bool> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Some(true),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Some(false),
            Some(_) => {
                errors.push(wrong_type(&self.path(key), "true or false"));
                None
            }
        }
    }

    /// For PATCH: absent → `None`, null → `Some(None)`, a string → `Some(Some(..))`.
    pub fn nullable_string(
        &self,
        key: &str,
        errors: &mut ValidationErrors,
    ) -> Option<Option<String>> {
        match self.map.get(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => {
                errors.push(wrong_type(&self.path(key), "a string or null"));
                None
            }
        }
    }

    pub fn object(&self, key: &str, errors: &mut ValidationErrors) -> Option<Fields<'a>> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(Fields {
                map,
                prefix: self.path(key),
            }),
            Some(_) => {
                errors.push(wrong_type(&self.path(key), "an object"));
                None
            }
        }
    }

    /// An array of objects, each wrapped as `Fields` named `key[i]`.
    pub fn objects(&self, key: &str, errors: &mut ValidationErrors) -> Option<Vec<Fields<'a>>> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Object(map) => out.push(Fields {
                            map,
                            prefix: format!("{}[{i}]", self.path(key)),
                        }),
                        _ => errors
                            .push(wrong_type(&format!("{}[{i}]", self.path(key)), "an object")),
                    }
                }
                Some(out)
            }
            Some(_) => {
                errors.push(wrong_type(&self.path(key), "an array"));
                None
            }
        }
    }
}
