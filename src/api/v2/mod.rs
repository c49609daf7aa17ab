//! `/self-service/v2/*`: CRM.COM's Self-Service v2 paths and shapes, for the apps and SDKs
//! written against it (README, "CRM.COM compatibility"). An adapter like v1: the same services
//! underneath, no rule and no SQL of its own. Calls before sign-in carry the `api_key` header;
//! signed-in calls carry only `Authorization: Bearer`, and a `{id}` in the path must be the
//! signed-in contact's own.

mod shapes;

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::bodies::{page_number, MAX_PAGE};
use crate::services::contacts::backoffice::MAX_PAGE_SIZE;

use self::shapes::{
    identification, refuse_unkept, renamed, Contact, Id, IdentityAdded, OrganisationName,
    OrganisationPage, OtpSent, Paging, TokenResponse, IDENTITY_FIELDS,
};
use super::{
    bodies,
    body::{Fields, JsonBody, OptionalJsonBody},
    client::{
        bearer, check_self_service_key_if_sent, require_self_service_key, BearerCustomer,
        BearerSignIn, BearerToken, ClientIp,
    },
    openapi::Problem,
    problem::{signed_out, ApiError, ApiResult},
};
use crate::{
    domain::{FieldError, Identity, Provider, ValidationErrors},
    services::{
        auth::{facebook::FacebookOutcome, IdentityInput, OtpLookup, RegisterInput},
        contacts::ProfileUpdate,
        Core, ServiceError,
    },
};

const TAG: &str = "Self-Service v2";

pub fn router(core: Core) -> OpenApiRouter {
    let keyed = OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(request_otp))
        .routes(routes!(validate_otp))
        .routes(routes!(authenticate))
        .routes(routes!(forgot_password))
        .layer(middleware::from_fn_with_state(
            core.clone(),
            require_self_service_key,
        ));
    // The token (access, refresh or reset) is the credential here.
    let tokened = OpenApiRouter::new()
        .routes(routes!(refresh))
        .routes(routes!(change_forgotten_password))
        .routes(routes!(get_contact, update_contact, unregister))
        .routes(routes!(sign_out))
        .routes(routes!(add_identity))
        .routes(routes!(remove_identity))
        .routes(routes!(organisations))
        .routes(routes!(change_password))
        .layer(middleware::from_fn_with_state(
            core.clone(),
            check_self_service_key_if_sent,
        ));
    keyed
        .merge(tokened)
        .fallback(|| async { ApiError::NotFound })
        .with_state(core)
}

/// Register's v2 names for the fields the services report by their v1 names.
const REGISTER_FIELDS: &[(&str, &str)] = &[
    ("identity.phone_number", "identification.phone.number"),
    ("identity.country_code", "identification.phone.country_code"),
    ("identity", "identification"),
    ("service_acceptance", "accept_terms_&_conditions"),
];

#[derive(ToSchema)]
#[schema(as = IdentificationV2)]
#[allow(dead_code)]
struct Identification {
    /// EMAIL, PHONE or FACEBOOK.
    provider: Provider,
    email: Option<String>,
    /// EMAIL only: set once the email is proven.
    password: Option<String>,
    phone: Option<PhoneIn>,
    /// FACEBOOK: a Facebook access token.
    token: Option<String>,
}

#[derive(ToSchema)]
#[schema(as = PhoneInV2)]
#[allow(dead_code)]
struct PhoneIn {
    number: String,
    /// ISO 3166-1 alpha-3.
    country_code: String,
}

#[derive(ToSchema)]
#[schema(as = RegisterRequestV2)]
#[allow(dead_code)]
struct RegisterRequest {
    first_name: Option<String>,
    last_name: Option<String>,
    identification: Identification,
    /// Defaults to true (CRM.COM's default); `false` is refused.
    #[schema(rename = "accept_terms_&_conditions")]
    accept_terms: Option<bool>,
    email_opt_out: Option<bool>,
    sms_opt_out: Option<bool>,
}

#[utoipa::path(post, path = "/contacts/register", tag = TAG, security(("api_key" = [])),
    summary = "Register Contact (a code is sent to prove the identity)",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "A code is on its way (`auth_otp`), or FACEBOOK: signed up (tokens)", body = OtpSent),
    ))]
