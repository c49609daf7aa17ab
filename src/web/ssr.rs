//! Server-side helpers for pages and server functions: the core, the session, redirects, flash.

use std::net::SocketAddr;

use axum::{
    extract::ConnectInfo,
    http::{header, request::Parts, HeaderValue, StatusCode},
};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use super::i18n::LANGUAGE_COOKIE;
use super::{error::PortalError, forms::FormState};
use crate::{
    domain::LanguageCode,
    services::{auth::CustomerRef, Core},
    state::AppState,
};

pub const PENDING_KEY: &str = "pending_otp";

/// What `/verify` needs to know about the code that was just sent.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PendingCode {
    pub auth_otp: String,
    pub obfuscated_value: String,
}

pub fn core() -> Result<Core, PortalError> {
    use_context::<AppState>()
        .map(|s| s.core)
        .ok_or_else(|| PortalError::internal("application state missing"))
}

pub async fn session() -> Result<Session, PortalError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| PortalError::internal(format!("session unavailable: {e:?}")))
}

/// 303 See Other to `path`: after a form post, the browser GETs the next page.
pub fn see_other(path: &str) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(StatusCode::SEE_OTHER);
        if let Ok(value) = HeaderValue::from_str(path) {
            response.insert_header(header::LOCATION, value);
        }
    }
}

pub fn client_ip() -> Option<String> {
    let parts = use_context::<Parts>()?;
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let networks = use_context::<AppState>()?.core.settings().client_networks();
    crate::client_ip::client_ip(&parts.headers, peer, networks)
}

/// This page's Content-Security-Policy: its inline scripts (Leptos' resources and streaming)
/// carry this response's nonce, and the policy lets exactly those run.
pub fn page_security_policy() {
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = crate::startup::content_security_policy(Some(&nonce));
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The language this request's pages are in: the visitor's choice kept in the language cookie,
/// else the browser's `Accept-Language`, else English (see web/i18n.rs).
pub fn request_language() -> LanguageCode {
    let Some(parts) = use_context::<Parts>() else {
        return LanguageCode::ENGLISH;
    };
    chosen_language(&parts.headers)
        .or_else(|| {
            let header = parts.headers.get(header::ACCEPT_LANGUAGE)?;
            LanguageCode::from_accept_language(header.to_str().ok()?)
        })
        .unwrap_or(LanguageCode::ENGLISH)
}

/// The language the cookie keeps, when it is one the portal offers.
fn chosen_language(headers: &axum::http::HeaderMap) -> Option<LanguageCode> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == LANGUAGE_COOKIE)
        .and_then(|(_, value)| LanguageCode::from_stored(value.trim()))
        .filter(|language| language.offered())
}

/// Keeps `language` for this browser's next pages (a year), when the portal offers it.
pub fn remember_language(language: LanguageCode) {
    let Some(cookie) = super::i18n::language_cookie(language) else {
        return;
    };
    if let (Some(response), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(header::SET_COOKIE, value);
    }
}

pub fn flash_key(form: &str) -> String {
    format!("flash:{form}")
}

/// Keeps a form's outcome for the next page view (post → redirect → get).
pub async fn flash(session: &Session, form: &str, state: FormState) -> Result<(), PortalError> {
    Ok(session.insert(&flash_key(form), state).await?)
}

/// Takes (and forgets) what the last post of this form left.
pub async fn take_flash(session: &Session, form: &str) -> Result<FormState, PortalError> {
    Ok(session
        .remove::<FormState>(&flash_key(form))
        .await?
        .unwrap_or_default())
}

pub async fn signed_in_contact(session: &Session) -> Result<Option<CustomerRef>, PortalError> {
    Ok(super::session::customer(session).await?)
}

/// The signed-in customer with this browser's sign-in (what a code asked for here belongs to).
pub async fn signed_in(
    session: &Session,
) -> Result<Option<crate::services::auth::SignedIn>, PortalError> {
    Ok(super::session::signed_in(session).await?)
}

/// Signs the customer in: a new session id, the sign-in the service opened, no code pending.
pub async fn sign_in_session(
    session: &Session,
    signed_in: &crate::services::auth::Authenticated,
) -> Result<(), PortalError> {
    super::session::sign_in_customer(session, &signed_in.customer, signed_in.sign_in.as_ref())
        .await?;
    session.remove_value(PENDING_KEY).await?;
    // The pages follow the contact's language from now on, on this browser.
    if let Some(language) = core()?
        .contact_language(&signed_in.customer.contact_id)
        .await?
    {
        remember_language(language);
    }
    Ok(())
}
