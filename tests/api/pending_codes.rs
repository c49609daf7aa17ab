//! What a pending code may still do once someone else has acted: a later registration, a decoy
//! `request-otp`, a password reset or a sign-out (SECURITY.md, "Codes that outlive what they were
//! for"). Each attack test here reproduces a finding of the second trust review end to end and
//! failed on the code before its fix.

use crate::common::{
    answer, assert_alike, assert_problem, body_json, spawn_app_with, unique_email, TestApp,
    CONTACTS,
};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

fn without_cool_down(s: &mut portal::config::Settings) {
    s.limits.otp_send_cooldown = std::time::Duration::ZERO;
}

async fn register(
    app: &TestApp,
    email: &str,
    first: &str,
    last: &str,
    password: Option<&str>,
) -> String {
    let mut identity = json!({ "provider": "EMAIL", "email": email });
    if let Some(p) = password {
        identity["password"] = json!(p);
    }
    let response = app
        .post_json(
            &format!("{CONTACTS}/register"),
            json!({ "first_name": first, "last_name": last, "identity": identity, "service_acceptance": true }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    body_json(response).await["auth_otp"]
        .as_str()
        .expect("an auth_otp")
        .to_owned()
}

async fn by_credentials(app: &TestApp, email: &str, code: &str) -> Response {
    app.post_json(
        &format!("{CONTACTS}/validate-otp"),
        json!({ "credentials": [{ "name": "EMAIL", "value": email }], "code": code }),
    )
    .await
}

async fn password_sign_in(app: &TestApp, email: &str, password: &str) -> Response {
    app.post_json(
        &format!("{CONTACTS}/authenticate"),
        json!({ "provider": "EMAIL", "email": email, "password": password }),
    )
    .await
}

async fn invalid_otp(response: Response) {
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
}

async fn strangers_password_opens_nothing(app: &TestApp, email: &str, password: &str) {
    let response = password_sign_in(app, email, password).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
}

/// The codes sent to `email`, newest first.
async fn codes_to(app: &TestApp, email: &str) -> Vec<String> {
    app.outbox_to(email)
        .await
        .iter()
        .filter_map(|m| m["code"].as_str().map(str::to_owned))
        .collect()
}

/// Finding 1 (high): the victim registers, a stranger registers the same email afterwards with
/// names and a password of their own; the victim types the newest code they received. Before the
/// fix the contact was created with the stranger's names and password.
#[tokio::test]
async fn a_later_registration_of_the_same_email_takes_nothing_over() {
    let app = spawn_app_with(without_cool_down).await;
    let email = unique_email();
    let victims = register(&app, &email, "Vera", "Victim", None).await;
    let strangers_password = "mallory's own password 1";
    register(
        &app,
        &email,
        "Mallory",
        "Stranger",
        Some(strangers_password),
    )
    .await;
    let codes = codes_to(&app, &email).await;
    assert_eq!(
        codes.len(),
        2,
        "both registrations sent a code to the email"
    );
    let (newest, first) = (&codes[0], &codes[1]);

    // The victim types the newest code into an app that validates by credentials.
    invalid_otp(by_credentials(&app, &email, newest).await).await;
    assert_eq!(
        app.contact_count().await,
        0,
        "nobody's registration finished"
    );
    strangers_password_opens_nothing(&app, &email, strangers_password).await;

    // The victim's own registration still finishes with the victim's code, and only theirs.
    let response = app.validate(&victims, first).await;
    assert_eq!(response.status(), StatusCode::OK);
    let contact = body_json(response).await["contact"].clone();
    assert_eq!(
        (contact["first_name"].clone(), contact["last_name"].clone()),
        (json!("Vera"), json!("Victim"))
    );
    strangers_password_opens_nothing(&app, &email, strangers_password).await;
}

/// Finding 1, the other way round: the stranger registers first. The victim, typing the code of
/// the stranger's registration into their own registration's page, opens nothing either.
#[tokio::test]
async fn an_earlier_registration_by_someone_else_is_never_finished_by_the_owners_code() {
    let app = spawn_app_with(without_cool_down).await;
    let email = unique_email();
    let strangers_password = "mallory's own password 2";
    register(
        &app,
        &email,
        "Mallory",
        "Stranger",
        Some(strangers_password),
    )
    .await;
    let victims = register(&app, &email, "Vera", "Victim", None).await;
    let codes = codes_to(&app, &email).await;
    let (victims_code, strangers_code) = (&codes[0], &codes[1]);
    if victims_code != strangers_code {
        invalid_otp(app.validate(&victims, strangers_code).await).await;
    }
    for code in [victims_code, strangers_code] {
        invalid_otp(by_credentials(&app, &email, code).await).await;
    }
    assert_eq!(app.contact_count().await, 0);
    let response = app.validate(&victims, victims_code).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_json(response).await["contact"]["first_name"], "Vera");
    strangers_password_opens_nothing(&app, &email, strangers_password).await;
}

/// Finding 2: a stranger's `request-otp` for an email being registered (a decoy: the email is
/// not on file yet) used to shadow the registration's code, so the owner's right code failed.
/// Now the answer to the owner's code does not depend on what a stranger asked for.
#[tokio::test]
async fn a_decoy_changes_nothing_for_a_registration_in_progress() {
    let app = spawn_app_with(without_cool_down).await;
    let mut answers = Vec::new();
    for stranger_asks in [false, true] {
        let email = unique_email();
        let handle = register(&app, &email, "Vera", "Victim", None).await;
        let code = codes_to(&app, &email).await[0].clone();
        if stranger_asks {
            let response = app.request_otp("EMAIL", &email).await;
            assert_eq!(response.status(), StatusCode::ACCEPTED);
        }
        answers.push(answer(by_credentials(&app, &email, &code).await).await);
        let response = app.validate(&handle, &code).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "the owner's code finishes the registration (decoy: {stranger_asks})"
        );
    }
    assert_alike(
        &answers[0],
        &answers[1],
        "the owner's code by credentials, without and with a stranger's request-otp",
    );
}