async fn register(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let identity = match fields.object("identification", &mut errors) {
        Some(given) => identification(&given, &mut errors),
        None => {
            if !fields.has("identification") {
                errors.push(FieldError::required("identification", "identification"));
            }
            IdentityInput::default()
        }
    };
    let facebook = bodies::is_facebook(&identity);
    let name = |key: &str, label: &str, errors: &mut ValidationErrors| match facebook {
        true => fields.string(key, errors),
        false => fields.required_string(key, label, errors),
    };
    let input = RegisterInput {
        title: None,
        first_name: name("first_name", "First name", &mut errors),
        last_name: name("last_name", "Last name", &mut errors),
        identity,
        service_acceptance: fields
            .boolean("accept_terms_&_conditions", &mut errors)
            .unwrap_or(true),
        email_opt_out: fields
            .boolean("email_opt_out", &mut errors)
            .unwrap_or(false),
        sms_opt_out: fields.boolean("sms_opt_out", &mut errors).unwrap_or(false),
    };
    refuse_unkept(
        &body,
        &[
            "custom_fields",
            "language_code",
            "referral_code",
            "pass_code",
            "pass_pin",
            "country_of_agreement",
        ],
        &mut errors,
    );
    errors.into_result()?;
    if facebook {
        let token = input.identity.token.clone().unwrap_or_default();
        return facebook_answer(&core, &token, input.service_acceptance, ip.as_deref())
            .await
            .map_err(|e| renamed(e, REGISTER_FIELDS));
    }
    let challenge = core
        .register(input, ip.as_deref())
        .await
        .map_err(|e| renamed(e.into(), REGISTER_FIELDS))?;
    Ok((StatusCode::CREATED, Json(OtpSent::from(challenge))).into_response())
}

/// Signed up or in with Facebook: 201 with tokens, or with an `auth_otp` when the email on file
/// must be proven first.
async fn facebook_answer(
    core: &Core,
    token: &str,
    terms: bool,
    ip: Option<&str>,
) -> ApiResult<Response> {
    if token.trim().is_empty() {
        return Err(ValidationErrors::from(FieldError::required(
            "identification.token",
            "Facebook access token",
        ))
        .into());
    }
    match core.facebook_sign_in(token.trim(), true, terms, ip).await? {
        FacebookOutcome::SignedIn(auth) => {
            Ok((StatusCode::CREATED, Json(TokenResponse::of(*auth)?)).into_response())
        }
        FacebookOutcome::ProveEmail(challenge) => {
            Ok((StatusCode::CREATED, Json(OtpSent::from(challenge))).into_response())
        }
        FacebookOutcome::AcceptTerms(_) => Err(ValidationErrors::from(FieldError::new(
            "accept_terms_&_conditions",
            "TERMS_NOT_ACCEPTED",
            "You must accept the terms of service",
        ))
        .into()),
    }
}

#[derive(ToSchema)]
#[schema(as = CredentialV2)]
#[allow(dead_code)]
struct Credential {
    /// EMAIL, PHONE, or AUTH_OTP (a new code for the same purpose as an earlier one).
    name: String,
    /// The email, the phone in E.164, or the earlier `auth_otp`.
    value: String,
}

#[derive(ToSchema)]
#[schema(as = OtpRequestV2)]
#[allow(dead_code)]
struct OtpRequest {
    /// EMAIL or SMS: the channel of the credential (a code goes to what was typed).
    method: Option<String>,
    credentials: Vec<Credential>,
}

#[utoipa::path(post, path = "/contacts/otp", tag = TAG, security(("api_key" = [])),
    summary = "Request One Time Password (the same answer whether or not the contact exists)",
    request_body = OtpRequest,
    responses((status = 200, body = OtpSent)))]
async fn request_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<OtpSent>> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let method = fields.string("method", &mut errors);
    let first = fields
        .objects("credentials", &mut errors)
        .and_then(|list| list.into_iter().next());
    if first.is_none() {
        errors.push(FieldError::required("credentials", "credentials"));
    }
    std::mem::take(&mut errors).into_result()?;
    let name = first
        .as_ref()
        .and_then(|c| c.string("name", &mut errors))
        .unwrap_or_default();
    if name.trim().eq_ignore_ascii_case("AUTH_OTP") {
        let handle = first
            .as_ref()
            .and_then(|c| c.required_string("value", "Credential value", &mut errors));
        std::mem::take(&mut errors).into_result()?;
        let challenge = core
            .resend_code(&handle.unwrap_or_default(), ip.as_deref())
            .await?;
        return Ok(Json(challenge.into()));
    }
    let identity = bodies::credential(&fields, &mut errors);
    if let (Some(method), Some(identity)) = (&method, &identity) {
        let expected = match identity {
            Identity::Email(_) => "EMAIL",
            Identity::Phone(_) => "SMS",
        };
        if !method.trim().eq_ignore_ascii_case(expected) {
            errors.push(FieldError::new(
                "method",
                "INVALID_VALUE",
                format!(
                    "method must be {expected} for this credential: a code goes to what was typed"
                ),
            ));
        }
    }
    errors.into_result()?;
    let identity = identity.ok_or_else(|| {
        ValidationErrors::from(FieldError::required("credentials", "credentials"))
    })?;
    Ok(Json(
        core.request_otp(identity, ip.as_deref()).await?.into(),
    ))
}

