//! CRM.COM's Self-Service v2 request bodies, as its apps send them: what the OpenAPI document
//! shows and what the handlers read, each turned into what the services take. Plain functions
//! of the JSON (the fuzz targets call them).

use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::{
    api::{
        lenient::{carries_data, Flag, Lenient, Read},
        self_service::requests::{code_in, credential, Credentials, ValidateError},
    },
    domain::{
        AgreementInput, Field, FieldError, Identity, IdentityPart, OtpCode, ValidationErrors,
    },
    services::{
        auth::{IdentityInput, RegisterInput, SignInAttempt},
        contacts::ProfileUpdate,
    },
};

type Text = Option<Lenient<String>>;
type Bool = Option<Lenient<Flag>>;

/// `phone{number, country_code}` as CRM.COM sends it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = PhoneInV2)]
pub struct PhoneIn {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub number: Text,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub country_code: Text,
}

/// `identification{provider, email, password, phone{number, country_code}, token}` (register),
/// or the same at the top level (add an identity).
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = IdentificationV2)]
pub struct Identification {
    /// EMAIL, PHONE or FACEBOOK.
    #[serde(default)]
    #[schema(value_type = crate::domain::Provider, required = true)]
    pub provider: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Text,
    /// EMAIL only: set once the email is proven.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub password: Text,
    #[serde(default)]
    #[schema(value_type = Option<PhoneIn>)]
    pub phone: Option<Lenient<PhoneIn>>,
    /// FACEBOOK: a Facebook access token.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub token: Text,
}

impl Identification {
    pub fn input(self, read: &mut Read, at: fn(IdentityPart) -> Field) -> IdentityInput {
        let phone = read
            .object(self.phone, at(IdentityPart::Phone))
            .unwrap_or_default();
        IdentityInput {
            provider: read.required_text(self.provider, at(IdentityPart::Provider), "Provider"),
            email: read.text(self.email, at(IdentityPart::Email)),
            password: read.text(self.password, at(IdentityPart::Password)),
            phone_number: read.text(phone.number, at(IdentityPart::PhoneNumber)),
            country_code: read.text(phone.country_code, at(IdentityPart::CountryCode)),
            token: read.text(self.token, at(IdentityPart::Token)),
        }
    }
}

