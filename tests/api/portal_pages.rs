//! The portal's pages over plain HTTP, as a browser without JavaScript uses them: GET a page, POST
//! its form, follow the 303 by hand, carry the session cookie by hand.

use crate::common::{
    browser::{assert_see_other, location, text_of, Browser, SESSION_COOKIE},
    e164, spawn_app, unique_phone,
};
use reqwest::{header, redirect::Policy, StatusCode};

fn register_form<'a>(
    first: &'a str,
    last: &'a str,
    national: &'a str,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("title", ""),
        ("first_name", first),
        ("last_name", last),
        ("method", "PHONE"),
        ("country_code", "CYP"),
        ("phone_number", national),
        ("email", ""),
        ("password", ""),
        ("terms", "on"),
    ]
}

#[tokio::test]
async fn the_register_page_has_its_labelled_fields() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let response = browser.get("/register").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<label for="first_name">First name</label>"#));
    assert!(html.contains(r#"<label for="last_name">Last name</label>"#));
    assert!(html.contains(r#"action="/api/register""#));
    let text = text_of(&html);
    for phrase in [
        "Title",
        "First name",
        "Last name",
        "Sign up with",
        "Phone",
        "Email",
        "Country",
        "Phone number",
        "Password (optional)",
        "I accept the terms of service",
        "No marketing emails",
        "No marketing SMS",
        "Create account",
    ] {
        assert!(text.contains(phrase), "{phrase:?} missing from /register");
    }
}

#[tokio::test]
async fn a_registration_with_mistakes_comes_back_with_the_errors_and_the_typed_values() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let national = unique_phone();

    let response = browser
        .post_form("/api/register", &register_form("", "Georgiou", &national))
        .await;
    assert_see_other(&response, "/register");
    assert!(
        browser.session.is_some(),
        "the outcome is kept in a session"
    );

    let html = browser.get_html("/register").await;
    let text = text_of(&html);
    assert!(text.contains("First name is required"), "{text}");
    assert!(
        html.contains(r#"value="Georgiou""#),
        "the typed last name is kept"
    );
    assert!(html.contains(r#"aria-describedby="first_name-error""#));
    assert!(app.outbox().await.is_empty());

    // The error is shown once: the next visit is a clean form.
    let text = text_of(&browser.get_html("/register").await);
    assert!(!text.contains("First name is required"));
}

#[tokio::test]
async fn a_customer_registers_verifies_sees_the_profile_and_signs_out() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let national = unique_phone();

    let response = browser
        .post_form(
            "/api/register",
            &register_form("Eleni", "Georgiou", &national),
        )
        .await;
    assert_see_other(&response, "/verify");
    let before_sign_in = browser.session.clone().expect("a session cookie");

    let text = text_of(&browser.get_html("/verify").await);
    assert!(text.contains("Code"), "{text}");
    assert!(text.contains("Verify"), "{text}");
    assert!(text.contains("Send a new code"), "{text}");
    let last2 = &national[national.len() - 2..];
    assert!(text.contains(&format!("+357 99****{last2}")), "{text}");

    let code = app.latest_code(&e164(&national)).await;
    let response = browser.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");
    let after_sign_in = browser.session.clone().expect("a session cookie");
    assert_ne!(
        before_sign_in, after_sign_in,
        "the session id is renewed at sign-in"
    );
    assert_eq!(app.contact_count().await, 1);

    let text = text_of(&browser.get_html("/profile").await);
    assert!(text.contains("Eleni Georgiou"), "{text}");
    assert!(text.contains("Verified"), "{text}");
    assert!(text.contains(&e164(&national)), "{text}");
    assert!(text.contains("Sign out"), "{text}");

    let response = browser.post_form("/api/sign-out", &[]).await;
    assert_see_other(&response, "/sign-in");
    let response = browser.get("/profile").await;
    assert_see_other(&response, "/sign-in");
}

#[tokio::test]
async fn a_wrong_code_on_the_verify_page_is_shown_next_to_the_field() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let national = unique_phone();
    let response = browser
        .post_form(
            "/api/register",
            &register_form("Eleni", "Georgiou", &national),
        )
        .await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);

    let response = browser.post_form("/api/verify", &[("code", &wrong)]).await;
    assert_see_other(&response, "/verify");
    let html = browser.get_html("/verify").await;
    assert!(text_of(&html).contains("That code is not right"), "{html}");
    assert!(html.contains(r#"aria-describedby="code-error""#));
    assert_eq!(app.contact_count().await, 0);

    let response = browser.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");
}

#[tokio::test]
async fn the_profile_needs_a_session() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let response = browser.get("/profile").await;
    assert_see_other(&response, "/sign-in");

    let text = text_of(&browser.get_html("/sign-in").await);
    for phrase in [
        "Sign in with",
        "Phone number",
        "Email",
        "Send code",
        "Sign in",
    ] {
        assert!(text.contains(phrase), "{phrase:?} missing from /sign-in");
    }
}

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = spawn_app().await;
    let national = unique_phone();
    let client = crate::common::client_builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let form = register_form("Eleni", "Georgiou", &national);

    let response = client
        .post(app.url("/api/register"))
        .header(header::ACCEPT, "text/html")
        .header(header::ORIGIN, "http://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let response = client
        .post(app.url("/api/register"))
        .header(header::ACCEPT, "text/html")
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(app.outbox().await.is_empty(), "nothing was registered");

    // The same post from the portal's own origin goes through.
    let response = client
        .post(app.url("/api/register"))
        .header(header::ACCEPT, "text/html")
        .header(header::ORIGIN, &app.address)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/verify");
}

#[tokio::test]
async fn pages_carry_security_headers() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    for path in ["/register", "/sign-in", "/verify"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers();
        let csp = headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(csp.contains("frame-ancestors"), "{path}: CSP {csp:?}");
        assert_eq!(
            headers
                .get(header::X_CONTENT_TYPE_OPTIONS)
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
    }

    // Session cookies are HttpOnly and SameSite=Lax.
    let response = browser
        .post_form("/api/register", &register_form("", "", ""))
        .await;
    let cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(SESSION_COOKIE))
        .expect("a session cookie")
        .to_ascii_lowercase();
    assert!(cookie.contains("httponly"), "{cookie}");
    assert!(cookie.contains("samesite=lax"), "{cookie}");
}

#[tokio::test]
async fn odd_characters_in_forms_are_shown_as_errors_not_failures() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let national = unique_phone();
    let response = browser
        .post_form(
            "/api/register",
            &register_form("A\u{0}B", "Geor\u{7}giou", &national),
        )
        .await;
    assert_see_other(&response, "/register");
    let text = text_of(&browser.get_html("/register").await);
    assert!(
        text.contains("First name must not contain control characters"),
        "{text}"
    );
    assert!(
        text.contains("Last name must not contain control characters"),
        "{text}"
    );
    assert!(app.outbox().await.is_empty());

    let response = browser.post_form("/api/verify", &[("code", "\u{0}")]).await;
    assert!(!response.status().is_server_error());
}
