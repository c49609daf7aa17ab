//! A CRM.COM app, as written against CRM.COM's Self-Service v2 document (mioannoucrmcom/
//! crm-typescript, `.speakeasy/out.openapi.yaml`): its requests, built from that document's
//! schemas, and the statuses and shapes it expects. Plus the forms CRM.COM's v1 apps send.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    answer, assert_alike, assert_problem, body_json, e164, field_errors, spawn_app, spawn_app_with,
    unique_email, unique_phone, TestApp, CONTACTS,
};

/// These stories send several codes to one identity within a second (sign-up, then sign-in or
/// reset): the 60 s cool-down, tested on its own elsewhere, is off for them.
pub(crate) async fn app_without_cooldown() -> TestApp {
    spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await
}

const V2: &str = "/self-service/v2/contacts";

/// A request as a CRM.COM app sends it: `api_key` before sign-in, only `Bearer` after.
/// `validate_otp` with a code and the `auth_otp` it was sent with, as a CRM.COM app sends it.
pub(crate) async fn v2_validate(app: &TestApp, code: &str, auth_otp: &Value) -> reqwest::Response {
    let body = json!({ "code": code, "auth_otp": auth_otp });
    call(app, Method::POST, "/validate_otp", None, Some(body)).await
}

pub(crate) async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(&format!("{V2}{path}")));
    request = match bearer {
        Some(token) => request.bearer_auth(token),
        None => request.header("api_key", &app.api_key),
    };
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request sent")
}

pub(crate) async fn json_of(response: reqwest::Response, status: StatusCode) -> Value {
    let actual = response.status();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(actual, status, "{body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// CRM.COM's token response: the keys and their types, `expiration_date` in epoch seconds
/// 15 minutes ahead, the contact with its `type`.
pub(crate) fn assert_token_response(body: &Value, contact_id: Option<&str>) {
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|t| t.split('.').count() == 3),
        "{body}"
    );
    assert!(
        body["refresh_token"]
            .as_str()
            .is_some_and(|t| t.len() >= 22),
        "{body}"
    );
    let expires = body["expiration_date"].as_i64().expect("expiration_date");
    let ahead = expires - now_secs();
    assert!(
        (880..=901).contains(&ahead),
        "expiration_date {ahead} s ahead: {body}"
    );
    assert_eq!(body["contact"]["type"], "PERSON", "{body}");
    assert_eq!(body["contact"]["is_verified"], true, "{body}");
    assert!(body["organisations"].is_array(), "{body}");
    assert!(body.get("exp").is_none(), "v1's exp is not v2's: {body}");
    if let Some(id) = contact_id {
        assert_eq!(body["contact"]["id"], id, "{body}");
    }
}

async fn register_phone(app: &TestApp, national: &str) -> Value {
    let response = call(
        app,
        Method::POST,
        "/register",
        None,
        Some(json!({
            "first_name": "Maria",
            "last_name": "Constantinou",
            "identification": {
                "provider": "PHONE",
                "phone": { "number": national, "country_code": "CYP" },
            },
            "accept_terms_&_conditions": true,
            "sms_opt_out": false,
            // CRM.COM's code for Greek (ISO 639-1 says EL).
            "language_code": "GR",
            // The referrer's code and the country of agreement, as CRM.COM's document shows them.
            "referral_code": "3M5Y1P",
            "country_of_agreement": "cyp",
        })),
    )
    .await;
    json_of(response, StatusCode::CREATED).await
}

/// Registered by phone and signed in: (national number, token response).
async fn signed_in_by_phone(app: &TestApp) -> (String, Value) {
    let national = unique_phone();
    let registered = register_phone(app, &national).await;
    let code = app.latest_code(&e164(&national)).await;
    let response = v2_validate(app, &code, &registered["auth_otp"]).await;
    (national, json_of(response, StatusCode::OK).await)
}

