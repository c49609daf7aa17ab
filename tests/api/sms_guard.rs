//! The SMS-pumping guard: SMS go only to the countries allowed (`SMS_COUNTRIES`) and at most so
//! many per destination prefix an hour (`SMS_SENDS_PER_PREFIX_PER_HOUR`). A send held back
//! answers exactly as one that went, and nothing leaves.

use crate::common::{answer, assert_alike, spawn_app, spawn_app_with, unique_phone, TestApp};

/// The answer a server without the guard gives the same registration (it sends the code).
async fn as_sent(number: &str, country: &str) -> crate::common::Answer {
    let unguarded = spawn_app().await;
    let answer = register(&unguarded, number, country).await;
    assert_eq!(
        unguarded.outbox_to(&format!("+357{number}")).await.len(),
        1,
        "sent without the guard"
    );
    answer
}

/// Registers `number` (national, in `country`) by phone; the answer.
async fn register(app: &TestApp, number: &str, country: &str) -> crate::common::Answer {
    answer(
        app.post_json(
            "/self-service/v1/contacts/register",
            serde_json::json!({
                "first_name": "Pumping", "last_name": "Guard", "service_acceptance": true,
                "identity": { "provider": "PHONE", "phone_number": number, "country_code": country },
            }),
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn sms_to_a_country_not_allowed_are_held_back_and_answered_alike() {
    let app = spawn_app_with(|s| s.limits.sms_countries = Some(vec!["GRC".into()])).await;
    let greek = format!("6944{}", &unique_phone()[2..]);
    let sent = register(&app, &greek, "GRC").await;
    assert_eq!(sent.status, 202, "{:?}", sent.body);
    let cypriot = unique_phone();
    let held = register(&app, &cypriot, "CYP").await;
    assert_alike(
        &as_sent(&cypriot, "CYP").await,
        &held,
        "a held-back send answers as a sent one",
    );
    assert_eq!(app.outbox_to(&format!("+30{greek}")).await.len(), 1);
    assert!(
        app.outbox_to(&format!("+357{cypriot}")).await.is_empty(),
        "nothing left for a country SMS may not go to"
    );
}

#[tokio::test]
async fn sms_over_a_prefix_cap_are_held_back_and_answered_alike() {
    let app = spawn_app_with(|s| s.limits.sms_sends_per_prefix_per_hour = 2).await;
    let numbers: Vec<String> = (0..3).map(|_| unique_phone()).collect();
    let mut answers = Vec::new();
    for number in &numbers {
        answers.push(register(&app, number, "CYP").await);
    }
    let delivered = delivered_to(&app, &numbers).await;
    assert_eq!(
        delivered,
        vec![1, 1, 0],
        "two per hour to +35799…, the third held back"
    );
    assert_alike(
        &as_sent(&numbers[2], "CYP").await,
        &answers[2],
        "the third send (held back) answers as a sent one",
    );
    // Another prefix is counted apart.
    let other = format!("96{}", &unique_phone()[2..]);
    register(&app, &other, "CYP").await;
    assert_eq!(app.outbox_to(&format!("+357{other}")).await.len(), 1);
}

async fn delivered_to(app: &TestApp, numbers: &[String]) -> Vec<usize> {
    let mut counts = Vec::new();
    for number in numbers {
        counts.push(app.outbox_to(&format!("+357{number}")).await.len());
    }
    counts
}
