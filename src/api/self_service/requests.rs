//! Self-Service v1's request bodies: each is what the OpenAPI document shows and what its
//! handler reads, and each turns itself into what the services take, naming every bad field at
//! once (lenient.rs). Plain functions of the JSON: the fuzz targets call them too.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::lenient::{Flag, Lenient, Patch, Read},
    domain::{
        CredentialPart, Field, FieldError, IdentificationPart, Identity, IdentityPart, OtpCode,
        ValidationErrors,
    },
    services::{
        auth::{
            claim::Identification, codes::typed_code, IdentityInput, OtpLookup, RegisterInput,
            SignInAttempt,
        },
        contacts::ProfileUpdate,
        CodeError,
    },
};

type Text = Option<Lenient<String>>;
type Bool = Option<Lenient<Flag>>;

/// An identity: `provider` and what that provider takes.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[schema(as = IdentityV1)]
pub struct IdentityRequest {
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
    /// National or E.164 (`99123456` with `country_code: "CYP"`, or `+35799123456`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub phone_number: Text,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub country_code: Text,
    /// FACEBOOK: a Facebook access token.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub token: Text,
}

impl IdentityRequest {
    /// The identity as the services take it; `at` names its fields in the command.
    pub fn input(self, read: &mut Read, at: fn(IdentityPart) -> Field) -> IdentityInput {
        IdentityInput {
            provider: read.required_text(self.provider, at(IdentityPart::Provider), "Provider"),
            email: read.text(self.email, at(IdentityPart::Email)),
            password: read.text(self.password, at(IdentityPart::Password)),
            phone_number: read.text(self.phone_number, at(IdentityPart::PhoneNumber)),
            country_code: read.text(self.country_code, at(IdentityPart::CountryCode)),
            token: read.text(self.token, at(IdentityPart::Token)),
        }
    }
}

/// The identity of a body (`None` when absent: each call says whether that is allowed).
fn identity_in(
    read: &mut Read,
    value: Option<Lenient<IdentityRequest>>,
    at: fn(IdentityPart) -> Field,
) -> Option<IdentityInput> {
    read.object(value, at(IdentityPart::Whole))
        .map(|identity| identity.input(read, at))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RegisterRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Text,
    /// Required except for FACEBOOK (which brings its own names).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub first_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub last_name: Text,
    #[serde(default)]
    #[schema(value_type = IdentityRequest, required = true)]
    pub identity: Option<Lenient<IdentityRequest>>,
    /// Must be true.
    #[serde(default)]
    #[schema(value_type = bool, required = true)]
    pub service_acceptance: Bool,
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
}

