//! Every SMS and email in the recipient's language: the contact's `language_code`, else the
//! registration's, else English (also for a language the portal has no templates for).

use std::time::Duration;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    body_json, e164, spawn_app_with, unique_email, unique_phone, TestApp, CONTACTS,
};

/// What each purpose's message says, in one language.
struct Words {
    code_intro: &'static str,
    register: &'static str,
    add_identity: &'static str,
    sign_in: &'static str,
    reset: &'static str,
    claim: &'static str,
    added: &'static str,
    removed: &'static str,
    taken: &'static str,
}

const ENGLISH: Words = Words {
    code_intro: "Your Acme Cyprus code is ",
    register: "Use it to finish creating your account.",
    add_identity: "as a way to sign in to your account.",
    sign_in: "Use it to sign in.",
    reset: "Use it to reset your password.",
    claim: "Use it to claim your customer account.",
    added: "was added as a way to sign in to your account.",
    removed: "was removed from the ways to sign in to your account.",
    taken: "asked to add this email address as a way to sign in there.",
};

const GREEK: Words = Words {
    code_intro: "Ο κωδικός σας για Acme Cyprus είναι ",
    register: "Χρησιμοποιήστε τον για να ολοκληρώσετε τη δημιουργία του λογαριασμού σας.",
    add_identity: "ως τρόπο σύνδεσης στον λογαριασμό σας.",
    sign_in: "Χρησιμοποιήστε τον για να συνδεθείτε.",
    reset: "Χρησιμοποιήστε τον για να ορίσετε νέο κωδικό πρόσβασης.",
    claim: "Χρησιμοποιήστε τον για να αναλάβετε τον λογαριασμό πελάτη σας.",
    added: "προστέθηκε ως τρόπος σύνδεσης στον λογαριασμό σας.",
    removed: "αφαιρέθηκε από τους τρόπους σύνδεσης στον λογαριασμό σας.",
    taken: "ζήτησε να προσθέσει αυτή τη διεύθυνση email ως τρόπο σύνδεσης εκεί.",
};

fn is_greek(text: &str) -> bool {
    text.chars().any(|c| ('\u{0370}'..='\u{03ff}').contains(&c))
}

/// The newest message to `to`: a code's message when `code` (it begins with the intro), a
/// notice otherwise; checked to say `words` in one language, and nothing in the other.
async fn says(app: &TestApp, to: &str, code: bool, words: &str, greek: bool) -> Value {
    let newest = app
        .outbox_to(to)
        .await
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no message to {to}"));
    let body = newest["body"].as_str().unwrap();
    assert!(body.contains(words), "to {to}, expected {words:?}: {body}");
    assert_eq!(is_greek(body), greek, "{body}");
    assert_eq!(newest["code"].is_string(), code, "{newest}");
    if !code {
        assert!(body.starts_with("Acme Cyprus: "), "{body}");
    }
    newest
}

fn auth_otp(response_body: &Value) -> String {
    response_body["auth_otp"]
        .as_str()
        .unwrap_or_else(|| panic!("no auth_otp in {response_body}"))
        .to_owned()
}

async fn accepted(response: Response) -> String {
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    auth_otp(&body_json(response).await)
}

async fn bearer(app: &TestApp, method: Method, path: &str, access: &str, body: Value) -> Response {
    app.client
        .request(method, app.url(path))
        .header("api_key", &app.api_key)
        .bearer_auth(access)
        .json(&body)
        .send()
        .await
        .expect("request sent")
}

