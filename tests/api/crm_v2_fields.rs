//! An app that sends every request field CRM.COM's v2 document defines (mioannoucrmcom/
//! crm-typescript, `.speakeasy/out.openapi.yaml`) for the calls this portal serves, each with the
//! document's default, or null where it has none (what an SDK sends when the app sets nothing),
//! completes its whole story: register → code → tokens → contact → update → refresh → sign in
//! again by code and by password → add an identity → sign out.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::{
    common::{e164, unique_email, unique_phone},
    crm_v2::{app_without_cooldown, assert_token_response, call, json_of, v2_validate},
};

/// `identification` (register) and the body of `identities`: every field, unset ones null.
fn identification(
    provider: &str,
    email: Option<&str>,
    password: Option<&str>,
    phone: Option<&str>,
) -> Value {
    json!({
        "provider": provider,
        "email": email,
        "password": password,
        "phone": phone.map(|number| json!({ "number": number, "country_code": "CYP" })),
        "token": null,
        "sub": null,
        "application_id": null,
    })
}

#[tokio::test]
async fn an_app_sending_every_documented_field_with_its_defaults_completes_its_story() {
    let app = app_without_cooldown().await;
    let email = unique_email();
    let password = "Every-F1eld-Passw0rd";

    let mut register = json!({
        "first_name": "Eleni",
        "last_name": "Christodoulou",
        "identification": identification("EMAIL", Some(&email), Some(password), None),
        "accept_terms_&_conditions": true,
        "email_opt_out": false,
        "sms_opt_out": false,
        "language_code": "EN",
        "custom_fields": null,
        "referral_code": null,
        "pass_code": null,
        "country_of_agreement": null,
    });
    // The document's key carries a trailing space.
    register["pass_pin "] = Value::Null;
    let sent = json_of(
        call(&app, Method::POST, "/register", None, Some(register)).await,
        StatusCode::CREATED,
    )
    .await;
    let tokens = json_of(
        v2_validate(&app, &app.latest_code(&email).await, &sent["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_token_response(&tokens, None);
    let id = tokens["contact"]["id"].as_str().unwrap().to_owned();
    let access = tokens["access_token"].as_str().unwrap().to_owned();

    let contact = json_of(
        call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(contact["email"], email.as_str());
    assert_eq!(contact["language_code"], "EN");

    let update = json!({
        "id": id,
        "first_name": "Elena",
        "last_name": "Christodoulou",
        "middle_name": null,
        "email": null,
        "phone": null,
        "sms_opt_out": false,
        "email_opt_out": false,
        "language_code": "GR",
        "demographics": null,
        "custom_fields": null,
        "company_name": null,
        "company_profile": null,
    });
    let updated = json_of(
        call(
            &app,
            Method::PUT,
            &format!("/{id}"),
            Some(&access),
            Some(update),
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
    assert_eq!(contact["first_name"], "Elena");
    assert_eq!(contact["language_code"], "GR");

    let refreshed = json_of(
        call(
            &app,
            Method::POST,
            "/refresh",
            tokens["refresh_token"].as_str(),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_token_response(&refreshed, Some(&id));

    // Signed in again by a code: `otp` with its every field, then `validate_otp`. The code's
    // message is in the contact's language now.
    let otp = json!({
        "method": "EMAIL",
        "credentials": [{ "name": "EMAIL", "value": email, "gift_pass": null }],
    });
    let sent = json_of(
        call(&app, Method::POST, "/otp", None, Some(otp)).await,
        StatusCode::OK,
    )
    .await;
    let message = app.outbox_to(&email).await.remove(0);
    assert!(
        message["body"]
            .as_str()
            .unwrap()
            .contains("Χρησιμοποιήστε τον για να συνδεθείτε."),
        "{message}"
    );
    let by_code = json_of(
        v2_validate(&app, &app.latest_code(&email).await, &sent["auth_otp"]).await,
        StatusCode::OK,
    )
    .await;
    assert_token_response(&by_code, Some(&id));

    // And by password: `authenticate` with its every field.
    let authenticate = json!({
        "provider": "EMAIL",
        "username": email,
        "password": password,
        "token": null,
        "phone": null,
        "code": null,
        "state": null,
        "application_id": null,
        "mac_address": null,
        "login_as_guest": false,
    });
    let by_password = json_of(
        call(
            &app,
            Method::POST,
            "/authenticate",
            None,
            Some(authenticate),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_token_response(&by_password, Some(&id));
    let access = by_password["access_token"].as_str().unwrap().to_owned();

    // A phone added with `identities`' every field, proven by its code.
    let national = unique_phone();
    let added = json_of(
        call(
            &app,
            Method::POST,
            &format!("/{id}/identities"),
            Some(&access),
            Some(identification("PHONE", None, None, Some(&national))),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let proven = json_of(
        v2_validate(
            &app,
            &app.latest_code(&e164(&national)).await,
            &added["auth_otp"],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(proven["contact"]["id"], id.as_str());

    let signed_out = call(
        &app,
        Method::POST,
        &format!("/{id}/sign_out"),
        Some(&access),
        Some(json!({ "redirect_url": null })),
    )
    .await;
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    let after = call(&app, Method::GET, &format!("/{id}"), Some(&access), None).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}
