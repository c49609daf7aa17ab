//! Real delivery through the queue: email through an SMTP server and SMS through an HTTP gateway,
//! both started by the test on 127.0.0.1. Requests never wait for a provider; messages are tried
//! again until they go through (once) or their code expires.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::common::{
    body_json, e164,
    gateway::{Gateway, SmsGateway},
    spawn_app_with, unique_email, unique_phone, TestApp, CONTACTS,
};
use portal::config::DeliveryKind;
use reqwest::StatusCode;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
};

/// A minimal SMTP server that accepts everything and keeps each message's DATA.
async fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    smtp_sink_taking(Duration::ZERO).await
}

/// The same, taking `delay` to accept each message.
async fn smtp_sink_taking(delay: Duration) -> (String, Arc<Mutex<Vec<String>>>) {
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
                            tokio::time::sleep(delay).await;
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

/// The messages the sink has received, waiting up to 5 s for at least `n`.
async fn received(messages: &Arc<Mutex<Vec<String>>>, n: usize) -> Vec<String> {
    for _ in 0..250 {
        let now = messages.lock().unwrap().clone();
        if now.len() >= n {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the SMTP server did not receive {n} messages");
}

#[tokio::test]
async fn codes_by_email_go_through_smtp() {
    let (smtp_url, messages) = smtp_sink().await;
    let app = spawn_app_with(|s| {
        s.email_delivery = DeliveryKind::Smtp;
        s.smtp_url = Some(smtp_url.into());
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

    let message = received(&messages, 1).await.remove(0);
    assert!(
        message.contains("From: \"Contacts Portal\" <no-reply@example.com>")
            || message.contains("From: Contacts Portal <no-reply@example.com>"),
        "{message}"
    );
    assert!(message.contains(&format!("To: {email}")), "{message}");
    assert!(
        message.contains("@example.com>"),
        "a Message-ID in the sender's domain: {message}"
    );
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

async fn app_with_gateway(url: String) -> TestApp {
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
    let app = app_with_gateway(gateway.url.clone()).await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let call = gateway
        .wait_for_calls(1, Duration::from_secs(5))
        .await
        .remove(0);
    assert_eq!(
        call.authorization.as_deref(),
        Some("Basic QUMxMjM6c2VjcmV0"),
        "basic auth with SMS_HTTP_TOKEN"
    );
    assert!(call.idempotency_key.is_some(), "an Idempotency-Key header");
    assert_eq!(call.param("To"), e164(&national));
    assert_eq!(call.param("From"), "+35722000000");
    let body = call.param("Body");
    assert!(
        body.contains("code"),
        "phones offer to fill in texts that say 'code': {body}"
    );
    assert_eq!(
        app.validate(&auth_otp, &call.code()).await.status(),
        StatusCode::OK
    );
}

/// The value of a counter with these labels in `/metrics`, 0 when absent.
async fn messages_counted(app: &TestApp, channel: &str, outcome: &str) -> f64 {
    let text = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("portal_otp_messages_total{"))
        .filter(|l| {
            l.contains(&format!("channel=\"{channel}\""))
                && l.contains(&format!("outcome=\"{outcome}\""))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn a_gateway_5xx_is_tried_again_with_the_same_idempotency_key_until_it_goes_through() {
    let gateway = SmsGateway::start(Gateway::FailTimes(2)).await;
    let app = app_with_gateway(gateway.url.clone()).await;
    let national = unique_phone();
    let response = app.register_phone(&national, "Andy", "Steward").await;
    assert_eq!(
        response.status(),
        StatusCode::ACCEPTED,
        "the request does not wait for the gateway"
    );
    let handle = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let calls = gateway.wait_for_calls(3, Duration::from_secs(10)).await;
    assert_eq!(
        calls.iter().map(|c| c.accepted).collect::<Vec<_>>(),
        [false, false, true],
        "two failures, then success"
    );
    assert!(calls
        .iter()
        .all(|c| c.idempotency_key == calls[0].idempotency_key));
    assert!(
        calls[2].at - calls[1].at > calls[1].at - calls[0].at,
        "the waits between tries grow"
    );
    assert_eq!(
        app.validate(&handle, &calls[2].code()).await.status(),
        StatusCode::OK
    );
    app.settle().await;
    assert_eq!(messages_counted(&app, "SMS", "retried").await, 2.0);
    assert_eq!(messages_counted(&app, "SMS", "sent").await, 1.0);
    // The message is final (no worker takes a SENT one up again), so three calls is all.
    assert_eq!(app.delivery_statuses().await, ["SENT"]);
    assert_eq!(gateway.calls().len(), 3, "nothing is sent twice");
}

#[tokio::test]
async fn a_message_the_gateway_refuses_is_not_tried_again_and_is_counted_as_failed() {
    let gateway = SmsGateway::start(Gateway::Refuse).await;
    let app = app_with_gateway(gateway.url.clone()).await;
    let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    gateway.wait_for_calls(1, Duration::from_secs(5)).await;
    app.settle().await;
    assert_eq!(messages_counted(&app, "SMS", "failed").await, 1.0);
    assert_eq!(app.delivery_statuses().await, ["FAILED"], "a 4xx is final");
    assert_eq!(gateway.calls().len(), 1, "a 4xx is final");

    // The back office lists it, the number masked.
    app.core
        .create_agent(
            &portal::services::Actor::System,
            "watcher@example.com",
            "agent",
            "a watcher password 1".into(),
        )
        .await
        .unwrap();
    let mut agent = crate::common::browser::Browser::new(&app);
    agent.get("/agent/sign-in").await;
    agent
        .post_form(
            "/api/agent/sign-in",
            &[
                ("email", "watcher@example.com"),
                ("password", "a watcher password 1"),
            ],
        )
        .await;
    let page = crate::common::browser::text_of(&agent.get_html("/agent/deliveries").await);
    assert!(
        page.contains("SMS") && page.contains("+357 99****"),
        "{page}"
    );
    assert!(page.contains("HTTP 400"), "{page}");
}

#[tokio::test]
async fn requests_do_not_wait_for_a_slow_or_unreachable_gateway() {
    let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}/Messages.json", closed.local_addr().unwrap());
    drop(closed);
    let slow = SmsGateway::start(Gateway::Slow(Duration::from_secs(30))).await;
    for url in [dead, slow.url.clone()] {
        let app = app_with_gateway(url).await;
        let started = Instant::now();
        let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "the request was held {:?}",
            started.elapsed()
        );
    }
}

/// The provider is down for 20 s, then back: every message queued meanwhile arrives once, none
/// twice, before its code expires.
#[tokio::test]
async fn a_provider_outage_delays_messages_but_loses_and_repeats_none() {
    let gateway = SmsGateway::start(Gateway::Down).await;
    let app = app_with_gateway(gateway.url.clone()).await;
    let outage = Instant::now();
    let mut phones = Vec::new();
    for _ in 0..10 {
        let national = unique_phone();
        let response = app.register_phone(&national, "Andy", "Steward").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let handle = body_json(response).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        phones.push((e164(&national), handle));
    }
    tokio::time::sleep(Duration::from_secs(20).saturating_sub(outage.elapsed())).await;
    gateway.set(Gateway::Accept);
    app.settle_within(Duration::from_secs(45)).await;
    for (phone, handle) in &phones {
        let accepted = gateway.accepted_to(phone);
        assert_eq!(accepted.len(), 1, "exactly one message reached {phone}");
        assert_eq!(
            app.validate(handle, &accepted[0].code()).await.status(),
            StatusCode::OK,
            "delivered before its code expired"
        );
    }
}

#[tokio::test]
async fn email_and_sms_providers_are_set_apart() {
    let gateway = SmsGateway::start(Gateway::Accept).await;
    let app = app_with_gateway(gateway.url.clone()).await;
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

/// The median of `samples` in milliseconds.
fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Times one request.
async fn timed(request: impl std::future::Future<Output = reqwest::Response>) -> f64 {
    let started = Instant::now();
    let response = request.await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    started.elapsed().as_secs_f64() * 1000.0
}

/// With providers that take 300 ms, identities that exist and identities that do not are
/// answered in the same time: nothing waits for a provider (hole 5's timing half).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_and_unknown_identities_are_answered_in_the_same_time() {
    let gateway = SmsGateway::start(Gateway::Slow(Duration::from_millis(300))).await;
    let (smtp_url, mail) = smtp_sink_taking(Duration::from_millis(300)).await;
    let app = spawn_app_with(|s| {
        s.sms_delivery = DeliveryKind::SmsHttp;
        s.sms_http_url = Some(gateway.url.clone());
        s.email_delivery = DeliveryKind::Smtp;
        s.smtp_url = Some(smtp_url.into());
        s.smtp_from = Some("no-reply@example.com".into());
        // This test is about time, not limits: let every request through.
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.limits.otp_sends_per_identity_per_hour = 10_000;
        s.limits.otp_sends_per_ip_per_hour = 10_000;
        s.limits.claims_per_ip_per_hour = 10_000;
        s.limits.failed_logins_per_account_per_hour = 10_000;
    })
    .await;
    let national = unique_phone();
    let handle = body_json(app.register_phone(&national, "Andy", "Steward").await).await
        ["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let phone = e164(&national);
    assert_eq!(
        app.validate(&handle, &gateway.code_for(&phone).await)
            .await
            .status(),
        StatusCode::OK
    );
    let known_email = unique_email();
    let handle = body_json(app.register_email(&known_email, None).await).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let message = received(&mail, 1).await.remove(0);
    let code: String = message
        .split("code is ")
        .nth(1)
        .unwrap()
        .chars()
        .take(6)
        .collect();
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);
    app.backoffice_contact(serde_json::json!({
        "type": "PERSON", "code": "TIME-1", "first_name": "T", "last_name": "Ime",
        "email": unique_email(),
    }))
    .await;
    let stranger = unique_email();
    let (forgot_path, claim_path) = (
        format!("{CONTACTS}/forgot-password"),
        format!("{CONTACTS}/claim"),
    );
    let claim = |code: &str| {
        serde_json::json!({"identification": [{"name": "CODE", "value": code}],
                           "identity": {"provider": "EMAIL", "email": unique_email()}})
    };
    // Known and unknown are timed in pairs, one right after the other, so that a load on the
    // machine (two busy cores) weighs on both halves of a pair alike; what is compared is the
    // median of the differences within pairs.
    let mut otp = Timings::default();
    let (mut forgot, mut claims) = (Timings::default(), Timings::default());
    for _ in 0..50 {
        otp.pair(
            timed(app.request_otp("PHONE", &phone)).await,
            timed(app.request_otp("PHONE", &e164(&unique_phone()))).await,
        );
        forgot.pair(
            timed(app.post_json(&forgot_path, serde_json::json!({"email": known_email}))).await,
            timed(app.post_json(&forgot_path, serde_json::json!({"email": stranger}))).await,
        );
        claims.pair(
            timed(app.post_json(&claim_path, claim("TIME-1"))).await,
            timed(app.post_json(&claim_path, claim("TIME-X"))).await,
        );
    }
    for (what, timings) in [
        ("request-otp", otp),
        ("forgot-password", forgot),
        ("claim", claims),
    ] {
        timings.assert_alike(what);
    }
}

/// Paired timings (ms) of a request for a known and for an unknown identity.
#[derive(Default)]
struct Timings {
    known: Vec<f64>,
    unknown: Vec<f64>,
}

impl Timings {
    fn pair(&mut self, known: f64, unknown: f64) {
        self.known.push(known);
        self.unknown.push(unknown);
    }

    /// The providers take 300 ms: a request that waited for one would be 300 ms slower for a
    /// known identity. The margin (25 ms, a twelfth of that) is what a loaded 2-core machine keeps
    /// between the two halves of a pair; the medians stay far below the provider's time.
    fn assert_alike(self, what: &str) {
        let differences: Vec<f64> = self
            .known
            .iter()
            .zip(&self.unknown)
            .map(|(k, u)| k - u)
            .collect();
        let (k, u, d) = (
            median(self.known),
            median(self.unknown),
            median(differences),
        );
        println!(
            "{what}: medians known {k:.1} ms, unknown {u:.1} ms, of the differences {d:.1} ms"
        );
        assert!(
            d.abs() < 25.0,
            "{what}: known and unknown differ by {d:.1} ms (medians {k:.1} and {u:.1} ms)"
        );
        assert!(
            k < 150.0 && u < 150.0,
            "{what} waited for the provider: {k:.1} / {u:.1} ms"
        );
    }
}

/// The Python that has aiosmtpd and trustme, for the TLS tests: `PORTAL_TEST_PYTHON` (`.ci/test`
/// sets it), else the one `.ci/test` installs (`~/.cache/portal-test-python`), else `python3`
/// when it has both. None of them: the test fails and says how to get one; a TLS test that
/// skipped itself would pass without checking anything.
fn tls_python() -> String {
    let cache = std::env::var("XDG_CACHE_HOME")
        .ok()
        .filter(|c| !c.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var("HOME")
                .ok()
                .map(|h| std::path::Path::new(&h).join(".cache"))
        });
    let named = std::env::var("PORTAL_TEST_PYTHON")
        .ok()
        .filter(|p| !p.is_empty());
    let candidates: Vec<String> = match named {
        Some(python) => vec![python],
        None => cache
            .map(|c| {
                c.join("portal-test-python/bin/python")
                    .display()
                    .to_string()
            })
            .into_iter()
            .chain(["python3".to_owned()])
            .collect(),
    };
    let usable = |python: &String| {
        std::process::Command::new(python)
            .args(["-c", "import aiosmtpd, trustme"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    candidates.iter().find(|p| usable(p)).cloned().unwrap_or_else(|| {
        panic!(
            "the TLS SMTP tests need a Python with aiosmtpd and trustme; tried {candidates:?}. \
             Run them with `.ci/test`, or make one: `python3 -m venv ~/.cache/portal-test-python && \
             ~/.cache/portal-test-python/bin/pip install aiosmtpd trustme` (or set PORTAL_TEST_PYTHON)"
        )
    })
}

struct TlsSmtp {
    starttls: u16,
    implicit: u16,
    ca: String,
    received: std::path::PathBuf,
    _server: tokio::process::Child,
    _dir: std::path::PathBuf,
}

/// aiosmtpd with a test CA: one port that requires STARTTLS, one with implicit TLS.
async fn tls_smtp(python: &str) -> TlsSmtp {
    let dir = std::env::temp_dir().join(format!("portal-smtp-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/smtp_tls_server.py"
    );
    let mut server = tokio::process::Command::new(python)
        .args([script, dir.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the SMTP test server starts");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the SMTP test server says where it listens")
        .unwrap()
        .expect("a line");
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    TlsSmtp {
        starttls: info["starttls"].as_u64().unwrap() as u16,
        implicit: info["implicit"].as_u64().unwrap() as u16,
        ca: info["ca"].as_str().unwrap().to_owned(),
        received: info["received"].as_str().unwrap().into(),
        _server: server,
        _dir: dir,
    }
}

impl TlsSmtp {
    /// Messages received so far (waiting up to 10 s for `n`).
    async fn received(&self, n: usize) -> Vec<serde_json::Value> {
        for _ in 0..500 {
            let text = std::fs::read_to_string(&self.received).unwrap_or_default();
            let got: Vec<serde_json::Value> = text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the TLS SMTP server did not receive {n} messages");
    }
}

#[tokio::test]
async fn codes_go_by_email_over_starttls_and_implicit_tls() {
    let smtp = tls_smtp(&tls_python()).await;
    for (n, url) in [
        (
            1,
            format!("smtp://127.0.0.1:{}?tls=required", smtp.starttls),
        ),
        (2, format!("smtps://127.0.0.1:{}", smtp.implicit)),
    ] {
        let app = spawn_app_with(|s| {
            s.email_delivery = DeliveryKind::Smtp;
            s.smtp_url = Some(url.clone().into());
            s.smtp_from = Some("no-reply@example.com".into());
            s.smtp_ca_file = Some(smtp.ca.clone().into());
        })
        .await;
        let email = unique_email();
        let response = app.register_email(&email, None).await;
        let handle = body_json(response).await["auth_otp"]
            .as_str()
            .unwrap()
            .to_owned();
        let message = smtp.received(n).await.remove(n - 1);
        assert_eq!(message["tls"], true, "{url}: the message came over TLS");
        assert_eq!(message["rcpt"][0], email.as_str());
        let data = message["data"].as_str().unwrap();
        let code: String = data
            .split("code is ")
            .nth(1)
            .unwrap()
            .chars()
            .take(6)
            .collect();
        assert_eq!(
            app.validate(&handle, &code).await.status(),
            StatusCode::OK,
            "{url}"
        );
    }
}

#[tokio::test]
async fn an_smtp_server_whose_certificate_is_not_trusted_gets_nothing() {
    let smtp = tls_smtp(&tls_python()).await;
    // Without SMTP_CA_FILE the test CA is unknown: the handshake fails and no code is sent.
    let app = spawn_app_with(|s| {
        s.email_delivery = DeliveryKind::Smtp;
        s.smtp_url = Some(format!("smtp://127.0.0.1:{}?tls=required", smtp.starttls).into());
        s.smtp_from = Some("no-reply@example.com".into());
    })
    .await;
    let response = app.register_email(&unique_email(), None).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // Waits for the try itself (counted as retried), then looks at what arrived.
    let deadline = Instant::now() + Duration::from_secs(10);
    while messages_counted(&app, "EMAIL", "retried").await < 1.0 {
        assert!(Instant::now() < deadline, "no try was made within 10 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(std::fs::read_to_string(&smtp.received)
        .unwrap_or_default()
        .is_empty());
}
