//! `/self-service/v1/*`: what a customer's app calls (README, "The APIs").

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    bodies,
    body::{Fields, JsonBody, OptionalJsonBody},
    client::{
        check_self_service_key_if_sent, require_self_service_key, BearerCustomer, BearerSignIn,
        ClientIp,
    },
    openapi::Problem,
    problem::{signed_out, ApiError, ApiResult},
    schemas,
};
use crate::{
    domain::{FieldError, ValidationErrors},
    services::{
        auth::{otp::OtpChallenge, Authenticated},
        contacts::ProfileUpdate,
        Core,
    },
    views::{ContactSummary, OrganisationView, Profile},
};

/// The calls an app makes before anyone is signed in carry a live self-service key; signed-in
/// calls need only the access token (an `api_key` sent along must still be live).
pub fn router(core: Core) -> OpenApiRouter {
    let keyed = OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(request_otp))
        .routes(routes!(validate_otp))
        .routes(routes!(authenticate))
        .routes(routes!(refresh_token))
        .routes(routes!(sign_out))
        .routes(routes!(claim))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        .layer(middleware::from_fn_with_state(
            core.clone(),
            require_self_service_key,
        ));
    let signed_in = OpenApiRouter::new()
        .routes(routes!(me, update_me))
        .routes(routes!(change_password))
        .routes(routes!(add_identity))
        .routes(routes!(remove_identity))
        .routes(routes!(sign_out_everywhere))
        .layer(middleware::from_fn_with_state(
            core.clone(),
            check_self_service_key_if_sent,
        ));
    keyed
        .merge(signed_in)
        .fallback(|| async { ApiError::NotFound })
        .with_state(core)
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub contact: ContactSummary,
    pub organisations: Vec<OrganisationView>,
    /// The new sign-in's tokens; absent when the code attached an identity to a sign-in that is
    /// already live (it signs nobody in anew).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub access_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub refresh_token: Option<String>,
    /// When the access token expires, epoch milliseconds (with the tokens only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub exp: Option<i64>,
    /// After a claim that asked for a new identity: validate this `auth_otp` with the code sent
    /// to it to attach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub pending_identity: Option<OtpChallenge>,
}

fn token_response(auth: Authenticated) -> ApiResult<Json<TokenResponse>> {
    let tokens = auth.tokens;
    Ok(Json(TokenResponse {
        contact: auth.contact,
        organisations: auth.organisations,
        exp: tokens.as_ref().map(|t| t.expires_at_ms),
        access_token: tokens.as_ref().map(|t| t.access_token.clone()),
        refresh_token: tokens.map(|t| t.refresh_token),
        pending_identity: auth.pending_identity,
    }))
}

#[utoipa::path(post, path = "/contacts/register", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Register a contact (a code is sent to prove the identity)",
    request_body = schemas::RegisterRequest,
    responses(
        (status = 202, description = "A code is on its way (every provider but FACEBOOK)", body = schemas::OtpRequired),
        (status = 201, description = "FACEBOOK: signed up", body = TokenResponse),
    ))]
async fn register(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let input = bodies::register(&body)?;
    let is_facebook = bodies::is_facebook(&input.identity);
    if is_facebook {
        return facebook(
            &core,
            input.identity.token.as_deref(),
            input.service_acceptance,
            ip.as_deref(),
        )
        .await;
    }
    let challenge = core.register(input, ip.as_deref()).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({
            "otp_required": true,
            "auth_otp": challenge.auth_otp,
            "obfuscated_value": challenge.obfuscated_value,
        })),
    )
        .into_response())
}

#[utoipa::path(post, path = "/contacts/request-otp", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Send a sign-in code (the answer is the same whether or not the contact exists)",
    request_body = schemas::RequestOtpRequest,
    responses((status = 202, body = schemas::AuthOtp)))]
