//! The attacks of SECURITY.md, tried as a stranger would try them: each test reproduces one way
//! into someone else's account (or one way to learn who has one) and checks that it is closed.

use std::time::Duration;

use reqwest::{header, Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    answer, assert_alike, assert_problem, body_json,
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

/// Hole 4: with the limits on, a claim that matches and one that does not answer alike, call
/// after call (statuses, headers, `Retry-After`, body keys).
#[tokio::test]
async fn claims_that_match_and_claims_that_do_not_answer_alike() {
    let app = spawn_app().await;
    person_on_file(&app, "HOLE-4").await;
    for round in 0..3 {
        let identity = json!({"provider": "EMAIL", "email": unique_email()});
        let matching = answer(
            claim(
                &app,
                json!([{"name": "CODE", "value": "HOLE-4"}]),
                identity.clone(),
            )
            .await,
        )
        .await;
        let not_matching =
            answer(claim(&app, json!([{"name": "CODE", "value": "HOLE-X"}]), identity).await).await;
        assert_alike(&matching, &not_matching, &format!("claim {}", round + 1));
        // The first is sent; the next ones meet the cool-down, alike.
        assert_eq!(matching.status, if round == 0 { 202 } else { 429 });
    }
}

/// Claims answer alike under every cap, whole answers and headers: the account's (here 2), the
/// client's (here 4 per hour), and the channel's own cool-down, which a match by a second
/// identifier meets without the answer showing it.
#[tokio::test]
async fn claims_answer_alike_under_every_cap() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.failed_logins_per_account_per_hour = 2;
        s.limits.claims_per_ip_per_hour = 4;
    })
    .await;
    person_on_file(&app, "CAPS-1").await;
    let from = |ip: &'static str, identification: Value| {
        app.client
            .post(app.url(&format!("{CONTACTS}/claim")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", ip)
            .json(&json!({
                "identification": identification,
                "identity": {"provider": "EMAIL", "email": unique_email()},
            }))
            .send()
    };
    let by_code = |code: &str| json!([{"name": "CODE", "value": code}]);
    // The account's cap: the third claim of one identifier is refused, matched or not.
    let mut matching = Vec::new();
    let mut missing = Vec::new();
    for _ in 0..3 {
        matching.push(answer(from("198.51.100.1", by_code("CAPS-1")).await.unwrap()).await);
        missing.push(answer(from("198.51.100.2", by_code("CAPS-X")).await.unwrap()).await);
    }
    for (i, (a, b)) in matching.iter().zip(&missing).enumerate() {
        assert_alike(a, b, &format!("claim {} of one identifier", i + 1));
    }
    assert_eq!(matching[2].status, 429, "{:?}", matching[2]);

    // The client's cap: the fifth claim of a client is refused, matched or not (the channel's
    // cool-down is zero here, so every matching claim would send).
    let (_, other_email, _) = person_on_file(&app, "CAPS-2").await;
    let identifiers = [
        json!([{"name": "EMAIL", "value": other_email}]),
        by_code("CAPS-2"),
        json!([{"name": "CODE", "value": "CAPS-2"}, {"name": "LAST_NAME", "value": "Georgiou"}]),
        json!([{"name": "EMAIL", "value": other_email}, {"name": "LAST_NAME", "value": "Georgiou"}]),
        by_code("caps-2"),
    ];
    let mut matching = Vec::new();
    let mut missing = Vec::new();
    for identification in &identifiers {
        matching.push(answer(from("198.51.100.3", identification.clone()).await.unwrap()).await);
        let miss = json!([{"name": "EMAIL", "value": unique_email()}]);
        missing.push(answer(from("198.51.100.4", miss).await.unwrap()).await);
    }
    for (i, (a, b)) in matching.iter().zip(&missing).enumerate() {
        assert_alike(a, b, &format!("claim {} of one client", i + 1));
    }
    assert_eq!(matching[4].status, 429, "{:?}", matching[4]);
}

