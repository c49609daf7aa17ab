//! v2's calls that sign up and sign in: register, codes, authenticate, refresh, passwords.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use super::{
    replies::{OtpSent, TokenResponse},
    requests::{
        AuthenticateRequest, ChangeForgottenPasswordRequest, ForgotPasswordRequest, OtpAsked,
        OtpRequest, RefreshRequest, RegisterRequest, ValidateOtpRequest,
    },
    V2Result, TAG,
};
use crate::{
    api::{
        body::{Body, OptionalBody},
        client::ClientIp,
        shared::{facebook_reply, refresh_token as sent_refresh_token, Face},
        spelling::V2,
    },
    domain::{Field, IdentityPart},
    services::{
        auth::{OtpLookup, SignInOutcome},
        Core,
    },
};

#[utoipa::path(post, path = "/contacts/register", tag = TAG, security(("api_key" = [])),
    summary = "Register Contact (a code is sent to prove the identity)",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "A code is on its way (`auth_otp`), or FACEBOOK: signed up (tokens)", body = OtpSent),
    ))]
pub async fn register(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<RegisterRequest>,
) -> V2Result<Response> {
    let input = request.command()?;
    if input.identity.is_facebook() {
        let outcome = core
            .facebook_token_sign_in(
                input.identity.token.as_deref(),
                Field::Identity(IdentityPart::Token),
                input.service_acceptance,
                true,
                input.language_code.as_deref(),
                ip.as_deref(),
            )
            .await?;
        return facebook_reply::<V2>(outcome, StatusCode::CREATED);
    }
    let challenge = core.register(input, ip.as_deref()).await?;
    Ok(V2::code_sent(challenge))
}

#[utoipa::path(post, path = "/contacts/otp", tag = TAG, security(("api_key" = [])),
    summary = "Request One Time Password (the same answer whether or not the contact exists)",
    request_body = OtpRequest,
    responses((status = 200, body = OtpSent)))]
pub async fn request_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<OtpRequest>,
) -> V2Result<Json<OtpSent>> {
    let sent = match request.command()? {
        OtpAsked::Resend(handle) => core.resend_code(&handle, ip.as_deref()).await?,
        OtpAsked::Send(identity) => core.request_otp(identity, ip.as_deref()).await?,
    };
    Ok(Json(sent.into()))
}

#[utoipa::path(post, path = "/contacts/validate_otp", tag = TAG, security(("api_key" = [])),
    summary = "Validate One Time Password: signs in (or attaches the identity it was sent for)",
    request_body = ValidateOtpRequest,
    responses((status = 200, body = TokenResponse)))]
pub async fn validate_otp(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ValidateOtpRequest>,
) -> V2Result<Json<TokenResponse>> {
    let (handle, code) = request.command()?;
    let signed_in = core
        .validate_otp(OtpLookup::Handle(handle), code, true, ip.as_deref())
        .await?;
    Ok(Json(TokenResponse::of(signed_in)))
}

#[utoipa::path(post, path = "/contacts/authenticate", tag = TAG, security(("api_key" = [])),
    summary = "Contact Authentication",
    request_body = AuthenticateRequest,
    responses(
        (status = 200, description = "Signed in (tokens), or a code is on its way (`auth_otp`)", body = TokenResponse),
    ))]
pub async fn authenticate(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<AuthenticateRequest>,
) -> V2Result<Response> {
    let attempt = request.command()?;
    match core.authenticate(attempt, true, ip.as_deref()).await? {
        SignInOutcome::SignedIn(signed_in) => V2::tokens(*signed_in),
        SignInOutcome::CodeSent(sent) => Ok(Json(OtpSent::from(sent)).into_response()),
        SignInOutcome::Facebook(outcome) => {
            let mut answer = facebook_reply::<V2>(outcome, StatusCode::OK)?;
            *answer.status_mut() = StatusCode::OK;
            Ok(answer)
        }
    }
}

#[utoipa::path(post, path = "/contacts/refresh", tag = TAG, security(("bearer" = [])),
    summary = "Refresh Contact Token: `Authorization: Bearer <refresh token>`",
    params(("refresh_token" = Option<String>, Header, description = "The refresh token, instead of the Authorization header")),
    request_body(content = Option<RefreshRequest>),
    responses((status = 200, body = TokenResponse)))]
pub async fn refresh(
    State(core): State<Core>,
    headers: HeaderMap,
    OptionalBody(request): OptionalBody<RefreshRequest>,
) -> V2Result<Json<TokenResponse>> {
    let token = sent_refresh_token::<V2>(request.token()?, &headers)
        .map_err(|_| crate::services::ServiceError::InvalidRefreshToken)?;
    Ok(Json(TokenResponse::of(core.refresh_tokens(&token).await?)))
}

#[utoipa::path(post, path = "/contacts/forgot_password", tag = TAG, security(("api_key" = [])),
    summary = "Forgot Password: sends a reset code and token to the email (the same answer whether or not it is on file)",
    request_body = ForgotPasswordRequest,
    responses((status = 204, description = "Sent, if the email is on file")))]
pub async fn forgot_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ForgotPasswordRequest>,
) -> V2Result<StatusCode> {
    let email = request.command()?;
    core.forgot_password(&email, ip.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/change_password", tag = TAG, security((), ("api_key" = [])),
    summary = "Change Forgotten Password with the reset token (every sign-in ends)",
    request_body = ChangeForgottenPasswordRequest,
    responses((status = 204, description = "Changed")))]
pub async fn change_forgotten_password(
    State(core): State<Core>,
    ClientIp(ip): ClientIp,
    Body(request): Body<ChangeForgottenPasswordRequest>,
) -> V2Result<StatusCode> {
    let (token, password) = request.command()?;
    core.reset_password_by_token(&token, password, ip.as_deref())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