#[tokio::test]
async fn a_crm_app_registers_by_phone_reads_and_updates_the_contact_refreshes_and_signs_out() {
    let app = app_without_cooldown().await;
    let national = unique_phone();
    let registered = register_phone(&app, &national).await;
    assert!(registered["auth_otp"]
        .as_str()
        .is_some_and(|h| h.len() >= 16));
    let masked = format!("+357 {}****{}", &national[..2], &national[6..]);
    assert_eq!(registered["obfuscated_value"], masked.as_str());
    assert!(
        registered.get("existing_contact").is_none(),
        "whether a contact exists is never told: {registered}"
    );
    assert!(
        registered.get("access_token").is_none(),
        "no tokens before the code"
    );

    let code = app.latest_code(&e164(&national)).await;
    let signed_in = json_of(
        v2_validate(&app, &code, &registered["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_token_response(&signed_in, None);
    let id = signed_in["contact"]["id"].as_str().unwrap().to_owned();
    let access = signed_in["access_token"].as_str().unwrap().to_owned();
    assert_eq!(signed_in["contact"]["first_name"], "Maria");

    // Signed-in calls carry only the bearer token.
    let contact = json_of(
        call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(contact["id"], id.as_str());
    assert_eq!(contact["type"], "PERSON");
    assert_eq!(contact["last_name"], "Constantinou");
    assert_eq!(
        contact["phone"],
        json!({ "type": "MOBILE", "number": national, "country_code": "CYP" })
    );
    assert_eq!(contact["sms_opt_out"], false);
    assert_eq!(
        contact["language_code"], "GR",
        "kept, and spelled as CRM.COM does"
    );
    assert_eq!(contact["country_of_agreement"], "CYP", "kept, upper-case");
    assert!(
        contact.get("referral_code").is_none(),
        "a reply's referral_code is the contact's own code for friends, which it has none of"
    );
    let kept = body_json(
        app.backoffice(Method::GET, &format!("/contacts/{id}"), None)
            .await,
    )
    .await;
    assert_eq!(kept["referred_by"], "3M5Y1P", "{kept}");
    assert_eq!(
        kept["language_code"], "EL",
        "the back office speaks ISO 639-1"
    );
    assert_eq!(kept["country_of_agreement"], "CYP", "{kept}");
    assert!(contact["code"].as_str().is_some_and(|c| !c.is_empty()));

    let updated = json_of(
        call(
            &app,
            Method::PUT,
            &format!("/{id}"),
            Some(&access),
            Some(json!({ "first_name": "Marianna", "sms_opt_out": true, "language_code": "en" })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated, json!({ "id": id }));
    let contact = json_of(
        call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(contact["first_name"], "Marianna");
    assert_eq!(contact["sms_opt_out"], true);
    assert_eq!(contact["language_code"], "EN");
    assert_eq!(
        contact["last_name"], "Constantinou",
        "untouched fields stay"
    );

    // contacts/refresh: the refresh token as the bearer, no body.
    let old_refresh = signed_in["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = json_of(
        call(&app, Method::POST, "/refresh", Some(&old_refresh), None).await,
        StatusCode::OK,
    )
    .await;
    assert_token_response(&refreshed, Some(&id));
    assert_ne!(refreshed["refresh_token"], old_refresh.as_str());
    assert_problem(
        call(&app, Method::POST, "/refresh", Some(&old_refresh), None).await,
        StatusCode::UNAUTHORIZED,
        "REFRESH_TOKEN_REUSED",
    )
    .await;

    // A reused refresh token ended that sign-in: sign in again, then sign out.
    let (_, again) = {
        let sent = json_of(
            call(
                &app,
                Method::POST,
                "/otp",
                None,
                Some(json!({ "method": "SMS", "credentials": [{ "name": "PHONE", "value": e164(&national) }] })),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(sent["obfuscated_value"], masked.as_str());
        let code = app.latest_code(&e164(&national)).await;
        let body = json_of(
            v2_validate(&app, &code, &sent["auth_otp"]).await,
            StatusCode::OK,
        )
        .await;
        ((), body)
    };
    assert_token_response(&again, Some(&id));
    let access = again["access_token"].as_str().unwrap().to_owned();
    let refresh = again["refresh_token"].as_str().unwrap().to_owned();
    let response = call(
        &app,
        Method::POST,
        &format!("/{id}/sign_out"),
        Some(&access),
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(
        call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
    assert_problem(
        call(&app, Method::POST, "/refresh", Some(&refresh), None).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_REFRESH_TOKEN",
    )
    .await;
}

#[tokio::test]
async fn a_crm_app_with_email_and_password_adds_a_phone_changes_and_resets_the_password() {
    let app = app_without_cooldown().await;
    let email = unique_email();
    let registered = json_of(
        call(
            &app,
            Method::POST,
            "/register",
            None,
            Some(json!({
                "first_name": "Nikos",
                "last_name": "Ioannou",
                "identification": { "provider": "EMAIL", "email": email, "password": "Tr1cky-Passw0rd" },
            })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let code = app.latest_code(&email).await;
    let signed_in = json_of(
        v2_validate(&app, &code, &registered["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    let id = signed_in["contact"]["id"].as_str().unwrap().to_owned();

    let authenticate = |password: &'static str| {
        let email = email.clone();
        let app = &app;
        async move {
            call(
                app,
                Method::POST,
                "/authenticate",
                None,
                Some(json!({
                    "provider": "EMAIL", "username": email, "password": password,
                    "token": null, "phone": null, "mac_address": null,
                })),
            )
            .await
        }
    };
    let signed_in = json_of(authenticate("Tr1cky-Passw0rd").await, StatusCode::OK).await;
    assert_token_response(&signed_in, Some(&id));
    let access = signed_in["access_token"].as_str().unwrap().to_owned();

    // Add a phone: 201 with its id, attached once the code sent to it is validated.
    let national = unique_phone();
    let added = json_of(
        call(
            &app,
            Method::POST,
            &format!("/{id}/identities"),
            Some(&access),
            Some(json!({ "provider": "PHONE", "email": null, "phone": { "number": national, "country_code": "CYP" } })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert!(
        uuid::Uuid::parse_str(added["id"].as_str().unwrap()).is_ok(),
        "{added}"
    );
    let code = app.latest_code(&e164(&national)).await;
    let proven = json_of(
        v2_validate(&app, &code, &added["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(proven["contact"]["id"], id.as_str());
    let contact = json_of(
        call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(contact["email"], email.as_str());
    // The phone now signs in to the same contact.
    let sent = json_of(
        call(
            &app,
            Method::POST,
            "/authenticate",
            None,
            Some(json!({ "provider": "PHONE", "phone": { "number": national, "country_code": "CYP" } })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let code = app.latest_code(&e164(&national)).await;
    let by_phone = json_of(
        v2_validate(&app, &code, &sent["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_phone["contact"]["id"], id.as_str());

    // Changing the password needs the current one here (a stolen token must not take the
    // account over for good).
    let change = |body: Value| {
        let app = &app;
        let path = format!("/{id}/change_password");
        let access = access.clone();
        async move { call(app, Method::POST, &path, Some(&access), Some(body)).await }
    };
    let problem = assert_problem(
        change(json!({ "password": "An0ther-Passw0rd" })).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        vec![("current_password".into(), "REQUIRED".into())]
    );
    let response =
        change(json!({ "password": "An0ther-Passw0rd", "current_password": "Tr1cky-Passw0rd" }))
            .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(
        authenticate("Tr1cky-Passw0rd").await,
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
    )
    .await;

    // Forgotten: 204, and the message carries a reset token for contacts/change_password.
    let response = call(
        &app,
        Method::POST,
        "/forgot_password",
        None,
        Some(json!({ "username": email })),
    )
    .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let message = app.outbox_to(&email).await.remove(0);
    let body = message["body"].as_str().unwrap();
    assert!(body.contains("reset your password"), "{body}");
    let token = body
        .split_whitespace()
        .find(|w| w.contains('.') && w.len() > 20)
        .map(|w| w.trim_end_matches('.'))
        .unwrap_or_else(|| panic!("no reset token in {body}"));
    let (handle, code) = token.rsplit_once('.').unwrap();
    let wrong = format!(
        "{handle}.{}",
        if code == "000000" { "111111" } else { "000000" }
    );
    let reset = |token: String| {
        let app = &app;
        async move {
            call(
                app,
                Method::POST,
                "/change_password",
                None,
                Some(json!({ "token": token, "password": "Thi3d-Passw0rd" })),
            )
            .await
        }
    };
    assert_problem(reset(wrong).await, StatusCode::UNAUTHORIZED, "INVALID_OTP").await;
    assert_eq!(
        reset(token.to_owned()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        authenticate("Thi3d-Passw0rd").await.status(),
        StatusCode::OK
    );
    // Every earlier sign-in ended with the reset.
    assert_problem(
        call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
    assert_problem(
        reset(token.to_owned()).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_OTP",
    )
    .await;
}

#[tokio::test]
async fn organisations_come_with_their_type_and_a_page() {
    let app = spawn_app().await;
    let (_, signed_in) = signed_in_by_phone(&app).await;
    let id = signed_in["contact"]["id"].as_str().unwrap().to_owned();
    let mut orgs = Vec::new();
    for (name, kind) in [("DropHop", "BUSINESS"), ("Kiosk 24", "VENUE")] {
        let org = body_json(
            app.backoffice(
                Method::POST,
                "/organisations",
                Some(json!({ "name": name, "org_type": kind })),
            )
            .await,
        )
        .await;
        let joined = app
            .backoffice(
                Method::PUT,
                &format!(
                    "/contacts/{id}/organisations/{}",
                    org["id"].as_str().unwrap()
                ),
                None,
            )
            .await;
        assert_eq!(joined.status(), StatusCode::NO_CONTENT);
        orgs.push(org);
    }
    let refreshed = json_of(
        call(
            &app,
            Method::POST,
            "/refresh",
            Some(signed_in["refresh_token"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mut listed: Vec<(String, String)> = refreshed["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_owned(),
                o["type"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    listed.sort();
    assert_eq!(
        listed,
        vec![
            ("DropHop".to_owned(), "BUSINESS".to_owned()),
            ("Kiosk 24".to_owned(), "VENUE".to_owned())
        ]
    );
    let access = refreshed["access_token"].as_str().unwrap();
    let page = json_of(
        call(
            &app,
            Method::GET,
            &format!("/{id}/organisations?page=2&size=1"),
            Some(access),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        page["paging"],
        json!({ "page": 2, "size": 1, "total": 2, "has_more": false })
    );
    assert_eq!(page["content"].as_array().unwrap().len(), 1);
    let first = json_of(
        call(
            &app,
            Method::GET,
            &format!("/{id}/organisations?size=1"),
            Some(access),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(first["paging"]["has_more"], true);
    assert_ne!(first["content"][0]["id"], page["content"][0]["id"]);
    assert_problem(
        call(
            &app,
            Method::GET,
            &format!("/{id}/organisations?page=0"),
            Some(access),
            None,
        )
        .await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
}

/// A `{id}` in the path answers only for the signed-in contact's own id, alike whether the
/// other id exists or not, and changes nothing.
#[tokio::test]
async fn another_contacts_id_is_refused_on_every_call() {
    let app = spawn_app().await;
    let (_, mine) = signed_in_by_phone(&app).await;
    let (their_phone, theirs) = signed_in_by_phone(&app).await;
    let access = mine["access_token"].as_str().unwrap();
    let their_id = theirs["contact"]["id"].as_str().unwrap();
    let calls = |other: &str| -> Vec<(Method, String, Option<Value>)> {
        vec![
            (Method::GET, format!("/{other}"), None),
            (
                Method::PUT,
                format!("/{other}"),
                Some(json!({ "first_name": "Mallory" })),
            ),
            (Method::DELETE, format!("/{other}"), None),
            (Method::POST, format!("/{other}/sign_out"), None),
            (
                Method::POST,
                format!("/{other}/identities"),
                Some(json!({ "provider": "EMAIL", "email": "mallory@example.com" })),
            ),
            (
                Method::DELETE,
                format!("/{other}/identities/some-identity"),
                None,
            ),
            (Method::GET, format!("/{other}/organisations"), None),
            (
                Method::POST,
                format!("/{other}/change_password"),
                Some(json!({ "password": "Mall0ry-Passw0rd" })),
            ),
        ]
    };
    // Every call answers the same whole answer for another contact's id and for an id that is
    // nobody's: nothing tells whether the other contact exists.
    for (existing, nobody) in calls(their_id).into_iter().zip(calls("no-such-contact")) {
        let what = format!("{} {}", existing.0, existing.1);
        let a = call(&app, existing.0, &existing.1, Some(access), existing.2).await;
        let b = call(&app, nobody.0, &nobody.1, Some(access), nobody.2).await;
        let (a, b) = (answer(a).await, answer(b).await);
        assert_alike(&a, &b, &what);
        assert_eq!(a.status, 403, "{what}: {a:?}");
        assert_eq!(a.body["code"], "FORBIDDEN", "{what}");
        assert!(a.body.get("errors").is_none(), "{what}: {:?}", a.body);
    }
    // Nothing changed for them: their session, their name, their account.
    let theirs_now = json_of(
        call(
            &app,
            Method::GET,
            &format!("/{their_id}"),
            Some(theirs["access_token"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(theirs_now["first_name"], "Maria");
    assert_eq!(theirs_now["phone"]["number"], their_phone.as_str());
}

#[tokio::test]
async fn unregistering_ends_the_account_and_everything_it_held() {
    let app = app_without_cooldown().await;
    let (national, signed_in) = signed_in_by_phone(&app).await;
    let id = signed_in["contact"]["id"].as_str().unwrap();
    let access = signed_in["access_token"].as_str().unwrap();
    let response = call(&app, Method::DELETE, &format!("/{id}"), Some(access), None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_problem(
        call(&app, Method::GET, &format!("/{id}"), Some(access), None).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_TOKEN",
    )
    .await;
    assert_problem(
        call(
            &app,
            Method::POST,
            "/refresh",
            Some(signed_in["refresh_token"].as_str().unwrap()),
            None,
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "INVALID_REFRESH_TOKEN",
    )
    .await;
    assert_problem(
        app.backoffice(Method::GET, &format!("/contacts/{id}"), None)
            .await,
        StatusCode::NOT_FOUND,
        "CONTACT_NOT_FOUND",
    )
    .await;
    // The phone is free again: registering it makes a new contact.
    let registered = register_phone(&app, &national).await;
    let code = app.latest_code(&e164(&national)).await;
    let again = json_of(
        v2_validate(&app, &code, &registered["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(again["contact"]["id"], id);
    assert_eq!(app.contact_count().await, 1);
}

/// Errors name the field the v2 caller sent, not v1's name for it.
#[tokio::test]
async fn errors_name_the_v2_fields() {
    let app = spawn_app().await;
    let register = |body: Value| call(&app, Method::POST, "/register", None, Some(body));
    let problem = assert_problem(
        register(json!({
            "first_name": "A", "last_name": "B",
            "identification": { "provider": "PHONE", "phone": { "number": "12", "country_code": "CYP" } },
        }))
        .await,
        StatusCode::BAD_REQUEST,
        "INVALID_PHONE_NUMBER",
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        vec![(
            "identification.phone.number".into(),
            "INVALID_PHONE_NUMBER".into()
        )]
    );
    let problem = assert_problem(
        register(json!({
            "first_name": "A", "last_name": "B", "accept_terms_&_conditions": false,
            "identification": { "provider": "EMAIL", "email": unique_email() },
        }))
        .await,
        StatusCode::BAD_REQUEST,
        "TERMS_NOT_ACCEPTED",
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        vec![(
            "accept_terms_&_conditions".into(),
            "TERMS_NOT_ACCEPTED".into()
        )]
    );
    // A 400 on `body` (a valid email registration plus `extra`): its field errors.
    let refused = |extra: Value| {
        let mut body = json!({
            "first_name": "A", "last_name": "B",
            "identification": { "provider": "EMAIL", "email": unique_email() },
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let response = register(body);
        async move {
            let problem =
                assert_problem(response.await, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
            field_errors(&problem)
        }
    };
    let pair = |field: &str, code: &str| (field.to_owned(), code.to_owned());
    assert_eq!(
        refused(json!({
            "language_code": "xx", "custom_fields": [{ "key": "loyalty", "value": "gold" }],
            "pass_pin": "1234",
        }))
        .await,
        vec![
            pair("custom_fields", "UNSUPPORTED"),
            pair("pass_pin", "UNSUPPORTED")
        ],
        "the fields not kept are refused before any value is checked"
    );
    assert_eq!(
        refused(json!({ "language_code": "xx" })).await,
        vec![pair("language_code", "INVALID_VALUE")]
    );
    assert_eq!(
        refused(json!({ "country_of_agreement": "CY", "referral_code": "x".repeat(65) })).await,
        vec![
            pair("referral_code", "TOO_LONG"),
            pair("country_of_agreement", "INVALID_COUNTRY_CODE")
        ]
    );
    assert_eq!(app.contact_count().await, 0, "nothing was made");
    let problem = assert_problem(
        call(
            &app,
            Method::POST,
            "/otp",
            None,
            Some(json!({ "method": "SMS", "credentials": [{ "name": "EMAIL", "value": unique_email() }] })),
        )
        .await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        vec![("method".into(), "INVALID_VALUE".into())]
    );
    assert!(app.outbox().await.is_empty(), "no code was sent");
}

/// v1 accepts what CRM.COM's v1 apps send: Bearer-only signed-in calls, the refresh token in a
/// `refresh_token` header with an empty body, `username` for the email.
#[tokio::test]
async fn v1_takes_the_forms_crm_apps_send() {
    let app = spawn_app().await;
    let (_, signed_in) = app.signed_up_phone().await;
    let me = app
        .client
        .get(app.url(&format!("{CONTACTS}/me")))
        .bearer_auth(signed_in["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.status(),
        StatusCode::OK,
        "no api_key needed with a token"
    );
    assert_eq!(body_json(me).await["id"], signed_in["contact"]["id"]);

    let by_header = |path: &'static str, token: String| {
        let app = &app;
        async move {
            app.client
                .post(app.url(&format!("{CONTACTS}/{path}")))
                .header("api_key", &app.api_key)
                .header("refresh_token", token)
                .send()
                .await
                .unwrap()
        }
    };
    let refreshed = by_header(
        "refresh-token",
        signed_in["refresh_token"].as_str().unwrap().to_owned(),
    )
    .await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let refreshed = body_json(refreshed).await;
    assert_eq!(refreshed["contact"]["id"], signed_in["contact"]["id"]);
    let token = refreshed["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(
        by_header("sign-out", token.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        app.refresh(&token).await,
        StatusCode::UNAUTHORIZED,
        "INVALID_REFRESH_TOKEN",
    )
    .await;
    assert_problem(
        app.post_json(&format!("{CONTACTS}/refresh-token"), json!({}))
            .await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;

    let email = unique_email();
    let auth_otp = body_json(app.register_email(&email, Some("Tr1cky-Passw0rd")).await).await
        ["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );
    let response = app
        .post_json(
            &format!("{CONTACTS}/authenticate"),
            json!({ "provider": "EMAIL", "username": email, "password": "Tr1cky-Passw0rd" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// "Send a new code" (v2 `contacts/otp` with the `AUTH_OTP` credential) for an identity being
/// added: the new code is for the same contact, and validating it attaches the identity there.
#[tokio::test]
async fn a_resent_code_for_an_added_identity_adds_it_to_the_same_contact() {
    let app = app_without_cooldown().await;
    let (_, signed_in) = signed_in_by_phone(&app).await;
    let id = signed_in["contact"]["id"].as_str().unwrap().to_owned();
    let access = signed_in["access_token"].as_str().unwrap().to_owned();
    let email = unique_email();
    let added = json_of(
        call(
            &app,
            Method::POST,
            &format!("/{id}/identities"),
            Some(&access),
            Some(json!({ "provider": "EMAIL", "email": email })),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let resent = json_of(
        call(
            &app,
            Method::POST,
            "/otp",
            None,
            Some(json!({ "credentials": [{ "name": "AUTH_OTP", "value": added["auth_otp"] }] })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(resent["auth_otp"], added["auth_otp"], "{resent}");
    assert_eq!(app.outbox_to(&email).await.len(), 2, "a new code was sent");
    let code = app.latest_code(&email).await;
    let proven = json_of(
        v2_validate(&app, &code, &resent["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(proven["contact"]["id"], id.as_str(), "{proven}");
    // The email now signs in to that contact.
    let sent = json_of(
        call(
            &app,
            Method::POST,
            "/authenticate",
            None,
            Some(json!({ "provider": "EMAIL", "username": email })),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let code = app.latest_code(&email).await;
    let by_email = json_of(
        v2_validate(&app, &code, &sent["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(by_email["contact"]["id"], id.as_str(), "{by_email}");
}
