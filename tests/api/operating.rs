//! DESIGN.md §7, "Operating it": the delivery queue shared by several servers, retries that stop
//! when the code expires, the development outbox's window, the CLI's `api-key create` and
//! `demo-data`, and route templates as the labels of `/metrics`.

use std::time::{Duration, Instant};

use futures::future::join_all;
use portal::config::{DeliveryKind, Settings};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{
    binary::Scratch,
    body_json, e164,
    gateway::{Gateway, SmsGateway},
    metric, metrics_text, now_ms, spawn_app_beside, spawn_app_with, unique_phone,
};

/// Texts go to `gateway`, with no send cool-down (the tests send many codes quickly).
fn via_gateway(gateway: &SmsGateway) -> impl FnOnce(&mut Settings) + '_ {
    move |s| {
        s.sms_delivery = DeliveryKind::SmsHttp;
        s.sms_http_url = Some(gateway.url.clone());
        s.sms_http_token = Some("AC123:secret".into());
        s.delivery_timeout = Duration::from_secs(2);
        s.limits.otp_send_cooldown = Duration::ZERO;
    }
}

/// Three servers on one database, each with its own worker: every message reaches the gateway
/// exactly once, whichever server queued it and whichever worker claimed it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_sharing_the_delivery_queue_send_each_message_exactly_once() {
    // A gateway that takes a moment, so that claims of the three workers overlap.
    let gateway = SmsGateway::start(Gateway::Slow(Duration::from_millis(30))).await;
    let a = spawn_app_with(via_gateway(&gateway)).await;
    let b = spawn_app_beside(&a, via_gateway(&gateway)).await;
    let c = spawn_app_beside(&a, via_gateway(&gateway)).await;
    let servers = [&a, &b, &c];
    let phones: Vec<String> = (0..30).map(|_| unique_phone()).collect();
    let answers = join_all(phones.iter().enumerate().map(|(i, national)| {
        servers[i % servers.len()].register_phone(national, "Andy", "Steward")
    }))
    .await;
    assert!(answers.iter().all(|r| r.status() == StatusCode::ACCEPTED));
    for server in servers {
        server.settle_within(Duration::from_secs(30)).await;
    }
    for national in &phones {
        let phone = e164(national);
        assert_eq!(
            gateway.accepted_to(&phone).len(),
            1,
            "exactly one message reached {phone}"
        );
    }
    assert_eq!(
        gateway.calls().len(),
        phones.len(),
        "no message was sent twice"
    );
    assert!(a.delivery_statuses().await.iter().all(|s| s == "SENT"));
}