async fn request_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let identity = bodies::credential(&fields, &mut errors);
    if identity.is_none() && !fields.has("credentials") {
        errors.push(FieldError::required("credentials", "credentials"));
    }
    errors.into_result()?;
    let identity = identity.ok_or_else(|| {
        ValidationErrors::from(FieldError::required("credentials", "credentials"))
    })?;
    let challenge = core.request_otp(identity, ip.as_deref()).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "auth_otp": challenge.auth_otp })),
    )
        .into_response())
}

#[utoipa::path(post, path = "/contacts/validate-otp", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Validate a code: signs in (or attaches the identity it was sent for)",
    request_body = schemas::ValidateOtpRequest,
    responses((status = 200, body = TokenResponse)))]
async fn validate_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenResponse>> {
    let (lookup, code) = bodies::validate_otp(&body)?;
    token_response(core.validate_otp(lookup, code, true, ip.as_deref()).await?)
}

#[utoipa::path(post, path = "/contacts/authenticate", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Sign in with email + password, or a Facebook token",
    request_body = schemas::AuthenticateRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 202, description = "FACEBOOK: the email on file must be proven first", body = schemas::OtpRequired),
    ))]
async fn authenticate(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let mut input = bodies::identity_input(&fields, &mut errors);
    // CRM.COM's apps name the email `username`.
    if input.email.is_none() {
        input.email = fields.string("username", &mut errors);
    }
    // Signing in needs no terms; signing someone new up through here does.
    let terms = fields
        .boolean("service_acceptance", &mut errors)
        .unwrap_or(false);
    errors.into_result()?;
    if bodies::is_facebook(&input) {
        let mut response = facebook(&core, input.token.as_deref(), terms, ip.as_deref()).await?;
        // Signing in answers 200 (sign-up answers 201).
        if response.status() == StatusCode::CREATED {
            *response.status_mut() = StatusCode::OK;
        }
        return Ok(response);
    }
    Ok(token_response(
        core.authenticate_password(input, true, ip.as_deref())
            .await?,
    )?
    .into_response())
}

/// Sign-up or sign-in with a Facebook access token: 201 with tokens, or 202 when an email already
/// on file must first be proven with a code (then `validate-otp` links Facebook and signs in).
async fn facebook(
    core: &Core,
    token: Option<&str>,
    terms: bool,
    ip: Option<&str>,
) -> ApiResult<Response> {
    use crate::services::auth::facebook::FacebookOutcome;
    let mut errors = ValidationErrors::default();
    let token = token.map(str::trim).filter(|t| !t.is_empty());
    if token.is_none() {
        errors.push(FieldError::required(
            "identity.token",
            "Facebook access token",
        ));
    }
    errors.into_result()?;
    match core
        .facebook_sign_in(token.unwrap_or_default(), true, terms, ip)
        .await?
    {
        // Someone new: no contact without the terms accepted.
        FacebookOutcome::AcceptTerms(_) => Err(ValidationErrors::from(FieldError::new(
            "service_acceptance",
            "TERMS_NOT_ACCEPTED",
            "You must accept the terms of service",
        ))
        .into()),
        FacebookOutcome::SignedIn(auth) => {
            Ok((StatusCode::CREATED, token_response(*auth)?).into_response())
        }
        FacebookOutcome::ProveEmail(challenge) => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({
                "otp_required": true,
                "auth_otp": challenge.auth_otp,
                "obfuscated_value": challenge.obfuscated_value,
            })),
        )
            .into_response()),
    }
}

/// The refresh token from the body, else from a `refresh_token` header (the seed's apps send
/// it there with an empty body).
fn refresh_token_field(
    headers: &HeaderMap,
    body: &serde_json::Map<String, serde_json::Value>,
) -> ApiResult<String> {
    let fields = Fields::new(body);
    let mut errors = ValidationErrors::default();
    let in_body = fields.string("refresh_token", &mut errors);
    errors.into_result()?;
    let in_header = headers
        .get("refresh_token")
        .or_else(|| headers.get("refresh-token"))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    in_body
        .or(in_header)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            ValidationErrors::from(FieldError::required("refresh_token", "refresh_token")).into()
        })
}

