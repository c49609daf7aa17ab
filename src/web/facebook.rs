//! "Continue with Facebook": the browser side of the OAuth flow. Plain axum handlers (GET
//! redirects), calling the same auth service as the API.

use axum::{
    extract::{Query, State},
    http::{header, HeaderValue},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use super::{forms::FormState, i18n::later, ssr::PendingCode};
use crate::{
    domain::LanguageCode,
    services::{
        auth::facebook::{FacebookOutcome, FacebookStart},
        Core,
    },
};

const START_KEY: &str = "facebook_start";

fn back_to_sign_in(message: &str) -> FormState {
    FormState {
        alert: Some(message.to_owned()),
        ..Default::default()
    }
}

pub async fn start(State(core): State<Core>, session: Session) -> Response {
    match core.facebook_start() {
        Ok(start) => {
            let url = start.url.clone();
            if session.insert(START_KEY, start).await.is_err() {
                return Redirect::to("/sign-in").into_response();
            }
            Redirect::to(&url).into_response()
        }
        Err(_) => Redirect::to("/sign-in").into_response(),
    }
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

pub async fn callback(
    State(core): State<Core>,
    session: Session,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
    Query(query): Query<Callback>,
) -> Response {
    let started: Option<FacebookStart> = session.remove(START_KEY).await.ok().flatten();
    let fail = |message: String| {
        let session = session.clone();
        async move {
            let _ = super::ssr::flash(&session, "sign-in", back_to_sign_in(&message)).await;
            Redirect::to("/sign-in").into_response()
        }
    };
    let (Some(started), Some(code), Some(state), None) =
        (started, query.code, query.state, query.error)
    else {
        return fail(later(
            "Facebook sign-in was cancelled or did not finish. Please try again.",
        ))
        .await;
    };
    let ip = crate::client_ip::client_ip(&headers, Some(peer), core.settings().client_networks());
    match core
        .facebook_callback(&started, &state, &code, ip.as_deref())
        .await
    {
        Ok(outcome) => match land(&core, &session, outcome).await {
            Ok((path, language)) => {
                let mut response = Redirect::to(path).into_response();
                let cookie = language.and_then(super::i18n::language_cookie);
                if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
                response
            }
            Err(_) => fail(later("We could not sign you in. Please try again.")).await,
        },
        Err(_) => fail(later("Facebook sign-in failed. Please try again.")).await,
    }
}

/// The session key of a Facebook profile waiting for its owner to accept the terms.
pub const PROFILE_KEY: &str = "facebook_profile";

/// Where a Facebook sign-in leads, the session updated on the way: signed in (`/profile`), a code
/// to prove an email on file (`/verify`), or the terms to accept first (`/facebook/terms`).
/// Where the browser goes after Facebook's answer, and (signed in) the contact's language for
/// the pages from now on.
pub async fn land(
    core: &Core,
    session: &Session,
    outcome: FacebookOutcome,
) -> Result<(&'static str, Option<LanguageCode>), super::error::PortalError> {
    match outcome {
        FacebookOutcome::SignedIn(auth) => {
            session.remove_value(PROFILE_KEY).await?;
            super::session::sign_in_customer(session, &auth.customer, auth.sign_in.as_ref())
                .await?;
            let language = core.contact_language(&auth.customer.contact_id).await?;
            Ok(("/profile", language))
        }
        FacebookOutcome::ProveEmail(challenge) => {
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: challenge.obfuscated_value,
            };
            let notice = FormState {
                notice: Some(later(
                    "This email already has an account. Enter the code we sent to it to link Facebook.",
                )),
                ..Default::default()
            };
            session.insert(super::ssr::PENDING_KEY, pending).await?;
            session
                .insert(&super::ssr::flash_key("verify"), notice)
                .await?;
            Ok(("/verify", None))
        }
        FacebookOutcome::AcceptTerms(profile) => {
            session.insert(PROFILE_KEY, profile).await?;
            Ok(("/facebook/terms", None))
        }
    }
}