/// A provider that stays down: the message is tried again (1 s, 2 s … apart) only while its
/// code lives, then given up; no try comes after the code expired.
#[tokio::test]
async fn retries_stop_when_the_code_expires() {
    let gateway = SmsGateway::start(Gateway::Down).await;
    let ttl = Duration::from_secs(4);
    let app = spawn_app_with(|s| {
        via_gateway(&gateway)(s);
        s.limits.otp_ttl = ttl;
    })
    .await;
    let (start_ms, start) = (now_ms(), Instant::now());
    let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // The queue empties only when the message is final; a worker that retried past the
    // expiry would keep it queued (1, 2, 4, 8 … s) beyond this.
    app.settle_within(Duration::from_secs(20)).await;
    assert_eq!(app.delivery_statuses().await, ["FAILED"]);
    let expires_at: i64 = app.stored("SELECT expires_at FROM otps").await[0][0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap();
    let calls = gateway.calls();
    assert!(
        calls.len() >= 2,
        "tried again before giving up: {} tries",
        calls.len()
    );
    for call in &calls {
        let at_ms = start_ms + call.at.duration_since(start).as_millis() as i64;
        assert!(
            at_ms <= expires_at,
            "a try {} ms after the code expired",
            at_ms - expires_at
        );
    }
}

/// `/dev/outbox` answers the newest 1,000 messages, newest first.
#[tokio::test]
async fn the_dev_outbox_lists_the_last_thousand_messages_newest_first() {
    let app = spawn_app_with(|_| {}).await;
    // 1,004 older messages written straight into the outbox (sending that many would take
    // minutes), then one sent for real.
    let micros = now_ms() * 1000;
    let rows: Vec<String> = (0..1004)
        .map(|i| {
            format!(
                "('fill-{i}', 'EMAIL', 'fill-{i}@example.com', '123456', 'b', {}, {})",
                now_ms(),
                micros - 10_000 + i
            )
        })
        .collect();
    app.execute_on_database(&format!(
        "INSERT INTO outbox (id, channel, recipient, code, body, created_at, seq) VALUES {}",
        rows.join(", ")
    ))
    .await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let outbox = app.outbox().await;
    assert_eq!(outbox.len(), 1000, "the last 1,000");
    assert_eq!(outbox[0]["to"], e164(&national), "newest first");
    assert_eq!(outbox[1]["to"], "fill-1003@example.com");
    assert_eq!(
        outbox[999]["to"], "fill-5@example.com",
        "the five oldest are left out"
    );
}

/// `portal api-key create` prints the key once, on one line and nothing else, and stores only
/// its hash; the key it printed works.
#[tokio::test]
async fn api_key_create_prints_one_line_and_stores_only_a_hash() {
    let scratch = Scratch::new().await;
    let output = scratch
        .run(&["api-key", "create", "--kind", "backoffice"])
        .await;
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).expect("text");
    assert_eq!(stdout.lines().count(), 1, "one line: {stdout:?}");
    assert!(stdout.ends_with('\n'), "{stdout:?}");
    let key = stdout.trim();
    assert!(key.len() >= 32 && !key.contains(' '), "{key:?}");

    let db_url = scratch.db.url.clone();
    let app = spawn_app_with(|s| s.database_url = db_url.into()).await;
    let stored = app
        .stored("SELECT id, kind, key_hash, prefix, label FROM api_keys")
        .await;
    let hash = sha256_hex(key);
    assert_eq!(
        stored
            .iter()
            .filter(|row| row[2].as_deref() == Some(&hash))
            .count(),
        1,
        "its hash is stored: {stored:?}"
    );
    for value in stored.iter().flatten().flatten() {
        assert!(!value.contains(key), "the key itself is stored: {value}");
    }
    let listed = app
        .client
        .get(app.url("/backoffice/v1/contacts"))
        .header("api_key", key)
        .send()
        .await
        .expect("request sent");
    assert_eq!(listed.status(), StatusCode::OK, "the printed key works");
}

fn sha256_hex(value: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `portal demo-data` fills a new database with organisations and contacts to look at.
#[tokio::test]
async fn demo_data_loads_organisations_and_contacts() {
    let scratch = Scratch::new().await;
    let output = scratch.run(&["demo-data"]).await;
    assert!(output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("demo data:"),
        "{output:?}"
    );
    let db_url = scratch.db.url.clone();
    let app = spawn_app_with(|s| s.database_url = db_url.into()).await;
    let organisations = body_json(app.backoffice(Method::GET, "/organisations", None).await).await;
    let names: Vec<&str> = organisations["content"]
        .as_array()
        .or(organisations.as_array())
        .expect("a list of organisations")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(names.contains(&"DropHop"), "{organisations}");
    assert!(app.contact_count().await >= 6);
    let found = body_json(
        app.backoffice(Method::GET, "/contacts?search=Steward", None)
            .await,
    )
    .await;
    assert_eq!(found["paging"]["total"], 1, "{found}");
}

/// A route with a path parameter is counted under its template: the ids asked for never become
/// labels (the series stay bounded however many contacts there are).
#[tokio::test]
async fn metrics_label_routes_with_parameters_by_their_template() {
    let app = spawn_app_with(|_| {}).await;
    let contact = app
        .backoffice_contact(json!({"type": "PERSON", "first_name": "Route", "last_name": "Label"}))
        .await;
    let id = contact["id"].as_str().unwrap().to_owned();
    let before = metrics_text(&app).await;
    let found = app
        .backoffice(Method::GET, &format!("/contacts/{id}"), None)
        .await;
    assert_eq!(found.status(), StatusCode::OK);
    let missing = app
        .backoffice(Method::GET, "/contacts/no-such-contact-42", None)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let after = metrics_text(&app).await;
    let route = ("route", "/backoffice/v1/contacts/{id}");
    let moved = |status: &str| {
        let labels = [("method", "GET"), route, ("status", status)];
        metric(&after, "portal_http_requests_total", &labels)
            - metric(&before, "portal_http_requests_total", &labels)
    };
    assert_eq!((moved("200"), moved("404")), (1.0, 1.0), "{after}");
    assert!(
        !after.contains(&id) && !after.contains("no-such-contact-42"),
        "an id became a label: {after}"
    );
}
