//! Facebook sign-in against a small OAuth provider started by the test on 127.0.0.1.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use crate::common::{
    assert_problem, body_json,
    browser::{assert_see_other, text_of, Browser},
    spawn_app_with, unique_email, TestApp, CONTACTS,
};
use axum::{
    extract::{Query, State},
    http::StatusCode as AxumStatus,
    response::{IntoResponse, Response},
    routing::{get, post},
    Form, Json, Router,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::{header, redirect, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const CLIENT_ID: &str = "test-app";
const SECRET: &str = "test-secret";

#[derive(Clone, Default)]
struct Provider {
    /// access token → user
    tokens: Arc<Mutex<HashMap<String, Value>>>,
    /// authorization code → (PKCE challenge, user); removed when used
    codes: Arc<Mutex<HashMap<String, (String, Value)>>>,
    /// tokens that debug_token says belong to another app
    foreign: Arc<Mutex<Vec<String>>>,
}

impl Provider {
    fn user(&self, token: &str, id: &str, email: Option<&str>) {
        let user = json!({"id": id, "first_name": "Face", "last_name": "Booker", "name": "Face Booker", "email": email});
        self.tokens.lock().unwrap().insert(token.into(), user);
    }
}

fn error(message: &str) -> Response {
    (
        AxumStatus::BAD_REQUEST,
        Json(json!({"error": {"message": message, "type": "OAuthException"}})),
    )
        .into_response()
}

async fn access_token(
    State(p): State<Provider>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || form.get("client_secret").map(String::as_str) != Some(SECRET)
    {
        return error("bad client");
    }
    let Some((challenge, user)) = form
        .get("code")
        .and_then(|c| p.codes.lock().unwrap().remove(c))
    else {
        return error("code unknown or already used");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
        return error("PKCE verification failed");
    }
    let token = format!("tok-{}", uuid::Uuid::new_v4().simple());
    p.tokens.lock().unwrap().insert(token.clone(), user);
    Json(json!({"access_token": token, "token_type": "bearer", "expires_in": 3600})).into_response()
}

async fn debug_token(
    State(p): State<Provider>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if q.get("access_token").map(String::as_str) != Some(&format!("{CLIENT_ID}|{SECRET}")) {
        return error("bad app token");
    }
    let token = q.get("input_token").cloned().unwrap_or_default();
    let known = p.tokens.lock().unwrap().contains_key(&token);
    let app_id = if p.foreign.lock().unwrap().contains(&token) {
        "another-app"
    } else {
        CLIENT_ID
    };
    Json(json!({"data": {"is_valid": known, "app_id": app_id}})).into_response()
}

async fn me(State(p): State<Provider>, Query(q): Query<HashMap<String, String>>) -> Response {
    match q
        .get("access_token")
        .and_then(|t| p.tokens.lock().unwrap().get(t).cloned())
    {
        Some(user) => Json(user).into_response(),
        None => error("invalid token"),
    }
}

async fn provider() -> (String, Provider) {
    let state = Provider::default();
    let app = Router::new()
        .route("/oauth/access_token", post(access_token))
        .route("/debug_token", get(debug_token))
        .route("/me", get(me))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}"), state)
}

async fn app_with_facebook() -> (TestApp, Provider) {
    let (base, state) = provider().await;
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = std::time::Duration::ZERO;
        s.facebook = Some(portal::config::FacebookSettings {
            client_id: CLIENT_ID.into(),
            client_secret: SECRET.into(),
            base_url: Some(base),
        });
    })
    .await;
    (app, state)
}

async fn with_token(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    app.post_json(
        &format!("{CONTACTS}/{path}"),
        json!({
            "provider": "FACEBOOK", "token": token, "service_acceptance": true,
            "identity": {"provider": "FACEBOOK", "token": token},
        }),
    )
    .await
}

