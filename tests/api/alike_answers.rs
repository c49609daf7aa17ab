//! No face tells whether an identity is taken or whether a claim matched: a claim's resend, and
//! adding an identity that is someone else's, answer exactly as their harmless twins do, under
//! every cap (SECURITY.md, "Enumeration by answer"). Each attack test reproduces a finding of the
//! second trust review and failed on the code before its fix.

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::common::{
    answer, assert_alike, body_json, spawn_app_with, unique_email, Answer, TestApp, CONTACTS,
};

const V2: &str = "/self-service/v2/contacts";

async fn claim_by_code(app: &TestApp, code: &str) -> String {
    let response = app
        .post_json(
            &format!("{CONTACTS}/claim"),
            json!({
                "identification": [{"name": "CODE", "value": code}, {"name": "LAST_NAME", "value": "Georgiou"}],
                "identity": {"provider": "EMAIL", "email": unique_email()},
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn v2_resend(app: &TestApp, handle: &str) -> Response {
    app.post_json(
        &format!("{V2}/otp"),
        json!({"credentials": [{"name": "AUTH_OTP", "value": handle}]}),
    )
    .await
}

/// A contact made in the back office with an email on file; its email.
async fn on_file(app: &TestApp, code: &str) -> String {
    let email = unique_email();
    app.backoffice_contact(json!({
        "type": "PERSON", "code": code, "first_name": "Maria", "last_name": "Georgiou", "email": email,
    }))
    .await;
    email
}

/// Finding 3: the resend of a claim's code answered the masked channel on file when the claim
/// matched and the masked identity the caller typed when it did not.
#[tokio::test]
async fn a_claims_resend_answers_alike_whether_or_not_it_matched() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let victim = on_file(&app, "RESEND-1").await;
    let matched = claim_by_code(&app, "RESEND-1").await;
    let missed = claim_by_code(&app, "RESEND-X").await;
    let a = answer(v2_resend(&app, &matched).await).await;
    let b = answer(v2_resend(&app, &missed).await).await;
    assert_alike(
        &a,
        &b,
        "the resends of a matching claim and of one that matched nothing",
    );
    assert_eq!(a.status, 200, "{a:?}");
    // Where the claim said the code went: what the caller typed (a contact code), nothing of
    // the email on file.
    assert_eq!(
        a.body["obfuscated_value"], "the email or phone on file",
        "{:?}",
        a.body
    );
    assert!(!a.body.to_string().contains(&victim[victim.len() - 11..]));
}

/// Finding 3, the sends: a resend is a claim again. It counts toward the same caps (here the
/// account's claim cap, set to 3), and the channel on file gets no more than claims would give.
#[tokio::test]
async fn a_claims_resend_counts_as_a_claim_and_sends_no_more_than_one() {
    let app = spawn_app_with(|s| s.limits.failed_logins_per_account_per_hour = 3).await;
    let victim = on_file(&app, "RESEND-2").await;
    let handle = claim_by_code(&app, "RESEND-2").await;
    let mut answers: Vec<Answer> = Vec::new();
    for _ in 0..3 {
        answers.push(answer(v2_resend(&app, &handle).await).await);
    }
    // Within the cool-down: refused, like a second claim would be.
    assert_eq!(answers[0].status, 429, "{:?}", answers[0]);
    assert!(answers.iter().all(|a| a.status == 429), "{answers:?}");
    let response = app
        .post_json(
            &format!("{CONTACTS}/claim"),
            json!({
                "identification": [{"name": "CODE", "value": "RESEND-2"}],
                "identity": {"provider": "EMAIL", "email": unique_email()},
            }),
        )
        .await;
    // Refused by the account's cap (an hour's window), not by the minute's cool-down: the
    // resends counted as claims.
    let refused = answer(response).await;
    assert_eq!(refused.status, 429, "{refused:?}");
    assert!(
        refused.retry_after.is_some_and(|s| s > 60),
        "the resends counted toward the account's claim cap: {refused:?}"
    );
    assert_eq!(
        app.outbox_to(&victim).await.len(),
        1,
        "one message to the channel on file"
    );
}

async fn add_identity_v1(app: &TestApp, access: &str, email: &str) -> Response {
    app.client
        .post(app.url(&format!("{CONTACTS}/me/identities")))
        .header("api_key", &app.api_key)
        .bearer_auth(access)
        .json(&json!({"provider": "EMAIL", "email": email}))
        .send()
        .await
        .expect("request sent")
}

async fn add_identity_v2(app: &TestApp, access: &str, id: &str, email: &str) -> Response {
    app.client
        .post(app.url(&format!("{V2}/{id}/identities")))
        .bearer_auth(access)
        .json(&json!({"provider": "EMAIL", "email": email}))
        .send()
        .await
        .expect("request sent")
}

/// `answer`, with the identity's announced id (random on every call) replaced too.
async fn v2_answer(response: Response) -> Answer {
    let mut a = answer(response).await;
    if let Some(id) = a.body.get_mut("id") {
        *id = json!("<random>");
    }
    if let Some(masked) = a.body.get_mut("obfuscated_value") {
        *masked = json!("<what was typed, masked>");
    }
    a
}

/// Finding 4: adding an identity on file answered 409 before any limit was counted, so any
/// signed-in customer could ask "is this email taken?" without end. Now both answer alike, first
/// 202 (201 in v2), then 429 once the identity's own cool-down holds.
#[tokio::test]
async fn adding_an_identity_on_file_answers_as_adding_a_new_one_under_the_limits() {
    let app = spawn_app_with(|_| {}).await;
    let (_, prober) = app.signed_up_phone().await;
    let access = prober["access_token"].as_str().unwrap();
    let id = prober["contact"]["id"].as_str().unwrap();
    let owner = unique_email();
    let owner_handle = body_json(app.register_email(&owner, None).await).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&owner).await;
    assert_eq!(
        app.validate(&owner_handle, &code).await.status(),
        StatusCode::OK
    );

    // (The owner's registration code went to `owner` a moment ago: its cool-down holds now.)
    let fresh = unique_email();
    let _ = add_identity_v1(&app, access, &fresh).await;
    let taken = answer(add_identity_v1(&app, access, &owner).await).await;
    let free = answer(add_identity_v1(&app, access, &fresh).await).await;
    assert_alike(
        &taken,
        &free,
        "v1: an identity on file and a new one, both in their cool-down",
    );
    assert_eq!(taken.status, 429, "{taken:?}");

    let other = unique_email();
    let other_handle = body_json(app.register_email(&other, None).await).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&other).await;
    assert_eq!(
        app.validate(&other_handle, &code).await.status(),
        StatusCode::OK
    );
    let app2 = crate::common::spawn_app_beside(&app, |s| {
        s.limits.otp_send_cooldown = std::time::Duration::ZERO
    })
    .await;
    let a = v2_answer(add_identity_v2(&app2, access, id, &other).await).await;
    let b = v2_answer(add_identity_v2(&app2, access, id, &unique_email()).await).await;
    assert_alike(&a, &b, "v2: an identity on file and a new one");
    assert_eq!(a.status, 201, "{a:?}");
    let told: Vec<Value> = app.outbox_to(&other).await;
    assert!(
        told[0]["code"].is_null(),
        "the owner gets a notice, not a code: {}",
        told[0]
    );
}
