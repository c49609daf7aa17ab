//! Many customers at once, and one customer many times at once: no lost or doubled contacts.

use std::{collections::HashSet, time::Duration};

use crate::common::{
    body_json, e164, spawn_app, spawn_app_beside, spawn_app_with, unique_phone, TestApp,
};
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

/// `(accepted, refused, other)` statuses of a burst: the first two count `ok` and `refused`.
fn tally(statuses: &[StatusCode], ok: StatusCode, refused: StatusCode) -> (usize, usize, usize) {
    let count = |want: StatusCode| statuses.iter().filter(|s| **s == want).count();
    let (a, r) = (count(ok), count(refused));
    (a, r, statuses.len() - a - r)
}

/// Two signed-in contacts validate codes that add the same email at once: one gets it, the
/// other is told it is taken, and the email then signs into the winner only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_contacts_adding_one_email_at_once_get_it_once() {
    // (Both codes go to the same email one after the other: the race is at the attachment, so
    // the cool-down is off here; it is tested in otp_rules.)
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let email = crate::common::unique_email();
    let mut contacts = Vec::new();
    for _ in 0..2 {
        let (_, tokens) = app.signed_up_phone().await;
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let response = app
            .client
            .post(app.url(&format!("{}/me/identities", crate::common::CONTACTS)))
            .header("api_key", &app.api_key)
            .bearer_auth(&access)
            .json(&json!({ "provider": "EMAIL", "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let handle = body_json(response).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        let code = app.latest_code(&email).await;
        contacts.push((tokens["contact"]["id"].clone(), access, handle, code));
    }
    let responses = join_all(contacts.iter().map(|(_, _, h, c)| app.validate(h, c))).await;
    let mut winners = Vec::new();
    for (response, (id, access, _, _)) in responses.into_iter().zip(&contacts) {
        let status = response.status();
        let body = body_json(response).await;
        match status {
            StatusCode::OK => winners.push((id.clone(), access.clone())),
            StatusCode::CONFLICT => assert_eq!(body["code"], "IDENTITY_TAKEN", "{body}"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "one contact gets the email");
    // Afterwards: the email is the winner's identity, and only the winner's.
    for (id, access, _, _) in &contacts {
        let me = body_json(app.get_me(access).await).await;
        let has_it = me["identities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["provider"] == "EMAIL" && i["value"] == email.as_str());
        assert_eq!(has_it, *id == winners[0].0, "{me}");
    }
    let response = app.request_otp("EMAIL", &email).await;
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    let signed_in = body_json(app.validate(&handle, &code).await).await;
    assert_eq!(signed_in["contact"]["id"], winners[0].0, "{signed_in}");
    assert_eq!(app.contact_count().await, 2);
}

async fn authenticate(app: &TestApp, email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        &format!("{}/authenticate", crate::common::CONTACTS),
        json!({ "provider": "EMAIL", "email": email, "password": password }),
    )
    .await
}

/// One email registered with four passwords at once: with the real cool-down one registration
/// goes through; with four live codes validated at once, one contact is made and exactly one of
/// the passwords opens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_password_registrations_of_one_email_make_one_contact_with_one_password() {
    let passwords: Vec<String> = (0..4)
        .map(|i| format!("racing password number {i}"))
        .collect();

    // The real limits: of four at once, one is sent.
    let app = spawn_app().await;
    let email = crate::common::unique_email();
    let responses = join_all(
        passwords
            .iter()
            .map(|p| app.register_email(&email, Some(p))),
    )
    .await;
    let mut handles = Vec::new();
    for (i, response) in responses.into_iter().enumerate() {
        let status = response.status();
        let body = body_json(response).await;
        match status {
            StatusCode::ACCEPTED => {
                handles.push((i, body["auth_otp"].as_str().unwrap().to_owned()))
            }
            StatusCode::TOO_MANY_REQUESTS => assert_eq!(body["code"], "TOO_MANY_REQUESTS"),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(handles.len(), 1, "one registration of four is sent");
    assert_eq!(app.outbox_to(&email).await.len(), 1);
    let (winner, handle) = &handles[0];
    let code = app.latest_code(&email).await;
    assert_eq!(app.validate(handle, &code).await.status(), StatusCode::OK);
    for (i, password) in passwords.iter().enumerate() {
        let status = authenticate(&app, &email, password).await.status();
        let expected = if i == *winner {
            StatusCode::OK
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(status, expected, "password {i}");
    }
    assert_eq!(app.contact_count().await, 1);

    // Four live codes (the cool-down off, to have them), validated at once.
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let email = crate::common::unique_email();
    let mut pending = Vec::new();
    for password in &passwords {
        let response = app.register_email(&email, Some(password)).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let handle = body_json(response).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        pending.push((handle, app.latest_code(&email).await));
    }
    let responses = join_all(pending.iter().map(|(h, c)| app.validate(h, c))).await;
    let mut ids = HashSet::new();
    for response in responses {
        let status = response.status();
        let body = body_json(response).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.insert(body["contact"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every code signs into the one contact");
    assert_eq!(app.contact_count().await, 1);
    let mut opening = 0;
    for password in &passwords {
        match authenticate(&app, &email, password).await.status() {
            StatusCode::OK => opening += 1,
            StatusCode::UNAUTHORIZED => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(
        opening, 1,
        "the registration that made the contact set its password; the others are ignored"
    );
}

/// Two app servers on one database, one identity at once on both: the cool-down lets one code
/// out, and that code works once, whichever server is asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_identity_used_on_two_app_servers_at_once() {
    let a = spawn_app().await;
    let b = spawn_app_beside(&a, |_| {}).await;
    let national = unique_phone();
    let servers = [&a, &b];

    let responses =
        join_all((0..10).map(|i| servers[i % 2].register_phone(&national, "Andy", "Steward")))
            .await;
    let mut handles = Vec::new();
    let mut statuses = Vec::new();
    for response in responses {
        statuses.push(response.status());
        if response.status() == StatusCode::ACCEPTED {
            handles.push(
                body_json(response).await["auth_otp"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
    }
    assert_eq!(
        tally(
            &statuses,
            StatusCode::ACCEPTED,
            StatusCode::TOO_MANY_REQUESTS
        ),
        (1, 9, 0),
        "{statuses:?}"
    );
    assert_eq!(a.outbox_to(&e164(&national)).await.len(), 1);

    let code = b.latest_code(&e164(&national)).await;
    let responses = join_all((0..10).map(|i| servers[i % 2].validate(&handles[0], &code))).await;
    let mut ids = Vec::new();
    let mut statuses = Vec::new();
    for response in responses {
        let status = response.status();
        let body = body_json(response).await;
        statuses.push(status);
        match status {
            StatusCode::OK => ids.push(body["contact"]["id"].clone()),
            // Each try takes one of the code's 5 before it is compared: the winner used the code
            // up, the rest find it used or out of tries.
            StatusCode::UNAUTHORIZED => assert!(
                body["code"] == "INVALID_OTP" || body["code"] == "OTP_ATTEMPTS_EXCEEDED",
                "{body}"
            ),
            other => panic!("{other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "one sign-in: {statuses:?}");
    // One contact, seen alike from both servers.
    assert_eq!(a.contact_count().await, 1);
    assert_eq!(b.contact_count().await, 1);
}
