//! One-time codes: single use, few tries, short life, limited sends, and no hint of who exists.

use std::time::Duration;

use crate::common::{
    answer, assert_alike, assert_problem, body_json, e164, spawn_app, spawn_app_with, unique_email,
    unique_phone, TestApp,
};
use reqwest::{header, Response, StatusCode};

async fn registered(app: &TestApp) -> (String, String) {
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&e164(&national)).await;
    (auth_otp, code)
}

/// A code of six digits that is not `code`.
fn wrong(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// A 429 with a whole, positive `Retry-After` of at most `max_secs`.
async fn assert_too_many_within(response: Response, max_secs: u64) {
    let retry_after = response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    let retry_after = retry_after.expect("a Retry-After header");
    let secs: u64 = retry_after
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After {retry_after:?} is not whole seconds"));
    assert!(secs > 0 && secs <= max_secs, "Retry-After {secs}");
}

/// A 429 for the 60 s cool-down.
async fn assert_too_many(response: Response) {
    assert_too_many_within(response, 60).await;
}

/// A 429 for an hourly cap.
async fn assert_capped(response: Response) {
    assert_too_many_within(response, 3600).await;
}

#[tokio::test]
async fn a_wrong_code_is_refused() {
    let app = spawn_app().await;
    let (auth_otp, code) = registered(&app).await;
    let response = app.validate(&auth_otp, &wrong(&code)).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    // A wrong try does not use the code up.
    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn five_wrong_tries_use_a_code_up() {
    let app = spawn_app().await;
    let (auth_otp, code) = registered(&app).await;
    for _ in 0..5 {
        let response = app.validate(&auth_otp, &wrong(&code)).await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    }
    let response = app.validate(&auth_otp, &code).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "OTP_ATTEMPTS_EXCEEDED").await;
    assert_eq!(app.contact_count().await, 0);
}

#[tokio::test]
async fn a_code_works_once() {
    let app = spawn_app().await;
    let (auth_otp, code) = registered(&app).await;
    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app.validate(&auth_otp, &code).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    // The lifetime is the configured one (stored with the code); the clock is moved past it in
    // the database, so delivering the code never races a short lifetime.
    let app = spawn_app_with(|s| s.limits.otp_ttl = Duration::from_secs(300)).await;
    let (auth_otp, code) = registered(&app).await;
    let lifetime = app
        .stored("SELECT expires_at - created_at FROM otps WHERE consumed_at IS NULL")
        .await;
    assert_eq!(lifetime, [[Some("300000".to_owned())]]);
    app.expire_pending_codes().await;
    let response = app.validate(&auth_otp, &code).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "OTP_EXPIRED").await;
    assert_eq!(app.contact_count().await, 0);
}

#[tokio::test]
async fn a_second_send_within_the_cool_down_is_refused_whether_or_not_the_identity_exists() {
    let app = spawn_app().await;

    // An identity being registered.
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_too_many(response).await;
    let response = app.request_otp("PHONE", &e164(&national)).await;
    assert_too_many(response).await;
    assert_eq!(app.outbox_to(&e164(&national)).await.len(), 1);

    // An identity that exists.
    let (existing, _) = app.signed_up_phone().await;
    let response = app.request_otp("PHONE", &e164(&existing)).await;
    assert_too_many(response).await;

    // An identity that does not exist: the first request is answered as usual, the second alike.
    let nobody = unique_email();
    let response = app.request_otp("EMAIL", &nobody).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let response = app.request_otp("EMAIL", &nobody).await;
    assert_too_many(response).await;
}

