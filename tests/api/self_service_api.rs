//! The Self-Service API as a customer's app uses it: register, prove, sign in, read and edit oneself.

use crate::common::{
    answer, assert_alike, assert_problem, body_json, e164, field_errors, now_ms, spawn_app,
    spawn_app_with, unique_email, unique_phone, TestApp, CONTACTS,
};
use portal::{domain::ApiKeyKind, services::Actor};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn register_body(first: Value, last: Value, identity: Value, acceptance: Value) -> Value {
    json!({
        "first_name": first,
        "last_name": last,
        "identity": identity,
        "service_acceptance": acceptance,
    })
}

fn phone_identity(national: &str) -> Value {
    json!({ "provider": "PHONE", "phone_number": national, "country_code": "CYP" })
}

async fn register(app: &TestApp, body: Value) -> reqwest::Response {
    app.post_json(&format!("{CONTACTS}/register"), body).await
}

/// The token response has exactly the documented shape and these names.
fn assert_token_response(body: &Value, first: &str, last: &str) {
    let contact = body["contact"].as_object().expect("contact object");
    let mut keys: Vec<&str> = contact.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "avatar",
            "first_name",
            "id",
            "is_verified",
            "last_name",
            "title"
        ],
        "{body}"
    );
    assert!(!contact["id"].as_str().unwrap().is_empty());
    assert_eq!(contact["title"], Value::Null);
    assert_eq!(contact["avatar"], Value::Null);
    assert_eq!(contact["first_name"], first);
    assert_eq!(contact["last_name"], last);
    assert_eq!(contact["is_verified"], true);
    assert_eq!(body["organisations"], json!([]));
    assert!(!body["access_token"].as_str().unwrap().is_empty());
    assert!(!body["refresh_token"].as_str().unwrap().is_empty());
    let exp = body["exp"].as_i64().expect("exp in epoch ms");
    let expected = now_ms() + 15 * 60 * 1000;
    assert!(
        (exp - expected).abs() < 5_000,
        "exp {exp} is not now + 15 min ({expected})"
    );
    let mut top: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    top.sort_unstable();
    assert_eq!(
        top,
        [
            "access_token",
            "contact",
            "exp",
            "organisations",
            "refresh_token"
        ]
    );
}