#[tokio::test]
async fn an_app_signs_up_and_in_with_a_facebook_token() {
    let (app, fb) = app_with_facebook().await;
    fb.user("good-token", "fb-1001", Some(&unique_email()));
    let path = format!("{CONTACTS}/register");
    let sign_up = |language: &str| {
        let body = json!({
            "service_acceptance": true, "language_code": language,
            "identity": {"provider": "FACEBOOK", "token": "good-token"},
        });
        app.post_json(&path, body)
    };
    assert_problem(
        sign_up("XX").await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    let response = sign_up("el").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let signed_up = body_json(response).await;
    assert_eq!(signed_up["contact"]["first_name"], "Face");
    let me = body_json(
        app.get_me(signed_up["access_token"].as_str().unwrap())
            .await,
    )
    .await;
    assert_eq!(me["language_code"], "EL", "{me}");
    assert!(signed_up["access_token"].is_string() && signed_up["refresh_token"].is_string());

    let response = with_token(&app, "authenticate", "good-token").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        body_json(response).await["contact"]["id"],
        signed_up["contact"]["id"]
    );
    assert_eq!(app.contact_count().await, 1);
}

/// The terms rule is the service's: no contact is made for someone new through either API call
/// unless the terms are accepted; signing in again needs none.
#[tokio::test]
async fn nobody_new_is_made_without_the_terms_accepted() {
    let (app, fb) = app_with_facebook().await;
    fb.user("new-token", "fb-1101", Some(&unique_email()));
    for path in ["register", "authenticate"] {
        let problem = assert_problem(
            app.post_json(
                &format!("{CONTACTS}/{path}"),
                json!({
                    "provider": "FACEBOOK", "token": "new-token",
                    "identity": {"provider": "FACEBOOK", "token": "new-token"},
                }),
            )
            .await,
            StatusCode::BAD_REQUEST,
            "TERMS_NOT_ACCEPTED",
        )
        .await;
        assert_eq!(
            crate::common::field_errors(&problem),
            vec![("service_acceptance".into(), "TERMS_NOT_ACCEPTED".into())],
            "{path}: {problem}"
        );
    }
    assert_eq!(app.contact_count().await, 0);

    assert_eq!(
        with_token(&app, "register", "new-token").await.status(),
        StatusCode::CREATED
    );
    let again = app
        .post_json(
            &format!("{CONTACTS}/authenticate"),
            json!({
                "provider": "FACEBOOK", "token": "new-token",
                "identity": {"provider": "FACEBOOK", "token": "new-token"},
            }),
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "a returning user needs no terms"
    );
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test]
async fn tokens_the_provider_rejects_or_gave_another_app_are_refused() {
    let (app, fb) = app_with_facebook().await;
    assert_problem(
        with_token(&app, "authenticate", "made-up").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;
    fb.user("other-apps-token", "fb-2002", None);
    fb.foreign.lock().unwrap().push("other-apps-token".into());
    assert_problem(
        with_token(&app, "authenticate", "other-apps-token").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;
    assert_eq!(app.contact_count().await, 0);
}

#[tokio::test]
async fn an_email_already_on_file_is_proven_before_facebook_is_linked() {
    let (app, fb) = app_with_facebook().await;
    let email = unique_email();
    let auth_otp = body_json(app.register_email(&email, None).await).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    let owner = body_json(app.validate(&auth_otp, &code).await).await;

    fb.user("token-of-owner", "fb-3003", Some(&email));
    let response = with_token(&app, "authenticate", "token-of-owner").await;
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "no tokens before the email is proven"
    );
    let challenge = body_json(response).await;
    assert_eq!(challenge["otp_required"], true);
    let code = app.latest_code(&email).await;
    // The message says what the code does: it links a Facebook account (it used to read as if
    // the customer's own email were being added).
    let message = app.outbox_to(&email).await[0]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("link a Facebook account"), "{message}");
    assert!(!message.contains("as a way to sign in"), "{message}");
    let linked = body_json(
        app.validate(challenge["auth_otp"].as_str().unwrap(), &code)
            .await,
    )
    .await;
    assert_eq!(linked["contact"]["id"], owner["contact"]["id"]);
    assert!(
        linked["access_token"].is_string(),
        "a link signs in: {linked}"
    );
    assert_eq!(app.contact_count().await, 1);
    let again = with_token(&app, "authenticate", "token-of-owner").await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "linked: straight in next time"
    );
}

