//! Running it for real: production refusals and safeguards, several app servers on one database,
//! metrics, request ids, graceful shutdown.

use std::time::Duration;

use crate::common::binary::{listening_address, Scratch};

use crate::common::{
    body_json, e164, metric, metrics_text, spawn_app_with, unique_phone, CONTACTS,
};
use portal::config::{AppEnv, DeliveryKind};
use reqwest::{header, redirect, StatusCode};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn production_refuses_unsafe_settings_with_one_clear_line() {
    let scratch = Scratch::new().await;
    let good_smtp = [
        ("OTP_DELIVERY", "smtp"),
        ("SMTP_URL", "smtp://127.0.0.1:2525"),
        ("SMTP_FROM", "no-reply@example.com"),
    ];
    let long_secret = "x".repeat(40);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![], "OTP_DELIVERY"),
        (good_smtp.to_vec(), "JWT_SECRET is not set"),
        (
            [good_smtp.as_slice(), &[("JWT_SECRET", "short")]].concat(),
            "JWT_SECRET is shorter than 32 bytes",
        ),
        (
            [
                good_smtp.as_slice(),
                &[
                    ("JWT_SECRET", long_secret.as_str()),
                    (
                        "DATABASE_URL",
                        "sqlite:///proc/portal-test/portal.db?mode=rwc",
                    ),
                ],
            ]
            .concat(),
            "not writable",
        ),
    ];
    for (env, expected) in cases {
        let mut command = scratch.command();
        command.env("APP_ENV", "production").envs(env.clone());
        let output = tokio::time::timeout(Duration::from_secs(20), command.output())
            .await
            .expect("exits promptly")
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{env:?} must not start");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(lines[0].contains(expected), "{env:?}: {stderr}");
    }
}

#[tokio::test]
async fn a_bad_setting_is_refused_at_start_up_with_one_line_naming_it() {
    let scratch = Scratch::new().await;
    for (name, value) in [
        ("SHUTDOWN_GRACE_SECS", "soon"),
        ("LOG_FORMAT", "xml"),
        ("MAX_CONNECTIONS", "-1"),
        ("OTP_DELIVERY", "pigeon"),
    ] {
        let mut command = scratch.command();
        command.env(name, value);
        let output = tokio::time::timeout(Duration::from_secs(20), command.output())
            .await
            .expect("exits promptly")
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}={value} must not start");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{name}: one line: {stderr}");
        assert!(
            lines[0].contains(name) || lines[0].contains("OTP_DELIVERY"),
            "{name}: {stderr}"
        );
    }
}

#[tokio::test]
async fn the_old_trust_proxy_true_is_refused_with_what_to_set_instead() {
    let scratch = Scratch::new().await;
    let mut command = scratch.command();
    command.env("TRUST_PROXY", "true");
    let output = tokio::time::timeout(Duration::from_secs(20), command.output())
        .await
        .expect("exits promptly")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("TRUST_PROXY") && stderr.contains("TRUST_PROXY=1"),
        "{stderr}"
    );
}

