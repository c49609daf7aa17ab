//! Who is calling: the client's IP (for per-IP limits), its API key, its bearer token.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRef, FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderMap},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::problem::ApiError;
use crate::{
    domain::ApiKeyKind,
    services::{auth::CustomerRef, Actor, Core, ServiceError},
};

pub struct ClientIp(pub Option<String>);

impl<S> FromRequestParts<S> for ClientIp
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let core = Core::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(ClientIp(crate::client_ip::client_ip(
            &parts.headers,
            peer,
            core.settings().client_networks(),
        )))
    }
}

/// The token of `Authorization: Bearer <token>`, unchecked (an access token, or the refresh
/// token CRM.COM's v2 `contacts/refresh` sends there).
pub struct BearerToken(pub String);

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(ServiceError::InvalidToken)?;
        Ok(BearerToken(token.to_owned()))
    }
}

/// The customer a valid `Authorization: Bearer <access token>` speaks for.
pub struct BearerCustomer(pub CustomerRef);

impl<S> FromRequestParts<S> for BearerCustomer
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let core = Core::from_ref(state);
        let token = bearer(&parts.headers).ok_or(ServiceError::InvalidToken)?;
        Ok(BearerCustomer(core.authenticate_access_token(token).await?))
    }
}

/// The signed-in customer with the sign-in (token family) the access token belongs to: what an
/// identity being added is bound to.
pub struct BearerSignIn(pub crate::services::auth::SignedIn);

impl<S> FromRequestParts<S> for BearerSignIn
where
    Core: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let core = Core::from_ref(state);
        let token = bearer(&parts.headers).ok_or(ServiceError::InvalidToken)?;
        Ok(BearerSignIn(core.authenticate_sign_in(token).await?))
    }
}

fn api_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("api_key")
        .or_else(|| headers.get("api-key"))
        .and_then(|v| v.to_str().ok())
}

/// Checks the `api_key` header against live keys of `kind`; the key's id becomes the request's
/// actor (for the audit trail).
async fn require_key(core: &Core, kind: ApiKeyKind, mut request: Request, next: Next) -> Response {
    let checked = core.check_api_key(kind, api_key(request.headers())).await;
    match checked {
        Ok(id) => {
            request.extensions_mut().insert(Actor::ApiKey(id));
            next.run(request).await
        }
        Err(e) => ApiError::<super::spelling::V1>::from(e).into_response(),
    }
}

/// Middleware: every Self-Service call carries a live self-service key.
pub async fn require_self_service_key(
    State(core): State<Core>,
    request: Request,
    next: Next,
) -> Response {
    require_key(&core, ApiKeyKind::SelfService, request, next).await
}

/// Middleware for signed-in Self-Service calls: the access token is what counts (CRM.COM's apps
/// send only `Authorization: Bearer`); an `api_key` sent along must still be a live one.
pub async fn check_self_service_key_if_sent(
    State(core): State<Core>,
    request: Request,
    next: Next,
) -> Response {
    if api_key(request.headers()).is_none() {
        return next.run(request).await;
    }
    require_key(&core, ApiKeyKind::SelfService, request, next).await
}

/// Middleware: every Back-Office call carries a live back-office key.
pub async fn require_backoffice_key(
    State(core): State<Core>,
    request: Request,
    next: Next,
) -> Response {
    require_key(&core, ApiKeyKind::Backoffice, request, next).await
}