#[tokio::test]
async fn sends_per_identity_are_capped_per_hour() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 3;
    })
    .await;
    let national = unique_phone();
    for _ in 0..3 {
        let response = app.register_phone(&national, "Andy", "Steward").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_capped(response).await;
    let response = app.request_otp("PHONE", &e164(&national)).await;
    assert_capped(response).await;
    assert_eq!(app.outbox_to(&e164(&national)).await.len(), 3);

    // Another identity is not affected.
    let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

#[tokio::test]
async fn sends_per_client_ip_are_capped_per_hour() {
    let app = spawn_app_with(|s| s.limits.otp_sends_per_ip_per_hour = 2).await;
    for _ in 0..2 {
        let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
    assert_capped(response).await;
    let response = app.request_otp("EMAIL", &unique_email()).await;
    assert_capped(response).await;
    assert_eq!(app.outbox().await.len(), 2);
}

#[tokio::test]
async fn asking_for_a_code_does_not_tell_who_exists() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let (national, first) = app.signed_up_phone().await;
    let phone = e164(&national);
    let sent_before = app.outbox().await.len();

    // Unknown identities: 202 with an auth_otp, and nothing sent anywhere.
    let nobody = unique_email();
    let response = app.request_otp("EMAIL", &nobody).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let unknown = body_json(response).await;
    let keys: Vec<&String> = unknown.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["auth_otp"]);
    assert!(!unknown["auth_otp"].as_str().unwrap().is_empty());
    let nobody_phone = e164(&unique_phone());
    let response = app.request_otp("PHONE", &nobody_phone).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert!(app.outbox_to(&nobody).await.is_empty());
    assert!(app.outbox_to(&nobody_phone).await.is_empty());
    assert_eq!(app.outbox().await.len(), sent_before, "nothing was sent");

    // Its auth_otp leads nowhere.
    let response = app
        .validate(unknown["auth_otp"].as_str().unwrap(), "123456")
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;

    // A known identity: the same answer, and a sign-in code on its way.
    let response = app.request_otp("PHONE", &phone).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let known = body_json(response).await;
    let keys: Vec<&String> = known.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["auth_otp"],
        "the same shape as for an unknown identity"
    );
    let messages = app.outbox_to(&phone).await;
    assert_eq!(messages.len(), 2, "registration code and sign-in code");
    assert_eq!(messages[0]["channel"], "SMS");

    let code = app.latest_code(&phone).await;
    let response = app
        .validate(known["auth_otp"].as_str().unwrap(), &code)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed_in = body_json(response).await;
    assert_eq!(signed_in["contact"]["id"], first["contact"]["id"]);
    assert_eq!(app.contact_count().await, 1);

    // Whole answers, headers included: the known phone and a phone that is nobody's.
    let known = answer(app.request_otp("PHONE", &phone).await).await;
    let unknown = answer(app.request_otp("PHONE", &e164(&unique_phone())).await).await;
    assert_alike(
        &known,
        &unknown,
        "request-otp: a phone on file and one that is nobody's",
    );
}

/// The default lifetime of a code is 10 minutes. No answer carries a code's expiry and a test
/// cannot wait 10 minutes, so this reads what the message says and what is stored with the code
/// (the time `validate-otp` checks against; the 1 s override above shows that it is checked).
#[tokio::test]
async fn a_code_lives_ten_minutes_by_default() {
    let app = spawn_app().await;
    let national = unique_phone();
    let before = crate::common::now_ms();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let after = crate::common::now_ms();
    let messages = app.outbox_to(&e164(&national)).await;
    let body = messages[0]["body"].as_str().unwrap();
    assert!(body.contains("10 minutes"), "{body}");

    let rows = app.stored("SELECT created_at, expires_at FROM otps").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let at = |i: usize| -> i64 { rows[0][i].as_deref().unwrap().parse().unwrap() };
    let (created, expires) = (at(0), at(1));
    assert!(
        (before..=after).contains(&created),
        "{created} not in {before}..{after}"
    );
    assert_eq!(
        expires - created,
        10 * 60 * 1000,
        "the code's lifetime in ms"
    );
}

/// An empty code is a field left out (400 naming `code`), not a wrong code: it costs no try, and
/// the right code still works after six of them.
#[tokio::test]
async fn an_empty_code_is_a_missing_field_and_costs_no_try() {
    let app = spawn_app().await;
    let (auth_otp, code) = registered(&app).await;
    for _ in 0..6 {
        let response = app.validate(&auth_otp, "").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let problem = body_json(response).await;
        assert_eq!(
            crate::common::field_errors(&problem),
            [("code".to_owned(), "REQUIRED".to_owned())],
            "{problem}"
        );
    }
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );
}

/// A code that cannot be six digits is simply a wrong code to the caller (one rule:
/// `otp::typed_code`), never a field error that would tell a guesser which inputs are compared;
/// it costs no try, since it is never compared.
#[tokio::test]
async fn a_malformed_code_is_a_wrong_code_and_costs_no_try() {
    let app = spawn_app().await;
    let (auth_otp, code) = registered(&app).await;
    for malformed in ["12ab56", "1234567", "12 34", "٠١٢٣٤٥", "123456789012"] {
        let response = app.validate(&auth_otp, malformed).await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    }
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );
}