#[derive(ToSchema)]
#[schema(as = ValidateOtpRequestV2)]
#[allow(dead_code)]
struct ValidateOtpRequest {
    /// The 6 digits.
    code: String,
    /// The `auth_otp` the code was sent with.
    auth_otp: String,
}

#[utoipa::path(post, path = "/contacts/validate_otp", tag = TAG, security(("api_key" = [])),
    summary = "Validate One Time Password: signs in (or attaches the identity it was sent for)",
    request_body = ValidateOtpRequest,
    responses((status = 200, body = TokenResponse)))]
async fn validate_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenResponse>> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let handle = fields.required_string("auth_otp", "auth_otp", &mut errors);
    let code = bodies::parse_code("code", fields.string("code", &mut errors), &mut errors);
    errors.into_result()?;
    let (Some(handle), Some(code)) = (handle, code?) else {
        return Err(ApiError::MalformedJson(
            "auth_otp and code are required".into(),
        ));
    };
    let auth = core
        .validate_otp(OtpLookup::Handle(handle), code, true, ip.as_deref())
        .await?;
    Ok(Json(TokenResponse::of(auth)?))
}

#[derive(ToSchema)]
#[schema(as = AuthenticateRequestV2)]
#[allow(dead_code)]
struct AuthenticateRequest {
    /// EMAIL (with `password`: signs in; without: sends a code), PHONE (sends a code) or
    /// FACEBOOK (with `token`).
    provider: Provider,
    /// The email (EMAIL), or the phone in E.164 (PHONE, when `phone` is not sent).
    username: Option<String>,
    password: Option<String>,
    token: Option<String>,
    phone: Option<PhoneIn>,
}

#[utoipa::path(post, path = "/contacts/authenticate", tag = TAG, security(("api_key" = [])),
    summary = "Contact Authentication",
    request_body = AuthenticateRequest,
    responses(
        (status = 200, description = "Signed in (tokens), or a code is on its way (`auth_otp`)", body = TokenResponse),
    ))]
async fn authenticate(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let provider = fields.required_string("provider", "Provider", &mut errors);
    let username = fields.string("username", &mut errors);
    let password = fields
        .string("password", &mut errors)
        .filter(|p| !p.is_empty());
    let token = fields.string("token", &mut errors);
    let phone = fields.object("phone", &mut errors);
    let phone_number = phone.as_ref().and_then(|p| p.string("number", &mut errors));
    let country_code = phone
        .as_ref()
        .and_then(|p| p.string("country_code", &mut errors));
    if matches!(
        body.get("login_as_guest"),
        Some(serde_json::Value::Bool(true))
    ) {
        errors.push(FieldError::new(
            "login_as_guest",
            "UNSUPPORTED",
            "this portal has no guest sign-in",
        ));
    }
    errors.into_result()?;
    let provider = Provider::parse("provider", provider.as_deref().unwrap_or_default())
        .map_err(ValidationErrors::from)?;
    let renames: &[(&str, &str)] = &[
        ("email", "username"),
        ("phone_number", "phone.number"),
        ("country_code", "phone.country_code"),
    ];
    match provider {
        Provider::Facebook => {
            let mut answer = facebook_answer(
                &core,
                token.as_deref().unwrap_or_default(),
                false,
                ip.as_deref(),
            )
            .await?;
            *answer.status_mut() = StatusCode::OK;
            Ok(answer)
        }
        Provider::Email if password.is_some() => {
            let input = IdentityInput {
                provider: Some("EMAIL".into()),
                email: username,
                password,
                ..Default::default()
            };
            let auth = core
                .authenticate_password(input, true, ip.as_deref())
                .await
                .map_err(|e| renamed(e.into(), renames))?;
            Ok(Json(TokenResponse::of(auth)?).into_response())
        }
        Provider::Email | Provider::Phone => {
            let input = IdentityInput {
                provider: Some(provider.as_str().into()),
                email: username.clone().filter(|_| provider == Provider::Email),
                phone_number: phone_number
                    .or_else(|| username.filter(|_| provider == Provider::Phone)),
                country_code,
                ..Default::default()
            };
            let mut errors = ValidationErrors::default();
            let identity = input.parse("", &mut errors).map(|parsed| parsed.identity);
            errors
                .into_result()
                .map_err(|e| renamed(e.into(), renames))?;
            let identity = identity.ok_or_else(|| {
                ValidationErrors::from(FieldError::required("username", "username"))
            })?;
            let sent = core.request_otp(identity, ip.as_deref()).await?;
            Ok(Json(OtpSent::from(sent)).into_response())
        }
    }
}

