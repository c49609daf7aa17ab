//! Many customers at once, and one customer many times at once: no lost or doubled contacts.

use std::{collections::HashSet, time::Duration};

use crate::common::{body_json, e164, spawn_app_with, unique_phone};
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_registrations_at_once_make_a_hundred_contacts() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let phones: Vec<String> = (0..100).map(|_| unique_phone()).collect();

    let responses = join_all(
        phones
            .iter()
            .map(|national| app.register_phone(national, "Andy", "Steward")),
    )
    .await;
    let mut handles = Vec::new();
    for (national, response) in phones.iter().zip(responses) {
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{national}");
        let body = body_json(response).await;
        handles.push(body["auth_otp"].as_str().unwrap().to_owned());
    }

    let outbox = app.outbox().await;
    assert_eq!(outbox.len(), 100);
    let mut codes = Vec::new();
    for national in &phones {
        let to = e164(national);
        let sent: Vec<&Value> = outbox.iter().filter(|m| m["to"] == to).collect();
        assert_eq!(sent.len(), 1, "one code for {to}");
        codes.push(sent[0]["code"].as_str().unwrap().to_owned());
    }

    let responses = join_all(
        handles
            .iter()
            .zip(&codes)
            .map(|(auth_otp, code)| app.validate(auth_otp, code)),
    )
    .await;
    let mut ids = HashSet::new();
    for response in responses {
        let status = response.status();
        let body = body_json(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.insert(body["contact"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 100, "100 distinct contacts");
    assert_eq!(app.contact_count().await, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_new_identity_registered_twenty_times_at_once_is_one_contact() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 100;
    })
    .await;
    let national = unique_phone();

    // Twenty codes for one new identity, each read from the outbox as it arrives (so that each
    // answer's code is known by order alone)...
    let mut pairs = Vec::new();
    for _ in 0..20 {
        let response = app.register_phone(&national, "Andy", "Steward").await;
        let status = response.status();
        let body = body_json(response).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let code = app.latest_code(&e164(&national)).await;
        pairs.push((body["auth_otp"].as_str().unwrap().to_owned(), code));
    }
    assert_eq!(app.outbox_to(&e164(&national)).await.len(), 20);
    assert_eq!(app.contact_count().await, 0);
    // ...then all validated at once.
    let responses = join_all(
        pairs
            .iter()
            .map(|(auth_otp, code)| app.validate(auth_otp, code)),
    )
    .await;
    let mut ids = HashSet::new();
    for response in responses {
        let status = response.status();
        let body = body_json(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.insert(body["contact"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every code signs into the same contact");
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_code_validated_fifteen_times_at_once_works_once() {
    let app = spawn_app_with(|_| {}).await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&e164(&national)).await;

    // (Fewer than the 20 wrong codes an identity may have a day: every attempt is counted as a
    // guess until it is checked, so more at once would meet that cap.)
    let responses = join_all((0..15).map(|_| app.validate(&auth_otp, &code))).await;
    let mut accepted = 0;
    for response in responses {
        let status = response.status();
        let body = body_json(response).await;
        match status {
            StatusCode::OK => accepted += 1,
            // Each submission takes one of the code's 5 tries before it is compared (so that
            // parallel guesses cannot share a try): the winner uses the code up, and the ones
            // that find no try left while it finishes are told so.
            StatusCode::UNAUTHORIZED => assert!(
                body["code"] == "INVALID_OTP" || body["code"] == "OTP_ATTEMPTS_EXCEEDED",
                "{body}"
            ),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(accepted, 1, "a code is single use, also under races");
    assert_eq!(app.contact_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn send_limits_hold_under_simultaneous_requests() {
    // The cool-down: of twenty requests at once, one gets through.
    let app = spawn_app_with(|_| {}).await;
    let nobody = e164(&unique_phone());
    let responses = join_all((0..20).map(|_| app.request_otp("PHONE", &nobody))).await;
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status()).collect();
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((accepted, refused), (1, 19), "{statuses:?}");

    // The hourly cap: of twenty at once, exactly the cap gets through.
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 3;
    })
    .await;
    let national = unique_phone();
    let responses =
        join_all((0..20).map(|_| app.register_phone(&national, "Andy", "Steward"))).await;
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status()).collect();
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((accepted, refused), (3, 17), "{statuses:?}");
    assert_eq!(app.outbox_to(&e164(&national)).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_refresh_token_used_ten_times_at_once_is_taken_as_theft() {
    let app = spawn_app_with(|_| {}).await;
    let (_, tokens) = app.signed_up_phone().await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

    let responses = join_all((0..10).map(|_| app.refresh(&refresh))).await;
    let mut winners = Vec::new();
    for response in responses {
        let status = response.status();
        let body = body_json(response).await;
        match status {
            StatusCode::OK => winners.push(body),
            StatusCode::UNAUTHORIZED => {
                assert_eq!(body["code"], "REFRESH_TOKEN_REUSED", "{body}")
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "one rotation wins");
    // The replays ended the sign-in, the winner's new pair included.
    let response = app
        .refresh(winners[0]["refresh_token"].as_str().unwrap())
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_profile_edits_of_different_contacts_all_succeed() {
    let app = spawn_app_with(|_| {}).await;
    let mut tokens = Vec::new();
    for _ in 0..10 {
        let (_, signed_in) = app.signed_up_phone().await;
        tokens.push(signed_in["access_token"].as_str().unwrap().to_owned());
    }
    for round in 0..3 {
        let responses = join_all(tokens.iter().enumerate().map(|(i, token)| {
            app.patch_me(token, json!({ "first_name": format!("Name{i}x{round}") }))
        }))
        .await;
        for response in responses {
            let status = response.status();
            let body = body_json(response).await;
            assert_eq!(status, StatusCode::OK, "round {round}: {body}");
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        let me = body_json(app.get_me(token).await).await;
        assert_eq!(me["first_name"], format!("Name{i}x2"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn simultaneous_edits_of_different_fields_of_one_profile_are_all_kept() {
    let app = spawn_app_with(|_| {}).await;
    let (_, signed_in) = app.signed_up_phone().await;
    let token = signed_in["access_token"].as_str().unwrap().to_owned();
    for round in 0..4 {
        let flag = round % 2 == 0;
        let edits = [
            json!({ "title": format!("Dr{round}") }),
            json!({ "first_name": format!("First{round}") }),
            json!({ "last_name": format!("Last{round}") }),
            json!({ "email_opt_out": flag }),
            json!({ "sms_opt_out": flag }),
            json!({ "avatar": format!("https://example.com/{round}.png") }),
        ];
        let responses = join_all(edits.iter().map(|edit| app.patch_me(&token, edit.clone()))).await;
        for (edit, response) in edits.iter().zip(responses) {
            let status = response.status();
            let body = body_json(response).await;
            assert_eq!(status, StatusCode::OK, "{edit}: {body}");
        }
        // Each PATCH answered 200, so each change must be there: none overwritten by another.
        let me = body_json(app.get_me(&token).await).await;
        assert_eq!(me["title"], format!("Dr{round}"), "{me}");
        assert_eq!(me["first_name"], format!("First{round}"), "{me}");
        assert_eq!(me["last_name"], format!("Last{round}"), "{me}");
        assert_eq!(me["email_opt_out"], flag, "{me}");
        assert_eq!(me["sms_opt_out"], flag, "{me}");
        assert_eq!(
            me["avatar"],
            format!("https://example.com/{round}.png"),
            "{me}"
        );
    }
}