/// Signs up `email` (with a password) and returns the token response.
async fn signed_up(app: &TestApp, email: &str, password: &str) -> Value {
    let handle = register(app, email, "Vera", "Victim", Some(password)).await;
    let code = codes_to(app, email).await[0].clone();
    let response = app.validate(&handle, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

async fn add_email(app: &TestApp, access_token: &str, email: &str) -> Response {
    app.client
        .post(app.url(&format!("{CONTACTS}/me/identities")))
        .header("api_key", &app.api_key)
        .bearer_auth(access_token)
        .json(&json!({ "provider": "EMAIL", "email": email }))
        .send()
        .await
        .expect("request sent")
}

async fn reset_password(app: &TestApp, email: &str, new_password: &str) {
    let response = app
        .post_json(
            &format!("{CONTACTS}/forgot-password"),
            json!({ "email": email }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = codes_to(app, email).await[0].clone();
    let response = app
        .post_json(
            &format!("{CONTACTS}/reset-password"),
            json!({ "auth_otp": handle, "code": code, "password": new_password }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// Finding 5: with a stolen access token a stranger asks to add their own email; the victim
/// resets the password, which ends every sign-in. Before the fix the stranger's pending code still
/// attached their email to the victim's contact and handed them fresh tokens.
#[tokio::test]
async fn a_password_reset_ends_an_identity_being_added_with_a_stolen_token() {
    let app = spawn_app_with(without_cool_down).await;
    let victim = unique_email();
    let stolen = signed_up(&app, &victim, "victim's password 1").await;
    let strangers = unique_email();
    let response = add_email(&app, stolen["access_token"].as_str().unwrap(), &strangers).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = codes_to(&app, &strangers).await[0].clone();

    reset_password(&app, &victim, "victim's new password 2").await;

    invalid_otp(app.validate(&handle, &code).await).await;
    // The stranger's email opens nothing: it was never attached.
    let response = app.request_otp("EMAIL", &strangers).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(
        codes_to(&app, &strangers).await.len(),
        1,
        "no sign-in code for an identity not on file"
    );
}

/// A changed password ends pending codes too (the same rule on the other path).
#[tokio::test]
async fn a_password_change_ends_every_pending_code_of_the_contact() {
    let app = spawn_app_with(without_cool_down).await;
    let victim = unique_email();
    let tokens = signed_up(&app, &victim, "victim's password 1").await;
    let access = tokens["access_token"].as_str().unwrap();
    let strangers = unique_email();
    let response = add_email(&app, access, &strangers).await;
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = codes_to(&app, &strangers).await[0].clone();
    let response = app
        .client
        .post(app.url(&format!("{CONTACTS}/me/password")))
        .header("api_key", &app.api_key)
        .bearer_auth(access)
        .json(&json!({ "current_password": "victim's password 1", "password": "victim's password 2" }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    invalid_otp(app.validate(&handle, &code).await).await;
}

/// An add-identity code needs the sign-in that asked for it to be live when it is redeemed, and
/// redeeming it signs nobody in: it answers the contact, with no tokens.
#[tokio::test]
async fn an_added_identity_needs_a_live_sign_in_and_issues_no_tokens() {
    let app = spawn_app_with(without_cool_down).await;
    let tokens = signed_up(&app, &unique_email(), "victim's password 1").await;
    let access = tokens["access_token"].as_str().unwrap();

    let added = unique_email();
    let response = add_email(&app, access, &added).await;
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = codes_to(&app, &added).await[0].clone();
    let response = app.validate(&handle, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = body_json(response).await;
    assert_eq!(body["contact"]["id"], tokens["contact"]["id"]);
    for absent in ["access_token", "refresh_token", "exp"] {
        assert!(body.get(absent).is_none(), "{absent} in {body}");
    }

    // Asked for, then the sign-in ends (sign-out): the code is dead.
    let other = unique_email();
    let response = add_email(&app, access, &other).await;
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = codes_to(&app, &other).await[0].clone();
    let response = app
        .post_json(
            &format!("{CONTACTS}/sign-out"),
            json!({ "refresh_token": tokens["refresh_token"] }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    invalid_otp(app.validate(&handle, &code).await).await;
}
