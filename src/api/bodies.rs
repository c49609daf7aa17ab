//! What the Self-Service JSON bodies parse to, as plain functions of the JSON (no server, no
//! database): the handlers call them, and so does the fuzzer (fuzz/).

use serde_json::{Map, Value};

use super::{
    body::Fields,
    problem::{ApiError, ApiResult},
};
use crate::{
    domain::{FieldError, Identity, OtpCode, Provider, ValidationErrors},
    services::{
        auth::{claim::Identification, otp::typed_code, IdentityInput, OtpLookup, RegisterInput},
        CodeError,
    },
};

pub fn identity_input(fields: &Fields, errors: &mut ValidationErrors) -> IdentityInput {
    IdentityInput {
        provider: fields.required_string("provider", "Provider", errors),
        email: fields.string("email", errors),
        password: fields.string("password", errors),
        phone_number: fields.string("phone_number", errors),
        country_code: fields.string("country_code", errors),
        token: fields.string("token", errors),
    }
}

pub fn is_facebook(identity: &IdentityInput) -> bool {
    identity
        .provider
        .as_deref()
        .and_then(|p| Provider::parse("provider", p).ok())
        == Some(Provider::Facebook)
}

/// `register`: every type error and missing field at once.
pub fn register(body: &Map<String, Value>) -> ApiResult<RegisterInput> {
    let fields = Fields::new(body);
    let mut errors = ValidationErrors::default();
    let identity = match fields.object("identity", &mut errors) {
        Some(identity) => identity_input(&identity, &mut errors),
        None => {
            if !fields.has("identity") {
                errors.push(FieldError::required("identity", "identity"));
            }
            IdentityInput::default()
        }
    };
    // Facebook brings its own names; every other provider needs them.
    let facebook = is_facebook(&identity);
    let name = |key: &str, label: &str, errors: &mut ValidationErrors| match facebook {
        true => fields.string(key, errors),
        false => fields.required_string(key, label, errors),
    };
    let input = RegisterInput {
        title: fields.string("title", &mut errors),
        first_name: name("first_name", "First name", &mut errors),
        last_name: name("last_name", "Last name", &mut errors),
        identity,
        service_acceptance: fields
            .boolean("service_acceptance", &mut errors)
            .unwrap_or(false),
        email_opt_out: fields
            .boolean("email_opt_out", &mut errors)
            .unwrap_or(false),
        sms_opt_out: fields.boolean("sms_opt_out", &mut errors).unwrap_or(false),
    };
    // Type errors first: the service would only repeat them less precisely.
    errors.into_result()?;
    Ok(input)
}

/// The first credential of `credentials: [{name, value}]` as an identity.
pub fn credential(fields: &Fields, errors: &mut ValidationErrors) -> Option<Identity> {
    let list = fields.objects("credentials", errors)?;
    let Some(first) = list.first() else {
        errors.push(FieldError::required("credentials", "credentials"));
        return None;
    };
    let name = first.required_string("name", "Credential name", errors);
    let value = first.required_string("value", "Credential value", errors);
    let (name, value) = (name?, value?);
    errors.check(Identity::from_credential(
        &fields.path("credentials[0]"),
        &name,
        &value,
    ))
}

/// A malformed code is just a wrong code to the caller (but costs no try).
pub fn parse_code(
    field: &str,
    raw: Option<String>,
    errors: &mut ValidationErrors,
) -> Result<Option<OtpCode>, CodeError> {
    match raw {
        None => {
            errors.push(FieldError::required(field, "Code"));
            Ok(None)
        }
        Some(raw) => match typed_code(field, &raw) {
            Ok(code) => Ok(Some(code)),
            Err(CodeError::Validation(missing)) => {
                errors.0.extend(missing.0);
                Ok(None)
            }
            Err(other) => Err(other),
        },
    }
}

/// `validate-otp`: which code (by `auth_otp`, else by `credentials`) and the code typed.
pub fn validate_otp(body: &Map<String, Value>) -> ApiResult<(OtpLookup, OtpCode)> {
    let fields = Fields::new(body);
    let mut errors = ValidationErrors::default();
    let lookup = match fields
        .string("auth_otp", &mut errors)
        .filter(|h| !h.trim().is_empty())
    {
        Some(handle) => Some(OtpLookup::Handle(handle)),
        None if fields.has("credentials") => {
            credential(&fields, &mut errors).map(OtpLookup::Identity)
        }
        None => {
            errors.push(FieldError::new(
                "auth_otp",
                "REQUIRED",
                "Send auth_otp or credentials",
            ));
            None
        }
    };
    let code = parse_code("code", fields.string("code", &mut errors), &mut errors);
    errors.into_result()?;
    match (lookup, code?) {
        (Some(lookup), Some(code)) => Ok((lookup, code)),
        _ => Err(ApiError::MalformedJson(
            "auth_otp (or credentials) and code are required".into(),
        )),
    }
}

/// `claim`: who the customer says they are, and the identity they want.
pub fn claim(body: &Map<String, Value>) -> ApiResult<(Identification, IdentityInput)> {
    let fields = Fields::new(body);
    let mut errors = ValidationErrors::default();
    let mut items = Vec::new();
    // (A missing identification is reported once, by `Identification::parse`.)
    for item in fields
        .objects("identification", &mut errors)
        .unwrap_or_default()
    {
        let name = item.required_string("name", "Identification name", &mut errors);
        let value = item.required_string("value", "Identification value", &mut errors);
        if let (Some(name), Some(value)) = (name, value) {
            items.push((name, value));
        }
    }
    let identity = match fields.object("identity", &mut errors) {
        Some(identity) => identity_input(&identity, &mut errors),
        None => {
            errors.push(FieldError::required("identity", "identity"));
            IdentityInput::default()
        }
    };
    let who = Identification::parse(&items, &mut errors);
    errors.into_result()?;
    Ok((who, identity))
}

/// The highest page number asked for (far beyond any real list; it keeps offsets in range).
pub const MAX_PAGE: i64 = 1_000_000;

/// `page`/`size` of a query string: a whole number from 1 to `max`, or the default when absent.
pub fn page_number(
    field: &str,
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
                    format!("{field} must be a whole number from 1 to {max}"),
                ));
                default
            }
        },
    }
}