/// The channel's own cool-down: a second claim of one contact by another identifier within the
/// minute sends the channel nothing and answers as a claim that matched nothing.
#[tokio::test]
async fn a_claim_that_meets_the_channels_cool_down_answers_as_one_that_matched_nothing() {
    let app = spawn_app().await;
    let (_, email, _) = person_on_file(&app, "CAPS-3").await;
    let identity = || json!({"provider": "EMAIL", "email": unique_email()});
    let first = claim(
        &app,
        json!([{"name": "CODE", "value": "CAPS-3"}]),
        identity(),
    )
    .await;
    assert_eq!(first.status(), StatusCode::ACCEPTED);
    let second =
        answer(claim(&app, json!([{"name": "EMAIL", "value": email}]), identity()).await).await;
    let nobody = answer(
        claim(
            &app,
            json!([{"name": "EMAIL", "value": unique_email()}]),
            identity(),
        )
        .await,
    )
    .await;
    assert_alike(
        &second,
        &nobody,
        "a claim the channel's cap held back, and a miss",
    );
    assert_eq!(second.status, 202);
    assert_eq!(
        app.outbox_to(&email).await.len(),
        1,
        "the channel got one code"
    );
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
    let code = gateway.code_for(&e164(&national)).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);

    gateway.set(Gateway::Down);
    let known = answer(app.request_otp("PHONE", &e164(&national)).await).await;
    let unknown = answer(app.request_otp("PHONE", &e164(&unique_phone())).await).await;
    assert_alike(&known, &unknown, "request-otp with the gateway down");
    assert_eq!(known.status, 202);
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
    // Refused by the identity's day-long window, not by an hourly cap: Retry-After says so.
    let retry_after: i64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry_after > 3600,
        "Retry-After {retry_after} s: not the 24 h window"
    );
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
}

