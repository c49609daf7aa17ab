//! `/self-service/v1/*`: what a customer's app calls (README, "The APIs").

use axum::{
    extract::State,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Serialize;

use super::{
    bodies,
    body::{Fields, JsonBody},
    client::{require_self_service_key, BearerCustomer, ClientIp},
    problem::{ApiError, ApiResult},
};
use crate::{
    domain::{FieldError, ValidationErrors},
    services::{
        auth::{otp::OtpChallenge, Authenticated},
        contacts::ProfileUpdate,
        Core, ServiceError,
    },
    views::{ContactSummary, OrganisationView, Profile},
};

pub fn router(core: Core) -> Router {
    Router::new()
        .route("/contacts/register", post(register))
        .route("/contacts/request-otp", post(request_otp))
        .route("/contacts/validate-otp", post(validate_otp))
        .route("/contacts/authenticate", post(authenticate))
        .route("/contacts/refresh-token", post(refresh_token))
        .route("/contacts/sign-out", post(sign_out))
        .route("/contacts/me", get(me).patch(update_me))
        .route("/contacts/me/password", post(change_password))
        .route("/contacts/me/identities", post(add_identity))
        .route("/contacts/claim", post(claim))
        .route("/contacts/forgot-password", post(forgot_password))
        .route("/contacts/reset-password", post(reset_password))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(
            core.clone(),
            require_self_service_key,
        ))
        .with_state(core)
}

#[derive(Serialize)]
pub struct TokenResponse {
    pub contact: ContactSummary,
    pub organisations: Vec<OrganisationView>,
    pub access_token: String,
    pub refresh_token: String,
    pub exp: i64,
    /// After a claim that asked for a new identity: validate this `auth_otp` with the code sent
    /// to it to attach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_identity: Option<OtpChallenge>,
}

fn token_response(auth: Authenticated) -> ApiResult<Json<TokenResponse>> {
    let tokens = auth
        .tokens
        .ok_or_else(|| ServiceError::Unexpected(anyhow::anyhow!("no tokens issued")))?;
    Ok(Json(TokenResponse {
        contact: auth.contact,
        organisations: auth.organisations,
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        exp: tokens.expires_at_ms,
        pending_identity: auth.pending_identity,
    }))
}

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

async fn validate_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenResponse>> {
    let (lookup, code) = bodies::validate_otp(&body)?;
    token_response(core.validate_otp(lookup, code, true, ip.as_deref()).await?)
}

async fn authenticate(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let input = bodies::identity_input(&fields, &mut errors);
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
    Ok(token_response(core.authenticate_password(input, ip.as_deref()).await?)?.into_response())
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

fn refresh_token_field(body: &serde_json::Map<String, serde_json::Value>) -> ApiResult<String> {
    let fields = Fields::new(body);
    let mut errors = ValidationErrors::default();
    let token = fields.required_string("refresh_token", "refresh_token", &mut errors);
    errors.into_result()?;
    Ok(token.unwrap_or_default())
}

async fn refresh_token(
    State(core): State<Core>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<TokenResponse>> {
    let token = refresh_token_field(&body)?;
    token_response(core.refresh(&token).await?)
}

async fn sign_out(State(core): State<Core>, JsonBody(body): JsonBody) -> ApiResult<StatusCode> {
    let token = refresh_token_field(&body)?;
    core.sign_out(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
) -> ApiResult<Json<Profile>> {
    Ok(Json(core.profile(&customer).await.map_err(signed_out)?))
}

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

/// The token's contact is gone (deleted since): to the caller, the token no longer works.
fn signed_out(error: ServiceError) -> ServiceError {
    match error {
        ServiceError::ContactNotFound => ServiceError::InvalidToken,
        other => other,
    }
}

fn accepted(auth_otp: String) -> Response {
    (
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "auth_otp": auth_otp })),
    )
        .into_response()
}

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

async fn add_identity(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<Response> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let identity = bodies::identity_input(&fields, &mut errors);
    errors.into_result()?;
    Ok(accepted(
        core.add_identity(&customer, identity, ip.as_deref())
            .await
            .map_err(signed_out)?
            .auth_otp,
    ))
}

async fn change_password(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    ClientIp(ip): ClientIp,
    JsonBody(body): JsonBody,
) -> ApiResult<StatusCode> {
    let fields = Fields::new(&body);
    let mut errors = ValidationErrors::default();
    let current = fields
        .string("current_password", &mut errors)
        .unwrap_or_default();
    let password = fields.required_string("password", "Password", &mut errors);
    errors.into_result()?;
    core.change_password(
        &customer,
        current,
        password.unwrap_or_default(),
        ip.as_deref(),
    )
    .await
    .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

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
