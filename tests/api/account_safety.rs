//! The attacks of SECURITY.md, tried as a stranger would try them: each test reproduces one way
//! into someone else's account (or one way to learn who has one) and checks that it is closed.

use std::time::Duration;

use reqwest::{header, Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    assert_problem, body_json,
    browser::{assert_see_other, location, Browser},
    e164,
    gateway::{Gateway, SmsGateway},
    spawn_app, spawn_app_with, unique_email, unique_phone, TestApp, CONTACTS,
};

async fn claim(app: &TestApp, identification: Value, identity: Value) -> Response {
    app.post_json(
        &format!("{CONTACTS}/claim"),
        json!({"identification": identification, "identity": identity}),
    )
    .await
}

async fn authenticate(app: &TestApp, email: &str, password: &str) -> Response {
    app.post_json(
        &format!("{CONTACTS}/authenticate"),
        json!({"provider": "EMAIL", "email": email, "password": password}),
    )
    .await
}

async fn validate_by_credentials(app: &TestApp, name: &str, value: &str, code: &str) -> Response {
    app.post_json(
        &format!("{CONTACTS}/validate-otp"),
        json!({"credentials": [{"name": name, "value": value}], "code": code}),
    )
    .await
}

fn auth_otp(body: &Value) -> String {
    body["auth_otp"]
        .as_str()
        .unwrap_or_else(|| panic!("no auth_otp in {body}"))
        .to_owned()
}

/// A person made in the back office with an email and a mobile on file: (id, email, E.164 phone).
async fn person_on_file(app: &TestApp, code: &str) -> (String, String, String) {
    let (email, national) = (unique_email(), unique_phone());
    let created = app
        .backoffice_contact(json!({
            "type": "PERSON", "code": code, "first_name": "Maria", "last_name": "Georgiou",
            "email": email, "phone": {"number": national, "country_code": "CYP"},
        }))
        .await;
    (
        created["id"].as_str().unwrap().to_owned(),
        email,
        e164(&national),
    )
}