#[tokio::test]
async fn production_hides_dev_routes_and_hardens_cookies_and_transport() {
    let app = spawn_app_with(|s| {
        s.app_env = AppEnv::Production;
        s.email_delivery = DeliveryKind::Smtp;
        s.smtp_url = Some("smtp://127.0.0.1:9".into());
        s.smtp_from = Some("no-reply@example.com".into());
    })
    .await;
    let client = crate::common::client_builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        client
            .get(app.url("/dev/outbox"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.get(app.url("/dev")).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let response = client
        .post(app.url("/api/register"))
        .header(header::ACCEPT, "text/html")
        .form(&[("first_name", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let hsts = response
        .headers()
        .get(header::STRICT_TRANSPORT_SECURITY)
        .expect("HSTS in production");
    assert!(hsts.to_str().unwrap().contains("max-age="));
}

#[tokio::test]
async fn two_app_servers_on_one_database_share_everything() {
    let secret = "a-shared-secret-of-more-than-32-bytes!!".to_owned();
    let a = spawn_app_with(|s| s.jwt_secret = Some(secret.clone().into())).await;
    let db_url = a.db_url.clone();
    let b = spawn_app_with(|s| {
        s.jwt_secret = Some(secret.clone().into());
        s.database_url = db_url.into();
    })
    .await;

    // Register on A, validate on B, refresh on A, sign out on B.
    let national = unique_phone();
    let auth_otp = body_json(a.register_phone(&national, "Andy", "Steward").await).await
        ["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = b.latest_code(&e164(&national)).await;
    let response = b.validate(&auth_otp, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let tokens = body_json(response).await;
    assert_eq!(
        a.get_me(tokens["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
    let refreshed = body_json(a.refresh(tokens["refresh_token"].as_str().unwrap()).await).await;
    let refresh_token = refreshed["refresh_token"].as_str().unwrap();
    let out = b
        .post_json(
            &format!("{CONTACTS}/sign-out"),
            json!({ "refresh_token": refresh_token }),
        )
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        a.refresh(refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Limits hold across servers: the cool-down, and the 6th try of one code.
    let other = unique_phone();
    let sent = a.register_phone(&other, "Maria", "Georgiou").await;
    assert_eq!(sent.status(), StatusCode::ACCEPTED);
    let auth_otp = body_json(sent).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        b.request_otp("PHONE", &e164(&other)).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    let right = a.latest_code(&e164(&other)).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &b };
        let body = body_json(server.validate(&auth_otp, wrong).await).await;
        assert_eq!(body["code"], "INVALID_OTP", "try {}", i + 1);
    }
    for server in [&a, &b] {
        let body = body_json(server.validate(&auth_otp, &right).await).await;
        assert_eq!(body["code"], "OTP_ATTEMPTS_EXCEEDED");
    }

    // An agent session made on A works on B.
    a.core
        .create_agent(
            &portal::services::Actor::System,
            "ops@example.com",
            "agent",
            "Agent-Passw0rd-long".into(),
        )
        .await
        .unwrap();
    let client = crate::common::client_builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let signed_in = client
        .post(a.url("/api/agent/sign-in"))
        .header(header::ACCEPT, "text/html")
        .form(&[
            ("email", "ops@example.com"),
            ("password", "Agent-Passw0rd-long"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        signed_in.headers().get(header::LOCATION).unwrap(),
        "/agent/contacts"
    );
    let cookie = signed_in
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let page = client
        .get(b.url("/agent/contacts"))
        .header(header::COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "the session made on A is known to B"
    );
}

#[tokio::test]
async fn metrics_and_request_ids() {
    let app = spawn_app_with(|_| {}).await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers().get("x-request-id").unwrap(),
        "trace-me-42"
    );
    let response = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let id = response
        .headers()
        .get("x-request-id")
        .expect("an id is made when none is sent");
    assert_eq!(id.to_str().unwrap().len(), 36);

    // The values move with the traffic sent: 3 registrations and 1 refused one, 3 texts sent.
    let route = "/self-service/v1/contacts/register";
    let before = metrics_text(&app).await;
    for _ in 0..3 {
        let response = app.register_phone(&unique_phone(), "Andy", "Steward").await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
    }
    let refused = app.register_phone(&unique_phone(), "", "Steward").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    app.settle().await;
    let after = metrics_text(&app).await;
    let moved = |name: &str, labels: &[(&str, &str)]| {
        metric(&after, name, labels) - metric(&before, name, labels)
    };
    let post = [("method", "POST"), ("route", route)];
    assert_eq!(
        moved(
            "portal_http_requests_total",
            &[post[0], post[1], ("status", "202")]
        ),
        3.0,
        "{after}"
    );
    assert_eq!(
        moved(
            "portal_http_requests_total",
            &[post[0], post[1], ("status", "400")]
        ),
        1.0,
        "{after}"
    );
    assert_eq!(
        moved("portal_http_request_duration_seconds_count", &post),
        4.0
    );
    assert_eq!(
        metric(
            &after,
            "portal_http_request_duration_seconds_bucket",
            &[post[0], post[1], ("le", "+Inf")]
        ),
        metric(&after, "portal_http_request_duration_seconds_count", &post),
    );
    assert_eq!(
        moved(
            "portal_otp_messages_total",
            &[("channel", "SMS"), ("outcome", "sent")]
        ),
        3.0,
        "{after}"
    );
    assert_eq!(metric(&after, "portal_delivery_queue_depth", &[]), 0.0);
    assert!(
        metric(&after, "portal_db_pool_connections", &[]) >= 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let scratch = Scratch::new().await;
    let mut child = scratch.command().spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = listening_address(&mut lines).await;
    let health = crate::common::client()
        .get(format!("{address}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let pid = child.id().unwrap().to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("stops in time")
        .unwrap();
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push_str(&line);
        rest.push('\n');
    }
    assert!(rest.contains("stopped"), "{rest}");
}

#[tokio::test]
async fn codes_passwords_and_tokens_never_reach_the_logs() {
    let scratch = Scratch::new().await;
    let key = scratch
        .run(&["api-key", "create", "--kind", "self-service"])
        .await;
    assert!(key.status.success());
    let key = String::from_utf8(key.stdout).unwrap().trim().to_owned();
    let mut child = scratch.command().env("RUST_LOG", "debug").spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let log = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut all = String::new();
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(at) = line.find("listening on http://") {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(line[at + "listening on ".len()..].trim().to_owned());
                }
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let address = tokio::time::timeout(Duration::from_secs(30), rx)
        .await
        .expect("starts in time")
        .unwrap();
    let client = crate::common::client();
    let post = |path: &str, body: serde_json::Value| {
        client
            .post(format!("{address}{CONTACTS}/{path}"))
            .header("api_key", &key)
            .json(&body)
            .send()
    };
    let email = crate::common::unique_email();
    let password = "a password for the logs 1";
    let registered = body_json(
        post(
            "register",
            json!({"first_name": "Lo", "last_name": "Gs", "service_acceptance": true,
                   "identity": {"provider": "EMAIL", "email": email, "password": password}}),
        )
        .await
        .unwrap(),
    )
    .await;
    let mut outbox = serde_json::Value::Null;
    for _ in 0..250 {
        outbox = body_json(
            client
                .get(format!("{address}/dev/outbox"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        if outbox[0]["code"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let code = outbox[0]["code"]
        .as_str()
        .expect("the code was sent")
        .to_owned();
    let tokens = body_json(
        post(
            "validate-otp",
            json!({"auth_otp": registered["auth_otp"], "code": code}),
        )
        .await
        .unwrap(),
    )
    .await;
    let signed_in = body_json(
        post(
            "authenticate",
            json!({"provider": "EMAIL", "email": email, "password": password}),
        )
        .await
        .unwrap(),
    )
    .await;
    let refreshed = body_json(
        post(
            "refresh-token",
            json!({"refresh_token": signed_in["refresh_token"]}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert!(refreshed["access_token"].is_string(), "{refreshed}");
    let _ = child.start_kill();
    let _ = child.wait().await;
    let logs = tokio::time::timeout(Duration::from_secs(10), log)
        .await
        .unwrap()
        .unwrap();
    assert!(logs.contains("listening on"), "the logs were read: {logs}");
    // The code stands alone somewhere (a digit run inside a timestamp or an id is not it).
    let alone = |text: &str, needle: &str| {
        text.match_indices(needle).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + needle.len()..].chars().next();
            let apart = |c: Option<char>| {
                c.is_none_or(|c| !c.is_ascii_alphanumeric() && !matches!(c, '.' | ':' | '-'))
            };
            apart(before) && apart(after)
        })
    };
    assert!(!alone(&logs, &code), "the code appears in the logs");
    let secrets = [
        ("the password", password.to_owned()),
        ("the API key", key),
        (
            "the auth_otp",
            registered["auth_otp"].as_str().unwrap().to_owned(),
        ),
        (
            "an access token",
            tokens["access_token"].as_str().unwrap().to_owned(),
        ),
        (
            "a refresh token",
            tokens["refresh_token"].as_str().unwrap().to_owned(),
        ),
        (
            "a rotated refresh token",
            refreshed["refresh_token"].as_str().unwrap().to_owned(),
        ),
    ];
    for (what, secret) in secrets {
        assert!(!logs.contains(&secret), "{what} appears in the logs");
    }
}

/// In production an `INTERNAL` error says nothing of what broke: the database is made unusable
/// in a way that is not an outage (a table dropped: the server reaches the database, the query
/// fails), and the API and a form answer without any of it.
#[tokio::test]
async fn internal_errors_carry_no_internals_in_production() {
    let app = spawn_app_with(|s| {
        s.app_env = AppEnv::Production;
        s.email_delivery = DeliveryKind::Smtp;
        s.sms_delivery = DeliveryKind::SmsHttp;
        s.sms_http_url = Some("http://127.0.0.1:9/sms".into());
        s.smtp_url = Some("smtp://127.0.0.1:9".into());
        s.smtp_from = Some("no-reply@example.com".into());
    })
    .await;
    app.execute_on_database("DROP TABLE throttles").await;
    let tell_tales = [
        "throttles",
        "table",
        "relation",
        "sql",
        "database",
        "select",
        "insert",
    ];
    let assert_nothing_told = |what: &str, text: &str| {
        let lower = text.to_lowercase();
        for word in tell_tales {
            assert!(!lower.contains(word), "{what} tells {word:?}: {text}");
        }
    };

    let response = app.request_otp("PHONE", &e164(&unique_phone())).await;
    let body =
        crate::common::assert_problem(response, StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL")
            .await;
    assert_eq!(
        body["detail"], "Something went wrong on our side; please try again",
        "{body}"
    );
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["code", "detail", "status", "title", "type"],
        "{body}"
    );
    assert_nothing_told("the API", &body.to_string());

    // A form whose server function fails the same way: a page without the cause either.
    let client = crate::common::client_builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(app.url("/api/sign-in/code"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/sign-in"))
        .form(&[
            ("method", "PHONE"),
            ("country_code", "CYP"),
            ("phone_number", unique_phone().as_str()),
        ])
        .send()
        .await
        .unwrap();
    // Leptos sends a failed form back where it came from, the typed error in the query string;
    // the page it lands on says what happened in words, and nothing of the cause.
    assert_eq!(response.status(), StatusCode::FOUND);
    let headers = format!("{:?}", response.headers());
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("__err="), "{location}");
    let text = response.text().await.unwrap();
    assert_nothing_told("the form", &format!("{headers} {text}"));
    let page = client.get(&location).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    let alert = page
        .split(r#"role="alert""#)
        .nth(1)
        .and_then(|rest| rest.split_once('>'))
        .and_then(|(_, rest)| rest.split("</div>").next())
        .unwrap_or_default();
    assert_eq!(
        alert, "Something went wrong on our side; please try again.",
        "{page}"
    );
    assert_nothing_told("the page's alert", alert);
}

/// Housekeeping deletes rate-limit counters untouched for longer than the longest window (an
/// hour) plus a margin, and keeps every other: one still counting must not be reset early.
#[tokio::test]
async fn housekeeping_deletes_stale_rate_limit_counters_only() {
    let app = crate::common::spawn_app().await;
    let hour = 3_600_000_i64;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as i64;
    let rows = [
        ("hk:stale", now - 30 * hour, now - 30 * hour),
        ("hk:window-only-old", now - 30 * hour, now - hour),
        ("hk:live", now - hour, now - 60_000),
    ];
    for (key, window_start, last_at) in rows {
        app.execute_on_database(&format!(
            "INSERT INTO throttles (key, window_start, hits, last_at) \
             VALUES ('{key}', {window_start}, 3, {last_at})"
        ))
        .await;
    }
    app.core.housekeeping().await.expect("housekeeping");
    let kept = app
        .stored("SELECT key FROM throttles WHERE key LIKE 'hk:%' ORDER BY key")
        .await;
    let kept: Vec<_> = kept.into_iter().map(|row| row[0].clone()).collect();
    assert_eq!(
        kept,
        [
            Some("hk:live".to_owned()),
            Some("hk:window-only-old".to_owned())
        ]
    );
}

/// The binary carries its static files: started from an empty folder (no `style/`, no
/// `public/` beside it), its pages link a stylesheet and an icon that it serves, the hashed URLs
/// cached for good and the plain ones revalidated.
#[tokio::test]
async fn the_binary_serves_its_stylesheet_and_icon_from_an_empty_folder() {
    let scratch = Scratch::new().await;
    for beside in ["style", "public"] {
        assert!(
            !scratch.dir.join(beside).exists(),
            "no {beside}/ in the folder"
        );
    }
    let mut child = scratch.command().spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let address = listening_address(&mut lines).await;
    let client = crate::common::client();
    let get = |path: String| {
        let client = client.clone();
        let url = format!("{address}{path}");
        async move { client.get(url).send().await.unwrap() }
    };
    for page in [
        "/",
        "/register",
        "/sign-in",
        "/agent/sign-in",
        "/no-such-page",
    ] {
        let html = get(page.to_owned()).await.text().await.unwrap();
        let linked = |rel: &str| {
            let start = html
                .find(&format!("rel=\"{rel}\" href=\""))
                .unwrap_or_else(|| panic!("{page} links no {rel}: {html}"));
            let rest = &html[start + rel.len() + 13..];
            rest[..rest.find('"').unwrap()].to_owned()
        };
        for (rel, content_type) in [("stylesheet", "text/css"), ("icon", "image/svg+xml")] {
            let url = linked(rel);
            assert!(
                url.matches('.').count() >= 2,
                "{page}: the {rel} URL carries a hash: {url}"
            );
            let response = get(url.clone()).await;
            assert_eq!(response.status(), StatusCode::OK, "{page}: {url}");
            let header = |name| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            assert!(
                header(header::CONTENT_TYPE).starts_with(content_type),
                "{url}"
            );
            assert!(header(header::CACHE_CONTROL).contains("immutable"), "{url}");
            assert!(!response.bytes().await.unwrap().is_empty(), "{url}");
        }
    }
    for (plain, content_type) in [
        ("/style/portal.css", "text/css"),
        ("/favicon.svg", "image/svg+xml"),
    ] {
        let response = get(plain.to_owned()).await;
        assert_eq!(response.status(), StatusCode::OK, "{plain}");
        let headers = response.headers();
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with(content_type));
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{plain}");
    }
    let missing = get("/style/other.css".to_owned()).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        get("/no-such-page".to_owned()).await.status(),
        StatusCode::NOT_FOUND
    );
    // Nothing of the working folder is served: not the development secret the server wrote there.
    let secret = std::fs::read_to_string(scratch.dir.join("data/jwt_secret"))
        .expect("the server wrote its development JWT secret into its folder");
    let probe = get("/data/jwt_secret".to_owned()).await;
    assert_eq!(probe.status(), StatusCode::NOT_FOUND);
    assert!(!probe.text().await.unwrap().contains(secret.trim()));
}
