//! CRM.COM's Self-Service v2 answers, made from the services' views. Nothing here decides
//! anything.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::{problem::ApiResult, shared::Face, spelling::V2},
    domain::{Field, PhoneNumber},
    services::auth::{Authenticated, OtpChallenge},
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
        let phone = PhoneNumber::parse_e164(Field::Stored, e164).ok()?;
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
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: crate::domain::ContactType,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub is_verified: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = OrganisationV2)]
pub struct Organisation {
    pub id: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: crate::domain::OrgType,
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
    pub fn of(auth: Authenticated) -> Self {
        let tokens = auth.tokens;
        let details = auth.details;
        TokenResponse {
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
        }
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
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: crate::domain::ContactType,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<Phone>,
    pub sms_opt_out: bool,
    pub email_opt_out: bool,
    pub avatar_url: Option<String>,
    /// ISO 639-1, upper-case, but Greek as CRM.COM writes it: `GR` (EN, GR, IT); none when
    /// never given.
    pub language_code: Option<String>,
    /// ISO 3166 alpha-3, as given at sign-up.
    pub country_of_agreement: Option<String>,
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
            language_code: c
                .language_code
                .as_deref()
                .and_then(crate::domain::LanguageCode::from_stored)
                .map(crate::domain::LanguageCode::crm_spelling),
            country_of_agreement: c.country_of_agreement,
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

impl Face for V2 {
    fn tokens(signed_in: Authenticated) -> ApiResult<Response, Self> {
        Ok(Json(TokenResponse::of(signed_in)).into_response())
    }

    /// CRM.COM answers 201 with `{auth_otp, obfuscated_value}`.
    fn code_sent(challenge: OtpChallenge) -> Response {
        (StatusCode::CREATED, Json(OtpSent::from(challenge))).into_response()
    }
}
