//! The portal's pages over plain HTTP, as a browser without JavaScript uses them: GET a page, POST
//! its form, follow the 303 by hand, carry the session cookie by hand.

use std::time::{Duration, Instant};

use crate::common::{
    body_json,
    browser::{
        assert_see_other, button, controls, field, labelled, register_form, signed_in_agent,
        text_by_id, text_of, Browser, Control, SESSION_COOKIE,
    },
    e164, spawn_app, spawn_app_with, unique_email, unique_phone,
};
use reqwest::{header, redirect::Policy, StatusCode};

/// Signs up through the register and verify forms as Eleni Georgiou with a new phone, ending on
/// `/profile`: the national number.
async fn signed_up_in(browser: &mut Browser<'_>, app: &crate::common::TestApp) -> String {
    let national = unique_phone();
    let response = browser
        .post_form(
            "/api/register",
            &register_form("Eleni", "Georgiou", &national),
        )
        .await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    assert_see_other(
        &browser.post_form("/api/verify", &[("code", &code)]).await,
        "/profile",
    );
    national
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
    let controls = controls(&html);
    // Each label names its own control (a label "Phone" is not found inside "Phone number").
    for (label, name, kind) in [
        ("Title", "title", "text"),
        ("First name", "first_name", "text"),
        ("Last name", "last_name", "text"),
        ("Phone number", "phone_number", "tel"),
        ("Password (optional)", "password", "password"),
        ("I accept the terms of service", "terms", "checkbox"),
        ("No marketing emails", "email_opt_out", "checkbox"),
        ("No marketing SMS", "sms_opt_out", "checkbox"),
    ] {
        let control = field(&controls, label, name);
        assert_eq!(control.attr("type"), Some(kind), "{label}: {control:?}");
        assert_eq!(control.form_action.as_deref(), Some("/api/register"));
    }
    let country = field(&controls, "Country", "country_code");
    assert_eq!(country.tag, "select");
    assert_method_choice(&controls, "Sign up with");
    // "Email" labels two controls: the radio of "Sign up with" and the address field.
    let email: Vec<_> = labelled(&controls, "Email")
        .into_iter()
        .filter(|c| c.attr("type") == Some("email"))
        .collect();
    assert_eq!(email.len(), 1, "{controls:#?}");
    assert_eq!(email[0].attr("name"), Some("email"));
    button(&controls, "Create account", "/api/register");
}

/// "Sign up with" / "Sign in with": a fieldset of that legend holding the radios Phone and Email.
fn assert_method_choice(controls: &[Control], legend: &str) {
    for (label, value) in [("Phone", "PHONE"), ("Email", "EMAIL")] {
        let radios: Vec<_> = labelled(controls, label)
            .into_iter()
            .filter(|c| c.attr("type") == Some("radio"))
            .collect();
        assert_eq!(radios.len(), 1, "one radio {label:?}: {controls:#?}");
        assert_eq!(radios[0].attr("name"), Some("method"));
        assert_eq!(radios[0].attr("value"), Some(value));
        assert_eq!(radios[0].group.as_deref(), Some(legend), "{:?}", radios[0]);
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

    let html = browser.get_html("/verify").await;
    let text = text_of(&html);
    let controls = controls(&html);
    field(&controls, "Code", "code");
    button(&controls, "Verify", "/api/verify");
    button(&controls, "Send a new code", "/api/verify/resend");
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
    let readable = format!("+357 {} {}", &national[..2], &national[2..]);
    assert!(
        text.contains(&readable),
        "the phone as people read it, not E.164: {text}"
    );
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

    let controls = controls(&browser.get_html("/sign-in").await);
    assert_method_choice(&controls, "Sign in with");
    field(&controls, "Country", "country_code");
    let phone = field(&controls, "Phone number", "phone_number");
    assert_eq!(phone.attr("type"), Some("tel"));
    let password = field(&controls, "Password (optional)", "password");
    assert_eq!(password.attr("type"), Some("password"));
    let email: Vec<_> = labelled(&controls, "Email")
        .into_iter()
        .filter(|c| c.attr("name") == Some("email"))
        .collect();
    assert_eq!(email.len(), 1, "{controls:#?}");
    button(&controls, "Send code", "/api/sign-in/code");
    button(&controls, "Sign in", "/api/sign-in/password");
    let first_submit = controls
        .iter()
        .find(|c| c.tag == "button" && c.attr("type") == Some("submit"))
        .expect("a submit button");
    assert_eq!(
        first_submit.text, "Sign in",
        "Enter presses the first submit button: it must be the one that does what was typed"
    );
}

/// What the sign-in form sends with Email chosen.
fn email_sign_in<'a>(email: &'a str, password: &'a str) -> [(&'static str, &'a str); 5] {
    [
        ("method", "EMAIL"),
        ("country_code", "CYP"),
        ("phone_number", ""),
        ("email", email),
        ("password", password),
    ]
}

