//! Access and refresh tokens: rotation, reuse detection, sign-out, expiry, bad headers.

use std::collections::HashSet;

use crate::common::{
    assert_problem, body_json, e164, jwt_claims, now_ms, spawn_app, spawn_app_with, TestApp,
    CONTACTS,
};
use portal::services::auth::tokens::{AUDIENCE, ISSUER};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};

fn token(body: &Value, name: &str) -> String {
    body[name].as_str().expect(name).to_owned()
}

async fn sign_out(app: &TestApp, refresh_token: &str) -> reqwest::Response {
    app.post_json(
        &format!("{CONTACTS}/sign-out"),
        json!({ "refresh_token": refresh_token }),
    )
    .await
}

#[tokio::test]
async fn a_refresh_token_is_swapped_for_a_new_pair() {
    let app = spawn_app().await;
    let (_, first) = app.signed_up_phone().await;

    let response = app.refresh(&token(&first, "refresh_token")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second = body_json(response).await;
    assert_ne!(
        token(&second, "refresh_token"),
        token(&first, "refresh_token")
    );
    assert_ne!(
        token(&second, "access_token"),
        token(&first, "access_token")
    );
    assert_eq!(second["contact"]["id"], first["contact"]["id"]);
    assert_eq!(second["contact"]["is_verified"], true);
    assert_eq!(second["organisations"], json!([]));
    let exp = second["exp"].as_i64().unwrap();
    assert!((exp - (now_ms() + 900_000)).abs() < 5_000);

    let response = app.get_me(&token(&second, "access_token")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn reusing_a_rotated_refresh_token_ends_the_whole_sign_in() {
    let app = spawn_app().await;
    let (_, first) = app.signed_up_phone().await;
    let old = token(&first, "refresh_token");

    let second = body_json(app.refresh(&old).await).await;
    let new = token(&second, "refresh_token");

    let response = app.refresh(&old).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "REFRESH_TOKEN_REUSED").await;

    // The thief's replay revoked the family: the legitimate new token is dead too. It was never
    // rotated itself, so it is not "reused": it is simply no longer a valid refresh token.
    let response = app.refresh(&new).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_REFRESH_TOKEN").await;
    // And so are the access tokens of that sign-in.
    let response = app.get_me(&token(&second, "access_token")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;
}

#[tokio::test]
async fn signing_out_ends_the_refresh_and_access_tokens() {
    let app = spawn_app().await;
    let (_, tokens) = app.signed_up_phone().await;
    let access = token(&tokens, "access_token");
    assert_eq!(app.get_me(&access).await.status(), StatusCode::OK);

    let response = sign_out(&app, &token(&tokens, "refresh_token")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let response = app.refresh(&token(&tokens, "refresh_token")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_REFRESH_TOKEN").await;
    let response = app.get_me(&access).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;

    // Signing out twice is fine.
    let response = sign_out(&app, &token(&tokens, "refresh_token")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn signing_out_one_sign_in_leaves_the_others() {
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = std::time::Duration::ZERO).await;
    let (national, phone_app) = app.signed_up_phone().await;

    // The same contact signs in on a second device.
    let response = app.request_otp("PHONE", &e164(&national)).await;
    let auth_otp = body_json(response).await["auth_otp"]
        .as_str()
        .unwrap()
        .to_owned();
    let code = app.latest_code(&e164(&national)).await;
    let tablet = body_json(app.validate(&auth_otp, &code).await).await;
    assert_eq!(tablet["contact"]["id"], phone_app["contact"]["id"]);

    let response = sign_out(&app, &token(&phone_app, "refresh_token")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = app.get_me(&token(&phone_app, "access_token")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;
    assert_eq!(
        app.get_me(&token(&tablet, "access_token")).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.refresh(&token(&tablet, "refresh_token")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_expired_access_token_is_refused_as_expired() {
    let app = spawn_app().await;
    let (_, tokens) = app.signed_up_phone().await;
    let live = jwt_claims(&token(&tokens, "access_token"));
    let now = now_ms() / 1000;
    let claims = |iat: i64, exp: i64| {
        json!({
            "sub": live["sub"], "sid": live["sid"], "inc": live["inc"],
            "iss": ISSUER, "aud": AUDIENCE, "iat": iat, "exp": exp,
            "jti": uuid::Uuid::new_v4().to_string(),
        })
    };
    // Past the 1 s of leeway, but only just.
    let expired = app.forge_jwt("HS256", &claims(now - 900, now - 3));

    let response = app.get_me(&expired).await;
    let www = response
        .headers()
        .get(header::WWW_AUTHENTICATE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_problem(response, StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED").await;
    assert_eq!(www.as_deref(), Some("Bearer error=\"invalid_token\""));

    // The same claims, still valid, are accepted: it is the expiry that was refused.
    let fresh = app.forge_jwt("HS256", &claims(now, now + 60));
    assert_eq!(app.get_me(&fresh).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_missing_or_garbage_authorization_header_is_an_invalid_token() {
    let app = spawn_app().await;
    let (_, tokens) = app.signed_up_phone().await;
    let access = token(&tokens, "access_token");
    let me = app.url(&format!("{CONTACTS}/me"));

    let missing = app
        .client
        .get(&me)
        .header("api_key", &app.api_key)
        .send()
        .await
        .unwrap();
    assert_problem(missing, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;

    let mut tampered = access.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    for value in [
        "garbage".to_owned(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        "Bearer not.a.jwt".to_owned(),
        format!("Basic {access}"),
        format!("Bearer {tampered}"),
    ] {
        let response = app
            .client
            .get(&me)
            .header("api_key", &app.api_key)
            .header(header::AUTHORIZATION, &value)
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;
    }

    // A token signed with another secret is not ours.
    let other = spawn_app().await;
    let (_, foreign) = other.signed_up_phone().await;
    let response = app.get_me(&token(&foreign, "access_token")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_TOKEN").await;
}

#[tokio::test]
async fn every_access_token_has_its_own_jti() {
    let app = spawn_app().await;
    let (_, first) = app.signed_up_phone().await;
    let mut seen = HashSet::new();
    let claims = jwt_claims(&token(&first, "access_token"));
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    assert_eq!(claims["sub"], first["contact"]["id"]);
    assert!(seen.insert(claims["jti"].as_str().unwrap().to_owned()));

    let mut refresh = token(&first, "refresh_token");
    for _ in 0..5 {
        let pair = body_json(app.refresh(&refresh).await).await;
        refresh = token(&pair, "refresh_token");
        let jti = jwt_claims(&token(&pair, "access_token"))["jti"]
            .as_str()
            .expect("a jti")
            .to_owned();
        assert!(seen.insert(jti), "jti repeated");
    }
    let (_, another) = app.signed_up_phone().await;
    let jti = jwt_claims(&token(&another, "access_token"))["jti"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(seen.insert(jti));
}

#[tokio::test]
async fn a_refresh_token_past_its_lifetime_is_refused() {
    let app = spawn_app_with(|s| s.refresh_token_ttl = std::time::Duration::from_secs(1)).await;
    let (_, tokens) = app.signed_up_phone().await;
    let expires = app.stored("SELECT expires_at FROM refresh_tokens").await;
    let expires: i64 = expires[0][0].as_deref().unwrap().parse().unwrap();
    // Waits on the stored expiry itself, not on a guess of how long the sign-up took.
    crate::common::wait_until_past(expires, std::time::Duration::from_secs(5)).await;
    let response = app.refresh(&token(&tokens, "refresh_token")).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_REFRESH_TOKEN").await;
}

#[tokio::test]
async fn an_access_token_lives_as_long_as_configured() {
    // A lifetime long enough that "still good" cannot race the clock; expiry itself is checked
    // with the same claims forged already expired (no sleeping across a whole-second boundary).
    let ttl_secs = 120;
    let app =
        spawn_app_with(|s| s.access_token_ttl = std::time::Duration::from_secs(ttl_secs)).await;
    let before = now_ms();
    let (_, tokens) = app.signed_up_phone().await;
    let after = now_ms();
    let exp = tokens["exp"].as_i64().unwrap();
    let claims = jwt_claims(&token(&tokens, "access_token"));
    assert_eq!(
        claims["exp"].as_i64().unwrap() * 1000,
        exp,
        "`exp` is the token's own"
    );
    // `exp` is in whole seconds: issued at some second between `before` and `after`, plus the TTL.
    let ttl_ms = ttl_secs as i64 * 1000;
    assert!(
        exp >= before / 1000 * 1000 + ttl_ms && exp <= after + ttl_ms,
        "exp {exp} is not issue time + {ttl_secs} s ({before}..{after})"
    );
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        ttl_secs as i64
    );
    assert_eq!(
        app.get_me(&token(&tokens, "access_token")).await.status(),
        StatusCode::OK
    );

    // The same token once its lifetime is over (2 s past `exp`: beyond the 1 s of leeway).
    let now = now_ms() / 1000;
    let mut expired = claims.clone();
    expired["iat"] = json!(now - ttl_secs as i64 - 2);
    expired["exp"] = json!(now - 2);
    let response = app.get_me(&app.forge_jwt("HS256", &expired)).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "TOKEN_EXPIRED").await;
    // The refresh token still gets a fresh access token.
    let response = app.refresh(&token(&tokens, "refresh_token")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let fresh = body_json(response).await;
    assert_eq!(
        app.get_me(&token(&fresh, "access_token")).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn only_hs256_tokens_of_this_issuer_for_this_audience_are_accepted() {
    let app = spawn_app().await;
    let (_, tokens) = app.signed_up_phone().await;
    let live = jwt_claims(&token(&tokens, "access_token"));
    let with = |key: &str, value: serde_json::Value| {
        let mut claims = live.clone();
        claims[key] = value;
        claims
    };
    // The control: the same claims, signed as the server signs, are accepted.
    assert_eq!(
        app.get_me(&app.forge_jwt("HS256", &live)).await.status(),
        StatusCode::OK
    );
    for alg in ["HS384", "HS512", "RS256", "ES256", "PS256", "none"] {
        assert_problem(
            app.get_me(&app.forge_jwt(alg, &live)).await,
            StatusCode::UNAUTHORIZED,
            "INVALID_TOKEN",
        )
        .await;
    }
    for (what, claims) in [
        ("another issuer", with("iss", json!("someone-else"))),
        ("another audience", with("aud", json!("backoffice"))),
        ("no incarnation", {
            let mut c = live.clone();
            c.as_object_mut().unwrap().remove("inc");
            c
        }),
        ("no expiry", {
            let mut c = live.clone();
            c.as_object_mut().unwrap().remove("exp");
            c
        }),
    ] {
        let response = app.get_me(&app.forge_jwt("HS256", &claims)).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    }
}

/// Refresh tokens are kept only as hashes: a copy of the refresh-token table gives away no token
/// that works. (The claim is about storage, so this test reads the table itself.)
#[tokio::test]
async fn refresh_tokens_are_stored_hashed() {
    let app = spawn_app().await;
    let (_, first) = app.signed_up_phone().await;
    let second = body_json(app.refresh(&token(&first, "refresh_token")).await).await;
    let (_, other) = app.signed_up_phone().await;
    let issued = [&first, &second, &other].map(|t| token(t, "refresh_token"));

    let rows = app.stored("SELECT * FROM refresh_tokens").await;
    assert_eq!(rows.len(), 3, "one row per token issued: {rows:?}");
    let stored: Vec<&str> = rows
        .iter()
        .flatten()
        .flatten()
        .map(String::as_str)
        .collect();
    for raw in &issued {
        assert!(
            !stored.iter().any(|cell| cell.contains(raw.as_str())),
            "the refresh token {raw} is stored as it is"
        );
        // What is kept instead is its SHA-256 (so a presented token can be found).
        let hash = sha256_hex(raw);
        assert!(
            stored.contains(&hash.as_str()),
            "no SHA-256 of {raw} in {rows:?}"
        );
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