/// The same caps hold when the guesses name the identity instead of a handle (`credentials`):
/// 20 wrong codes per identity a day, and per client.
#[tokio::test]
async fn wrong_codes_by_credentials_are_capped_per_identity_and_per_client() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.wrong_codes_per_identity_per_day = 4;
        s.limits.wrong_codes_per_ip_per_hour = 6;
    })
    .await;
    let (national, _) = app.signed_up_phone().await;
    let phone = e164(&national);
    let guess = |from: &'static str, phone: String, code: String| {
        app.client
            .post(app.url(&format!("{CONTACTS}/validate-otp")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", from)
            .json(&json!({"credentials": [{"name": "PHONE", "value": phone}], "code": code}))
            .send()
    };
    let response = app.request_otp("PHONE", &phone).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let code = app.latest_code(&phone).await;
    for from in [
        "198.51.100.1",
        "198.51.100.2",
        "198.51.100.3",
        "198.51.100.4",
    ] {
        let response = guess(from, phone.clone(), wrong(&code)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // The identity's cap holds, from a fresh client and with a fresh code.
    let response = app.request_otp("PHONE", &phone).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let code = app.latest_code(&phone).await;
    let response = guess("198.51.100.5", phone.clone(), code).await.unwrap();
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    // The client's cap holds across identities.
    for _ in 0..6 {
        let response = guess("198.51.100.6", e164(&unique_phone()), "123456".into())
            .await
            .unwrap();
        assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    }
    let response = guess("198.51.100.6", e164(&unique_phone()), "123456".into())
        .await
        .unwrap();
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
}

/// A deleted contact's sign-in, claim and reset codes end with it.
#[tokio::test]
async fn a_deleted_contacts_sign_in_claim_and_reset_codes_end_with_it() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    // Sign-in and reset codes of a registered contact.
    let email = unique_email();
    let handle =
        auth_otp(&body_json(app.register_email(&email, Some("a password of 1")).await).await);
    let code = app.latest_code(&email).await;
    let registered = body_json(app.validate(&handle, &code).await).await;
    let sign_in = auth_otp(&body_json(app.request_otp("EMAIL", &email).await).await);
    let sign_in_code = app.latest_code(&email).await;
    let forgot = app
        .post_json(
            &format!("{CONTACTS}/forgot-password"),
            json!({"email": email}),
        )
        .await;
    let reset = auth_otp(&body_json(forgot).await);
    let reset_code = app.latest_code(&email).await;
    // A claim code of a back-office contact.
    let (person, on_file, _) = person_on_file(&app, "GONE-1").await;
    let response = claim(
        &app,
        json!([{"name": "CODE", "value": "GONE-1"}]),
        json!({"provider": "EMAIL", "email": unique_email()}),
    )
    .await;
    let claim_handle = auth_otp(&body_json(response).await);
    let claim_code = app.latest_code(&on_file).await;

    for id in [
        registered["contact"]["id"].as_str().unwrap(),
        person.as_str(),
    ] {
        let response = app
            .backoffice(Method::DELETE, &format!("/contacts/{id}"), None)
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
    for (handle, code) in [(&sign_in, &sign_in_code), (&claim_handle, &claim_code)] {
        assert_problem(
            app.validate(handle, code).await,
            StatusCode::UNAUTHORIZED,
            "INVALID_OTP",
        )
        .await;
    }
    let response = app
        .post_json(
            &format!("{CONTACTS}/reset-password"),
            json!({"auth_otp": reset, "code": reset_code, "password": "a new password 2"}),
        )
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    assert_eq!(app.contact_count().await, 0, "nothing came back");
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

// ---------------------------------------------------------------------------------------------
// §2.1 rule 1: a code answers only the purpose it was issued for, and says what that is.

/// A signed-in customer's token response and a fresh email it asked to add: (tokens, email,
/// the add-identity `auth_otp`).
async fn adding_an_email(app: &TestApp) -> (Value, String, String) {
    let (_, tokens) = app.signed_up_phone().await;
    let email = unique_email();
    let response = app
        .client
        .post(app.url(&format!("{CONTACTS}/me/identities")))
        .header("api_key", &app.api_key)
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .json(&json!({"provider": "EMAIL", "email": email}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let handle = auth_otp(&body_json(response).await);
    (tokens, email, handle)
}

#[tokio::test]
async fn an_add_identity_code_is_redeemed_only_with_its_own_auth_otp() {
    let app = spawn_app().await;
    let (tokens, email, handle) = adding_an_email(&app).await;
    let code = app.latest_code(&email).await;
    assert_problem(
        validate_by_credentials(&app, "EMAIL", &email, &code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    let body = app.outbox_to(&email).await[0]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    let masked = format!("{}***@example.com", &email[..1]);
    assert!(
        body.contains(&format!(
            "Use it to add {masked} as a way to sign in to your account."
        )),
        "{body}"
    );
    let added = app.validate(&handle, &code).await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(
        body_json(added).await["contact"]["id"],
        tokens["contact"]["id"]
    );
}

async fn forgot(app: &TestApp, email: &str) -> String {
    let response = app
        .post_json(
            &format!("{CONTACTS}/forgot-password"),
            json!({"email": email}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    auth_otp(&body_json(response).await)
}

async fn reset(app: &TestApp, handle: &str, code: &str) -> Response {
    app.post_json(
        &format!("{CONTACTS}/reset-password"),
        json!({"auth_otp": handle, "code": code, "password": "a brand new password 1"}),
    )
    .await
}

#[tokio::test]
async fn reset_codes_and_sign_in_codes_do_not_stand_in_for_each_other() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let email = unique_email();
    let response = app
        .register_email(&email, Some("the first password 1"))
        .await;
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&email).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);

    // A reset code signs nobody in, by its handle or by the email.
    let reset_handle = forgot(&app, &email).await;
    let reset_code = app.latest_code(&email).await;
    let body = app.outbox_to(&email).await[0]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(body.contains("Use it to reset your password."), "{body}");
    assert_problem(
        app.validate(&reset_handle, &reset_code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    assert_problem(
        validate_by_credentials(&app, "EMAIL", &email, &reset_code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;

    // A sign-in code resets no password.
    let response = app.request_otp("EMAIL", &email).await;
    let sign_in_handle = auth_otp(&body_json(response).await);
    let sign_in_code = app.latest_code(&email).await;
    let body = app.outbox_to(&email).await[0]["body"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(body.contains("Use it to sign in."), "{body}");
    assert_problem(
        reset(&app, &sign_in_handle, &sign_in_code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    assert_eq!(
        authenticate(&app, &email, "a brand new password 1")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // Each still does what it is for.
    assert_eq!(
        reset(&app, &reset_handle, &reset_code).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        authenticate(&app, &email, "a brand new password 1")
            .await
            .status(),
        StatusCode::OK
    );
}

// ---------------------------------------------------------------------------------------------
// §2.1 rule 2: an identity opens nothing until it is proven.

/// A back-office contact claimed through its email on file, asking for `wanted` as well: the
/// token response of the claim (with its `pending_identity`).
async fn claimed_asking_for(app: &TestApp, code: &str, wanted: &str) -> Value {
    let (_, on_file, _) = person_on_file(app, code).await;
    let response = claim(
        app,
        json!([{"name": "CODE", "value": code}, {"name": "LAST_NAME", "value": "Georgiou"}]),
        json!({"provider": "EMAIL", "email": wanted, "password": "wanted password 1"}),
    )
    .await;
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&on_file).await;
    let response = app.validate(&handle, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

#[tokio::test]
async fn a_pending_identity_is_found_by_no_sign_in_path() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let wanted = unique_email();
    let tokens = claimed_asking_for(&app, "RULE-2", &wanted).await;
    assert!(
        tokens["pending_identity"]["auth_otp"].is_string(),
        "{tokens}"
    );
    let sent = app.outbox_to(&wanted).await.len();
    assert_eq!(sent, 1, "the wanted address got a code to prove it");
    // validate-otp by credentials with the very code sent to it: no sign-in code is found.
    let code = app.latest_code(&wanted).await;
    assert_problem(
        validate_by_credentials(&app, "EMAIL", &wanted, &code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;

    // request-otp: answered as for a stranger, nothing sent.
    let response = app.request_otp("EMAIL", &wanted).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(app.outbox_to(&wanted).await.len(), sent);
    // Password sign-in: refused.
    assert_problem(
        authenticate(&app, &wanted, "wanted password 1").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;
    // The profile does not list it.
    let me = body_json(app.get_me(tokens["access_token"].as_str().unwrap()).await).await;
    let values: Vec<&str> = me["identities"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["value"].as_str())
        .collect();
    assert!(!values.contains(&wanted.as_str()), "{me}");
}

#[tokio::test]
async fn a_pending_identity_expires_with_its_code() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let wanted = unique_email();
    let tokens = claimed_asking_for(&app, "RULE-2B", &wanted).await;
    let pending = tokens["pending_identity"]["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&wanted).await;
    app.expire_pending_codes().await;
    assert_problem(
        app.validate(&pending, &code).await,
        StatusCode::UNAUTHORIZED,
        "OTP_EXPIRED",
    )
    .await;
    assert_eq!(
        authenticate(&app, &wanted, "wanted password 1")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_claim_asking_for_someone_elses_identity_sends_it_nothing() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let victim = unique_email();
    let response = app.register_email(&victim, None).await;
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&victim).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);
    let before = app.outbox_to(&victim).await.len();

    let tokens = claimed_asking_for(&app, "RULE-2C", &victim).await;
    // Answered like any other claim (a pending identity to prove), but nothing reaches the owner.
    assert!(
        tokens["pending_identity"]["auth_otp"].is_string(),
        "{tokens}"
    );
    assert_eq!(app.outbox_to(&victim).await.len(), before);
}

// ---------------------------------------------------------------------------------------------
// §2.1 rule 3: deleting a contact ends everything it held at once.

#[tokio::test]
async fn a_deleted_contacts_pending_codes_finish_nothing_for_a_new_contact_with_its_id() {
    let app = spawn_app().await;
    let (tokens, email, handle) = adding_an_email(&app).await;
    let id = tokens["contact"]["id"].as_str().unwrap().to_owned();
    let code = app.latest_code(&email).await;
    let deleted = app
        .backoffice(Method::DELETE, &format!("/contacts/{id}"), None)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    app.backoffice_contact(
        json!({"id": id, "type": "PERSON", "first_name": "Nina", "last_name": "New"}),
    )
    .await;
    assert_problem(
        app.validate(&handle, &code).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
    let detail = body_json(
        app.backoffice(Method::GET, &format!("/contacts/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(detail["identities"], json!([]), "{detail}");
    assert!(
        detail["audit"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["action"] != "SIGNED_IN" && a["action"] != "REGISTERED"),
        "the new contact does not inherit the old one's history: {detail}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_delete_racing_a_refresh_leaves_no_live_token() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let (_, tokens) = app.signed_up_phone().await;
        let id = tokens["contact"]["id"].as_str().unwrap().to_owned();
        let path = format!("/contacts/{id}");
        let (refreshed, deleted) = tokio::join!(
            app.refresh(tokens["refresh_token"].as_str().unwrap()),
            app.backoffice(Method::DELETE, &path, None)
        );
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
        app.backoffice_contact(
            json!({"id": id, "type": "PERSON", "first_name": "Nina", "last_name": "New"}),
        )
        .await;
        if refreshed.status() == StatusCode::OK {
            let pair = body_json(refreshed).await;
            assert_eq!(
                app.get_me(pair["access_token"].as_str().unwrap())
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED
            );
            assert_eq!(
                app.refresh(pair["refresh_token"].as_str().unwrap())
                    .await
                    .status(),
                StatusCode::UNAUTHORIZED
            );
        } else {
            assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// §2.1 rule 4: claims do not enumerate, and are capped.

#[tokio::test]
async fn claims_are_capped_per_client_ip() {
    let app = spawn_app_with(|s| s.limits.claims_per_ip_per_hour = 2).await;
    person_on_file(&app, "RULE-4").await;
    for code in ["RULE-4", "NOT-A-CODE"] {
        let response = claim(
            &app,
            json!([{"name": "CODE", "value": code}]),
            json!({"provider": "EMAIL", "email": unique_email()}),
        )
        .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let response = claim(
        &app,
        json!([{"name": "CODE", "value": "RULE-4"}]),
        json!({"provider": "EMAIL", "email": unique_email()}),
    )
    .await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
}

/// The channel on file keeps its own cool-down: claims naming one contact by different
/// identifiers (its code, then its email) send that email one code between them, and both
/// answer alike.
#[tokio::test]
async fn claims_by_different_identifiers_send_the_channel_one_code_per_cool_down() {
    let app = spawn_app().await;
    let (_, on_file, _) = person_on_file(&app, "RULE-4C").await;
    let identity = json!({"provider": "EMAIL", "email": on_file});
    let by_code = claim(
        &app,
        json!([{"name": "CODE", "value": "RULE-4C"}]),
        identity.clone(),
    )
    .await;
    assert_eq!(by_code.status(), StatusCode::ACCEPTED);
    let by_email = claim(&app, json!([{"name": "EMAIL", "value": on_file}]), identity).await;
    assert_eq!(by_email.status(), StatusCode::ACCEPTED);
    assert_eq!(app.outbox_to(&on_file).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_claims_of_one_contact_send_one_code() {
    let app = spawn_app().await;
    let (id, on_file, _) = person_on_file(&app, "RULE-4P").await;
    let claims = (0..10).map(|_| {
        claim(
            &app,
            json!([{"name": "CODE", "value": "RULE-4P"}]),
            json!({"provider": "EMAIL", "email": on_file}),
        )
    });
    let mut statuses = Vec::new();
    let mut handles = Vec::new();
    for response in futures::future::join_all(claims).await {
        statuses.push(response.status());
        if response.status() == StatusCode::ACCEPTED {
            handles.push(auth_otp(&body_json(response).await));
        }
    }
    assert_eq!(handles.len(), 1, "{statuses:?}");
    assert!(statuses
        .iter()
        .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(app.outbox_to(&on_file).await.len(), 1);
    // Afterwards: the one code claims the contact, once, with the email on file as its identity.
    let code = app.latest_code(&on_file).await;
    let response = app.validate(&handles[0], &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = body_json(response).await;
    assert_eq!(tokens["contact"]["id"], id.as_str());
    let me = body_json(app.get_me(tokens["access_token"].as_str().unwrap()).await).await;
    assert_eq!(me["identities"].as_array().map(Vec::len), Some(1), "{me}");
    assert_eq!(me["identities"][0]["value"], on_file.as_str(), "{me}");
    assert_eq!(app.contact_count().await, 1);
}

// ---------------------------------------------------------------------------------------------
// §2.1 rule 5: guesses are capped across codes and per client IP.

#[tokio::test]
async fn wrong_codes_are_capped_per_client_ip_across_identities() {
    let app = spawn_app_with(|s| s.limits.wrong_codes_per_ip_per_hour = 5).await;
    for i in 0..6 {
        let phone = e164(&unique_phone());
        let handle = auth_otp(&body_json(app.request_otp("PHONE", &phone).await).await);
        let response = app.validate(&handle, "000000").await;
        let expected = if i < 5 {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(response.status(), expected, "guess {}", i + 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_guesses_across_codes_stop_at_the_cap() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 100;
    })
    .await;
    let (national, _) = app.signed_up_phone().await;
    let phone = e164(&national);
    let mut handles = Vec::new();
    for _ in 0..8 {
        handles.push(auth_otp(
            &body_json(app.request_otp("PHONE", &phone).await).await,
        ));
    }
    let guesses = handles
        .iter()
        .flat_map(|h| (0..5).map(move |_| h))
        .map(|h| {
            // "000000" is wrong unless the CSPRNG gave it; then this run proves less, not more.
            app.validate(h, "000000")
        });
    let statuses: Vec<StatusCode> = futures::future::join_all(guesses)
        .await
        .iter()
        .map(Response::status)
        .collect();
    let counted = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((counted, refused), (20, 20), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_guesses_on_one_code_get_five_tries() {
    let app = spawn_app().await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&e164(&national)).await;
    let guess = wrong(&code);
    let guesses = (0..15).map(|_| app.validate(&handle, &guess));
    let mut invalid = 0;
    for response in futures::future::join_all(guesses).await {
        match body_json(response).await["code"].as_str() {
            Some("INVALID_OTP") => invalid += 1,
            Some("OTP_ATTEMPTS_EXCEEDED") => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(
        invalid, 5,
        "five tries per code, also when they come at once"
    );
    assert_problem(
        app.validate(&handle, &code).await,
        StatusCode::UNAUTHORIZED,
        "OTP_ATTEMPTS_EXCEEDED",
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// §2.1 rule 6 (hole 7): work before limits is cheap.

/// The value of a Prometheus counter (summed over its label sets), 0 when absent.
async fn counter(app: &TestApp, name: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with(&format!("{name}_")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn a_client_over_its_send_cap_gets_no_password_hashed() {
    let app = spawn_app_with(|s| s.limits.otp_sends_per_ip_per_hour = 2).await;
    assert_eq!(
        app.register_email(&unique_email(), None).await.status(),
        StatusCode::ACCEPTED
    );
    // The control: under the cap, a registration with a password moves the counter.
    let before = counter(&app, "portal_password_hashes_total").await;
    let response = app
        .register_email(&unique_email(), Some("an expensive password 1"))
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let hashed = counter(&app, "portal_password_hashes_total").await;
    assert_eq!(hashed, before + 1.0, "the counter counts this app's hashes");
    // Over the cap: refused before anything is hashed.
    let response = app
        .register_email(&unique_email(), Some("an expensive password 2"))
        .await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    assert_eq!(counter(&app, "portal_password_hashes_total").await, hashed);
}

/// The same rule on the other two paths that hash: a password sign-in from a client over its
/// failure cap, and a claim with a password from a client over its claim cap, hash nothing.
#[tokio::test]
async fn clients_over_their_caps_get_no_password_hashed_on_sign_in_or_claim() {
    let app = spawn_app_with(|s| {
        s.limits.failed_logins_per_ip_per_hour = 1;
        s.limits.claims_per_ip_per_hour = 1;
    })
    .await;
    let before = counter(&app, "portal_password_hashes_total").await;
    let response = authenticate(&app, &unique_email(), "a wrong password 1").await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
    let hashed = counter(&app, "portal_password_hashes_total").await;
    assert_eq!(
        hashed,
        before + 1.0,
        "the control: a sign-in under the cap hashes once"
    );
    let response = authenticate(&app, &unique_email(), "a wrong password 2").await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    assert_eq!(counter(&app, "portal_password_hashes_total").await, hashed);

    let with_password = || {
        claim(
            &app,
            json!([{"name": "EMAIL", "value": unique_email()}]),
            json!({"provider": "EMAIL", "email": unique_email(), "password": "a claim password 1"}),
        )
    };
    assert_eq!(with_password().await.status(), StatusCode::ACCEPTED);
    let hashed = counter(&app, "portal_password_hashes_total").await;
    assert_eq!(
        hashed,
        before + 2.0,
        "the control: a claim under the cap hashes once"
    );
    let response = with_password().await;
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    assert_eq!(counter(&app, "portal_password_hashes_total").await, hashed);
}

/// The failed-sign-in cap per client: past it, even the right password of another account is
/// refused from that client (and the other client is not).
#[tokio::test]
async fn failed_password_sign_ins_are_capped_per_client() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.limits.failed_logins_per_ip_per_hour = 3;
    })
    .await;
    let email = unique_email();
    let handle = auth_otp(
        &body_json(
            app.register_email(&email, Some("the real password 1"))
                .await,
        )
        .await,
    );
    let code = app.latest_code(&email).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);
    let from = |ip: &'static str, email: String, password: &'static str| {
        app.client
            .post(app.url(&format!("{CONTACTS}/authenticate")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", ip)
            .json(&json!({"provider": "EMAIL", "email": email, "password": password}))
            .send()
    };
    for _ in 0..3 {
        let response = from("198.51.100.9", unique_email(), "a guess 1")
            .await
            .unwrap();
        assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
    }
    let response = from("198.51.100.9", email.clone(), "the real password 1")
        .await
        .unwrap();
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    let response = from("203.0.113.9", email, "the real password 1")
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "another client is not capped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_hashing_queue_answers_503_with_retry_after() {
    // Twelve clients, one request each: a per-client cap cannot explain a 503, the full queue
    // does.
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.max_concurrent_hashes = 1;
        s.password_hash_queue = 1;
        s.password_hash_queue_per_ip = 1;
    })
    .await;
    let attempts = (1..=12u8).map(|client| {
        app.client
            .post(app.url(&format!("{CONTACTS}/authenticate")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", format!("198.51.100.{client}"))
            .json(&json!({"provider": "EMAIL", "email": unique_email(), "password": "some password 1"}))
            .send()
    });
    let mut busy = 0;
    for response in futures::future::join_all(attempts).await {
        let response = response.expect("request sent");
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert!(response.headers().contains_key(header::RETRY_AFTER));
            assert_problem(
                response,
                StatusCode::SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
            )
            .await;
            busy += 1;
        } else {
            assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
        }
    }
    assert!(busy > 0, "twelve at once do not all wait for one hasher");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_clients_flood_of_password_guesses_does_not_lock_out_another() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.max_concurrent_hashes = 1;
    })
    .await;
    let email = unique_email();
    let response = app
        .register_email(&email, Some("the real password 1"))
        .await;
    let handle = auth_otp(&body_json(response).await);
    let code = app.latest_code(&email).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);

    let from = |ip: &'static str, email: String, password: &'static str| {
        app.client
            .post(app.url(&format!("{CONTACTS}/authenticate")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", ip)
            .json(&json!({"provider": "EMAIL", "email": email, "password": password}))
            .send()
    };
    let (answered, mut answers) = tokio::sync::mpsc::unbounded_channel();
    let flood: Vec<_> = (0..40)
        .map(|_| {
            let request = from("198.51.100.66", unique_email(), "a guessed password 1");
            let answered = answered.clone();
            tokio::spawn(async move {
                let _ = answered.send(request.await.map(|r| r.status()));
            })
        })
        .collect();
    // The real customer comes once the flood holds its client's whole share of the hashing
    // queue: the flooder has been told 503 (a channel, 20 s at most).
    tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(status) = answers.recv().await {
            if status.expect("request sent") == StatusCode::SERVICE_UNAVAILABLE {
                return;
            }
        }
    })
    .await
    .expect("the flood was told 503 within 20 s");
    let real = from("203.0.113.7", email.clone(), "the real password 1").await;
    assert_eq!(real.unwrap().status(), StatusCode::OK);
    for request in flood {
        request.await.expect("a flood request");
    }
}

// ---------------------------------------------------------------------------------------------
// Holes 8 and 9: /metrics cannot be grown by clients and is protected; the client IP is taken
// from the proxies we trust, not from what the client wrote.

#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics() {
    let app = spawn_app().await;
    for method in ["ZZ1", "ZZ2", "ZZ3"] {
        app.client
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                app.url("/healthz"),
            )
            .send()
            .await
            .unwrap();
    }
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("ZZ"), "made-up methods became labels");
    assert!(text.contains("method=\"OTHER\""), "{text}");
}

#[tokio::test]
async fn metrics_need_the_metrics_token_and_are_absent_in_production_without_one() {
    let production = |token: Option<&'static str>| {
        spawn_app_with(move |s| {
            s.app_env = portal::config::AppEnv::Production;
            s.email_delivery = portal::config::DeliveryKind::Smtp;
            s.smtp_url = Some("smtp://127.0.0.1:9".into());
            s.smtp_from = Some("no-reply@example.com".into());
            s.metrics_token = token.map(Into::into);
        })
    };
    let app = production(None).await;
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let app = production(Some("a-long-metrics-token")).await;
    let get = |token: Option<&str>| {
        let mut request = app.client.get(app.url("/metrics"));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send()
    };
    assert_eq!(get(None).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(Some("wrong")).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let ok = get(Some("a-long-metrics-token")).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok
        .text()
        .await
        .unwrap()
        .contains("portal_http_requests_total"));
}

#[tokio::test]
async fn the_client_ip_is_the_one_our_proxy_saw_not_the_one_the_client_wrote() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.limits.otp_sends_per_ip_per_hour = 2;
    })
    .await;
    let send = |forwarded: &'static str| {
        app.client
            .post(app.url(&format!("{CONTACTS}/request-otp")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", forwarded)
            .json(&json!({"credentials": [{"name": "PHONE", "value": e164(&unique_phone())}]}))
            .send()
    };
    // The client writes a new address each time; our proxy appends the one it saw.
    assert_eq!(
        send("1.1.1.1, 203.0.113.9").await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        send("2.2.2.2, 203.0.113.9").await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        send("3.3.3.3, 203.0.113.9").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same proxy is counted apart.
    assert_eq!(
        send("3.3.3.3, 203.0.113.10").await.unwrap().status(),
        StatusCode::ACCEPTED
    );
}