/// Enter on the sign-in form presses **Sign in**: with an email and its password it signs in;
/// with the password left empty, or with a phone, it sends a code as **Send code** does
/// (it used to answer with an error, or with "Send code" when a password was typed).
#[tokio::test]
async fn sign_in_does_what_was_typed() {
    // Codes go to the same identities one after the other here.
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::ZERO).await;
    let email = unique_email();
    app.signed_up_email(&email, "the password typed").await;
    let mut browser = Browser::new(&app);
    let response = browser
        .post_form(
            "/api/sign-in/password",
            &email_sign_in(&email, "the password typed"),
        )
        .await;
    assert_see_other(&response, "/profile");

    let sent_before = app.outbox_to(&email).await.len();
    let mut browser = Browser::new(&app);
    let response = browser
        .post_form("/api/sign-in/password", &email_sign_in(&email, ""))
        .await;
    assert_see_other(&response, "/verify");
    assert_eq!(
        app.outbox_to(&email).await.len(),
        sent_before + 1,
        "no password: a code was sent"
    );
    let code = app.latest_code(&email).await;
    let response = browser.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");

    let (national, _) = app.signed_up_phone().await;
    let mut browser = Browser::new(&app);
    let response = browser
        .post_form(
            "/api/sign-in/password",
            &[
                ("method", "PHONE"),
                ("country_code", "CYP"),
                ("phone_number", national.as_str()),
                ("email", ""),
                ("password", "ignored"),
            ],
        )
        .await;
    assert_see_other(&response, "/verify");
    let code = app.latest_code(&e164(&national)).await;
    let response = browser.post_form("/api/verify", &[("code", &code)]).await;
    assert_see_other(&response, "/profile");
}