/// Hole 1: a claim code sent to the phone on file works as an ordinary sign-in code there, and
/// the stranger's email and password end up on the owner's contact.
#[tokio::test]
async fn a_claim_code_does_not_work_as_a_sign_in_code() {
    let app = spawn_app().await;
    let (_, _, phone) = person_on_file(&app, "HOLE-1").await;
    let attacker = unique_email();
    let response = claim(
        &app,
        json!([{"name": "PHONE", "value": phone}]),
        json!({"provider": "EMAIL", "email": attacker, "password": "attacker password 1"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    // The owner of the phone reads the text and types the code into an ordinary sign-in.
    let message = app.outbox_to(&phone).await[0].clone();
    let code = message["code"].as_str().unwrap();
    assert_problem(
        validate_by_credentials(&app, "PHONE", &phone, code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    assert_problem(
        authenticate(&app, &attacker, "attacker password 1").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;
    let body = message["body"].as_str().unwrap();
    assert!(
        !body.contains("to sign in"),
        "a claim code must not read like a sign-in code: {body}"
    );
    assert!(
        body.contains("claim"),
        "the text says what it is for: {body}"
    );
}

/// Hole 2: a stranger who owns the email on file of a back-office contact claims it and adds
/// someone else's address with a password; the address must not open anything until its owner
/// proves it.
#[tokio::test]
async fn a_claim_attaches_no_identity_that_was_not_proven() {
    // The claim sends the new address a code (to prove it), which starts its cool-down; the
    // owner registering "later" is here at once.
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let (claimed_id, on_file, _) = person_on_file(&app, "HOLE-2").await;
    let future_victim = unique_email();
    let response = claim(
        &app,
        json!([{"name": "EMAIL", "value": on_file}]),
        json!({"provider": "EMAIL", "email": future_victim, "password": "attacker password 2"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&on_file).await;
    let signed_in = app.validate(&handle, &code).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(body_json(signed_in).await["contact"]["id"], claimed_id);

    assert_problem(
        authenticate(&app, &future_victim, "attacker password 2").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;

    // The real owner registers the address later: a contact of their own, not the claimed one.
    let response = app.register_email(&future_victim, None).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&future_victim).await;
    let theirs = body_json(app.validate(&handle, &code).await).await;
    assert_ne!(
        theirs["contact"]["id"], claimed_id,
        "the owner of the address must not land in the stranger's contact"
    );
    assert_eq!(theirs["contact"]["first_name"], "Andy");
}

/// Hole 3: a deleted contact's portal session (and access token) must not speak for a new
/// contact created later with the same id.
#[tokio::test]
async fn a_deleted_contacts_session_and_tokens_end_with_it() {
    let app = spawn_app().await;
    let national = unique_phone();
    let mut browser = Browser::new(&app);
    browser.get("/register").await;
    let response = browser
        .post_form(
            "/api/register",
            &[
                ("first_name", "Olga"),
                ("last_name", "Old"),
                ("method", "PHONE"),
                ("country_code", "CYP"),
                ("phone_number", &national),
                ("terms", "on"),
            ],
        )
        .await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    assert_see_other(
        &browser.post_form("/api/verify", &[("code", &code)]).await,
        "/profile",
    );
    assert!(browser.get_html("/profile").await.contains("Olga"));

    let listed = app
        .backoffice(Method::GET, "/contacts?search=Olga", None)
        .await;
    let id = body_json(listed).await["content"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let deleted = app
        .backoffice(Method::DELETE, &format!("/contacts/{id}"), None)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    app.backoffice_contact(
        json!({"id": id, "type": "PERSON", "first_name": "Nina", "last_name": "New"}),
    )
    .await;

    let response = browser.get("/profile").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/sign-in",
        "the old session must not show the new contact"
    );
}

/// Hole 3, the API side: an access token and a refresh token minted for a deleted contact are
/// refused, even once a new contact has the same id.
#[tokio::test]
async fn tokens_of_a_deleted_contact_do_not_open_a_new_contact_with_its_id() {
    let app = spawn_app().await;
    let (_, tokens) = app.signed_up_phone().await;
    let id = tokens["contact"]["id"].as_str().unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let deleted = app
        .backoffice(Method::DELETE, &format!("/contacts/{id}"), None)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    app.backoffice_contact(
        json!({"id": id, "type": "PERSON", "first_name": "Nina", "last_name": "New"}),
    )
    .await;
    assert_problem(
        app.get_me(access).await,
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

/// What a client can see of an answer, minus what differs on every request anyway.
async fn observable(response: Response) -> (u16, Vec<(String, String)>, Vec<String>) {
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id" | "content-length"))
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    headers.sort();
    let body = body_json(response).await;
    let mut keys: Vec<String> = body
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    if let Some(code) = body["code"].as_str() {
        keys.push(format!("code={code}"));
    }
    (status, headers, keys)
}

/// Hole 4: with the limits on, a claim that matches and one that does not answer alike, call
/// after call (statuses, headers, `Retry-After`, body keys).
#[tokio::test]
async fn claims_that_match_and_claims_that_do_not_answer_alike() {
    let app = spawn_app().await;
    person_on_file(&app, "HOLE-4").await;
    let mut matching = Vec::new();
    let mut not_matching = Vec::new();
    for _ in 0..3 {
        let identity = json!({"provider": "EMAIL", "email": unique_email()});
        matching.push(
            observable(
                claim(
                    &app,
                    json!([{"name": "CODE", "value": "HOLE-4"}]),
                    identity.clone(),
                )
                .await,
            )
            .await,
        );
        not_matching.push(
            observable(claim(&app, json!([{"name": "CODE", "value": "HOLE-X"}]), identity).await)
                .await,
        );
    }
    assert_eq!(matching, not_matching);
    assert_eq!(matching[0].0, 202);
}

/// Hole 4: failed claims count toward the per-account cap, and the cap answers alike whether
/// or not the identification would have matched.
#[tokio::test]
async fn failed_claims_are_capped_per_account() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 1_000;
        s.limits.failed_logins_per_account_per_hour = 3;
    })
    .await;
    person_on_file(&app, "HOLE-4B").await;
    let identity = json!({"provider": "EMAIL", "email": unique_email()});
    for _ in 0..3 {
        let response = claim(
            &app,
            json!([{"name": "CODE", "value": "HOLE-4B"}, {"name": "LAST_NAME", "value": "Wrong"}]),
            identity.clone(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    // Now even the right last name is refused until the hour is over.
    let response = claim(
        &app,
        json!([{"name": "CODE", "value": "HOLE-4B"}, {"name": "LAST_NAME", "value": "Georgiou"}]),
        identity,
    )
    .await;
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
}

/// Hole 5: a failing SMS gateway must not make known identities answer differently (no
/// `DELIVERY_FAILED` that only a known identity can cause).
#[tokio::test]
async fn a_failing_gateway_does_not_tell_known_identities_apart() {
    let gateway = SmsGateway::start(Gateway::Accept).await;
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.sms_delivery = portal::config::DeliveryKind::SmsHttp;
        s.sms_http_url = Some(gateway.url.clone());
        s.delivery_timeout = Duration::from_secs(2);
    })
    .await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = auth_otp(&body_json(response).await);
    let body = gateway.bodies_to(&e164(&national)).pop().unwrap();
    let code: String = body
        .split("code is ")
        .nth(1)
        .unwrap()
        .chars()
        .take(6)
        .collect();
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);

    gateway.set(Gateway::Down);
    let known = observable(app.request_otp("PHONE", &e164(&national)).await).await;
    let unknown = observable(app.request_otp("PHONE", &e164(&unique_phone())).await).await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, 202);
}

/// A code of six digits that is not `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// Hole 6: 5 tries per code times 10 codes an hour must not add up to endless guessing: at most
/// 20 wrong codes per identity per day, then 429 even for the right code.
#[tokio::test]
async fn wrong_codes_are_capped_across_codes() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 100;
    })
    .await;
    let (national, _) = app.signed_up_phone().await;
    let phone = e164(&national);
    let mut wrong_answers = 0;
    for _ in 0..4 {
        let response = app.request_otp("PHONE", &phone).await;
        let handle = auth_otp(&body_json(response).await);
        let code = app.latest_code(&phone).await;
        for _ in 0..5 {
            let response = app.validate(&handle, &wrong(&code)).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            wrong_answers += 1;
        }
    }
    assert_eq!(wrong_answers, 20);
    let response = app.request_otp("PHONE", &phone).await;
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&phone).await;
    let response = app.validate(&handle, &code).await;
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
}

/// Hole 10: an empty id is a mistake to report, not a request for a generated one.
#[tokio::test]
async fn an_empty_contact_id_is_refused_on_its_field() {
    let app = spawn_app().await;
    let response = app
        .backoffice(
            Method::POST,
            "/contacts",
            Some(json!({"id": "", "type": "PERSON", "first_name": "A", "last_name": "B"})),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["field"], "id");
}