#[utoipa::path(post, path = "/contacts/refresh-token", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Swap a refresh token for a new pair",
    params(("refresh_token" = Option<String>, Header, description = "The refresh token, when the body has none")),
    request_body(content = Option<schemas::RefreshRequest>),
    responses((status = 200, body = TokenResponse)))]
async fn refresh_token(
    State(core): State<Core>,
    headers: HeaderMap,
    OptionalJsonBody(body): OptionalJsonBody,
) -> ApiResult<Json<TokenResponse>> {
    let token = refresh_token_field(&headers, &body)?;
    token_response(core.refresh(&token).await?)
}

#[utoipa::path(post, path = "/contacts/sign-out", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "End the sign-in a refresh token belongs to",
    params(("refresh_token" = Option<String>, Header, description = "The refresh token, when the body has none")),
    request_body(content = Option<schemas::RefreshRequest>),
    responses((status = 204, description = "Signed out")))]
async fn sign_out(
    State(core): State<Core>,
    headers: HeaderMap,
    OptionalJsonBody(body): OptionalJsonBody,
) -> ApiResult<StatusCode> {
    let token = refresh_token_field(&headers, &body)?;
    core.sign_out(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/contacts/me", tag = "Self-Service v1", security(("bearer" = [])),
    summary = "The signed-in contact",
    responses((status = 200, body = Profile)))]
async fn me(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
) -> ApiResult<Json<Profile>> {
    Ok(Json(core.profile(&customer).await.map_err(signed_out)?))
}

#[utoipa::path(patch, path = "/contacts/me", tag = "Self-Service v1", security(("bearer" = [])),
    summary = "Change the signed-in contact's names and preferences",
    request_body = schemas::ProfileUpdateRequest,
    responses((status = 200, body = Profile)))]
async fn update_me(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<Profile>> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    for forbidden in [
        "password",
        "identity",
        "credentials",
        "id",
        "code",
        "email",
        "phone",
    ] {
        if fields.has(forbidden) {
            errors.push(FieldError::new(
                forbidden,
                "READ_ONLY",
                format!("{forbidden} cannot be changed here"),
            ));
        }
    }
    let update = ProfileUpdate {
        title: fields.nullable_string("title", &mut errors),
        first_name: fields.string("first_name", &mut errors),
        last_name: fields.string("last_name", &mut errors),
        email_opt_out: fields.boolean("email_opt_out", &mut errors),
        sms_opt_out: fields.boolean("sms_opt_out", &mut errors),
        avatar: fields.nullable_string("avatar", &mut errors),
    };
    if fields.has("first_name") && matches!(body.get("first_name"), Some(serde_json::Value::Null)) {
        errors.push(FieldError::required("first_name", "First name"));
    }
    if fields.has("last_name") && matches!(body.get("last_name"), Some(serde_json::Value::Null)) {
        errors.push(FieldError::required("last_name", "Last name"));
    }
    errors.into_result()?;
    Ok(Json(
        core.update_profile(&customer, update)
            .await
            .map_err(signed_out)?,
    ))
}

fn accepted(auth_otp: String) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "auth_otp": auth_otp })),
    )
        .into_response()
}

#[utoipa::path(post, path = "/contacts/claim", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Claim a contact made in the back office (the code goes to a channel on file)",
    request_body = schemas::ClaimRequest,
    responses((status = 202, body = schemas::AuthOtp)))]
async fn claim(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let (who, identity) = bodies::claim(&body)?;
    Ok(accepted(
        core.claim(who, identity, ip.as_deref()).await?.auth_otp,
    ))
}