/// A failed no-JS post comes back with its error in `__err`; anybody can write that parameter
/// into a link, so the page shows only its own sentences, never words from the URL.
#[tokio::test]
async fn an_error_in_the_url_shows_only_the_portals_own_words() {
    use base64::{engine::general_purpose::URL_SAFE, Engine};
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let crafted = serde_json::json!({
        "Request": { "ServerError": "Your account is locked: call +1 555 0100" }
    })
    .to_string();
    for (encoded, expected) in [
        (
            URL_SAFE.encode(&crafted),
            "That request could not be read. Please try again.",
        ),
        (
            URL_SAFE.encode(r#""Unavailable""#),
            "The service is unavailable right now. Please try again shortly.",
        ),
        (
            "not base64 at all".to_owned(),
            "That request could not be read. Please try again.",
        ),
    ] {
        let path = format!(
            "/sign-in?__path=/api/sign-in/code&__err={}",
            urlencode(&encoded)
        );
        let text = text_of(&browser.get_html(&path).await);
        assert!(text.contains(expected), "{path}: {text}");
        assert!(!text.contains("locked"), "{path}: {text}");
    }
    // Without the parameter there is no alert at all.
    let html = browser.get_html("/sign-in").await;
    assert!(!html.contains(r#"role="alert""#), "{html}");
    // The back office's frame shows it the same way.
    let mut agent = signed_in_agent(&app, &unique_email(), "agent").await;
    let path = format!(
        "/agent/contacts?__err={}",
        urlencode(&URL_SAFE.encode(&crafted))
    );
    let text = text_of(&agent.get_html(&path).await);
    assert!(
        text.contains("That request could not be read. Please try again."),
        "{text}"
    );
    assert!(!text.contains("locked"), "{text}");
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// What a cross-site post could change, as the customer and an admin see it.
async fn portal_state(
    customer: &mut Browser<'_>,
    admin: &mut Browser<'_>,
    contact: &str,
) -> Vec<String> {
    let mut state = vec![text_of(&customer.get_html("/profile").await)];
    for path in [
        "/agent/contacts".to_owned(),
        format!("/agent/contacts/{contact}"),
        "/agent/organisations".to_owned(),
        "/agent/agents".to_owned(),
        "/agent/api-keys".to_owned(),
        "/agent/audit".to_owned(),
    ] {
        state.push(text_of(&admin.get_html(&path).await));
    }
    state.push(customer.get("/dev/outbox").await.text().await.unwrap());
    state
}

/// The value of the hidden input `name` on a page.
fn hidden(html: &str, name: &str) -> String {
    controls(html)
        .iter()
        .find(|c| c.attr("type") == Some("hidden") && c.attr("name") == Some(name))
        .and_then(|c| c.attr("value"))
        .unwrap_or_else(|| panic!("no hidden {name}"))
        .to_owned()
}

/// CSRF: every form the portal has (each server function under /api/) refuses a post that the
/// browser says is cross-site, with the victims' session cookies attached, and nothing changes.
/// The same posts from the portal's own pages go through.
#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = spawn_app().await;
    let mut customer = Browser::new(&app);
    let national = signed_up_in(&mut customer, &app).await;
    let mut admin = signed_in_agent(&app, "admin@example.com", "admin").await;
    drop(signed_in_agent(&app, "agent@example.com", "agent").await);
    let contact = app
        .backoffice_contact(serde_json::json!({
            "type": "PERSON", "code": "CSRF-1", "first_name": "Maria", "last_name": "Georgiou",
            "email": unique_email(),
        }))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let organisation = body_json(
        app.backoffice(
            reqwest::Method::POST,
            "/organisations",
            Some(serde_json::json!({"name": "Target Org", "org_type": "BUSINESS"})),
        )
        .await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let agent_id = hidden(&admin.get_html("/agent/agents").await, "agent_id");
    let key_id = hidden(&admin.get_html("/agent/api-keys").await, "key_id");

    // The forms of the portal, and what a forged post would send to each.
    let forged = |path: &str| -> Option<Vec<(&str, String)>> {
        let owned = |pairs: &[(&'static str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect::<Vec<_>>()
        };
        let other_phone = unique_phone();
        Some(match path {
            "/api/register" => register_form("Mallory", "Forged", &other_phone)
                .into_iter()
                .map(|(k, v)| (k, v.to_owned()))
                .collect(),
            "/api/sign-in/code" | "/api/sign-in/password" => owned(&[
                ("method", "PHONE"),
                ("country_code", "CYP"),
                ("phone_number", &national),
                ("email", ""),
                ("password", "mallorys password"),
            ]),
            "/api/verify" => owned(&[("code", "123456")]),
            "/api/language" => owned(&[("language", "EL"), ("back", "/")]),
            "/api/verify/resend"
            | "/api/sign-out"
            | "/api/sign-out/everywhere"
            | "/api/agent/sign-out" => Vec::new(),
            "/api/profile/identity/remove" => owned(&[("identity_id", "no-such-identity")]),
            "/api/claim" => owned(&[
                ("code", "CSRF-1"),
                ("last_name", "Georgiou"),
                ("on_file", ""),
                ("new_identity", "mallory@example.com"),
                ("password", "mallorys password"),
            ]),
            "/api/forgot-password" => owned(&[("email", "mallory@example.com")]),
            "/api/reset-password" => {
                owned(&[("code", "123456"), ("password", "mallorys password")])
            }
            "/api/profile/save" => owned(&[
                ("title", "Dr"),
                ("first_name", "Mallory"),
                ("last_name", "Forged"),
                ("email_opt_out", "on"),
                ("sms_opt_out", "on"),
            ]),
            "/api/profile/password" => {
                owned(&[("current_password", ""), ("password", "mallorys password")])
            }
            "/api/profile/identity" => owned(&[
                ("method", "EMAIL"),
                ("country_code", ""),
                ("phone_number", ""),
                ("email", "mallory@example.com"),
            ]),
            "/api/facebook/terms" => owned(&[("terms", "on")]),
            "/api/agent/sign-in" => owned(&[
                ("email", "admin@example.com"),
                ("password", "Agent-Passw0rd-long"),
            ]),
            "/api/agent/contacts/new" => owned(&[
                ("contact_type", "PERSON"),
                ("first_name", "Mallory"),
                ("last_name", "Forged"),
            ]),
            "/api/agent/contacts/edit" => owned(&[
                ("id", &contact),
                ("code", "CSRF-1"),
                ("first_name", "Mallory"),
                ("last_name", "Forged"),
            ]),
            "/api/agent/contacts/membership" => owned(&[
                ("id", &contact),
                ("organisation_id", &organisation),
                ("action", "join"),
            ]),
            "/api/agent/contacts/delete" => owned(&[("id", &contact)]),
            "/api/agent/organisations/new" => {
                owned(&[("name", "Mallory Org"), ("org_type", "BUSINESS")])
            }
            "/api/agent/agents/new" => owned(&[
                ("email", "mallory@example.com"),
                ("role", "admin"),
                ("password", "mallorys password"),
            ]),
            "/api/agent/agents/update" => owned(&[("agent_id", &agent_id), ("action", "disable")]),
            "/api/agent/api-keys/new" => owned(&[("kind", "backoffice"), ("label", "mallory")]),
            "/api/agent/api-keys/revoke" => owned(&[("key_id", &key_id)]),
            // The pages' own data (read-only server functions) are refused all the same.
            page if page.starts_with("/api/page/") => Vec::new(),
            _ => return None,
        })
    };
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    paths.sort_unstable();
    paths.dedup();
    for path in &paths {
        assert!(
            forged(path).is_some(),
            "{path}: a form this test does not know; give it a body"
        );
    }
    // Every form on the portal's pages posts to one of them.
    for page in [
        "/register",
        "/sign-in",
        "/verify",
        "/claim",
        "/forgot-password",
        "/reset-password",
        "/profile",
    ] {
        for action in controls(&customer.get_html(page).await)
            .iter()
            .filter_map(Control::posts_to)
        {
            assert!(
                !action.starts_with("/api/") || paths.contains(&action),
                "{page}: {action}"
            );
        }
    }

    let client = crate::common::client_builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let post = |path: &str, cookie: &str, header: (header::HeaderName, &str)| {
        client
            .post(app.url(path))
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, format!("{SESSION_COOKIE}={cookie}"))
            .header(header.0, header.1)
            .form(&forged(path).unwrap())
            .send()
    };
    let cookie_for = |path: &str, customer: &Browser, admin: &Browser| {
        if path.starts_with("/api/agent/") || path.starts_with("/api/page/agent") {
            admin.session.clone().unwrap()
        } else {
            customer.session.clone().unwrap()
        }
    };
    let before = portal_state(&mut customer, &mut admin, &contact).await;
    let sec_fetch_site = header::HeaderName::from_static("sec-fetch-site");
    for path in &paths {
        let cookie = cookie_for(path, &customer, &admin);
        for how in [
            (header::ORIGIN, "http://evil.example"),
            (header::ORIGIN, "null"),
            (sec_fetch_site.clone(), "cross-site"),
        ] {
            let what = format!("{path} with {}: {}", how.0, how.1);
            let response = post(path, &cookie, how).await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{what}");
            assert_eq!(
                response.text().await.unwrap(),
                "cross-site form posts are not accepted",
                "{what}"
            );
        }
    }
    let after = portal_state(&mut customer, &mut admin, &contact).await;
    assert_eq!(after, before, "a refused post changed something");

    // The control: from the portal's own origin, the same posts reach their forms.
    for path in &paths {
        let cookie = cookie_for(path, &customer, &admin);
        let response = post(path, &cookie, (header::ORIGIN, app.address.as_str()))
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(
            status != StatusCode::FORBIDDEN && !text.contains("cross-site"),
            "{path} from its own origin: {status} {text}"
        );
    }
    // …and do what the forged ones did not.
    let organisations = text_of(
        &signed_in_agent(&app, "other-admin@example.com", "admin")
            .await
            .get_html("/agent/organisations")
            .await,
    );
    assert!(organisations.contains("Mallory Org"), "{organisations}");
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
        let directives: std::collections::BTreeMap<&str, &str> = csp
            .split(';')
            .filter_map(|d| {
                let d = d.trim();
                (!d.is_empty()).then(|| d.split_once(' ').unwrap_or((d, "")))
            })
            .collect();
        // Scripts from this origin only, and a page's own inline scripts by their nonce: no
        // other inline script, no eval, no other hosts.
        let scripts = directives.get("script-src").copied().unwrap_or_default();
        let nonce_ok = match scripts.strip_prefix("'self' 'nonce-") {
            Some(rest) => rest.strip_suffix('\'').is_some_and(|n| {
                n.len() >= 22
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+/-_=".contains(c))
            }),
            None => scripts == "'self'",
        };
        assert!(nonce_ok, "{path}: script-src in CSP {csp:?}");
        for (directive, value) in [
            ("default-src", "'self'"),
            ("style-src", "'self'"),
            ("img-src", "'self' data:"),
            ("form-action", "'self'"),
            ("frame-ancestors", "'none'"),
            ("base-uri", "'none'"),
            ("object-src", "'none'"),
        ] {
            assert_eq!(
                directives.get(directive).copied(),
                Some(value),
                "{path}: {directive} in CSP {csp:?}"
            );
        }
        assert_eq!(
            headers
                .get(header::X_FRAME_OPTIONS)
                .and_then(|v| v.to_str().ok()),
            Some("DENY"),
            "{path}"
        );
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

    // A code with a NUL in it is a wrong code to the person typing it: shown on its field.
    let response = browser
        .post_form(
            "/api/register",
            &register_form("Eleni", "Georgiou", &national),
        )
        .await;
    assert_see_other(&response, "/verify");
    let response = browser.post_form("/api/verify", &[("code", "\u{0}")]).await;
    assert_see_other(&response, "/verify");
    let html = browser.get_html("/verify").await;
    assert!(text_of(&html).contains("That code is not right"), "{html}");
    let code = field(&controls(&html), "Code", "code").clone();
    assert_eq!(code.attr("aria-invalid"), Some("true"), "{code:?}");
    assert_eq!(code.attr("aria-describedby"), Some("code-error"));
}

/// "You can ask for a new code in 42 s." beside the button: the seconds it gives.
fn resend_wait(html: &str) -> Option<u64> {
    let hint = text_by_id(html, "resend-wait")?;
    let secs = hint
        .strip_prefix("You can ask for a new code in ")
        .and_then(|rest| rest.strip_suffix(" s."))
        .unwrap_or_else(|| panic!("unexpected hint {hint:?}"));
    Some(secs.parse().expect("whole seconds"))
}

/// The cool-down as a person meets it on /verify (JavaScript off): the page says when a new code
/// can be asked for, and the "Send a new code" button is described by that; pressing it early
/// says how long to wait and sends nothing; once the time is up the hint is gone and the button
/// sends a code that works.
#[tokio::test]
async fn the_verify_page_says_when_a_new_code_can_be_sent() {
    // The real cool-down (60 s).
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
    let html = browser.get_html("/verify").await;
    let wait = resend_wait(&html).expect("the page says when a new code can be sent");
    assert!((55..=60).contains(&wait), "{wait} s");
    let resend = button(&controls(&html), "Send a new code", "/api/verify/resend").clone();
    assert_eq!(
        resend.attr("aria-describedby"),
        Some("resend-wait"),
        "{resend:?}"
    );

    let response = browser.post_form("/api/verify/resend", &[]).await;
    assert_see_other(&response, "/verify");
    let html = browser.get_html("/verify").await;
    let text = text_of(&html);
    let told = text
        .split("A code was sent only a moment ago. Please wait ")
        .nth(1)
        .and_then(|rest| rest.split(" seconds and ask for a new one.").next())
        .unwrap_or_else(|| panic!("no wait message: {text}"));
    let told: u64 = told.parse().expect("whole seconds");
    assert!((1..=wait).contains(&told), "told {told} s after {wait} s");
    assert!(resend_wait(&html).is_some_and(|w| w <= wait), "{html}");
    assert_eq!(
        app.outbox_to(&e164(&national)).await.len(),
        1,
        "nothing more was sent"
    );

    // A cool-down short enough to wait for (this part is about what happens after it).
    let app = spawn_app_with(|s| s.limits.otp_send_cooldown = Duration::from_secs(2)).await;
    let mut browser = Browser::new(&app);
    let national = unique_phone();
    let response = browser
        .post_form(
            "/api/register",
            &register_form("Eleni", "Georgiou", &national),
        )
        .await;
    assert_see_other(&response, "/verify");
    assert!(resend_wait(&browser.get_html("/verify").await).is_some_and(|w| (1..=2).contains(&w)));
    let deadline = Instant::now() + Duration::from_secs(10);
    let html = loop {
        let html = browser.get_html("/verify").await;
        if resend_wait(&html).is_none() {
            break html;
        }
        assert!(
            Instant::now() < deadline,
            "the cool-down did not end: {html}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let resend = button(&controls(&html), "Send a new code", "/api/verify/resend").clone();
    assert_eq!(resend.attr("aria-describedby"), None, "{resend:?}");
    let response = browser.post_form("/api/verify/resend", &[]).await;
    assert_see_other(&response, "/verify");
    let html = browser.get_html("/verify").await;
    assert!(text_of(&html).contains("We sent you a new code."), "{html}");
    assert!(resend_wait(&html).is_some(), "a new cool-down: {html}");
    let sent = app.outbox_to(&e164(&national)).await;
    assert_eq!(sent.len(), 2);
    let code = sent[0]["code"].as_str().unwrap();
    let response = browser.post_form("/api/verify", &[("code", code)]).await;
    assert_see_other(&response, "/profile");
}

/// Session fixation: signing in with a password gives a new session id, and the one held before
/// opens nothing.
#[tokio::test]
async fn password_sign_in_renews_the_session_id() {
    let app = spawn_app().await;
    let email = unique_email();
    let password = "a password to sign in with";
    app.signed_up_email(&email, password).await;

    let mut browser = Browser::new(&app);
    let form = |password: &'static str| {
        vec![
            ("method", "EMAIL"),
            ("country_code", ""),
            ("phone_number", ""),
            ("email", email.as_str()),
            ("password", password),
        ]
    };
    let response = browser
        .post_form("/api/sign-in/password", &form("not the password"))
        .await;
    assert_see_other(&response, "/sign-in");
    let before = browser
        .session
        .clone()
        .expect("a session before signing in");
    let response = browser
        .post_form("/api/sign-in/password", &form(password))
        .await;
    assert_see_other(&response, "/profile");
    let after = browser.session.clone().expect("a session after signing in");
    assert_ne!(after, before, "the session id is renewed at sign-in");
    assert!(text_of(&browser.get_html("/profile").await).contains("Andy Steward"));

    let mut old = Browser::new(&app);
    old.session = Some(before);
    assert_see_other(&old.get("/profile").await, "/sign-in");
}

/// A form body that is not UTF-8 (raw or percent-encoded) is a request that could not be read:
/// the form page again with the portal's own sentence, never a 500.
#[tokio::test]
async fn a_form_body_that_is_not_utf8_is_refused_as_unreadable() {
    let app = spawn_app().await;
    let client = crate::common::client_builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    let bodies = [
        b"code=%FF%FE%FD".to_vec(),
        b"code=\xff\xfe".to_vec(),
        b"\xff".to_vec(),
    ];
    let shapes = [
        ("application/x-www-form-urlencoded", true),
        ("application/x-www-form-urlencoded", false),
        ("application/json", false),
        ("text/plain", false),
    ];
    for (body, (content_type, referer)) in bodies
        .iter()
        .flat_map(|b| shapes.iter().map(move |s| (b, *s)))
    {
        let mut request = client
            .post(app.url("/api/verify"))
            .header(header::CONTENT_TYPE, content_type)
            .body(body.clone());
        if referer {
            request = request
                .header(header::ACCEPT, "text/html")
                .header(header::REFERER, app.url("/verify"));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(
            status.is_redirection() || status == StatusCode::BAD_REQUEST,
            "{} as {content_type} (referer {referer}): {status} {text}",
            String::from_utf8_lossy(body)
        );
    }
}

/// On /profile: an email added through the portal's own sign-in, then the phone removed (a
/// "Remove" button per way to sign in), then "Sign out everywhere" ends this browser too.
#[tokio::test]
async fn the_profile_adds_and_removes_ways_to_sign_in_and_signs_out_everywhere() {
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = Duration::ZERO;
        s.identity_removal_after = Duration::ZERO;
    })
    .await;
    let mut browser = Browser::new(&app);
    signed_up_in(&mut browser, &app).await;

    let email = unique_email();
    let form = [
        ("method", "EMAIL"),
        ("country_code", ""),
        ("phone_number", ""),
        ("email", email.as_str()),
    ];
    assert_see_other(
        &browser.post_form("/api/profile/identity", &form).await,
        "/verify",
    );
    let code = app.latest_code(&email).await;
    // Adding signs nobody in anew: the same browser, back on its profile.
    assert_see_other(
        &browser.post_form("/api/verify", &[("code", &code)]).await,
        "/profile",
    );
    let html = browser.get_html("/profile").await;
    assert!(
        text_of(&html).contains("Added: you can now sign in with it too."),
        "{html}"
    );
    assert!(text_of(&html).contains(&email), "{html}");

    let remove = controls(&html)
        .into_iter()
        .filter(|c| c.attr("name") == Some("identity_id"))
        .map(|c| c.attr("value").unwrap_or_default().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(remove.len(), 2, "a Remove button per way to sign in");
    let response = browser
        .post_form(
            "/api/profile/identity/remove",
            &[("identity_id", &remove[0])],
        )
        .await;
    assert_see_other(&response, "/profile");
    let html = browser.get_html("/profile").await;
    assert!(text_of(&html).contains("Removed."), "{html}");
    let left = controls(&html)
        .into_iter()
        .filter(|c| c.attr("name") == Some("identity_id"))
        .count();
    assert_eq!(left, 1, "one way to sign in is left: {html}");

    let response = browser.post_form("/api/sign-out/everywhere", &[]).await;
    assert_see_other(&response, "/sign-in");
    let response = browser.get("/profile").await;
    assert_see_other(&response, "/sign-in");
}

/// Every page names itself in its `<title>`, once, in the head.
#[tokio::test]
async fn each_page_has_a_title_of_its_own() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    for (path, title) in [
        ("/register", "Create your account · Contacts Portal"),
        ("/sign-in", "Sign in · Contacts Portal"),
        ("/agent/sign-in", "Back office sign-in · Contacts Portal"),
    ] {
        let html = browser.get_html(path).await;
        assert_eq!(html.matches("<title>").count(), 1, "{path}: {html}");
        let head = &html[..html.find("</head>").expect("a head")];
        assert!(
            head.contains(&format!("<title>{title}</title>")),
            "{path}: {head}"
        );
    }
    let mut agent = signed_in_agent(&app, "titles@agents.test", "agent").await;
    let html = agent.get_html("/agent/contacts").await;
    assert_eq!(html.matches("<title>").count(), 1, "{html}");
    assert!(
        html.contains("<title>Back office · Contacts Portal</title>"),
        "{html}"
    );
}

/// The header follows the visitor: signed out it offers an account and a sign-in, signed in the
/// profile only; the link of the page shown is marked as the current one.
#[tokio::test]
async fn the_header_knows_who_is_signed_in_and_where_they_are() {
    let app = spawn_app().await;
    let nav = |html: &str| {
        let start = html
            .find("class=\"site-nav\"")
            .unwrap_or_else(|| panic!("the site navigation: {html}"));
        let end = start + html[start..].find("</nav>").expect("its end");
        html[start..end].to_owned()
    };
    let mut browser = Browser::new(&app);
    let header = nav(&browser.get_html("/sign-in").await);
    assert!(header.contains(">Create account</a>"), "{header}");
    assert!(!header.contains(">Profile</a>"), "{header}");
    let current: Vec<&str> = header
        .split("<a")
        .filter(|a| a.contains("aria-current=\"page\""))
        .collect();
    assert_eq!(current.len(), 1, "{header}");
    assert!(current[0].contains("href=\"/sign-in\""), "{header}");

    signed_up_in(&mut browser, &app).await;
    let header = nav(&browser.get_html("/profile").await);
    assert!(header.contains(">Profile</a>"), "{header}");
    assert!(header.contains("aria-current=\"page\""), "{header}");
    assert!(
        !header.contains(">Sign in</a>") && !header.contains(">Create account</a>"),
        "signed in: {header}"
    );
}

/// The password form asks for the current password only when there is one.
#[tokio::test]
async fn the_profile_asks_for_a_current_password_only_when_one_is_set() {
    let app = spawn_app().await;
    let mut by_phone = Browser::new(&app);
    signed_up_in(&mut by_phone, &app).await;
    let phone_form = controls(&by_phone.get_html("/profile").await);
    assert!(
        labelled(&phone_form, "Current password").is_empty(),
        "no password yet: {phone_form:#?}"
    );
    button(&phone_form, "Set password", "/api/profile/password");

    let email = unique_email();
    app.signed_up_email(&email, "a password to sign in with")
        .await;
    let mut by_email = Browser::new(&app);
    let response = by_email
        .post_form(
            "/api/sign-in/password",
            &email_sign_in(&email, "a password to sign in with"),
        )
        .await;
    assert_see_other(&response, "/profile");
    let email_form = controls(&by_email.get_html("/profile").await);
    field(&email_form, "Current password", "current_password");
    button(&email_form, "Change password", "/api/profile/password");
}

/// Leptos writes inline scripts (its resources, for hydration one day): each page's policy
/// names its own nonce, so they run and no other inline script does; other answers keep the
/// policy without one.
#[tokio::test]
async fn each_page_lets_only_its_own_inline_scripts_run() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app);
    let mut nonces = Vec::new();
    for path in ["/register", "/sign-in", "/no-such-page"] {
        let response = browser.get(path).await;
        let policy = response
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let html = response.text().await.unwrap();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"))
            .to_owned();
        assert!(policy.contains("script-src 'self' 'nonce-"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let scripts = html.matches("<script").count();
        assert!(scripts > 0, "{path} has inline scripts");
        assert_eq!(
            html.matches(&format!("<script nonce=\"{nonce}\"")).count(),
            scripts,
            "{path}: every script carries the nonce"
        );
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "a nonce per response");
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    let policy = health.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("script-src 'self';"), "{policy}");
}