async fn validated(app: &TestApp, handle: &str, to: &str) -> Value {
    let code = app.latest_code(to).await;
    let response = app.validate(handle, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

#[tokio::test]
async fn every_code_and_notice_is_written_in_the_contacts_language() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.identity_removal_after = Duration::ZERO;
        s.business_name = "Acme Cyprus".into();
    })
    .await;
    // FR is a language a contact may have, with no templates: its messages are in English.
    for (language, words, greek) in [
        ("EL", &GREEK, true),
        ("EN", &ENGLISH, false),
        ("FR", &ENGLISH, false),
    ] {
        // Sign-up: the contact does not exist yet, so the registration's language is used.
        let national = unique_phone();
        let phone = e164(&national);
        let handle = accepted(
            app.post_json(
                &format!("{CONTACTS}/register"),
                json!({
                    "first_name": "Eleni", "last_name": "Georgiou", "service_acceptance": true,
                    "identity": {"provider": "PHONE", "phone_number": national, "country_code": "CYP"},
                    "language_code": language,
                }),
            )
            .await,
        )
        .await;
        let sent = says(&app, &phone, true, words.register, greek).await;
        assert!(
            sent["body"].as_str().unwrap().starts_with(words.code_intro),
            "{sent}"
        );
        let tokens = validated(&app, &handle, &phone).await;
        let access = tokens["access_token"].as_str().unwrap();

        // An added email gets its code, and the phone on file is told.
        let email = unique_email();
        let handle = accepted(
            bearer(
                &app,
                Method::POST,
                &format!("{CONTACTS}/me/identities"),
                access,
                json!({"provider": "EMAIL", "email": email, "password": "a long password 1"}),
            )
            .await,
        )
        .await;
        says(&app, &email, true, words.add_identity, greek).await;
        validated(&app, &handle, &email).await;
        says(&app, &phone, false, words.added, greek).await;

        // Sign-in and reset codes, by email.
        accepted(app.request_otp("EMAIL", &email).await).await;
        says(&app, &email, true, words.sign_in, greek).await;
        accepted(
            app.post_json(
                &format!("{CONTACTS}/forgot-password"),
                json!({"email": email}),
            )
            .await,
        )
        .await;
        says(&app, &email, true, words.reset, greek).await;

        // Someone else trying to add this email: its owner is told, in the owner's language.
        let (_, stranger) = app.signed_up_phone().await;
        accepted(
            bearer(
                &app,
                Method::POST,
                &format!("{CONTACTS}/me/identities"),
                stranger["access_token"].as_str().unwrap(),
                json!({"provider": "EMAIL", "email": email}),
            )
            .await,
        )
        .await;
        says(&app, &email, false, words.taken, greek).await;

        // Removing the phone tells both.
        let me = body_json(app.get_me(access).await).await;
        let phone_id = me["identities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["provider"] == "PHONE")
            .and_then(|i| i["id"].as_str())
            .unwrap()
            .to_owned();
        let response = bearer(
            &app,
            Method::DELETE,
            &format!("{CONTACTS}/me/identities/{phone_id}"),
            access,
            json!({}),
        )
        .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        for to in [&phone, &email] {
            says(&app, to, false, words.removed, greek).await;
        }

        // A back-office contact in this language claims its account: the code on file is in it.
        let on_file = unique_email();
        app.backoffice_contact(json!({
            "type": "PERSON", "first_name": "Maria", "last_name": "Georgiou",
            "email": on_file, "language_code": language,
        }))
        .await;
        accepted(
            app.post_json(
                &format!("{CONTACTS}/claim"),
                json!({
                    "identification": [{"name": "EMAIL", "value": on_file}],
                    "identity": {"provider": "EMAIL", "email": unique_email(), "password": "a long password 2"},
                }),
            )
            .await,
        )
        .await;
        says(&app, &on_file, true, words.claim, greek).await;
    }
}

#[tokio::test]
async fn a_sign_in_follows_the_contact_when_its_language_changes() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let email = unique_email();
    let tokens = app.signed_up_email(&email, "a long password 3").await;
    accepted(app.request_otp("EMAIL", &email).await).await;
    says(&app, &email, true, "Use it to sign in.", false).await;
    let response = app
        .patch_me(
            tokens["access_token"].as_str().unwrap(),
            json!({"language_code": "EL"}),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    accepted(app.request_otp("EMAIL", &email).await).await;
    says(&app, &email, true, GREEK.sign_in, true).await;
}
