//! Real delivery: email through an SMTP server and SMS through an HTTP gateway, both started by
//! the test on 127.0.0.1; failures leave nothing behind.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::common::{
    assert_problem, body_json, e164,
    gateway::{param, Gateway, SmsGateway},
    spawn_app_with, unique_email, unique_phone,
};
use portal::config::DeliveryKind;
use reqwest::StatusCode;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// A minimal SMTP server that accepts everything and keeps each message's DATA.
async fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let store = messages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ready\r\n").await;
                let mut in_data = false;
                let mut data = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line
                        .split_whitespace()
                        .next()
                        .unwrap_or("")
                        .to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (format!("smtp://{address}"), messages)
}

#[tokio::test]
async fn codes_by_email_go_through_smtp() {
    let (smtp_url, messages) = smtp_sink().await;
    let app = spawn_app_with(|s| {
        s.email_delivery = DeliveryKind::Smtp;
        s.smtp_url = Some(smtp_url);
        s.smtp_from = Some("Contacts Portal <no-reply@example.com>".into());
    })
    .await;
    let email = unique_email();
    let response = app.register_email(&email, None).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();

    let message = messages
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("one message reached the SMTP server");
    assert!(
        message.contains("From: \"Contacts Portal\" <no-reply@example.com>")
            || message.contains("From: Contacts Portal <no-reply@example.com>"),
        "{message}"
    );
    assert!(message.contains(&format!("To: {email}")), "{message}");
    assert!(
        message.contains("text/plain") && message.contains("text/html"),
        "a plain and an HTML body: {message}"
    );
    // The code follows "code is" (headers such as Message-ID may hold other runs of digits).
    let code: String = message
        .split("code is ")
        .nth(1)
        .expect("the text says \"code is\"")
        .chars()
        .take(6)
        .collect();
    assert!(
        code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()),
        "{message}"
    );
    assert!(
        app.outbox().await.is_empty(),
        "nothing went to the development outbox"
    );
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );
}

async fn app_with_gateway(url: String) -> crate::common::TestApp {
    spawn_app_with(|s| {
        s.sms_delivery = DeliveryKind::SmsHttp;
        s.sms_http_url = Some(url);
        s.sms_http_token = Some("AC123:secret".into());
        s.sms_http_from = "+35722000000".into();
        s.delivery_timeout = Duration::from_secs(2);
    })
    .await
}

#[tokio::test]
async fn codes_by_sms_go_to_the_gateway_as_a_twilio_style_form() {
    let gateway = SmsGateway::start(Gateway::Accept).await;
    let url = gateway.url.clone();
    let app = app_with_gateway(url).await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let (auth, form) = gateway
        .calls()
        .first()
        .cloned()
        .expect("the gateway was called");
    assert_eq!(
        auth.as_deref(),
        Some("Basic QUMxMjM6c2VjcmV0"),
        "basic auth with SMS_HTTP_TOKEN"
    );
    assert_eq!(param(&form, "To"), e164(&national));
    assert_eq!(param(&form, "From"), "+35722000000");
    let body = param(&form, "Body");
    assert!(
        body.contains("code"),
        "phones offer to fill in texts that say 'code': {body}"
    );
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|p| p.len() == 6)
        .expect("the code")
        .into();
    assert_eq!(
        app.validate(&auth_otp, &code).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_gateway_5xx_is_retried() {
    let gateway = SmsGateway::start(Gateway::FailTimes(2)).await;
    let url = gateway.url.clone();
    let app = app_with_gateway(url).await;
    let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(gateway.calls().len(), 3, "two failures, then success");
}

/// A failed send gives a clear 503, leaves no usable code, and does not count against the limits.
async fn assert_clean_failure(app: &crate::common::TestApp, national: &str) {
    let response = app.register_phone(national, "Andy", "Steward").await;
    let problem =
        assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "DELIVERY_FAILED").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("try again"),
        "{problem}"
    );
    let identity = portal::domain::Identity::from_stored("PHONE", &e164(national)).unwrap();
    let live = portal::store::otps::newest_live_sign_in(
        &app.core.db.pool,
        &identity,
        crate::common::now_ms(),
    )
    .await
    .unwrap();
    assert!(live.is_none(), "no code is left behind");
    assert_eq!(app.contact_count().await, 0);
}

#[tokio::test]
async fn a_gateway_4xx_is_not_retried_and_nothing_is_half_written() {
    let gateway = SmsGateway::start(Gateway::Refuse).await;
    let url = gateway.url.clone();
    let app = app_with_gateway(url).await;
    let national = unique_phone();
    assert_clean_failure(&app, &national).await;
    assert_eq!(gateway.calls().len(), 1, "a 4xx is final");
    // The failed send did not start the cool-down: trying again is not refused with 429.
    assert_clean_failure(&app, &national).await;
}

#[tokio::test]
async fn a_gateway_that_is_down_or_slow_fails_within_the_time_limit() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/Messages.json", closed.local_addr().unwrap());
    drop(closed);
    let app = app_with_gateway(dead).await;
    assert_clean_failure(&app, &unique_phone()).await;

    let gateway = SmsGateway::start(Gateway::Slow(Duration::from_secs(30))).await;
    let url = gateway.url.clone();
    let app = app_with_gateway(url).await;
    let started = Instant::now();
    assert_clean_failure(&app, &unique_phone()).await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "the request was held {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn email_and_sms_providers_are_set_apart() {
    let gateway = SmsGateway::start(Gateway::Accept).await;
    let url = gateway.url.clone();
    let app = app_with_gateway(url).await;
    let email = unique_email();
    assert_eq!(
        app.register_email(&email, None).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        app.outbox_to(&email).await.len(),
        1,
        "email still goes to the outbox"
    );
    assert!(gateway.calls().is_empty());
}