/// Refuses by name, rather than drops, the fields CRM.COM defines that this portal does not keep
/// yet, when they carry a value: nothing a customer gave is silently lost.
fn refuse_unkept(read: &mut Read, fields: &[(&Option<Value>, &'static str)]) {
    for (value, key) in fields {
        if carries_data(value) {
            read.errors.push(FieldError::new(
                Field::Sent(key),
                "UNSUPPORTED",
                format!("{key} is not kept by this portal"),
            ));
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = RegisterRequestV2)]
pub struct RegisterRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub first_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub last_name: Text,
    #[serde(default)]
    #[schema(value_type = Identification, required = true)]
    pub identification: Option<Lenient<Identification>>,
    /// Defaults to true (CRM.COM's default); `false` is refused.
    #[serde(default, rename = "accept_terms_&_conditions")]
    #[schema(rename = "accept_terms_&_conditions", value_type = Option<bool>)]
    pub accept_terms: Bool,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub email_opt_out: Bool,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub sms_opt_out: Bool,
    /// ISO 639-1 (EN, EL, …), any case; kept upper-case.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub language_code: Text,
    /// Not kept by this portal: refused (`UNSUPPORTED`) when it carries a value.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub custom_fields: Option<Value>,
    /// The referral code of the contact who referred this one: kept on it as given (at most 64
    /// characters), shown to the back office as `referred_by`.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub referral_code: Text,
    /// Refused, as `custom_fields`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub pass_code: Option<Value>,
    /// Refused, as `custom_fields`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub pass_pin: Option<Value>,
    /// ISO 3166 alpha-3 (CYP, GRC), any case: kept on the contact upper-case.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub country_of_agreement: Text,
}

impl RegisterRequest {
    pub fn command(self) -> Result<RegisterInput, ValidationErrors> {
        let mut read = Read::default();
        let identity = match read.object(
            self.identification.clone(),
            Field::Identity(IdentityPart::Whole),
        ) {
            Some(given) => given.input(&mut read, Field::Identity),
            None => {
                if self.identification.is_none() {
                    read.errors.push(FieldError::required(
                        Field::Identity(IdentityPart::Whole),
                        "identification",
                    ));
                }
                IdentityInput::default()
            }
        };
        let facebook = identity.is_facebook();
        let mut name = |value: Text, field: Field, label: &str| match facebook {
            true => read.text(value, field),
            false => read.required_text(value, field, label),
        };
        let first_name = name(self.first_name, Field::FirstName, "First name");
        let last_name = name(self.last_name, Field::LastName, "Last name");
        let input = RegisterInput {
            title: None,
            first_name,
            last_name,
            identity,
            service_acceptance: read.flag(self.accept_terms, Field::Terms).unwrap_or(true),
            email_opt_out: read
                .flag(self.email_opt_out, Field::EmailOptOut)
                .unwrap_or(false),
            sms_opt_out: read
                .flag(self.sms_opt_out, Field::SmsOptOut)
                .unwrap_or(false),
            language_code: read.text(self.language_code, Field::LanguageCode),
            agreement: AgreementInput {
                referral_code: read.text(self.referral_code, Field::ReferralCode),
                country_of_agreement: read
                    .text(self.country_of_agreement, Field::CountryOfAgreement),
            },
        };
        refuse_unkept(
            &mut read,
            &[
                (&self.custom_fields, "custom_fields"),
                (&self.pass_code, "pass_code"),
                (&self.pass_pin, "pass_pin"),
            ],
        );
        read.finish()?;
        Ok(input)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = OtpRequestV2)]
pub struct OtpRequest {
    /// EMAIL or SMS: the channel of the credential (a code goes to what was typed).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub method: Text,
    /// EMAIL, PHONE (E.164), or AUTH_OTP (a new code for the same purpose as an earlier one,
    /// the earlier `auth_otp` as its value).
    #[serde(default)]
    #[schema(value_type = Vec<crate::api::self_service::requests::Credential>, required = true)]
    pub credentials: Credentials,
}

/// What `contacts/otp` asks for.
pub enum OtpAsked {
    /// A new code for an earlier `auth_otp`.
    Resend(String),
    Send(Identity),
}

impl OtpRequest {
    pub fn command(self) -> Result<OtpAsked, ValidationErrors> {
        let mut read = Read::default();
        let method = read.text(self.method, Field::Method);
        let first = match &self.credentials {
            Some(Lenient::Given(list)) => list.first().cloned(),
            _ => None,
        };
        if let Some(Lenient::Given(first)) = first {
            let name = first.name.clone();
            if let Some(Lenient::Given(name)) = name {
                if name.trim().eq_ignore_ascii_case("AUTH_OTP") {
                    let handle = read.required_text(
                        first.value,
                        Field::Credential(crate::domain::CredentialPart::Value),
                        "Credential value",
                    );
                    read.finish()?;
                    return Ok(OtpAsked::Resend(handle.unwrap_or_default()));
                }
            }
        }
        let missing = self.credentials.is_none();
        let identity = credential(&mut read, self.credentials);
        if missing {
            read.errors.push(FieldError::required(
                Field::Credential(crate::domain::CredentialPart::List),
                "credentials",
            ));
        }
        if let (Some(method), Some(identity)) = (&method, &identity) {
            let expected = match identity {
                Identity::Email(_) => "EMAIL",
                Identity::Phone(_) => "SMS",
            };
            if !method.trim().eq_ignore_ascii_case(expected) {
                read.errors.push(FieldError::new(
                    Field::Method,
                    "INVALID_VALUE",
                    format!(
                        "method must be {expected} for this credential: a code goes to what was typed"
                    ),
                ));
            }
        }
        read.finish()?;
        identity.map(OtpAsked::Send).ok_or_else(|| {
            FieldError::required(
                Field::Credential(crate::domain::CredentialPart::List),
                "credentials",
            )
            .into()
        })
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = ValidateOtpRequestV2)]
pub struct ValidateOtpRequest {
    /// The 6 digits.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub code: Text,
    /// The `auth_otp` the code was sent with.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub auth_otp: Text,
}

impl ValidateOtpRequest {
    pub fn command(self) -> Result<(String, OtpCode), ValidateError> {
        let mut read = Read::default();
        let handle = read.required_text(self.auth_otp, Field::Handle, "auth_otp");
        let code = code_in(&mut read, self.code);
        read.finish().map_err(ValidateError::Invalid)?;
        match (handle, code.map_err(ValidateError::Code)?) {
            (Some(handle), Some(code)) => Ok((handle, code)),
            _ => Err(ValidateError::Invalid(
                FieldError::required(Field::Code, "Code").into(),
            )),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = AuthenticateRequestV2)]
pub struct AuthenticateRequest {
    /// EMAIL (with `password`: signs in; without: sends a code), PHONE (sends a code) or
    /// FACEBOOK (with `token`).
    #[serde(default)]
    #[schema(value_type = crate::domain::Provider, required = true)]
    pub provider: Text,
    /// The email (EMAIL), or the phone in E.164 (PHONE, when `phone` is not sent).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub username: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub password: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub token: Text,
    #[serde(default)]
    #[schema(value_type = Option<PhoneIn>)]
    pub phone: Option<Lenient<PhoneIn>>,
    /// `true` is refused: this portal has no guest sign-in.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub login_as_guest: Bool,
}

impl AuthenticateRequest {
    pub fn command(self) -> Result<SignInAttempt, ValidationErrors> {
        let mut read = Read::default();
        let at = Field::SignIn;
        let provider = read.required_text(self.provider, at(IdentityPart::Provider), "Provider");
        let username = read.text(self.username, at(IdentityPart::Email));
        let password = read.text(self.password, at(IdentityPart::Password));
        let token = read.text(self.token, at(IdentityPart::Token));
        let phone = read
            .object(self.phone, at(IdentityPart::Phone))
            .unwrap_or_default();
        let number = read.text(phone.number, at(IdentityPart::PhoneNumber));
        let country_code = read.text(phone.country_code, at(IdentityPart::CountryCode));
        if read.flag(self.login_as_guest, Field::Sent("login_as_guest")) == Some(true) {
            read.errors.push(FieldError::new(
                Field::Sent("login_as_guest"),
                "UNSUPPORTED",
                "this portal has no guest sign-in",
            ));
        }
        read.finish()?;
        let is_phone = provider
            .as_deref()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("PHONE"));
        let input = IdentityInput {
            provider,
            email: username.clone().filter(|_| !is_phone),
            password: password.filter(|p| !p.is_empty()),
            phone_number: number.or_else(|| username.filter(|_| is_phone)),
            country_code,
            token,
        };
        Ok(SignInAttempt::from_input(input, false, true))
    }
}

/// The refresh token in the body (or a `refresh_token` header, or `Authorization: Bearer`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = RefreshRequestV2)]
pub struct RefreshRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub refresh_token: Text,
}

impl RefreshRequest {
    pub fn token(self) -> Result<Option<String>, ValidationErrors> {
        let mut read = Read::default();
        let token = read.text(self.refresh_token, Field::RefreshToken);
        read.finish()?;
        Ok(token)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = ContactUpdateV2)]
pub struct ContactUpdate {
    /// The contact's own id, if sent (it cannot change).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub first_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub last_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub sms_opt_out: Bool,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub email_opt_out: Bool,
    /// ISO 639-1 (EN, EL, …), any case; kept upper-case.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub language_code: Text,
    /// Refused (`READ_ONLY`): it changes through `contacts/{id}/identities`, proven by a code.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub email: Option<Value>,
    /// Refused, as `email`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub phone: Option<Value>,
    /// Not kept by this portal: refused (`UNSUPPORTED`) when it carries a value.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub middle_name: Option<Value>,
    /// Refused, as `middle_name`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub demographics: Option<Value>,
    /// Refused, as `middle_name`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub custom_fields: Option<Value>,
    /// Refused, as `middle_name`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub company_name: Option<Value>,
    /// Refused, as `middle_name`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub company_profile: Option<Value>,
}

impl ContactUpdate {
    /// `id`: the contact the path names (a different `id` in the body is refused).
    pub fn command(self, id: &str) -> Result<ProfileUpdate, ValidationErrors> {
        let mut read = Read::default();
        if let Some(given) = read.text(self.id, Field::Sent("id")) {
            if given != id {
                read.errors.push(FieldError::new(
                    Field::Sent("id"),
                    "READ_ONLY",
                    "id cannot be changed",
                ));
            }
        }
        read.refuse(
            &self.email,
            "email",
            "READ_ONLY",
            "changes through contacts/{id}/identities",
        );
        read.refuse(
            &self.phone,
            "phone",
            "READ_ONLY",
            "changes through contacts/{id}/identities",
        );
        refuse_unkept(
            &mut read,
            &[
                (&self.middle_name, "middle_name"),
                (&self.demographics, "demographics"),
                (&self.custom_fields, "custom_fields"),
                (&self.company_name, "company_name"),
                (&self.company_profile, "company_profile"),
            ],
        );
        let update = ProfileUpdate {
            title: None,
            first_name: read.text(self.first_name, Field::FirstName),
            last_name: read.text(self.last_name, Field::LastName),
            email_opt_out: read.flag(self.email_opt_out, Field::EmailOptOut),
            sms_opt_out: read.flag(self.sms_opt_out, Field::SmsOptOut),
            avatar: None,
            language_code: read.text(self.language_code, Field::LanguageCode),
        };
        read.finish()?;
        Ok(update)
    }
}

/// Adding an identity: the body is the identification itself.
pub fn new_identity(body: Identification) -> Result<IdentityInput, ValidationErrors> {
    let mut read = Read::default();
    let input = body.input(&mut read, Field::NewIdentity);
    read.finish()?;
    Ok(input)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = ForgotPasswordRequestV2)]
pub struct ForgotPasswordRequest {
    /// The email.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub username: Text,
}

impl ForgotPasswordRequest {
    pub fn command(self) -> Result<String, ValidationErrors> {
        let mut read = Read::default();
        let email = read.required_text(
            self.username,
            Field::SignIn(IdentityPart::Email),
            "Username",
        );
        read.finish()?;
        Ok(email.unwrap_or_default())
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(as = ChangeForgottenPasswordRequestV2)]
pub struct ChangeForgottenPasswordRequest {
    /// The reset token of the reset message.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub token: Text,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub password: Text,
}

impl ChangeForgottenPasswordRequest {
    /// `(token, new password)`.
    pub fn command(self) -> Result<(String, String), ValidationErrors> {
        let mut read = Read::default();
        let token = read.required_text(self.token, Field::ResetToken, "Reset token");
        let password = read.required_text(self.password, Field::Password, "Password");
        read.finish()?;
        Ok((token.unwrap_or_default(), password.unwrap_or_default()))
    }
}
