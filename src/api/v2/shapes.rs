//! CRM.COM's Self-Service v2 shapes: the bodies its apps send, read into the services' inputs,
//! and the answers they expect, made from the services' views. Nothing here decides anything.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::{
    api::{body::Fields, problem::ApiError},
    domain::{FieldError, PhoneNumber, ValidationErrors},
    services::auth::{Authenticated, IdentityInput, OtpChallenge},
    views::{ContactView, OrganisationView},
};

/// `phone{number, country_code}` (alpha-3), as CRM.COM sends and shows phones.
#[derive(Serialize, ToSchema)]
#[schema(as = PhoneV2)]
pub struct Phone {
    /// MOBILE: the only kind of phone this portal keeps.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub number: String,
    /// ISO 3166-1 alpha-3.
    pub country_code: Option<&'static str>,
}

impl Phone {
    pub fn of(e164: &str) -> Option<Self> {
        let phone = PhoneNumber::parse_e164("phone", e164).ok()?;
        let (number, country_code) = phone.national_parts();
        Some(Phone {
            kind: "MOBILE",
            number,
            country_code,
        })
    }
}

/// The contact of a token response.
#[derive(Serialize, ToSchema)]
#[schema(as = ContactSummaryV2)]
pub struct ContactSummary {
    pub id: String,
    /// PERSON or COMPANY.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub is_verified: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = OrganisationV2)]
pub struct Organisation {
    pub id: String,
    /// BUSINESS, MERCHANT, SERVICE_OWNER or VENUE.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub name: String,
}

impl From<OrganisationView> for Organisation {
    fn from(o: OrganisationView) -> Self {
        Organisation {
            id: o.id,
            kind: o.org_type,
            name: o.name,
        }
    }
}

/// CRM.COM's token response: `expiration_date` in epoch seconds, organisations with `type`.
#[derive(Serialize, ToSchema)]
#[schema(as = TokenResponseV2)]
pub struct TokenResponse {
    /// The new sign-in's tokens; absent when the code attached an identity to a sign-in that is
    /// already live (it signs nobody in anew).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub refresh_token: Option<String>,
    /// When the access token expires, epoch seconds (with the tokens only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub expiration_date: Option<i64>,
    pub contact: ContactSummary,
    pub organisations: Vec<Organisation>,
    /// After a claim that asked for a new identity: validate this `auth_otp` with the code sent
    /// to it to attach it (not in CRM.COM's document).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub pending_identity: Option<OtpChallenge>,
}

impl TokenResponse {
    pub fn of(auth: Authenticated) -> Result<Self, ApiError> {
        let tokens = auth.tokens;
        let details = auth.details;
        Ok(TokenResponse {
            expiration_date: tokens.as_ref().map(|t| t.expires_at_ms / 1000),
            access_token: tokens.as_ref().map(|t| t.access_token.clone()),
            refresh_token: tokens.map(|t| t.refresh_token),
            contact: ContactSummary {
                id: details.id,
                kind: details.contact_type,
                first_name: details.first_name,
                last_name: details.last_name,
                company_name: details.company_name,
                is_verified: details.is_verified,
            },
            organisations: auth.organisations.into_iter().map(Into::into).collect(),
            pending_identity: auth.pending_identity,
        })
    }
}

/// `{obfuscated_value, auth_otp}`: a code is on its way.
#[derive(Serialize, ToSchema)]
#[schema(as = OtpSentV2)]
pub struct OtpSent {
    pub obfuscated_value: String,
    pub auth_otp: String,
}

impl From<OtpChallenge> for OtpSent {
    fn from(c: OtpChallenge) -> Self {
        OtpSent {
            obfuscated_value: c.obfuscated_value,
            auth_otp: c.auth_otp,
        }
    }
}

/// `{id}` (and, here, the code that proves an added identity).
#[derive(Serialize, ToSchema)]
#[schema(as = IdentityAddedV2)]
pub struct IdentityAdded {
    /// The identity's id (it is attached once the code is validated).
    pub id: String,
    pub auth_otp: String,
    pub obfuscated_value: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = IdV2)]
pub struct Id {
    pub id: String,
}

/// GET `contacts/{id}`.
#[derive(Serialize, ToSchema)]
#[schema(as = ContactV2)]
pub struct Contact {
    pub id: String,
    pub code: String,
    /// PERSON or COMPANY.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: String,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<Phone>,
    pub sms_opt_out: bool,
    pub email_opt_out: bool,
    pub avatar_url: Option<String>,
}

impl From<ContactView> for Contact {
    fn from(c: ContactView) -> Self {
        Contact {
            phone: c.phone.as_deref().and_then(Phone::of),
            id: c.id,
            code: c.code,
            kind: c.contact_type,
            title: c.title,
            first_name: c.first_name,
            last_name: c.last_name,
            company_name: c.company_name,
            email: c.email,
            sms_opt_out: c.sms_opt_out,
            email_opt_out: c.email_opt_out,
            avatar_url: c.avatar,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = OrganisationNameV2)]
pub struct OrganisationName {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = PagingV2)]
pub struct Paging {
    pub page: i64,
    pub size: i64,
    pub total: i64,
    pub has_more: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = OrganisationPageV2)]
pub struct OrganisationPage {
    pub paging: Paging,
    pub content: Vec<OrganisationName>,
}

/// `identification{provider, email, password, phone{number, country_code}, token}` (register),
/// or the same at the top level (add an identity).
pub fn identification(fields: &Fields, errors: &mut ValidationErrors) -> IdentityInput {
    let phone = fields.object("phone", errors);
    IdentityInput {
        provider: fields.required_string("provider", "Provider", errors),
        email: fields.string("email", errors),
        password: fields.string("password", errors),
        phone_number: phone.as_ref().and_then(|p| p.string("number", errors)),
        country_code: phone
            .as_ref()
            .and_then(|p| p.string("country_code", errors)),
        token: fields.string("token", errors),
    }
}

/// Fields CRM.COM defines that this portal does not keep: sent with a value, they are refused
/// by name rather than dropped (nothing a customer gave is silently lost).
pub fn refuse_unkept(body: &Map<String, Value>, keys: &[&str], errors: &mut ValidationErrors) {
    for key in keys {
        let carries_data = match body.get(*key) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Object(o)) => !o.is_empty(),
            Some(_) => true,
        };
        if carries_data {
            errors.push(FieldError::new(
                *key,
                "UNSUPPORTED",
                format!("{key} is not kept by this portal"),
            ));
        }
    }
}

/// The services name v1's fields; a v2 caller is told about the field it sent.
pub fn renamed(error: ApiError, renames: &[(&str, &str)]) -> ApiError {
    match error {
        ApiError::Service(crate::services::ServiceError::Validation(mut errors)) => {
            for e in &mut errors.0 {
                if let Some((from, to)) = renames
                    .iter()
                    .find(|(from, _)| e.field == *from || e.field.starts_with(&format!("{from}.")))
                {
                    let rest = &e.field[from.len()..];
                    e.field = match to.is_empty() {
                        true => rest.trim_start_matches('.').to_owned(),
                        false => format!("{to}{rest}"),
                    };
                }
            }
            ApiError::Service(crate::services::ServiceError::Validation(errors))
        }
        other => other,
    }
}

/// The services' names for an identity's fields → v2's, where the identity is the whole body.
pub const IDENTITY_FIELDS: &[(&str, &str)] = &[
    ("identity.phone_number", "phone.number"),
    ("identity.country_code", "phone.country_code"),
    ("identity", ""),
];
