//! A client is its network, not its address: per-client limits count an IPv6 /64 (a setting) as
//! one client and an IPv4 address written as IPv6 as the IPv4 address it is, and one client cannot
//! hold the server's connections (SECURITY.md, "A client is its network"). The attack tests
//! reproduce findings 6 and 7 of the second trust review and failed before their fix.

use std::{
    net::{IpAddr, Ipv4Addr},
    time::{Duration, Instant},
};

use futures::{stream::FuturesUnordered, StreamExt};
use reqwest::StatusCode;
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
};

use crate::common::{client_builder, spawn_app_with, unique_email, TestApp, CONTACTS};

async fn claim_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    app.client
        .post(app.url(&format!("{CONTACTS}/claim")))
        .header("api_key", &app.api_key)
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({
            "identification": [{"name": "CODE", "value": format!("NOBODY-{}", unique_email())}],
            "identity": {"provider": "EMAIL", "email": unique_email()},
        }))
        .send()
        .await
        .expect("request sent")
        .status()
}

/// Finding 6: forty addresses of one /64 each got a claim cap of their own.
#[tokio::test]
async fn claims_from_one_ipv6_prefix_count_as_one_client() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.limits.claims_per_ip_per_hour = 5;
    })
    .await;
    let mut statuses = Vec::new();
    for host in 1..=10u16 {
        statuses.push(claim_from(&app, &format!("2001:db8:7:7:{host:x}::{host:x}")).await);
    }
    let accepted = statuses
        .iter()
        .filter(|s| **s == StatusCode::ACCEPTED)
        .count();
    assert_eq!(accepted, 5, "one /64, one claim cap: {statuses:?}");
    assert!(
        statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // The next /64 is another client.
    assert_eq!(
        claim_from(&app, "2001:db8:7:8::1").await,
        StatusCode::ACCEPTED
    );
    // An IPv4 address written as IPv6 is that IPv4 address.
    for _ in 0..5 {
        assert_eq!(claim_from(&app, "203.0.113.9").await, StatusCode::ACCEPTED);
    }
    assert_eq!(
        claim_from(&app, "::ffff:203.0.113.9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// A wider prefix where providers hand out /56s.
#[tokio::test]
async fn the_ipv6_prefix_is_a_setting() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.ipv6_client_prefix = 56;
        s.limits.claims_per_ip_per_hour = 2;
    })
    .await;
    assert_eq!(
        claim_from(&app, "2001:db8:7:100::1").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        claim_from(&app, "2001:db8:7:1ff::1").await,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        claim_from(&app, "2001:db8:7:1aa::1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Finding 6, the hashing queue: 48 addresses of one /64 guessing passwords made an unrelated
/// client get 503. The /64 now holds at most its own share of the queue, however the requests
/// interleave: once the flood is being turned away, the other client still gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_ipv6_prefix_flooding_the_hashers_does_not_lock_out_another() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = 1;
        s.max_concurrent_hashes = 1;
        s.password_hash_queue = 8;
        s.limits.failed_logins_per_ip_per_hour = 1_000;
    })
    .await;
    let email = unique_email();
    let response = app
        .register_email(&email, Some("the real password 1"))
        .await;
    let handle = crate::common::body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&email).await;
    assert_eq!(app.validate(&handle, &code).await.status(), StatusCode::OK);

    let sign_in = |from: String, email: String, password: &'static str| {
        let request = app
            .client
            .post(app.url(&format!("{CONTACTS}/authenticate")))
            .header("api_key", &app.api_key)
            .header("x-forwarded-for", from)
            .json(&json!({"provider": "EMAIL", "email": email, "password": password}));
        async move { request.send().await.expect("request sent").status() }
    };
    let mut flood: FuturesUnordered<_> = (1..=48u16)
        .map(|host| {
            sign_in(
                format!("2001:db8:66:66::{host:x}"),
                unique_email(),
                "a guess 1",
            )
        })
        .collect();
    // Wait until the flood is being turned away (the queue, or its share of it, is full)...
    loop {
        match flood.next().await {
            Some(StatusCode::SERVICE_UNAVAILABLE) => break,
            Some(_) => continue,
            None => panic!("48 guesses at once were never turned away"),
        }
    }
    // ...then the other client signs in.
    let real = sign_in("2001:db8:77:77::1".into(), email, "the real password 1").await;
    while flood.next().await.is_some() {}
    assert_eq!(
        real,
        StatusCode::OK,
        "another client was turned away by the /64's flood"
    );
}

/// A client bound to another loopback address: another client to the server.
fn client_from(ip: Ipv4Addr) -> reqwest::Client {
    client_builder()
        .local_address(IpAddr::V4(ip))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("a client")
}

/// A connection from `ip` that sends half a request and then nothing.
async fn half_request_from(app: &TestApp, ip: Ipv4Addr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket
        .bind((ip, 0).into())
        .expect("bind a loopback address");
    let addr = app.address.trim_start_matches("http://").parse().unwrap();
    let mut stream = socket.connect(addr).await.expect("connect");
    let _ = stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await;
    stream
}

/// Finding 7: one client held every connection with half-sent requests, and the others timed
/// out. Now it holds its own share; beyond that its connections are closed at once.
#[tokio::test]
async fn one_client_cannot_hold_every_connection() {
    let app = spawn_app_with(|s| {
        s.max_connections = 32;
        s.max_connections_per_client = 8;
    })
    .await;
    let attacker = Ipv4Addr::new(127, 0, 0, 1);
    let mut held = Vec::new();
    for _ in 0..40 {
        held.push(half_request_from(&app, attacker).await);
    }
    let started = Instant::now();
    let response = client_from(Ipv4Addr::new(127, 0, 0, 2))
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("another client is served");
    let waited = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        waited < Duration::from_secs(3),
        "another client waited {waited:?}"
    );
    // Beyond its 8, the attacker's connections were closed at once.
    let mut closed = 0;
    for stream in &mut held {
        let mut byte = [0u8; 1];
        match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut byte)).await {
            Ok(Ok(0)) | Ok(Err(_)) => closed += 1,
            _ => {}
        }
    }
    assert_eq!(closed, 32, "40 opened, 8 kept");
}