#[tokio::test]
async fn registering_by_phone_sends_a_code_and_validating_it_returns_tokens() {
    let app = spawn_app().await;
    let national = unique_phone();

    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body = body_json(response).await;
    assert_eq!(body["otp_required"], true);
    let auth_otp = body["auth_otp"].as_str().expect("auth_otp").to_owned();
    assert!(!auth_otp.is_empty());
    let last2 = &national[national.len() - 2..];
    assert_eq!(body["obfuscated_value"], format!("+357 99****{last2}"));
    assert!(body.get("access_token").is_none(), "no tokens before proof");
    assert_eq!(
        app.contact_count().await,
        0,
        "nothing is created before proof"
    );

    let messages = app.outbox_to(&e164(&national)).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["channel"], "SMS");
    let code = messages[0]["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    assert!(messages[0]["body"].as_str().unwrap().contains(&code));
    assert!(messages[0]["created_at"].is_string());

    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = body_json(response).await;
    assert_token_response(&tokens, "Andy", "Steward");
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test]
async fn validating_by_credentials_uses_the_newest_live_sign_in_code() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let by_credentials = |phone: &str, code: &str| json!({ "credentials": [{ "name": "PHONE", "value": phone }], "code": code });

    // A registration code is redeemed with its own auth_otp only: what it carries (names, a
    // password) reaches the contact only from whoever sent it (pending_codes.rs).
    let national = unique_phone();
    let phone = e164(&national);
    let response = app.register_phone(&national, "Eleni", "Georgiou").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&phone).await;
    let response = app
        .post_json(
            &format!("{CONTACTS}/validate-otp"),
            by_credentials(&phone, &code),
        )
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let registered = body_json(response).await;
    assert_token_response(&registered, "Eleni", "Georgiou");

    // Two live sign-in codes: only the newest counts. Codes are random, so a new one may repeat
    // the older by chance (1 in a million): ask again until they differ, so that the older is
    // always tried (every code asked for stays live; the newest of them is the one that counts).
    let response = app.request_otp("PHONE", &phone).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let older = app.latest_code(&phone).await;
    let mut newest = older.clone();
    for _ in 0..5 {
        let response = app.request_otp("PHONE", &phone).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        newest = app.latest_code(&phone).await;
        if newest != older {
            break;
        }
    }
    assert_ne!(
        older, newest,
        "five new codes in a row repeated the older one"
    );
    let response = app
        .post_json(
            &format!("{CONTACTS}/validate-otp"),
            by_credentials(&phone, &older),
        )
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    let response = app
        .post_json(
            &format!("{CONTACTS}/validate-otp"),
            by_credentials(&phone, &newest),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed_in = body_json(response).await;
    assert_token_response(&signed_in, "Eleni", "Georgiou");
    assert_eq!(signed_in["contact"]["id"], registered["contact"]["id"]);
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test]
async fn email_with_password_signs_in_after_validation_and_failures_look_alike() {
    let app = spawn_app().await;
    let email = unique_email();
    let password = "correct horse battery staple";

    let response = app.register_email(&email, Some(password)).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body = body_json(response).await;
    assert_eq!(body["otp_required"], true);
    assert_eq!(body["obfuscated_value"], "u***@example.com");
    let authenticate = |email: &str, password: &str| json!({ "provider": "EMAIL", "email": email, "password": password });

    // Not proven yet: the password is pending, so it does not work.
    let response = app
        .post_json(
            &format!("{CONTACTS}/authenticate"),
            authenticate(&email, password),
        )
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;

    let messages = app.outbox_to(&email).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["channel"], "EMAIL");
    let code = messages[0]["code"].as_str().unwrap();
    let response = app.validate(body["auth_otp"].as_str().unwrap(), code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let validated = body_json(response).await;

    let response = app
        .post_json(
            &format!("{CONTACTS}/authenticate"),
            authenticate(&email, password),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed_in = body_json(response).await;
    assert_token_response(&signed_in, "Andy", "Steward");
    assert_eq!(signed_in["contact"]["id"], validated["contact"]["id"]);

    let wrong = app
        .post_json(
            &format!("{CONTACTS}/authenticate"),
            authenticate(&email, "not the password at all"),
        )
        .await;
    let wrong = assert_problem(wrong, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
    let unknown = app
        .post_json(
            &format!("{CONTACTS}/authenticate"),
            authenticate(&unique_email(), password),
        )
        .await;
    let unknown = assert_problem(unknown, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
    assert_eq!(
        wrong, unknown,
        "the same answer whether or not the email exists"
    );
}

#[tokio::test]
async fn a_missing_or_unknown_api_key_is_refused() {
    let app = spawn_app().await;
    let body = register_body(
        json!("Andy"),
        json!("Steward"),
        phone_identity(&unique_phone()),
        json!(true),
    );
    let url = app.url(&format!("{CONTACTS}/register"));

    let missing = app.client.post(&url).json(&body).send().await.unwrap();
    assert_problem(missing, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;

    let unknown = app
        .client
        .post(&url)
        .header("api_key", "pk_not-a-real-key")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(unknown, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;

    // Signed-in calls need the access token; an `api_key` sent along must still be live.
    let me = app
        .client
        .get(app.url(&format!("{CONTACTS}/me")))
        .send()
        .await
        .unwrap();
    assert_problem(me, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;
    let me = app
        .client
        .get(app.url(&format!("{CONTACTS}/me")))
        .header("api_key", "pk_not-a-real-key")
        .send()
        .await
        .unwrap();
    assert_problem(me, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;

    // A back-office key is a key of the wrong kind here.
    let backoffice = app
        .core
        .create_api_key(&Actor::System, ApiKeyKind::Backoffice, None)
        .await
        .unwrap();
    let wrong_kind = app
        .client
        .post(&url)
        .header("api_key", backoffice)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_problem(wrong_kind, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;
    assert!(app.outbox().await.is_empty());
}

#[tokio::test]
async fn malformed_json_is_refused_with_its_own_code() {
    let app = spawn_app().await;
    let path = format!("{CONTACTS}/register");
    for raw in [
        "{\"first_name\": ",
        "not json",
        "[1, 2, 3]",
        "[]",
        "\"a string\"",
        "null",
    ] {
        let response = app
            .post_raw(&path, raw.to_owned(), "application/json")
            .await;
        assert_problem(response, StatusCode::BAD_REQUEST, "MALFORMED_JSON").await;
    }
}

#[tokio::test]
async fn wrong_types_are_named_per_field() {
    let app = spawn_app().await;
    let response = register(
        &app,
        register_body(
            json!(5),
            json!("Steward"),
            phone_identity(&unique_phone()),
            json!("maybe"),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    let errors = field_errors(&problem);
    assert!(
        errors.contains(&("first_name".into(), "INVALID_TYPE".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("service_acceptance".into(), "INVALID_TYPE".into())),
        "{errors:?}"
    );
}

#[tokio::test]
async fn missing_fields_are_all_reported_at_once() {
    let app = spawn_app().await;
    let response = register(&app, json!({ "service_acceptance": true })).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    let errors = field_errors(&problem);
    for field in ["first_name", "last_name", "identity"] {
        assert!(
            errors.contains(&(field.into(), "REQUIRED".into())),
            "{field} REQUIRED missing from {errors:?}"
        );
    }
}

#[tokio::test]
async fn identity_mistakes_have_specific_codes() {
    let app = spawn_app().await;

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            phone_identity("12345"),
            json!(true),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "INVALID_PHONE_NUMBER").await;
    assert_eq!(problem["errors"][0]["field"], "identity.phone_number");

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            json!({ "provider": "PHONE", "phone_number": "99123456", "country_code": "XYZ" }),
            json!(true),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "INVALID_COUNTRY_CODE").await;
    assert_eq!(problem["errors"][0]["field"], "identity.country_code");

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            json!({ "provider": "EMAIL", "email": "not-an-email" }),
            json!(true),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "INVALID_EMAIL").await;
    assert_eq!(problem["errors"][0]["field"], "identity.email");

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            phone_identity(&unique_phone()),
            json!(false),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "TERMS_NOT_ACCEPTED").await;
    assert_eq!(problem["errors"][0]["field"], "service_acceptance");

    assert!(app.outbox().await.is_empty(), "no code for refused input");
    assert_eq!(app.contact_count().await, 0);
}

#[tokio::test]
async fn booleans_may_be_sent_as_strings() {
    let app = spawn_app().await;
    let body = register_body(
        json!("Andy"),
        json!("Steward"),
        phone_identity(&unique_phone()),
        json!("true"),
    );
    let national = unique_phone();
    let mut body = body;
    body["identity"] = phone_identity(&national);
    body["email_opt_out"] = json!("false");
    body["sms_opt_out"] = json!("true");
    let response = register(&app, body).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // The strings were read as the booleans they spell: the proven contact keeps them.
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&e164(&national)).await;
    let tokens = body_json(app.validate(&auth_otp, &code).await).await;
    let me = body_json(app.get_me(tokens["access_token"].as_str().unwrap()).await).await;
    assert_eq!(me["sms_opt_out"], true, "{me}");
    assert_eq!(me["email_opt_out"], false, "{me}");

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            phone_identity(&unique_phone()),
            json!("false"),
        ),
    )
    .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "TERMS_NOT_ACCEPTED").await;
}

#[tokio::test]
async fn names_are_at_most_100_characters_in_any_script() {
    let app = spawn_app().await;
    let too_long = "é".repeat(101);
    let response = register(
        &app,
        register_body(
            json!(too_long),
            json!("Steward"),
            phone_identity(&unique_phone()),
            json!(true),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["field"], "first_name");

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("x".repeat(101)),
            phone_identity(&unique_phone()),
            json!(true),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["field"], "last_name");

    let national = unique_phone();
    let longest = "é".repeat(100);
    let response = register(
        &app,
        register_body(
            json!(format!("  {longest}  ")),
            json!("Ελένη 李 Ñúñez-O'Brien"),
            phone_identity(&national),
            json!(true),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&e164(&national)).await;
    let response = app.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = body_json(response).await;
    assert_eq!(tokens["contact"]["first_name"], longest);
    assert_eq!(tokens["contact"]["last_name"], "Ελένη 李 Ñúñez-O'Brien");
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused() {
    let app = spawn_app().await;
    let filler = "a".repeat(1024 * 1024 + 1024);
    let body = json!({ "first_name": filler }).to_string();
    let response = app
        .post_raw(&format!("{CONTACTS}/register"), body, "application/json")
        .await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE").await;

    // Just under the limit the body is read, and refused for what it says instead.
    let filler = "a".repeat(1024 * 1024 - 1024);
    let body = json!({ "first_name": filler }).to_string();
    let response = app
        .post_raw(&format!("{CONTACTS}/register"), body, "application/json")
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_input_never_yields_a_server_error() {
    let app = spawn_app().await;
    let phone = unique_phone();
    let cases: Vec<(&str, Value)> = vec![
        ("register", json!({})),
        ("register", json!({ "identity": "PHONE" })),
        ("register", json!({ "identity": { "provider": 1 } })),
        (
            "register",
            json!({ "identity": { "provider": "FAX" }, "first_name": "A", "last_name": "B", "service_acceptance": true }),
        ),
        (
            "register",
            json!({ "identity": { "provider": "FACEBOOK", "token": "x" }, "first_name": "A", "last_name": "B", "service_acceptance": true }),
        ),
        (
            "register",
            json!({ "identity": { "provider": "EMAIL", "email": "a@b.co", "password": "short" }, "first_name": "A", "last_name": "B", "service_acceptance": true }),
        ),
        (
            "register",
            json!({ "identity": { "provider": "EMAIL", "email": format!("{}@example.com", "a".repeat(300)) }, "first_name": "A", "last_name": "B", "service_acceptance": true }),
        ),
        (
            "register",
            json!({ "identity": phone_identity(&phone), "first_name": "A\u{0}B", "last_name": "B", "service_acceptance": true }),
        ),
        (
            "register",
            json!({ "identity": phone_identity(&phone), "first_name": "   ", "last_name": ["B"], "service_acceptance": 1 }),
        ),
        (
            "register",
            json!({ "identity": phone_identity(&phone), "first_name": "A", "last_name": "B", "title": "t".repeat(500), "service_acceptance": true }),
        ),
        (
            "register",
            json!({ "identity": { "provider": "PHONE", "phone_number": "+99999999999999999999", "country_code": "CYP" }, "first_name": "A", "last_name": "B", "service_acceptance": true }),
        ),
        ("request-otp", json!({})),
        ("request-otp", json!({ "credentials": [] })),
        ("request-otp", json!({ "credentials": "PHONE" })),
        ("request-otp", json!({ "credentials": [1, 2] })),
        (
            "request-otp",
            json!({ "credentials": [{ "name": "FAX", "value": "1" }] }),
        ),
        (
            "request-otp",
            json!({ "credentials": [{ "name": "PHONE", "value": "99123456" }] }),
        ),
        (
            "request-otp",
            json!({ "credentials": [{ "name": "EMAIL", "value": "nope" }] }),
        ),
        ("validate-otp", json!({})),
        ("validate-otp", json!({ "auth_otp": 5, "code": 123456 })),
        (
            "validate-otp",
            json!({ "auth_otp": "nope", "code": "123456" }),
        ),
        (
            "validate-otp",
            json!({ "auth_otp": "nope", "code": "12a456" }),
        ),
        (
            "validate-otp",
            json!({ "auth_otp": "\u{0}", "code": "123456" }),
        ),
        (
            "validate-otp",
            json!({ "credentials": [{ "name": "PHONE", "value": "+35799000000" }], "code": "000000" }),
        ),
        ("authenticate", json!({})),
        (
            "authenticate",
            json!({ "provider": "EMAIL", "email": "a@b.co" }),
        ),
        (
            "authenticate",
            json!({ "provider": "PHONE", "email": "a@b.co", "password": "12345678" }),
        ),
        (
            "authenticate",
            json!({ "provider": "FACEBOOK", "token": "x" }),
        ),
        (
            "authenticate",
            json!({ "provider": "EMAIL", "email": "a@b.co", "password": "p".repeat(10_000) }),
        ),
        ("refresh-token", json!({})),
        ("refresh-token", json!({ "refresh_token": 5 })),
        ("refresh-token", json!({ "refresh_token": "" })),
        ("refresh-token", json!({ "refresh_token": "\u{0}" })),
        ("sign-out", json!({})),
        ("sign-out", json!({ "refresh_token": [] })),
    ];
    for (call, body) in cases {
        let response = app
            .post_json(&format!("{CONTACTS}/{call}"), body.clone())
            .await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(
            status.is_client_error(),
            "{call} {body} gave {status}: {text}"
        );
        let problem: Value = serde_json::from_str(&text).unwrap();
        assert!(problem["code"].is_string(), "{call} {body}: {text}");
    }
}

#[tokio::test]
async fn an_existing_identity_registering_again_gets_a_sign_in_code_and_no_second_contact() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let (national, first) = app.signed_up_phone().await;
    let phone = e164(&national);
    assert_eq!(app.contact_count().await, 1);

    let response = app.register_phone(&national, "Mallory", "Intruder").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let body = body_json(response).await;
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["auth_otp", "obfuscated_value", "otp_required"]);
    assert_eq!(body["otp_required"], true);
    let last2 = &national[national.len() - 2..];
    assert_eq!(body["obfuscated_value"], format!("+357 99****{last2}"));
    assert_eq!(
        app.outbox_to(&phone).await.len(),
        2,
        "a sign-in code was sent"
    );

    let code = app.latest_code(&phone).await;
    let response = app
        .validate(body["auth_otp"].as_str().unwrap(), &code)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let second = body_json(response).await;
    assert_eq!(second["contact"]["id"], first["contact"]["id"]);
    assert_eq!(second["contact"]["first_name"], "Andy");
    assert_eq!(second["contact"]["last_name"], "Steward");
    assert_eq!(app.contact_count().await, 1);

    // The whole answer, headers included, is that of a new registration: a phone that is
    // nobody's, with the same last two digits (so the masks read the same).
    let middle = (national[2..6].parse::<u32>().unwrap() + 1) % 10_000;
    let nobodys = format!("99{middle:04}{last2}");
    let existing = answer(app.register_phone(&national, "Mallory", "Intruder").await).await;
    let new = answer(app.register_phone(&nobodys, "Mallory", "Intruder").await).await;
    assert_alike(
        &existing,
        &new,
        "registering a phone on file, and one that is nobody's",
    );
    assert_eq!(new.status, 202);
}

#[tokio::test]
async fn a_contact_reads_and_edits_its_profile() {
    let app = spawn_app().await;
    let (national, tokens) = app.signed_up_phone().await;
    let access = tokens["access_token"].as_str().unwrap();

    let response = app.get_me(access).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me = body_json(response).await;
    assert_eq!(me["id"], tokens["contact"]["id"]);
    assert_eq!(me["first_name"], "Andy");
    assert_eq!(me["last_name"], "Steward");
    assert_eq!(me["organisations"], json!([]));
    let identities = me["identities"].as_array().expect("identities");
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0]["provider"], "PHONE");
    assert_eq!(identities[0]["value"], e164(&national));
    assert_eq!(me["email_opt_out"], false);

    let response = app
        .patch_me(
            access,
            json!({ "first_name": "New", "email_opt_out": true }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let patched = body_json(response).await;
    assert_eq!(patched["first_name"], "New");
    assert_eq!(patched["email_opt_out"], true);

    let me = body_json(app.get_me(access).await).await;
    assert_eq!(me["first_name"], "New");
    assert_eq!(me["last_name"], "Steward");
    assert_eq!(me["email_opt_out"], true);

    // Booleans as strings, here too.
    let response = app.patch_me(access, json!({ "sms_opt_out": "true" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_json(response).await["sms_opt_out"], true);

    let response = app.patch_me(access, json!({ "first_name": "" })).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["field"], "first_name");

    let response = app.patch_me(access, json!({ "password": "x" })).await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(problem["errors"][0]["field"], "password");

    let response = app.patch_me(access, json!({ "first_name": 7 })).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;

    // Refused edits changed nothing.
    let me = body_json(app.get_me(access).await).await;
    assert_eq!(me["first_name"], "New");
}

#[tokio::test]
async fn profile_edits_with_odd_input_are_refused_not_failed() {
    let app = spawn_app().await;
    let (_, tokens) = app.signed_up_phone().await;
    let access = tokens["access_token"].as_str().unwrap();
    for body in [
        json!({ "first_name": "A\u{0}B" }),
        json!({ "title": "\u{0}" }),
        json!({ "avatar": format!("https://example.com/{}", "a".repeat(3000)) }),
        json!({ "email_opt_out": "maybe" }),
        json!({ "last_name": null }),
    ] {
        let response = app.patch_me(access, body.clone()).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} gave {text}");
    }
    // An avatar is a URL: a control character in it is refused on its field like in a name.
    let response = app
        .patch_me(
            access,
            json!({ "avatar": "https://example.com/a\u{0}.png" }),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("avatar".to_owned(), "INVALID_CHARACTERS".to_owned())],
        "{problem}"
    );
    // Nothing of the refused edits was kept.
    let me = body_json(app.get_me(access).await).await;
    assert_eq!(me["avatar"], Value::Null, "{me}");
    assert_eq!(me["first_name"], "Andy", "{me}");
    assert_eq!(me["email_opt_out"], false, "{me}");
}

#[tokio::test]
async fn emails_are_at_most_254_characters() {
    let app = spawn_app().await;
    // 64 + 1 + 189 = 254 characters; one more in the domain makes 255.
    let local = "a".repeat(64);
    let domain = |last: usize| {
        format!(
            "{}.{}.{}.com",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(last)
        )
    };
    let longest = format!("{local}@{}", domain(57));
    assert_eq!(longest.len(), 254);
    let too_long = format!("{local}@{}", domain(58));

    let identity = |email: &str| json!({ "provider": "EMAIL", "email": email });
    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            identity(&too_long),
            json!(true),
        ),
    )
    .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "INVALID_EMAIL").await;
    assert_eq!(problem["errors"][0]["field"], "identity.email");

    let response = register(
        &app,
        register_body(
            json!("Andy"),
            json!("Steward"),
            identity(&longest),
            json!(true),
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(app.outbox_to(&longest).await.len(), 1);
}

#[tokio::test]
async fn passwords_must_be_long_and_uncommon() {
    let app = spawn_app().await;
    for (password, code) in [
        ("short", "PASSWORD_TOO_SHORT"),
        ("password123", "PASSWORD_TOO_COMMON"),
    ] {
        let response = app.register_email(&unique_email(), Some(password)).await;
        let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
        assert_eq!(
            field_errors(&problem),
            [("identity.password".to_owned(), code.to_owned())],
            "{password}"
        );
    }
    assert!(app.outbox().await.is_empty());
}

#[tokio::test]
async fn registering_an_existing_email_again_does_not_change_its_password() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let email = unique_email();
    let original = "correct horse battery staple";
    let response = app.register_email(&email, Some(original)).await;
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );

    // Someone registers the same email with a password of their own, and the owner even uses
    // the code that arrives: the password on file stays the owner's.
    let intruder = "a different long passphrase";
    let response = app.register_email(&email, Some(intruder)).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );

    let authenticate =
        |password: &str| json!({ "provider": "EMAIL", "email": email, "password": password });
    let response = app
        .post_json(&format!("{CONTACTS}/authenticate"), authenticate(intruder))
        .await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
    let response = app
        .post_json(&format!("{CONTACTS}/authenticate"), authenticate(original))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test]
