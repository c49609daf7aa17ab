//! Facebook sign-in. Browser: OAuth 2.0 authorization code with `state` and PKCE (oauth2 crate).
//! App: a Facebook access token, checked with the provider's debug_token and /me endpoints.
//! A new Facebook user gets a contact; one whose email is already on file must first prove that
//! email with a code before the Facebook identity is linked to that contact.

use oauth2::{
    basic::BasicClient, AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use super::{
    authenticated::Authenticated,
    codes::{CodeRequest, OtpChallenge},
    identities::{attach, code_contact},
    redemption::Redeemed,
    Identity,
};
use crate::{
    config::{ExposeSecret, FacebookSettings},
    domain::{
        CodeIntent, ContactCode, ContactId, ContactType, Email, Field, FieldError, LanguageCode,
        PendingIdentity, Provider,
    },
    services::{Actor, CodeError, Core, CredentialError, Fault},
    store::{
        self, contacts::ContactRow, identities::ProvenIdentity, now_ms, otps::OtpRow,
        unique_violation, Tx, UniqueKey,
    },
};

pub const CALLBACK_PATH: &str = "/auth/facebook/callback";

/// What starting the browser flow needs to remember until the callback (kept in the session).
#[derive(Clone, Debug, serde::Serialize, Deserialize)]
pub struct FacebookStart {
    pub url: String,
    pub state: String,
    pub pkce_verifier: String,
}

/// The result of a Facebook sign-in: signed in, a code sent to prove an email already on file,
/// or, for someone new who has not accepted the terms of service yet, the profile to sign up
/// with once they do (a contact is never created without it).
pub enum FacebookOutcome {
    SignedIn(Box<Authenticated>),
    ProveEmail(OtpChallenge),
    AcceptTerms(FacebookProfile),
}

/// What Facebook says about its user (fetched by the server, never taken from a client).
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
pub struct FacebookProfile {
    id: String,
    first_name: Option<String>,
    last_name: Option<String>,
    name: Option<String>,
    email: Option<String>,
}

type FacebookUser = FacebookProfile;

#[derive(Debug, Deserialize)]
struct DebugToken {
    data: DebugTokenData,
}

#[derive(Debug, Deserialize)]
struct DebugTokenData {
    is_valid: bool,
    app_id: Option<String>,
}

fn endpoints(fb: &FacebookSettings) -> (String, String, String) {
    match &fb.base_url {
        Some(base) => (
            format!("{base}/dialog/oauth"),
            format!("{base}/oauth/access_token"),
            base.clone(),
        ),
        None => (
            "https://www.facebook.com/v19.0/dialog/oauth".into(),
            "https://graph.facebook.com/v19.0/oauth/access_token".into(),
            "https://graph.facebook.com/v19.0".into(),
        ),
    }
}

fn http() -> Result<reqwest::Client, Fault> {
    reqwest::Client::builder()
        // No redirects: an OAuth token endpoint that redirects is misbehaving (SSRF guard).
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| anyhow::Error::new(e).into())
}

fn truncate(name: Option<String>) -> Option<String> {
    name.map(|n| {
        n.trim()
            .chars()
            .filter(|c| !c.is_control())
            .take(100)
            .collect::<String>()
    })
    .filter(|n| !n.is_empty())
}

/// What a Facebook sign-up (terms accepted) brings besides the Facebook profile.
struct SignUp {
    language: Option<LanguageCode>,
}

