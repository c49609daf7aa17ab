//! A contact's language (`language_code`, ISO 639-1): kept on every face that writes a contact,
//! shown on every face that reads one, and chosen from the browser at portal sign-up.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    assert_problem, body_json,
    browser::{assert_see_other, controls, save_profile, Browser, Control},
    e164, field_errors, spawn_app, unique_phone, CONTACTS,
};

/// The value of the checked `language_code` radio button, if one is checked.
fn chosen_language(html: &str) -> Option<String> {
    let controls = controls(html);
    let radios: Vec<&Control> = controls
        .iter()
        .filter(|c| c.attr("name") == Some("language_code"))
        .collect();
    assert!(radios.len() >= 2, "a language choice is offered");
    radios
        .iter()
        .find(|c| c.attr("checked").is_some())
        .and_then(|c| c.attr("value"))
        .map(str::to_owned)
}

/// A 400 whose only field error is an invalid `language_code`.
async fn assert_language_refused(response: reqwest::Response) {
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert_eq!(
        field_errors(&problem),
        vec![("language_code".into(), "INVALID_VALUE".into())]
    );
}

#[tokio::test]
async fn the_portal_signs_up_in_the_browsers_language_and_the_profile_changes_it() {
    let app = spawn_app().await;
    let mut plain = Browser::new(&app);
    assert_eq!(
        chosen_language(&plain.get_html("/register").await).as_deref(),
        Some("EN"),
        "English when the browser names no language the portal offers"
    );
    let mut browser = Browser::new(&app);
    browser.accept_language = Some("el-GR,el;q=0.9,en;q=0.8");
    assert_eq!(
        chosen_language(&browser.get_html("/register").await).as_deref(),
        Some("EL")
    );

    // An unknown code comes back next to the field, with what was typed.
    let national = unique_phone();
    let mut form = vec![
        ("title", ""),
        ("first_name", "Eleni"),
        ("last_name", "Georgiou"),
        ("method", "PHONE"),
        ("country_code", "CYP"),
        ("phone_number", national.as_str()),
        ("email", ""),
        ("password", ""),
        ("terms", "on"),
        ("language_code", "XX"),
    ];
    let response = browser.post_form("/api/register", &form).await;
    assert_see_other(&response, "/register");
    let html = browser.get_html("/register").await;
    assert!(
        html.contains("ISO 639-1"),
        "the error is shown: {}",
        crate::common::browser::text_of(&html)
    );
    assert_eq!(app.contact_count().await, 0);

    form.pop();
    form.push(("language_code", "EL"));
    let response = browser.post_form("/api/register", &form).await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    let response = browser.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");
    assert_eq!(
        chosen_language(&browser.get_html("/profile").await).as_deref(),
        Some("EL")
    );

    let response = save_profile(&mut browser, "Eleni", "Georgiou", "EN").await;
    assert_see_other(&response, "/profile");
    assert_eq!(
        chosen_language(&browser.get_html("/profile").await).as_deref(),
        Some("EN")
    );
    let listed = body_json(app.backoffice(Method::GET, "/contacts?size=1", None).await).await;
    assert_eq!(listed["content"][0]["language_code"], "EN", "{listed}");
}

#[tokio::test]
async fn the_self_service_api_keeps_the_language_given_and_refuses_an_unknown_one() {
    let app = spawn_app().await;
    let register = |language: Value, national: String| {
        let app = &app;
        async move {
            app.post_json(
                &format!("{CONTACTS}/register"),
                json!({
                    "first_name": "Andreas", "last_name": "Ioannou",
                    "identity": { "provider": "PHONE", "phone_number": national, "country_code": "CYP" },
                    "service_acceptance": true,
                    "language_code": language,
                }),
            )
            .await
        }
    };
    for bad in [json!("Greek"), json!("xx")] {
        assert_language_refused(register(bad, unique_phone()).await).await;
    }
    let problem = assert_problem(
        register(json!(7), unique_phone()).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_errors(&problem)[0].0, "language_code");
    assert_eq!(app.contact_count().await, 0, "nothing was made");
    assert!(app.outbox().await.is_empty(), "nothing was sent");

    let national = unique_phone();
    let response = register(json!("el"), national.clone()).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&e164(&national)).await;
    let tokens = body_json(app.validate(&auth_otp, &code).await).await;
    let access = tokens["access_token"].as_str().expect("signed in");
    let me = body_json(app.get_me(access).await).await;
    assert_eq!(me["language_code"], "EL", "{me}");

    assert_language_refused(app.patch_me(access, json!({ "language_code": "zz" })).await).await;
    let response = app.patch_me(access, json!({ "language_code": "fr" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let me = body_json(app.get_me(access).await).await;
    assert_eq!(
        me["language_code"], "FR",
        "any ISO 639-1 code is kept: {me}"
    );
    assert_eq!(me["first_name"], "Andreas", "untouched fields stay");
}

#[tokio::test]
async fn the_back_office_sets_and_clears_a_contacts_language() {
    let app = spawn_app().await;
    let created = app
        .backoffice_contact(json!({
            "type": "PERSON", "first_name": "Nikos", "last_name": "Demetriou", "language_code": "el",
        }))
        .await;
    assert_eq!(created["language_code"], "EL", "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let without = app
        .backoffice_contact(json!({ "type": "COMPANY", "company_name": "Demetriou Ltd" }))
        .await;
    assert_eq!(without["language_code"], Value::Null, "none unless given");

    assert_language_refused(
        app.backoffice(
            Method::PATCH,
            &format!("/contacts/{id}"),
            Some(json!({ "language_code": "ELL" })),
        )
        .await,
    )
    .await;
    let response = app
        .backoffice(
            Method::PATCH,
            &format!("/contacts/{id}"),
            Some(json!({ "language_code": null })),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let patched = body_json(response).await;
    assert_eq!(patched["language_code"], Value::Null, "{patched}");
    assert_eq!(patched["first_name"], "Nikos");
}