impl RegisterRequest {
    /// Every type error and missing field at once (the service checks the values).
    pub fn command(self) -> Result<RegisterInput, ValidationErrors> {
        let mut read = Read::default();
        let identity = match identity_in(&mut read, self.identity.clone(), Field::Identity) {
            Some(identity) => identity,
            None => {
                if self.identity.is_none() {
                    read.errors.push(FieldError::required(
                        Field::Identity(IdentityPart::Whole),
                        "identity",
                    ));
                }
                IdentityInput::default()
            }
        };
        // Facebook brings its own names; every other provider needs them.
        let facebook = identity.is_facebook();
        let mut name = |value: Text, field: Field, label: &str| match facebook {
            true => read.text(value, field),
            false => read.required_text(value, field, label),
        };
        let first_name = name(self.first_name, Field::FirstName, "First name");
        let last_name = name(self.last_name, Field::LastName, "Last name");
        let input = RegisterInput {
            title: read.text(self.title, Field::Title),
            first_name,
            last_name,
            identity,
            service_acceptance: read
                .flag(self.service_acceptance, Field::Terms)
                .unwrap_or(false),
            email_opt_out: read
                .flag(self.email_opt_out, Field::EmailOptOut)
                .unwrap_or(false),
            sms_opt_out: read
                .flag(self.sms_opt_out, Field::SmsOptOut)
                .unwrap_or(false),
            language_code: read.text(self.language_code, Field::LanguageCode),
            agreement: Default::default(),
        };
        // Type errors first: the service would only repeat them less precisely.
        read.finish()?;
        Ok(input)
    }
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct Credential {
    /// EMAIL or PHONE.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub name: Text,
    /// The email, or the phone number in E.164.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub value: Text,
}

pub type Credentials = Option<Lenient<Vec<Lenient<Credential>>>>;

/// The first credential of `credentials: [{name, value}]` as an identity.
pub fn credential(read: &mut Read, credentials: Credentials) -> Option<Identity> {
    let sent_some = matches!(&credentials, Some(Lenient::Given(list)) if !list.is_empty());
    let list = read.list(credentials, Field::Credential(CredentialPart::List), |i| {
        Field::Credential(CredentialPart::Item(u16::try_from(i).unwrap_or(u16::MAX)))
    })?;
    let Some(first) = list.into_iter().next() else {
        // (Elements that are not credentials were named already.)
        if !sent_some {
            read.errors.push(FieldError::required(
                Field::Credential(CredentialPart::List),
                "credentials",
            ));
        }
        return None;
    };
    let name = read.required_text(
        first.name,
        Field::Credential(CredentialPart::Name),
        "Credential name",
    );
    let value = read.required_text(
        first.value,
        Field::Credential(CredentialPart::Value),
        "Credential value",
    );
    let (name, value) = (name?, value?);
    read.errors.check(Identity::from_credential(&name, &value))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RequestOtpRequest {
    #[serde(default)]
    #[schema(value_type = Vec<Credential>, required = true)]
    pub credentials: Credentials,
}

impl RequestOtpRequest {
    pub fn command(self) -> Result<Identity, ValidationErrors> {
        let mut read = Read::default();
        let missing = self.credentials.is_none();
        let identity = credential(&mut read, self.credentials);
        if missing {
            read.errors.push(FieldError::required(
                Field::Credential(CredentialPart::List),
                "credentials",
            ));
        }
        read.finish()?;
        identity.ok_or_else(|| {
            FieldError::required(Field::Credential(CredentialPart::List), "credentials").into()
        })
    }
}

/// A malformed code is just a wrong code to the caller (but costs no try).
pub fn code_in(read: &mut Read, value: Text) -> Result<Option<OtpCode>, CodeError> {
    match read.required_text(value, Field::Code, "Code") {
        None => Ok(None),
        Some(raw) => match typed_code(Field::Code, &raw) {
            Ok(code) => Ok(Some(code)),
            Err(CodeError::Validation(missing)) => {
                read.errors.0.extend(missing.0);
                Ok(None)
            }
            Err(other) => Err(other),
        },
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ValidateOtpRequest {
    /// The `auth_otp` the code was sent with (or `credentials`: the newest sign-in code).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub auth_otp: Text,
    #[serde(default)]
    #[schema(value_type = Option<Vec<Credential>>)]
    pub credentials: Credentials,
    /// The 6 digits.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub code: Text,
}

/// What `validate-otp` answers when it cannot tell which code or which digits were meant.
pub enum ValidateError {
    Invalid(ValidationErrors),
    /// A code that cannot be six digits: a wrong code to the caller.
    Code(CodeError),
}

impl<S> From<ValidateError> for crate::api::problem::ApiError<S> {
    fn from(error: ValidateError) -> Self {
        match error {
            ValidateError::Invalid(errors) => errors.into(),
            ValidateError::Code(error) => error.into(),
        }
    }
}

impl ValidateOtpRequest {
    /// Which code (by `auth_otp`, else by `credentials`) and the code typed.
    pub fn command(self) -> Result<(OtpLookup, OtpCode), ValidateError> {
        let mut read = Read::default();
        let handle = read
            .text(self.auth_otp, Field::Handle)
            .filter(|h| !h.trim().is_empty());
        let lookup = match handle {
            Some(handle) => Some(OtpLookup::Handle(handle)),
            None if self.credentials.is_some() => {
                credential(&mut read, self.credentials).map(OtpLookup::Identity)
            }
            None => {
                read.errors.push(FieldError::new(
                    Field::Handle,
                    "REQUIRED",
                    "Send auth_otp or credentials",
                ));
                None
            }
        };
        let code = code_in(&mut read, self.code);
        read.finish().map_err(ValidateError::Invalid)?;
        match (lookup, code.map_err(ValidateError::Code)?) {
            (Some(lookup), Some(code)) => Ok((lookup, code)),
            _ => Err(ValidateError::Invalid(
                FieldError::required(Field::Code, "Code").into(),
            )),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AuthenticateRequest {
    /// EMAIL (with a password) or FACEBOOK (with a token).
    #[serde(default)]
    #[schema(value_type = crate::domain::Provider, required = true)]
    pub provider: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Text,
    /// The same as `email` (CRM.COM's name for it).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub username: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub password: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub token: Text,
    /// FACEBOOK, someone new: must be true for an account to be made.
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub service_acceptance: Bool,
}

impl AuthenticateRequest {
    pub fn command(self) -> Result<SignInAttempt, ValidationErrors> {
        let mut read = Read::default();
        let at = Field::SignIn;
        let mut input = IdentityInput {
            provider: read.required_text(self.provider, at(IdentityPart::Provider), "Provider"),
            email: read.text(self.email, at(IdentityPart::Email)),
            password: read.text(self.password, at(IdentityPart::Password)),
            token: read.text(self.token, at(IdentityPart::Token)),
            ..Default::default()
        };
        // CRM.COM's apps name the email `username`.
        let username = read.text(self.username, Field::Username);
        input.email = input.email.or(username);
        // Signing in needs no terms; signing someone new up through here does.
        let terms = read
            .flag(self.service_acceptance, Field::Terms)
            .unwrap_or(false);
        read.finish()?;
        Ok(SignInAttempt::from_input(input, terms, false))
    }
}

/// The refresh token in the body, or in a `refresh_token` header with no body at all.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RefreshRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub refresh_token: Text,
}

impl RefreshRequest {
    /// The token in the body, if any (a header may carry it instead).
    pub fn token(self) -> Result<Option<String>, ValidationErrors> {
        let mut read = Read::default();
        let token = read.text(self.refresh_token, Field::RefreshToken);
        read.finish()?;
        Ok(token)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ProfileUpdateRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub first_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub last_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub email_opt_out: Bool,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub sms_opt_out: Bool,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub avatar: Patch<String>,
    /// ISO 639-1 (EN, EL, …), any case; kept upper-case.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub language_code: Text,
    /// Refused (`READ_ONLY`): credentials change through their own calls.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub password: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub identity: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub credentials: Option<serde_json::Value>,
    /// Refused (`READ_ONLY`): id, code, email and phone are the contact's identity.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub id: Option<serde_json::Value>,
    /// Refused, as `id`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub code: Option<serde_json::Value>,
    /// Refused, as `id`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub email: Option<serde_json::Value>,
    /// Refused, as `id`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub phone: Option<serde_json::Value>,
}

impl ProfileUpdateRequest {
    pub fn command(self) -> Result<ProfileUpdate, ValidationErrors> {
        let mut read = Read::default();
        for (value, key) in [
            (&self.password, "password"),
            (&self.identity, "identity"),
            (&self.credentials, "credentials"),
            (&self.id, "id"),
            (&self.code, "code"),
            (&self.email, "email"),
            (&self.phone, "phone"),
        ] {
            read.refuse(value, key, "READ_ONLY", "cannot be changed here");
        }
        let cleared_name = |p: &Patch<String>| matches!(p, Patch::Null);
        let (first_cleared, last_cleared) = (
            cleared_name(&self.first_name),
            cleared_name(&self.last_name),
        );
        let update = ProfileUpdate {
            title: read.patch_text(self.title, Field::Title),
            first_name: read.patch_text(self.first_name, Field::FirstName).flatten(),
            last_name: read.patch_text(self.last_name, Field::LastName).flatten(),
            email_opt_out: read.flag(self.email_opt_out, Field::EmailOptOut),
            sms_opt_out: read.flag(self.sms_opt_out, Field::SmsOptOut),
            avatar: read.patch_text(self.avatar, Field::Avatar),
            language_code: read.text(self.language_code, Field::LanguageCode),
        };
        if first_cleared {
            read.errors
                .push(FieldError::required(Field::FirstName, "First name"));
        }
        if last_cleared {
            read.errors
                .push(FieldError::required(Field::LastName, "Last name"));
        }
        read.finish()?;
        Ok(update)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    /// Required when the contact has a password already (v2: not in CRM.COM's document;
    /// without it a stolen access token could take the account over for good).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub current_password: Text,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub password: Text,
}

impl ChangePasswordRequest {
    /// `(current, new)`.
    pub fn command(self) -> Result<(String, String), ValidationErrors> {
        let mut read = Read::default();
        let current = read
            .text(self.current_password, Field::CurrentPassword)
            .unwrap_or_default();
        let password = read.required_text(self.password, Field::Password, "Password");
        read.finish()?;
        Ok((current, password.unwrap_or_default()))
    }
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct IdentificationItem {
    /// EMAIL, PHONE, CODE or LAST_NAME.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub name: Text,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub value: Text,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ClaimRequest {
    #[serde(default)]
    #[schema(value_type = Vec<IdentificationItem>, required = true)]
    pub identification: Option<Lenient<Vec<Lenient<IdentificationItem>>>>,
    #[serde(default)]
    #[schema(value_type = IdentityRequest, required = true)]
    pub identity: Option<Lenient<IdentityRequest>>,
}

impl ClaimRequest {
    /// Who the customer says they are, and the identity they want.
    pub fn command(self) -> Result<(Identification, IdentityInput), ValidationErrors> {
        let mut read = Read::default();
        let whole =
            |i: usize| Field::Identification(u16::try_from(i).ok(), IdentificationPart::Whole);
        let items = read
            .list(
                self.identification,
                Field::Identification(None, IdentificationPart::Whole),
                whole,
            )
            .unwrap_or_default();
        let mut pairs = Vec::new();
        // (A missing identification is reported once, by `Identification::parse`.)
        for (i, item) in items.into_iter().enumerate() {
            let at = |part| Field::Identification(u16::try_from(i).ok(), part);
            let name = read.required_text(
                item.name,
                at(IdentificationPart::Name),
                "Identification name",
            );
            let value = read.required_text(
                item.value,
                at(IdentificationPart::Value),
                "Identification value",
            );
            if let (Some(name), Some(value)) = (name, value) {
                pairs.push((name, value));
            }
        }
        let identity = match identity_in(&mut read, self.identity.clone(), Field::ClaimIdentity) {
            Some(identity) => identity,
            None => {
                if self.identity.is_none() {
                    read.errors.push(FieldError::required(
                        Field::ClaimIdentity(IdentityPart::Whole),
                        "identity",
                    ));
                }
                IdentityInput::default()
            }
        };
        let who = Identification::parse(&pairs, &mut read.errors);
        read.finish()?;
        Ok((who, identity))
    }
}

/// Adding an identity: the body is the identity itself.
pub fn new_identity(body: IdentityRequest) -> Result<IdentityInput, ValidationErrors> {
    let mut read = Read::default();
    let input = body.input(&mut read, Field::NewIdentity);
    read.finish()?;
    Ok(input)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub email: Text,
}

impl ForgotPasswordRequest {
    pub fn command(self) -> Result<String, ValidationErrors> {
        let mut read = Read::default();
        let email = read.required_text(self.email, Field::SignIn(IdentityPart::Email), "Email");
        read.finish()?;
        Ok(email.unwrap_or_default())
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub auth_otp: Text,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub code: Text,
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub password: Text,
}

impl ResetPasswordRequest {
    /// `(handle, code, new password)`.
    pub fn command(self) -> Result<(String, OtpCode, String), ValidateError> {
        let mut read = Read::default();
        let handle = read.required_text(self.auth_otp, Field::Handle, "auth_otp");
        let password = read.required_text(self.password, Field::Password, "Password");
        let code = code_in(&mut read, self.code);
        read.finish().map_err(ValidateError::Invalid)?;
        match (handle, password, code.map_err(ValidateError::Code)?) {
            (Some(handle), Some(password), Some(code)) => Ok((handle, code, password)),
            _ => Err(ValidateError::Invalid(
                FieldError::required(Field::Code, "Code").into(),
            )),
        }
    }
}