async fn failed_password_sign_ins_are_capped_per_account() {
    let app = spawn_app_with(|s| s.limits.failed_logins_per_account_per_hour = 3).await;
    let email = unique_email();
    let password = "correct horse battery staple";
    let response = app.register_email(&email, Some(password)).await;
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );

    let nobody = unique_email();
    for account in [&email, &nobody] {
        let attempt =
            |password: &str| json!({ "provider": "EMAIL", "email": account, "password": password });
        for _ in 0..3 {
            let response = app
                .post_json(
                    &format!("{CONTACTS}/authenticate"),
                    attempt("wrong password!"),
                )
                .await;
            assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_CREDENTIALS").await;
        }
        // Over the cap even the right password waits, for known and unknown accounts alike.
        let response = app
            .post_json(&format!("{CONTACTS}/authenticate"), attempt(password))
            .await;
        assert!(response.headers().contains_key("retry-after"));
        assert_problem(response, StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS").await;
    }
}

/// Names that would read as another in the back office (a direction override, a zero-width
/// space) are refused on their field, on every face that takes a name.
#[tokio::test]
async fn names_that_hide_what_they_say_are_refused_on_their_field() {
    let app = spawn_app().await;
    let disguised = "Alice\u{202E}ecilA";
    let response = app
        .register_phone(&unique_phone(), disguised, "Steward")
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("first_name".to_owned(), "INVALID_CHARACTERS".to_owned())]
    );
    let response = app
        .backoffice(
            reqwest::Method::POST,
            "/contacts",
            Some(json!({"type": "COMPANY", "company_name": "Acme\u{200B} Ltd"})),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("company_name".to_owned(), "INVALID_CHARACTERS".to_owned())]
    );
    let (_, tokens) = app.signed_up_phone().await;
    let response = app
        .patch_me(
            tokens["access_token"].as_str().unwrap(),
            json!({"last_name": "Smith\u{2066}"}),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("last_name".to_owned(), "INVALID_CHARACTERS".to_owned())]
    );
}