/// The browser flow over HTTP: start → (consent at the provider) → callback.
#[tokio::test]
async fn the_browser_flow_checks_state_and_pkce_and_codes_are_single_use() {
    let (app, fb) = app_with_facebook().await;
    let client = crate::common::client_builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let start = |cookie: Option<String>| {
        let mut request = client.get(app.url("/auth/facebook/start"));
        if let Some(c) = cookie {
            request = request.header(header::COOKIE, c);
        }
        request.send()
    };
    let response = start(None).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let location = reqwest::Url::parse(
        response
            .headers()
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let query: HashMap<String, String> = location.query_pairs().into_owned().collect();
    assert!(location.path().ends_with("/dialog/oauth"));
    assert_eq!(query["client_id"], CLIENT_ID);
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(
        query["redirect_uri"],
        format!("{}/auth/facebook/callback", app.core.settings().public_url)
    );
    let user = json!({"id": "fb-4004", "first_name": "Browser", "last_name": "Person", "email": unique_email()});
    fb.codes
        .lock()
        .unwrap()
        .insert("code-1".into(), (query["code_challenge"].clone(), user));

    let callback = |cookie: &str, code: &str, state: &str| {
        client
            .get(app.url(&format!(
                "/auth/facebook/callback?code={code}&state={state}"
            )))
            .header(header::COOKIE, cookie.to_owned())
            .send()
    };
    // A state that is not the one issued: refused, and the started flow is spent.
    let forged = callback(&cookie, "code-1", "forged-state").await.unwrap();
    assert_eq!(forged.headers().get(header::LOCATION).unwrap(), "/sign-in");
    assert_eq!(
        fb.codes.lock().unwrap().len(),
        1,
        "the code was not even exchanged"
    );

    let response = start(Some(cookie.clone())).await.unwrap();
    let location = reqwest::Url::parse(
        response
            .headers()
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let query: HashMap<String, String> = location.query_pairs().into_owned().collect();
    let user = json!({"id": "fb-4004", "first_name": "Browser", "last_name": "Person", "email": unique_email()});
    fb.codes
        .lock()
        .unwrap()
        .insert("code-2".into(), (query["code_challenge"].clone(), user));
    let done = callback(&cookie, "code-2", &query["state"]).await.unwrap();
    // Someone new: no contact yet, first the terms (the same rule as every other sign-up).
    assert_eq!(
        done.headers().get(header::LOCATION).unwrap(),
        "/facebook/terms"
    );
    let before = app.contact_count().await;
    let mut browser = Browser::new(&app);
    browser.session = Some(cookie.split_once('=').map(|(_, id)| id.to_owned()).unwrap());
    let terms = browser.get_html("/facebook/terms").await;
    assert!(terms.contains("I accept the terms of service"), "{terms}");
    let refused = browser.post_form("/api/facebook/terms", &[]).await;
    assert_see_other(&refused, "/facebook/terms");
    let terms = text_of(&browser.get_html("/facebook/terms").await);
    assert!(
        terms.contains("You must accept the terms of service"),
        "{terms}"
    );
    assert_eq!(app.contact_count().await, before, "nobody made yet");
    // Accepted from a Greek browser: the contact is Greek, and so are its pages from now on.
    browser.accept_language = Some("el");
    let accepted = browser
        .post_form("/api/facebook/terms", &[("terms", "on")])
        .await;
    assert_see_other(&accepted, "/profile");
    assert_eq!(app.contact_count().await, before + 1);
    assert_eq!(browser.language.as_deref(), Some("EL"));
    browser.accept_language = None;
    let profile = browser.get_html("/profile").await;
    assert!(profile.contains("Browser Person"));
    assert!(
        profile.contains("<html lang=\"el\">"),
        "the contact's language"
    );
    // The waiting profile is used up: the terms page sends a second visit to sign-in.
    assert_see_other(&browser.get("/facebook/terms").await, "/sign-in");

    // Replaying the authorization code (in a fresh flow) does not sign anyone in.
    let response = start(None).await.unwrap();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let location = reqwest::Url::parse(
        response
            .headers()
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let query: HashMap<String, String> = location.query_pairs().into_owned().collect();
    let replay = callback(&cookie, "code-2", &query["state"]).await.unwrap();
    assert_eq!(replay.headers().get(header::LOCATION).unwrap(), "/sign-in");
}

#[tokio::test]
async fn without_facebook_settings_the_link_is_absent_and_the_api_says_so() {
    let app = crate::common::spawn_app().await;
    let page = app
        .client
        .get(app.url("/sign-in"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Continue with Facebook"));
    assert_problem(
        with_token(&app, "authenticate", "any").await,
        StatusCode::BAD_REQUEST,
        "NOT_CONFIGURED",
    )
    .await;
}

/// The session cookie as `name=value`, from a response that sets one.
fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(crate::common::browser::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// Session fixation: a returning Facebook user signed in through the browser flow gets a new
/// session id, and the id the flow started with opens nothing.
#[tokio::test]
async fn facebook_sign_in_renews_the_session_id() {
    let (app, fb) = app_with_facebook().await;
    fb.user("returning-token", "fb-5005", Some(&unique_email()));
    assert_eq!(
        with_token(&app, "register", "returning-token")
            .await
            .status(),
        StatusCode::CREATED
    );
    let client = crate::common::client_builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let started = client
        .get(app.url("/auth/facebook/start"))
        .send()
        .await
        .unwrap();
    let before = set_cookie(&started).expect("the flow keeps its state in a session");
    let location = reqwest::Url::parse(
        started
            .headers()
            .get(header::LOCATION)
            .unwrap()
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let query: HashMap<String, String> = location.query_pairs().into_owned().collect();
    let user = json!({"id": "fb-5005", "first_name": "Face", "last_name": "Booker", "email": null});
    fb.codes
        .lock()
        .unwrap()
        .insert("code-5".into(), (query["code_challenge"].clone(), user));

    let done = client
        .get(app.url(&format!(
            "/auth/facebook/callback?code=code-5&state={}",
            query["state"]
        )))
        .header(header::COOKIE, &before)
        .send()
        .await
        .unwrap();
    assert_see_other(&done, "/profile");
    let after = set_cookie(&done).expect("a new session cookie at sign-in");
    assert_ne!(after, before, "the session id is renewed at sign-in");

    let profile = |cookie: String| {
        client
            .get(app.url("/profile"))
            .header(header::COOKIE, cookie)
            .send()
    };
    let signed_in = profile(after).await.unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert!(signed_in.text().await.unwrap().contains("Face Booker"));
    assert_see_other(&profile(before).await.unwrap(), "/sign-in");
}

/// An identity still waiting for its own code (asked for in a claim) is nobody's: a Facebook
/// account with that email signs up as someone new, and reaches nothing of the claimed contact.
#[tokio::test]
async fn a_pending_identity_is_not_found_through_facebook() {
    let (app, fb) = app_with_facebook().await;
    let on_file = unique_email();
    let claimed = app
        .backoffice_contact(json!({
            "type": "PERSON", "code": "FB-PENDING", "first_name": "Maria", "last_name": "Georgiou",
            "email": on_file,
        }))
        .await;
    let wanted = unique_email();
    let response = app
        .post_json(
            &format!("{CONTACTS}/claim"),
            json!({
                "identification": [{"name": "CODE", "value": "FB-PENDING"}],
                "identity": {"provider": "EMAIL", "email": wanted},
            }),
        )
        .await;
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&on_file).await;
    let tokens = body_json(app.validate(&handle, &code).await).await;
    assert!(
        tokens["pending_identity"]["auth_otp"].is_string(),
        "{tokens}"
    );
    let codes_to_wanted = app.outbox_to(&wanted).await.len();

    fb.user("token-of-wanted", "fb-pending-1", Some(&wanted));
    let response = with_token(&app, "register", "token-of-wanted").await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "signed up as someone new"
    );
    let signed_up = body_json(response).await;
    assert_ne!(signed_up["contact"]["id"], claimed["id"]);
    assert_eq!(
        app.outbox_to(&wanted).await.len(),
        codes_to_wanted,
        "no code to link Facebook to the claimed contact"
    );
}