impl Core {
    /// A Facebook token sign-in (or sign-up, with `terms`) whose token must be there.
    pub async fn facebook_token_sign_in(
        &self,
        token: Option<&str>,
        token_field: Field,
        terms: bool,
        issue_tokens: bool,
        language_code: Option<&str>,
        client_ip: Option<&str>,
    ) -> Result<FacebookOutcome, CredentialError> {
        let language = LanguageCode::parse_optional(Field::LanguageCode, language_code)?;
        let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
            return Err(FieldError::required(token_field, "Facebook access token").into());
        };
        self.facebook_sign_in(token, issue_tokens, terms, language, client_ip)
            .await
    }

    fn facebook(&self) -> Result<&FacebookSettings, CredentialError> {
        self.settings
            .facebook
            .as_ref()
            .ok_or(CredentialError::NotConfigured("Facebook sign-in"))
    }

    pub fn facebook_enabled(&self) -> bool {
        self.settings.facebook.is_some()
    }

    /// The authorization URL to send the browser to, with a fresh `state` and PKCE verifier.
    pub fn facebook_start(&self) -> Result<FacebookStart, CredentialError> {
        let fb = self.facebook()?;
        let (auth, token, _) = endpoints(fb);
        let redirect = format!("{}{CALLBACK_PATH}", self.settings.public_url);
        let bad = |e: oauth2::url::ParseError| {
            CredentialError::from(anyhow::anyhow!("Facebook URL: {e}"))
        };
        let client = BasicClient::new(ClientId::new(fb.client_id.clone()))
            .set_auth_uri(AuthUrl::new(auth).map_err(bad)?)
            .set_token_uri(TokenUrl::new(token).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(redirect).map_err(bad)?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("public_profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(FacebookStart {
            url: url.to_string(),
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Finishes the browser flow: `state` must match what the session kept; the code is exchanged
    /// (with the PKCE verifier) for an access token, which then signs the customer in.
    pub async fn facebook_callback(
        &self,
        start: &FacebookStart,
        returned_state: &str,
        code: &str,
        client_ip: Option<&str>,
    ) -> Result<FacebookOutcome, CredentialError> {
        let fb = self.facebook()?;
        if !super::secrets::constant_time_eq(start.state.as_bytes(), returned_state.as_bytes()) {
            return Err(CredentialError::InvalidCredentials);
        }
        let (auth, token, _) = endpoints(fb);
        let redirect = format!("{}{CALLBACK_PATH}", self.settings.public_url);
        let bad = |e: oauth2::url::ParseError| {
            CredentialError::from(anyhow::anyhow!("Facebook URL: {e}"))
        };
        let client = BasicClient::new(ClientId::new(fb.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                fb.client_secret.expose_secret().to_owned(),
            ))
            .set_auth_type(AuthType::RequestBody)
            .set_auth_uri(AuthUrl::new(auth).map_err(bad)?)
            .set_token_uri(TokenUrl::new(token).map_err(bad)?)
            .set_redirect_uri(RedirectUrl::new(redirect).map_err(bad)?);
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(start.pkce_verifier.clone()))
            .request_async(&http()?)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "Facebook code exchange failed");
                CredentialError::InvalidCredentials
            })?;
        // Nobody is signed up here (no terms yet): the language comes with the terms.
        let token = token.access_token().secret();
        self.facebook_sign_in(token, false, false, None, client_ip)
            .await
    }

    async fn facebook_user(&self, access_token: &str) -> Result<FacebookUser, CredentialError> {
        let fb = self.facebook()?;
        let (_, _, graph) = endpoints(fb);
        let client = http()?;
        let app_token = format!("{}|{}", fb.client_id, fb.client_secret.expose_secret());
        let debug: DebugToken = client
            .get(format!("{graph}/debug_token"))
            .query(&[
                ("input_token", access_token),
                ("access_token", app_token.as_str()),
            ])
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|_| CredentialError::InvalidCredentials)?
            .json()
            .await
            .map_err(|_| CredentialError::InvalidCredentials)?;
        if !debug.data.is_valid || debug.data.app_id.as_deref() != Some(fb.client_id.as_str()) {
            return Err(CredentialError::InvalidCredentials);
        }
        client
            .get(format!("{graph}/me"))
            .query(&[
                ("fields", "id,first_name,last_name,name,email"),
                ("access_token", access_token),
            ])
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|_| CredentialError::InvalidCredentials)?
            .json()
            .await
            .map_err(|_| CredentialError::InvalidCredentials)
    }

    /// Signs in (or up, with `terms_accepted`, in `language`) with a Facebook access token.
    #[tracing::instrument(skip_all)]
    pub async fn facebook_sign_in(
        &self,
        access_token: &str,
        issue_tokens: bool,
        terms_accepted: bool,
        language: Option<LanguageCode>,
        client_ip: Option<&str>,
    ) -> Result<FacebookOutcome, CredentialError> {
        let user = self.facebook_user(access_token).await?;
        let sign_up = terms_accepted.then_some(SignUp { language });
        self.facebook_outcome(user, issue_tokens, sign_up, client_ip)
            .await
    }

    /// Someone new accepted the terms: signs them up with the profile Facebook gave earlier,
    /// in `language` (the page's, in the portal).
    pub async fn facebook_accept_terms(
        &self,
        profile: FacebookProfile,
        language: Option<LanguageCode>,
        issue_tokens: bool,
        client_ip: Option<&str>,
    ) -> Result<FacebookOutcome, CredentialError> {
        let sign_up = Some(SignUp { language });
        self.facebook_outcome(profile, issue_tokens, sign_up, client_ip)
            .await
    }

    /// `sign_up`: someone new may be signed up (they accepted the terms).
    async fn facebook_outcome(
        &self,
        user: FacebookUser,
        issue_tokens: bool,
        sign_up: Option<SignUp>,
        client_ip: Option<&str>,
    ) -> Result<FacebookOutcome, CredentialError> {
        if store::identities::find(&self.db, Provider::Facebook, &user.id)
            .await?
            .is_none()
        {
            let email = user
                .email
                .as_deref()
                .and_then(|e| Email::parse(Field::Stored, e).ok())
                .map(Identity::Email);
            let owner = match &email {
                Some(identity) => self.contact_of(identity).await?,
                None => None,
            };
            if let (Some(owner), Some(identity)) = (owner, email) {
                // The email is someone's identity here: link only after they prove it.
                let intent = CodeIntent::LinkFacebook {
                    facebook_id: user.id.clone(),
                };
                let request = CodeRequest::new(intent, &identity, true)
                    .for_contact(Some(&owner))
                    .counted_for(client_ip);
                let challenge = self.issue_code(request).await?;
                return Ok(FacebookOutcome::ProveEmail(challenge));
            }
            let Some(sign_up) = sign_up else {
                return Ok(FacebookOutcome::AcceptTerms(user));
            };
            self.create_facebook_contact(&user, &sign_up).await?;
        }
        let identity = store::identities::find(&self.db, Provider::Facebook, &user.id)
            .await?
            .ok_or(CredentialError::InvalidCredentials)?;
        let signed_in = self
            .finish_sign_in(
                &identity.contact_id,
                Provider::Facebook.as_str(),
                issue_tokens,
            )
            .await?;
        Ok(FacebookOutcome::SignedIn(Box::new(signed_in)))
    }

    /// Redeems the code that proved the email on file: links the Facebook account to that
    /// contact and signs in.
    pub(crate) async fn redeem_facebook_link(
        &self,
        tx: &mut Tx<'_>,
        row: &OtpRow,
        facebook_id: &str,
        now: i64,
    ) -> Result<Redeemed, CodeError> {
        let contact = code_contact(tx, row).await?;
        let facebook = PendingIdentity {
            id: None,
            provider: Provider::Facebook,
            value: facebook_id.to_owned(),
            password_hash: None,
        };
        attach(tx, &contact.id, &facebook, now).await?;
        Ok(Redeemed::signing_in(contact.id, "FACEBOOK_LINKED"))
    }

    async fn create_facebook_contact(
        &self,
        user: &FacebookUser,
        sign_up: &SignUp,
    ) -> Result<(), Fault> {
        let now = now_ms();
        let (first, last) = match (
            truncate(user.first_name.clone()),
            truncate(user.last_name.clone()),
        ) {
            (Some(f), Some(l)) => (f, l),
            _ => {
                let full = truncate(user.name.clone()).unwrap_or_else(|| "Facebook user".into());
                match full.rsplit_once(' ') {
                    Some((f, l)) => (f.to_owned(), l.to_owned()),
                    None => (full.clone(), full),
                }
            }
        };
        let mut contact = ContactRow::new(
            &ContactId::generate(),
            &ContactCode::generate(),
            ContactType::Person,
            now,
        );
        contact.first_name = Some(first);
        contact.last_name = Some(last);
        contact.email = user
            .email
            .as_deref()
            .and_then(|e| Email::parse(Field::Stored, e).ok())
            .map(|e| e.as_str().to_owned());
        contact.is_verified = true;
        contact.language_code = sign_up.language;
        let mut tx = self.db.begin().await?;
        store::contacts::insert(&mut *tx, &contact).await?;
        let inserted = store::identities::insert(
            &mut *tx,
            &ProvenIdentity {
                id: None,
                contact_id: &contact.id,
                provider: Provider::Facebook,
                value: &user.id,
                password_hash: None,
                proven_at: now,
            },
        )
        .await;
        match inserted {
            // Another request created it first: theirs stands, this one signs in to it.
            Err(e) if unique_violation(&e) == Some(UniqueKey::Identity) => return Ok(()),
            other => other?,
        }
        self.audit(
            &mut *tx,
            Some(&contact.id),
            &Actor::Customer(contact.id.clone()),
            "REGISTERED",
            Some(Provider::Facebook.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
