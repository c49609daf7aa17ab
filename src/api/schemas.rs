//! What the JSON bodies look like, for the OpenAPI document only: the handlers read bodies with
//! `body::Fields` (every mistake named by its field), and these types describe what they accept.
#![allow(dead_code)]

use serde::Serialize;
use utoipa::ToSchema;

#[derive(ToSchema)]
#[schema(as = IdentityV1)]
pub struct Identity {
    /// EMAIL, PHONE or FACEBOOK.
    pub provider: crate::domain::Provider,
    pub email: Option<String>,
    /// EMAIL only: set once the email is proven.
    pub password: Option<String>,
    /// National or E.164 (`99123456` with `country_code: "CYP"`, or `+35799123456`).
    pub phone_number: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub country_code: Option<String>,
    /// FACEBOOK: a Facebook access token.
    pub token: Option<String>,
}

#[derive(ToSchema)]
pub struct RegisterRequest {
    pub title: Option<String>,
    /// Required except for FACEBOOK (which brings its own names).
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub identity: Identity,
    /// Must be true.
    pub service_acceptance: bool,
    pub email_opt_out: Option<bool>,
    pub sms_opt_out: Option<bool>,
}

#[derive(ToSchema)]
pub struct Credential {
    /// EMAIL or PHONE.
    pub name: String,
    /// The email, or the phone number in E.164.
    pub value: String,
}

#[derive(ToSchema)]
pub struct RequestOtpRequest {
    pub credentials: Vec<Credential>,
}

#[derive(ToSchema)]
pub struct ValidateOtpRequest {
    /// The `auth_otp` the code was sent with (or `credentials`: the newest sign-in code).
    pub auth_otp: Option<String>,
    pub credentials: Option<Vec<Credential>>,
    /// The 6 digits.
    pub code: String,
}

#[derive(ToSchema)]
pub struct AuthenticateRequest {
    /// EMAIL (with a password) or FACEBOOK (with a token).
    pub provider: crate::domain::Provider,
    pub email: Option<String>,
    /// The same as `email` (CRM.COM's name for it).
    pub username: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    /// FACEBOOK, someone new: must be true for an account to be made.
    pub service_acceptance: Option<bool>,
}

/// The refresh token in the body, or in a `refresh_token` header with no body at all.
#[derive(ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: Option<String>,
}

#[derive(ToSchema)]
pub struct ProfileUpdateRequest {
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email_opt_out: Option<bool>,
    pub sms_opt_out: Option<bool>,
    pub avatar: Option<String>,
}

#[derive(ToSchema)]
pub struct ChangePasswordRequest {
    /// Required when the contact has a password already.
    pub current_password: Option<String>,
    pub password: String,
}

#[derive(ToSchema)]
pub struct IdentificationItem {
    /// EMAIL, PHONE, CODE or LAST_NAME.
    pub name: String,
    pub value: String,
}

#[derive(ToSchema)]
pub struct ClaimRequest {
    pub identification: Vec<IdentificationItem>,
    pub identity: Identity,
}

#[derive(ToSchema)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

#[derive(ToSchema)]
pub struct ResetPasswordRequest {
    pub auth_otp: String,
    pub code: String,
    pub password: String,
}

/// A code is on its way; validate it with this `auth_otp`.
#[derive(Serialize, ToSchema)]
pub struct OtpRequired {
    pub otp_required: bool,
    pub auth_otp: String,
    pub obfuscated_value: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuthOtp {
    pub auth_otp: String,
}

#[derive(ToSchema)]
pub struct Phone {
    pub number: String,
    /// ISO 3166-1 alpha-3.
    pub country_code: String,
}

#[derive(ToSchema)]
pub struct NewContactRequest {
    /// 1–36 characters, kept as given; generated when absent.
    pub id: Option<String>,
    /// A unique cross-reference code; generated when absent.
    pub code: Option<String>,
    /// PERSON or COMPANY.
    #[schema(rename = "type")]
    pub contact_type: crate::domain::ContactType,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<Phone>,
    pub email_opt_out: Option<bool>,
    pub sms_opt_out: Option<bool>,
    /// Organisation ids to join.
    pub organisations: Option<Vec<String>>,
}

#[derive(ToSchema)]
pub struct ContactPatchRequest {
    pub code: Option<String>,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<Phone>,
    pub email_opt_out: Option<bool>,
    pub sms_opt_out: Option<bool>,
}

#[derive(ToSchema)]
pub struct OrganisationRequest {
    pub name: String,
    pub org_type: crate::domain::OrgType,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    pub content: Vec<crate::views::OrganisationView>,
}
