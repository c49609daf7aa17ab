//! Every credential of the mission: passwords (cap, reset, change), claiming a back-office
//! contact, adding an identity.

use crate::common::{
    answer, assert_alike, assert_problem, body_json,
    browser::{signed_in_agent, text_of},
    e164, field_errors, spawn_app, spawn_app_with, unique_email, unique_phone, TestApp, CONTACTS,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn authenticate(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        &format!("{CONTACTS}/authenticate"),
        json!({"provider": "EMAIL", "email": email, "password": password}),
    )
    .await
}

/// Registers `email` with `password` and validates it: the token response.
async fn with_password(app: &TestApp, email: &str, password: &str) -> Value {
    let auth_otp = body_json(app.register_email(email, Some(password)).await).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(email).await;
    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_101st_wrong_password_in_an_hour_is_refused() {
    let app = spawn_app().await;
    let email = unique_email();
    let password = "correct horse battery staple";
    with_password(&app, &email, password).await;
    // Concurrent guesses, four at a time: the cap is counted before each check.
    for round in 0..25 {
        let guesses = (0..4).map(|i| {
            authenticate(
                &app,
                &email,
                if (round + i) % 2 == 0 {
                    "wrong guess one"
                } else {
                    "wrong guess two"
                },
            )
        });
        for response in futures::future::join_all(guesses).await {
            assert_eq!(body_json(response).await["code"], "INVALID_CREDENTIALS");
        }
    }
    let response = authenticate(&app, &email, "wrong guess three").await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    let response = authenticate(&app, &email, password).await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_a_code_and_every_sign_in_ends() {
    // (The registration code went to the same email a moment ago: no cool-down here.)
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let email = unique_email();
    let tokens = with_password(&app, &email, "first password 123").await;

    let forgot_path = format!("{CONTACTS}/forgot-password");
    let forgot = |email: String| app.post_json(&forgot_path, json!({ "email": email }));
    let unknown = answer(forgot(unique_email()).await).await;
    assert_eq!(
        app.outbox().await.len(),
        1,
        "nothing is sent to an unknown email"
    );
    // The whole answer is the same for a known email.
    let known = answer(forgot(email.clone()).await).await;
    assert_alike(
        &known,
        &unknown,
        "forgot-password: known and unknown emails",
    );
    assert_eq!(known.status, 202, "{known:?}");

    // Asked again, the newest code is the one to reset with.
    let response = forgot(email.clone()).await;
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    let reset_path = format!("{CONTACTS}/reset-password");
    let reset = |code: &str, password: &str| {
        app.post_json(
            &reset_path,
            json!({"auth_otp": auth_otp, "code": code, "password": password}),
        )
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    assert_problem(
        reset(wrong, "second password 456").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    let weak = reset(&code, "password").await;
    let problem = assert_problem(weak, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("password".to_owned(), "PASSWORD_TOO_COMMON".to_owned())]
    );
    // A reset code is not a sign-in code.
    assert_problem(
        app.validate(&auth_otp, &code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    assert_eq!(
        reset(&code, "second password 456").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        reset(&code, "third password 789").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;

    assert_problem(
        app.refresh(tokens["refresh_token"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_REFRESH_TOKEN",
    )
    .await;
    assert_problem(
        app.get_me(tokens["access_token"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
    assert_problem(
        authenticate(&app, &email, "first password 123").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;
    assert_eq!(
        authenticate(&app, &email, "second password 456")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_signed_in_contact_changes_its_password_with_the_current_one() {
    let app = spawn_app().await;
    let email = unique_email();
    let tokens = with_password(&app, &email, "first password 123").await;
    let access = tokens["access_token"].as_str().unwrap();
    let change = |current: &str, new: &str| {
        app.client
            .post(app.url(&format!("{CONTACTS}/me/password")))
            .header("api_key", &app.api_key)
            .bearer_auth(access)
            .json(&json!({"current_password": current, "password": new}))
            .send()
    };
    let problem = assert_problem(
        change("not it", "second password 456").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_errors(&problem)[0].0, "current_password");
    assert_eq!(
        change("first password 123", "second password 456")
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.refresh(tokens["refresh_token"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_REFRESH_TOKEN",
    )
    .await;
    assert_eq!(
        authenticate(&app, &email, "second password 456")
            .await
            .status(),
        StatusCode::OK
    );
}

/// A contact made in the back office, with an email and a phone on file.
async fn back_office_contact(app: &TestApp, code: &str, email: &str, national: &str) -> String {
    let created = app
        .backoffice_contact(json!({
            "type": "PERSON", "code": code, "first_name": "Maria", "last_name": "Georgiou",
            "email": email, "phone": {"number": national, "country_code": "CYP"},
        }))
        .await;
    created["id"].as_str().expect("an id").to_owned()
}

async fn claim(app: &TestApp, identification: Value, identity: Value) -> reqwest::Response {
    app.post_json(
        &format!("{CONTACTS}/claim"),
        json!({"identification": identification, "identity": identity}),
    )
    .await
}

#[tokio::test]
async fn a_back_office_contact_is_claimed_with_a_code_sent_to_the_channel_on_file() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let (on_file, national) = (unique_email(), unique_phone());
    let id = back_office_contact(&app, "CRM-1001", &on_file, &national).await;
    let new_email = unique_email();

    // A new, unproven address is never written to: the code goes to the email on file.
    let response = claim(
        &app,
        json!([{"name": "CODE", "value": "CRM-1001"}, {"name": "LAST_NAME", "value": "georgiou"}]),
        json!({"provider": "EMAIL", "email": new_email, "password": "claimed password 1"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(app.outbox_to(&new_email).await.is_empty());
    let code = app.latest_code(&on_file).await;
    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = body_json(response).await;
    assert_eq!(
        tokens["contact"]["id"], id,
        "signed in as the claimed contact"
    );
    assert_eq!(tokens["contact"]["is_verified"], true);
    assert_eq!(app.contact_count().await, 1);
    // The new address is not attached yet: it gets a code of its own first.
    assert_eq!(
        authenticate(&app, &new_email, "claimed password 1")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let pending = &tokens["pending_identity"];
    assert_eq!(
        pending["obfuscated_value"],
        format!("{}***@example.com", &new_email[..1])
    );
    let added = app
        .validate(
            pending["auth_otp"].as_str().unwrap(),
            &app.latest_code(&new_email).await,
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(body_json(added).await["contact"]["id"], id);
    assert_eq!(
        authenticate(&app, &new_email, "claimed password 1")
            .await
            .status(),
        StatusCode::OK
    );

    // The back office sees the claim in the contact's audit trail.
    let mut agent = signed_in_agent(&app, "agent@example.com", "agent").await;
    let page = text_of(&agent.get_html(&format!("/agent/contacts/{id}")).await);
    assert!(page.contains("Claimed by the customer"), "{page}");

    // Claimed already (it has an EMAIL identity): nothing more is sent, the answer is the same.
    let before = app.outbox().await.len();
    let again = claim(
        &app,
        json!([{"name": "CODE", "value": "CRM-1001"}]),
        json!({"provider": "EMAIL", "email": unique_email()}),
    )
    .await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    assert_eq!(app.outbox().await.len(), before);
}

/// With the limits on (the real cool-down), a claim that matches and claims that do not get the
/// same whole answer, at first and again once the cool-down holds them back.
#[tokio::test]
async fn a_claim_that_does_not_match_sends_nothing_and_answers_alike() {
    let app = spawn_app().await;
    let (on_file, national) = (unique_email(), unique_phone());
    back_office_contact(&app, "CRM-2002", &on_file, &national).await;
    let (other_on_file, other_national) = (unique_email(), unique_phone());
    back_office_contact(&app, "CRM-2003", &other_on_file, &other_national).await;
    let identity = json!({"provider": "EMAIL", "email": unique_email()});
    let claims = [
        (
            "the right code and last name",
            json!([{"name": "CODE", "value": "CRM-2003"}, {"name": "LAST_NAME", "value": "Georgiou"}]),
        ),
        (
            "a wrong last name",
            json!([{"name": "CODE", "value": "CRM-2002"}, {"name": "LAST_NAME", "value": "Smith"}]),
        ),
        (
            "an unknown code",
            json!([{"name": "CODE", "value": "CRM-9999"}]),
        ),
        (
            "an unknown email",
            json!([{"name": "EMAIL", "value": unique_email()}]),
        ),
    ];
    for round in ["first", "within the cool-down"] {
        let mut answers = Vec::new();
        for (what, identification) in &claims {
            answers.push((
                *what,
                answer(claim(&app, identification.clone(), identity.clone()).await).await,
            ));
        }
        let (_, matching) = &answers[0];
        for (what, other) in &answers[1..] {
            assert_alike(
                other,
                matching,
                &format!("{round} claim: {what} vs a match"),
            );
        }
        let expected = if round == "first" { 202 } else { 429 };
        assert_eq!(matching.status, expected, "{round}: {matching:?}");
    }
    // Only the match sent anything: one code, to its email on file.
    let outbox = app.outbox().await;
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0]["to"], other_on_file.as_str());

    let problem = assert_problem(
        claim(&app, json!([]), identity).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_errors(&problem)[0].0, "identification");
}

#[tokio::test]
async fn a_claim_by_phone_on_file_texts_that_phone() {
    let app = spawn_app().await;
    let (on_file, national) = (unique_email(), unique_phone());
    let id = back_office_contact(&app, "CRM-3003", &on_file, &national).await;
    let phone = e164(&national);
    let response = claim(
        &app,
        json!([{"name": "PHONE", "value": phone}, {"name": "LAST_NAME", "value": "Georgiou"}]),
        json!({"provider": "PHONE", "phone_number": phone}),
    )
    .await;
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&phone).await;
    let tokens = body_json(app.validate(&auth_otp, &code).await).await;
    assert_eq!(tokens["contact"]["id"], id);
    let me = body_json(app.get_me(tokens["access_token"].as_str().unwrap()).await).await;
    assert_eq!(me["identities"][0]["provider"], "PHONE");
    assert_eq!(me["identities"][0]["verified"], true);
}

#[tokio::test]
async fn a_signed_in_contact_adds_an_email_proven_by_a_code() {
    // (Someone else's email is asked for right after its own code was sent: no cool-down.)
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let (_, tokens) = app.signed_up_phone().await;
    let access = tokens["access_token"].as_str().unwrap();
    let add = |email: &str| {
        app.client
            .post(app.url(&format!("{CONTACTS}/me/identities")))
            .header("api_key", &app.api_key)
            .bearer_auth(access)
            .json(&json!({"provider": "EMAIL", "email": email}))
            .send()
    };
    let email = unique_email();
    let response = add(&email).await.unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    let added = body_json(app.validate(&auth_otp, &code).await).await;
    assert_eq!(added["contact"]["id"], tokens["contact"]["id"]);
    let me = body_json(app.get_me(access).await).await;
    let providers: Vec<&str> = me["identities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["provider"].as_str())
        .collect();
    assert_eq!(providers, vec!["PHONE", "EMAIL"]);

    // Someone else's email: answered as any other (no face tells whether an identity is taken);
    // its owner is told instead, and the code that comes back opens nothing.
    let (_, other) = app.signed_up_phone().await;
    let other_email = unique_email();
    let r = app
        .client
        .post(app.url(&format!("{CONTACTS}/me/identities")))
        .header("api_key", &app.api_key)
        .bearer_auth(other["access_token"].as_str().unwrap())
        .json(&json!({"provider": "EMAIL", "email": other_email}))
        .send()
        .await
        .unwrap();
    let their_otp = body_json(r).await["auth_otp"].as_str().unwrap().to_owned();
    let their_code = app.latest_code(&other_email).await;
    assert_eq!(
        app.validate(&their_otp, &their_code).await.status(),
        StatusCode::OK
    );
    let taken = answer(add(&other_email).await.unwrap()).await;
    let free = answer(add(&unique_email()).await.unwrap()).await;
    assert_alike(
        &taken,
        &free,
        "adding an email that is someone's, and one that is nobody's",
    );
    let told = &app.outbox_to(&other_email).await[0];
    assert!(told["code"].is_null(), "a notice carries no code: {told}");
    assert!(
        told["body"]
            .as_str()
            .unwrap()
            .contains("already signs in to an account here"),
        "{told}"
    );
    assert_problem(
        app.client
            .post(app.url(&format!("{CONTACTS}/me/identities")))
            .header("api_key", &app.api_key)
            .json(&json!({"provider": "EMAIL", "email": unique_email()}))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
}
