//! A customer's ways to sign in: the channels on file are told when one is added or removed; one
//! can be removed (never the last, and the one held longest only once another has settled);
//! signing out everywhere ends every sign-in and every pending code.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    assert_problem, body_json, e164, field_errors, spawn_app_with, unique_email, TestApp, CONTACTS,
};

fn no_wait(s: &mut portal::config::Settings) {
    s.limits.otp_send_cooldown = std::time::Duration::ZERO;
}

async fn bearer(
    app: &TestApp,
    method: Method,
    path: &str,
    access: &str,
    body: Option<Value>,
) -> Response {
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(access);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request sent")
}

/// Adds `email` to the signed-in contact and validates its code.
async fn add_email(app: &TestApp, access: &str, email: &str) {
    let response = bearer(
        app,
        Method::POST,
        &format!("{CONTACTS}/me/identities"),
        access,
        Some(json!({"provider": "EMAIL", "email": email})),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(email).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);
}

async fn identities(app: &TestApp, access: &str) -> Vec<Value> {
    let me = body_json(app.get_me(access).await).await;
    me["identities"].as_array().unwrap().clone()
}

fn id_of(identities: &[Value], provider: &str) -> String {
    identities
        .iter()
        .find(|i| i["provider"] == provider)
        .and_then(|i| i["id"].as_str())
        .unwrap_or_else(|| panic!("no {provider} in {identities:?}"))
        .to_owned()
}

/// Finding 5, the notice: the phone on file is told that an email was added.
#[tokio::test]
async fn adding_an_identity_tells_the_channels_already_on_file() {
    let app = spawn_app_with(no_wait).await;
    let (national, tokens) = app.signed_up_phone().await;
    let access = tokens["access_token"].as_str().unwrap();
    let added = unique_email();
    add_email(&app, access, &added).await;
    let texts = app.outbox_to(&e164(&national)).await;
    let notice = &texts[0];
    assert!(notice["code"].is_null(), "{notice}");
    let body = notice["body"].as_str().unwrap();
    let masked = format!("{}***@example.com", &added[..1]);
    assert!(
        body.contains(&masked) && body.contains("was added"),
        "{body}"
    );
}

#[tokio::test]
async fn a_customer_removes_an_identity_but_never_the_last() {
    let app = spawn_app_with(|s| {
        no_wait(s);
        s.identity_removal_after = std::time::Duration::ZERO;
    })
    .await;
    let (national, tokens) = app.signed_up_phone().await;
    let access = tokens["access_token"].as_str().unwrap();
    let email = unique_email();
    add_email(&app, access, &email).await;
    let held = identities(&app, access).await;
    assert_eq!(held.len(), 2);

    // v1 removes the phone; the phone and the email are both told.
    let phone_id = id_of(&held, "PHONE");
    let response = bearer(
        &app,
        Method::DELETE,
        &format!("{CONTACTS}/me/identities/{phone_id}"),
        access,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(identities(&app, access).await.len(), 1);
    for to in [e164(&national), email.clone()] {
        let told = &app.outbox_to(&to).await[0];
        assert!(
            told["body"].as_str().unwrap().contains("was removed"),
            "{to}: {told}"
        );
    }
    // The phone no longer signs in.
    let response = app.request_otp("PHONE", &e164(&national)).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(
        app.outbox_to(&e164(&national)).await[0]["code"].is_null(),
        "no sign-in code for a removed phone"
    );

    // The last one stays (v2, the same rule).
    let id = tokens["contact"]["id"].as_str().unwrap();
    let email_id = id_of(&identities(&app, access).await, "EMAIL");
    let response = bearer(
        &app,
        Method::DELETE,
        &format!("/self-service/v2/contacts/{id}/identities/{email_id}"),
        access,
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("identity_id".to_owned(), "LAST_IDENTITY".to_owned())]
    );
    let response = bearer(
        &app,
        Method::DELETE,
        &format!("{CONTACTS}/me/identities/no-such-id"),
        access,
        None,
    )
    .await;
    assert_problem(response, StatusCode::NOT_FOUND, "IDENTITY_NOT_FOUND").await;
}

/// With a stolen sign-in, a stranger adds their own email and then tries to remove the owner's
/// phone, the one way the owner has to take the account back: refused until the stranger's email
/// has settled (a week by default), while the owner, told at once, can remove the stranger's.
#[tokio::test]
async fn a_new_identity_cannot_push_out_the_one_held_longest() {
    let app = spawn_app_with(no_wait).await;
    let (_, stolen) = app.signed_up_phone().await;
    let access = stolen["access_token"].as_str().unwrap();
    let strangers = unique_email();
    add_email(&app, access, &strangers).await;
    let held = identities(&app, access).await;
    let response = bearer(
        &app,
        Method::DELETE,
        &format!("{CONTACTS}/me/identities/{}", id_of(&held, "PHONE")),
        access,
        None,
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![(
            "identity_id".to_owned(),
            "NEEDS_A_SETTLED_IDENTITY".to_owned()
        )]
    );
    let response = bearer(
        &app,
        Method::DELETE,
        &format!("{CONTACTS}/me/identities/{}", id_of(&held, "EMAIL")),
        access,
        None,
    )
    .await;
    assert_eq!(
        response.status(),
        StatusCode::NO_CONTENT,
        "the newer one can go at once"
    );
}

/// Signing out everywhere ends every sign-in (this one too) and every pending code.
#[tokio::test]
async fn signing_out_everywhere_ends_every_sign_in_and_pending_code() {
    let app = spawn_app_with(no_wait).await;
    let (national, first) = app.signed_up_phone().await;
    let phone = e164(&national);
    let second = {
        let handle = body_json(app.request_otp("PHONE", &phone).await).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = app.latest_code(&phone).await;
        body_json(app.validate(&handle, &code).await).await
    };
    let access = first["access_token"].as_str().unwrap();
    let pending = unique_email();
    let response = bearer(
        &app,
        Method::POST,
        &format!("{CONTACTS}/me/identities"),
        access,
        Some(json!({"provider": "EMAIL", "email": pending})),
    )
    .await;
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&pending).await;

    let response = bearer(
        &app,
        Method::POST,
        &format!("{CONTACTS}/me/sign-out-everywhere"),
        access,
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    for tokens in [&first, &second] {
        assert_problem(
            app.get_me(tokens["access_token"].as_str().unwrap()).await,
            StatusCode::UNAUTHORIZED,
            "INVALID_TOKEN",
        )
        .await;
        assert_problem(
            app.refresh(tokens["refresh_token"].as_str().unwrap()).await,
            StatusCode::UNAUTHORIZED,
            "INVALID_REFRESH_TOKEN",
        )
        .await;
    }
    assert_problem(
        app.validate(&handle, &code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
}
