//! `/self-service/v1/*`: what a customer's app calls (README, "The APIs"). Each handler reads its
//! request type (requests.rs), calls one service, and shapes the answer (replies.rs).

pub mod replies;
pub mod requests;

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use self::{
    replies::{AuthOtp, OtpRequired, TokenResponse},
    requests::{
        AuthenticateRequest, ChangePasswordRequest, ClaimRequest, ForgotPasswordRequest,
        IdentityRequest, ProfileUpdateRequest, RefreshRequest, RegisterRequest, RequestOtpRequest,
        ResetPasswordRequest, ValidateOtpRequest,
    },
};
use super::{
    body::{Body, OptionalBody},
    client::{
        check_self_service_key_if_sent, require_self_service_key, BearerCustomer, BearerSignIn,
        ClientIp,
    },
    openapi::Problem,
    problem::{signed_out, ApiError, ApiResult},
    shared::{facebook_reply, refresh_token as sent_refresh_token},
    spelling::V1,
};
use crate::{
    domain::Field,
    services::{
        auth::{CustomerRef, SignInAttempt, SignInOutcome},
        Core,
    },
    views::Profile,
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
        .fallback(|| async { ApiError::<V1>::not_found() })
        .with_state(core)
}

#[utoipa::path(post, path = "/contacts/register", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Register a contact (a code is sent to prove the identity)",
    request_body = RegisterRequest,
    responses(
        (status = 202, description = "A code is on its way (every provider but FACEBOOK)", body = OtpRequired),
        (status = 201, description = "FACEBOOK: signed up", body = TokenResponse),
    ))]
async fn register(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<RegisterRequest>,
) -> ApiResult<Response> {
    let input = request.command()?;
    if input.identity.is_facebook() {
        let token = input.identity.token.as_deref();
        let outcome = core
            .facebook_token_sign_in(
                token,
                Field::Identity(crate::domain::IdentityPart::Token),
                input.service_acceptance,
                true,
                input.language_code.as_deref(),
                ip.as_deref(),
            )
            .await?;
        return facebook_reply::<V1>(outcome, StatusCode::CREATED);
    }
    let challenge = core.register(input, ip.as_deref()).await?;
    Ok(OtpRequired::answer(challenge))
}

#[utoipa::path(post, path = "/contacts/request-otp", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Send a sign-in code (the answer is the same whether or not the contact exists)",
    request_body = RequestOtpRequest,
    responses((status = 202, body = AuthOtp)))]
async fn request_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<RequestOtpRequest>,
) -> ApiResult<Response> {
    let identity = request.command()?;
    Ok(AuthOtp::answer(
        core.request_otp(identity, ip.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/contacts/validate-otp", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Validate a code: signs in (or attaches the identity it was sent for)",
    request_body = ValidateOtpRequest,
    responses((status = 200, body = TokenResponse)))]
async fn validate_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ValidateOtpRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let (lookup, code) = request.command()?;
    let signed_in = core.validate_otp(lookup, code, true, ip.as_deref()).await?;
    Ok(Json(TokenResponse::of(signed_in)))
}

#[utoipa::path(post, path = "/contacts/authenticate", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Sign in with email + password, or a Facebook token",
    request_body = AuthenticateRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 202, description = "FACEBOOK: the email on file must be proven first", body = OtpRequired),
    ))]
async fn authenticate(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<AuthenticateRequest>,
) -> ApiResult<Response> {
    let attempt: SignInAttempt = request.command()?;
    match core.authenticate(attempt, true, ip.as_deref()).await? {
        SignInOutcome::SignedIn(signed_in) => {
            Ok(Json(TokenResponse::of(*signed_in)).into_response())
        }
        // (v1 sends no code from here: `from_input` without codes never asks for one.)
        SignInOutcome::CodeSent(challenge) => Ok(OtpRequired::answer(challenge)),
        // Signing in answers 200 (sign-up answers 201).
        SignInOutcome::Facebook(outcome) => facebook_reply::<V1>(outcome, StatusCode::OK),
    }
}