#[utoipa::path(post, path = "/contacts/refresh", tag = TAG, security(("bearer" = [])),
    summary = "Refresh Contact Token: `Authorization: Bearer <refresh token>`",
    params(("refresh_token" = Option<String>, Header, description = "The refresh token, instead of the Authorization header")),
    request_body(content = Option<crate::api::schemas::RefreshRequest>),
    responses((status = 200, body = TokenResponse)))]
async fn refresh(
    State(core): State<Core>,
    headers: HeaderMap,
    OptionalJsonBody(body): OptionalJsonBody,
) -> ApiResult<Json<TokenResponse>> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let in_body = fields.string("refresh_token", &mut errors);
    errors.into_result()?;
    let token = in_body
        .or_else(|| {
            headers
                .get("refresh_token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .or_else(|| bearer(&headers).map(str::to_owned))
        .filter(|t| !t.trim().is_empty())
        .ok_or(ServiceError::InvalidRefreshToken)?;
    Ok(Json(TokenResponse::of(core.refresh(&token).await?)?))
}

#[utoipa::path(get, path = "/contacts/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Get Contact (the signed-in contact's own only)",
    responses((status = 200, body = Contact), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
async fn get_contact(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    customer.require_self(&id)?;
    let profile = core.profile(&customer).await.map_err(signed_out)?;
    Ok(Json(profile.contact.into()))
}

#[derive(ToSchema)]
#[schema(as = ContactUpdateV2)]
#[allow(dead_code)]
struct ContactUpdate {
    first_name: Option<String>,
    last_name: Option<String>,
    sms_opt_out: Option<bool>,
    email_opt_out: Option<bool>,
}

#[utoipa::path(put, path = "/contacts/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Update Contact (names and preferences; emails and phones change through identities)",
    request_body = ContactUpdate,
    responses((status = 200, body = Id), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
async fn update_contact(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Id>> {
    customer.require_self(&id)?;
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    if let Some(given) = fields.string("id", &mut errors) {
        if given != id {
            errors.push(FieldError::new("id", "READ_ONLY", "id cannot be changed"));
        }
    }
    for read_only in ["email", "phone"] {
        if fields.has(read_only) {
            errors.push(FieldError::new(
                read_only,
                "READ_ONLY",
                format!("{read_only} changes through contacts/{{id}}/identities"),
            ));
        }
    }
    refuse_unkept(
        &body,
        &[
            "middle_name",
            "language_code",
            "demographics",
            "custom_fields",
            "company_name",
            "company_profile",
        ],
        &mut errors,
    );
    let update = ProfileUpdate {
        title: None,
        first_name: fields.string("first_name", &mut errors),
        last_name: fields.string("last_name", &mut errors),
        email_opt_out: fields.boolean("email_opt_out", &mut errors),
        sms_opt_out: fields.boolean("sms_opt_out", &mut errors),
        avatar: None,
    };
    errors.into_result()?;
    let profile = core
        .update_profile(&customer, update)
        .await
        .map_err(signed_out)?;
    Ok(Json(Id {
        id: profile.contact.id,
    }))
}

#[utoipa::path(delete, path = "/contacts/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Unregister Contact: the account and everything it held end at once",
    responses((status = 200, description = "Unregistered"), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
async fn unregister(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    core.unregister(&customer, &id).await.map_err(signed_out)?;
    Ok(StatusCode::OK)
}

#[utoipa::path(post, path = "/contacts/{id}/sign_out", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Sign Out Contact: ends the sign-in the access token belongs to",
    request_body(content = Option<Object>),
    responses((status = 204, description = "Signed out"), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
async fn sign_out(
    State(core): State<Core>,
    BearerToken(token): BearerToken,
    Path(id): Path<String>,
    OptionalJsonBody(_): OptionalJsonBody,
) -> ApiResult<StatusCode> {
    core.sign_out_access_token(&token, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/{id}/identities", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Add Contact Identity (attached once the code sent to it is validated with `auth_otp`)",
    request_body = Identification,
    responses(
        (status = 201, body = IdentityAdded),
        (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "IDENTITY_TAKEN", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_identity(
    State(core): State<Core>,
    BearerSignIn(signed_in): BearerSignIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<IdentityAdded>)> {
    signed_in.customer.require_self(&id)?;
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let identity = identification(&fields, &mut errors);
    errors.into_result()?;
    let added = core
        .add_identity(&signed_in, identity, ip.as_deref())
        .await
        .map_err(signed_out)
        .map_err(|e| renamed(e.into(), IDENTITY_FIELDS))?;
    Ok((
        StatusCode::CREATED,
        Json(IdentityAdded {
            id: added.identity_id,
            auth_otp: added.challenge.auth_otp,
            obfuscated_value: added.challenge.obfuscated_value,
        }),
    ))
}

#[utoipa::path(delete, path = "/contacts/{id}/identities/{identity_id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id"),
           ("identity_id" = String, Path, description = "The identity's id")),
    summary = "Remove Contact Identity (not in CRM.COM's document; not the last one)",
    responses(
        (status = 204, description = "Removed; the email and phone on file are told"),
        (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "IDENTITY_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_identity(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path((id, identity_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    customer.require_self(&id)?;
    core.remove_identity(&customer, &identity_id)
        .await
        .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
struct PageQuery {
    /// From 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    page: Option<String>,
    /// From 1 to 100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    size: Option<String>,
}

#[utoipa::path(get, path = "/contacts/{id}/organisations", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id"), PageQuery),
    summary = "Get Contact Organisations",
    responses((status = 200, body = OrganisationPage), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
async fn organisations(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<OrganisationPage>> {
    customer.require_self(&id)?;
    let mut errors = ValidationErrors::default();
    let page = page_number("page", query.page.as_deref(), 1, MAX_PAGE, &mut errors);
    let size = page_number(
        "size",
        query.size.as_deref(),
        20,
        MAX_PAGE_SIZE,
        &mut errors,
    );
    errors.into_result()?;
    let all = core
        .profile(&customer)
        .await
        .map_err(signed_out)?
        .organisations;
    let total = all.len() as i64;
    let content: Vec<OrganisationName> = all
        .into_iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|o| OrganisationName {
            id: o.id,
            name: o.name,
        })
        .collect();
    Ok(Json(OrganisationPage {
        paging: Paging {
            page,
            size,
            total,
            has_more: page * size < total,
        },
        content,
    }))
}

#[derive(ToSchema)]
#[schema(as = ForgotPasswordRequestV2)]
#[allow(dead_code)]
struct ForgotPasswordRequest {
    /// The email.
    username: String,
}

#[utoipa::path(post, path = "/contacts/forgot_password", tag = TAG, security(("api_key" = [])),
    summary = "Forgot Password: sends a reset code and token to the email (the same answer whether or not it is on file)",
    request_body = ForgotPasswordRequest,
    responses((status = 204, description = "Sent, if the email is on file")))]
async fn forgot_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let email = fields.required_string("username", "Username", &mut errors);
    errors.into_result()?;
    core.forgot_password(&email.unwrap_or_default(), ip.as_deref())
        .await
        .map_err(|e| renamed(e.into(), &[("email", "username")]))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(ToSchema)]
#[schema(as = ChangeForgottenPasswordRequestV2)]
#[allow(dead_code)]
struct ChangeForgottenPasswordRequest {
    /// The reset token of the reset message.
    token: String,
    password: String,
}

#[utoipa::path(post, path = "/contacts/change_password", tag = TAG, security((), ("api_key" = [])),
    summary = "Change Forgotten Password with the reset token (every sign-in ends)",
    request_body = ChangeForgottenPasswordRequest,
    responses((status = 204, description = "Changed")))]
async fn change_forgotten_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let token = fields.required_string("token", "Reset token", &mut errors);
    let password = fields.required_string("password", "Password", &mut errors);
    errors.into_result()?;
    core.reset_password_by_token(
        &token.unwrap_or_default(),
        password.unwrap_or_default(),
        ip.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(ToSchema)]
#[schema(as = ChangePasswordRequestV2)]
#[allow(dead_code)]
struct ChangePasswordRequest {
    password: String,
    /// Required when the contact has a password already (not in CRM.COM's document: without
    /// it a stolen access token could take the account over for good).
    current_password: Option<String>,
}

#[utoipa::path(post, path = "/contacts/{id}/change_password", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Change Password (every other sign-in ends)",
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed"), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
async fn change_password(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    customer.require_self(&id)?;
    super::self_service::set_password(&core, &customer, ip.as_deref(), &body).await
}