#[utoipa::path(post, path = "/contacts/me/identities", tag = "Self-Service v1", security(("bearer" = [])),
    summary = "Add an email or phone (attached once the code sent to it is validated)",
    request_body = schemas::Identity,
    responses(
        (status = 202, body = schemas::AuthOtp),
        (status = 409, description = "IDENTITY_TAKEN", body = Problem, content_type = "application/problem+json"),
    ))]
async fn add_identity(
    State(core): State<Core>,
    BearerSignIn(signed_in): BearerSignIn,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let identity = bodies::identity_input(&fields, &mut errors);
    errors.into_result()?;
    Ok(accepted(
        core.add_identity(&signed_in, identity, ip.as_deref())
            .await
            .map_err(signed_out)?
            .challenge
            .auth_otp,
    ))
}

#[utoipa::path(delete, path = "/contacts/me/identities/{identity_id}", tag = "Self-Service v1", security(("bearer" = [])),
    params(("identity_id" = String, Path, description = "The identity's `id` (GET /contacts/me)")),
    summary = "Remove a way to sign in (not the last; the one held longest only once another has been on the contact for IDENTITY_REMOVAL_AFTER_DAYS)",
    responses(
        (status = 204, description = "Removed; the email and phone on file are told"),
        (status = 404, description = "IDENTITY_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_identity(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(identity_id): Path<String>,
) -> ApiResult<StatusCode> {
    core.remove_identity(&customer, &identity_id)
        .await
        .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/me/sign-out-everywhere", tag = "Self-Service v1", security(("bearer" = [])),
    summary = "End every sign-in of the contact (every app and browser, this one too) and every pending code",
    responses((status = 204, description = "Signed out everywhere")))]
async fn sign_out_everywhere(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
) -> ApiResult<StatusCode> {
    core.sign_out_everywhere(&customer)
        .await
        .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/me/password", tag = "Self-Service v1", security(("bearer" = [])),
    summary = "Set or change the password (every other sign-in ends)",
    request_body = schemas::ChangePasswordRequest,
    responses((status = 204, description = "Changed")))]
async fn change_password(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    set_password(&core, &customer, ip.as_deref(), &body).await
}

/// `{password, current_password?}` for the signed-in customer (v1 and v2 alike).
pub(super) async fn set_password(
    core: &Core,
    customer: &crate::services::auth::CustomerRef,
    ip: Option<&str>,
    body: &serde_json::Map<String, serde_json::Value>,
) -> ApiResult<StatusCode> {
    let fields = Fields::new(body);
    let mut errors = ValidationErrors::default();
    let current = fields
        .string("current_password", &mut errors)
        .unwrap_or_default();
    let password = fields.required_string("password", "Password", &mut errors);
    errors.into_result()?;
    core.change_password(customer, current, password.unwrap_or_default(), ip)
        .await
        .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/forgot-password", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Send a password reset code (the same answer whether or not the email is on file)",
    request_body = schemas::ForgotPasswordRequest,
    responses((status = 202, body = schemas::AuthOtp)))]
async fn forgot_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let email = fields.required_string("email", "Email", &mut errors);
    errors.into_result()?;
    Ok(accepted(
        core.forgot_password(&email.unwrap_or_default(), ip.as_deref())
            .await?
            .auth_otp,
    ))
}

#[utoipa::path(post, path = "/contacts/reset-password", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Set a new password with the reset code (every sign-in ends)",
    request_body = schemas::ResetPasswordRequest,
    responses((status = 204, description = "Changed")))]
async fn reset_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let handle = fields.required_string("auth_otp", "auth_otp", &mut errors);
    let password = fields.required_string("password", "Password", &mut errors);
    let code = bodies::parse_code("code", fields.string("code", &mut errors), &mut errors);
    errors.into_result()?;
    let (Some(handle), Some(password), Some(code)) = (handle, password, code?) else {
        return Err(ApiError::MalformedJson(
            "auth_otp, code and password are required".into(),
        ));
    };
    core.reset_password(&handle, &code, password, ip.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