#[utoipa::path(post, path = "/contacts/refresh-token", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Swap a refresh token for a new pair",
    params(("refresh_token" = Option<String>, Header, description = "The refresh token, when the body has none")),
    request_body(content = Option<RefreshRequest>),
    responses((status = 200, body = TokenResponse)))]
async fn refresh_token(
    State(core): State<Core>,
    headers: HeaderMap,
    OptionalBody(request): OptionalBody<RefreshRequest>,
) -> ApiResult<Json<TokenResponse>> {
    let token = sent_refresh_token(request.token()?, &headers)?;
    Ok(Json(TokenResponse::of(core.refresh_tokens(&token).await?)))
}

#[utoipa::path(post, path = "/contacts/sign-out", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "End the sign-in a refresh token belongs to",
    params(("refresh_token" = Option<String>, Header, description = "The refresh token, when the body has none")),
    request_body(content = Option<RefreshRequest>),
    responses((status = 204, description = "Signed out")))]
async fn sign_out(
    State(core): State<Core>,
    headers: HeaderMap,
    OptionalBody(request): OptionalBody<RefreshRequest>,
) -> ApiResult<StatusCode> {
    let token = sent_refresh_token(request.token()?, &headers)?;
    core.sign_out_refresh_token(&token).await?;
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
    request_body = ProfileUpdateRequest,
    responses((status = 200, body = Profile)))]
async fn update_me(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Body(request): Body<ProfileUpdateRequest>,
) -> ApiResult<Json<Profile>> {
    let update = request.command()?;
    Ok(Json(
        core.update_profile(&customer, update)
            .await
            .map_err(signed_out)?,
    ))
}

#[utoipa::path(post, path = "/contacts/claim", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Claim a contact made in the back office (the code goes to a channel on file)",
    request_body = ClaimRequest,
    responses((status = 202, body = AuthOtp)))]
async fn claim(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ClaimRequest>,
) -> ApiResult<Response> {
    let (who, identity) = request.command()?;
    Ok(AuthOtp::answer(
        core.claim(who, identity, ip.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/contacts/me/identities", tag = "Self-Service v1", security(("bearer" = [])),
    summary = "Add an email or phone (attached once the code sent to it is validated)",
    request_body = IdentityRequest,
    responses((status = 202, body = AuthOtp)))]
async fn add_identity(
    State(core): State<Core>,
    BearerSignIn(signed_in): BearerSignIn,
    ClientIp(ip): ClientIp,
    Body(request): Body<IdentityRequest>,
) -> ApiResult<Response> {
    let identity = requests::new_identity(request)?;
    let added = core
        .add_identity(&signed_in, identity, ip.as_deref())
        .await
        .map_err(signed_out)?;
    Ok(AuthOtp::answer(added.challenge))
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
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed")))]
async fn change_password(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    ClientIp(ip): ClientIp,
    Body(request): Body<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    set_password(&core, &customer, ip.as_deref(), request).await
}

/// `{password, current_password?}` for the signed-in customer (v1 and v2 alike).
pub async fn set_password<S>(
    core: &Core,
    customer: &CustomerRef,
    ip: Option<&str>,
    request: ChangePasswordRequest,
) -> ApiResult<StatusCode, S> {
    let (current, password) = request.command()?;
    core.change_password(customer, current, password, ip)
        .await
        .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/forgot-password", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Send a password reset code (the same answer whether or not the email is on file)",
    request_body = ForgotPasswordRequest,
    responses((status = 202, body = AuthOtp)))]
async fn forgot_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ForgotPasswordRequest>,
) -> ApiResult<Response> {
    let email = request.command()?;
    Ok(AuthOtp::answer(
        core.forgot_password(&email, ip.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/contacts/reset-password", tag = "Self-Service v1", security(("api_key" = [])),
    summary = "Set a new password with the reset code (every sign-in ends)",
    request_body = ResetPasswordRequest,
    responses((status = 204, description = "Changed")))]
async fn reset_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    let (handle, code, password) = request.command()?;
    core.reset_password(&handle, &code, password, ip.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
