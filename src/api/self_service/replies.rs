//! Self-Service v1's answers, as typed structs (what the OpenAPI document shows is what is sent).

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::{problem::ApiResult, shared::Face, spelling::V1},
    services::auth::{codes::OtpChallenge, Authenticated},
    views::{ContactSummary, OrganisationView},
};

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

impl TokenResponse {
    pub fn of(auth: Authenticated) -> Self {
        let tokens = auth.tokens;
        TokenResponse {
            contact: auth.contact,
            organisations: auth.organisations,
            exp: tokens.as_ref().map(|t| t.expires_at_ms),
            access_token: tokens.as_ref().map(|t| t.access_token.clone()),
            refresh_token: tokens.map(|t| t.refresh_token),
            pending_identity: auth.pending_identity,
        }
    }
}

/// A code is on its way; validate it with this `auth_otp`.
#[derive(Serialize, ToSchema)]
pub struct OtpRequired {
    pub otp_required: bool,
    pub auth_otp: String,
    pub obfuscated_value: String,
}

impl OtpRequired {
    /// 202 with the challenge.
    pub fn answer(challenge: OtpChallenge) -> Response {
        let body = OtpRequired {
            otp_required: true,
            auth_otp: challenge.auth_otp,
            obfuscated_value: challenge.obfuscated_value,
        };
        (StatusCode::ACCEPTED, Json(body)).into_response()
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuthOtp {
    pub auth_otp: String,
}

impl AuthOtp {
    /// 202 with only the handle: where the code went is not told (claims, resets).
    pub fn answer(challenge: OtpChallenge) -> Response {
        let body = AuthOtp {
            auth_otp: challenge.auth_otp,
        };
        (StatusCode::ACCEPTED, Json(body)).into_response()
    }
}

impl Face for V1 {
    fn tokens(signed_in: Authenticated) -> ApiResult<Response, Self> {
        Ok(Json(TokenResponse::of(signed_in)).into_response())
    }

    fn code_sent(challenge: OtpChallenge) -> Response {
        OtpRequired::answer(challenge)
    }
}
