//! Back-office agents in the portal: sign-in, roles, disabling, API keys, and the agent pages.

use crate::common::{spawn_app, TestApp};
use reqwest::{header, redirect, Client, Response, StatusCode};

const ADMIN: (&str, &str) = ("admin@example.com", "Admin-Passw0rd-long");
const AGENT: (&str, &str) = ("agent@example.com", "Agent-Passw0rd-long");

struct Browser {
    client: Client,
    cookie: Option<String>,
}

impl Browser {
    fn new() -> Self {
        Self {
            client: crate::common::client_builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    fn keep_cookie(&mut self, response: &Response) {
        if let Some(c) = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            self.cookie = c.split(';').next().map(str::to_owned);
        }
    }

    async fn get(&mut self, app: &TestApp, path: &str) -> Response {
        let mut request = self.client.get(app.url(path));
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    async fn post(&mut self, app: &TestApp, path: &str, form: &[(&str, &str)]) -> Response {
        let mut request = self
            .client
            .post(app.url(path))
            .header(header::ACCEPT, "text/html")
            .form(form);
        if let Some(c) = &self.cookie {
            request = request.header(header::COOKIE, c);
        }
        let response = request.send().await.unwrap();
        self.keep_cookie(&response);
        response
    }

    async fn sign_in(app: &TestApp, (email, password): (&str, &str)) -> Self {
        let mut browser = Self::new();
        let response = browser
            .post(
                app,
                "/api/agent/sign-in",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            "/agent/contacts"
        );
        browser
    }
}

fn location(response: &Response) -> &str {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

async fn app_with_agents() -> TestApp {
    let app = spawn_app().await;
    app.core
        .create_agent(
            &portal::services::Actor::System,
            ADMIN.0,
            "admin",
            ADMIN.1.into(),
        )
        .await
        .unwrap();
    app.core
        .create_agent(
            &portal::services::Actor::System,
            AGENT.0,
            "agent",
            AGENT.1.into(),
        )
        .await
        .unwrap();
    app
}

#[tokio::test]
async fn agent_pages_need_an_agent_session() {
    let app = app_with_agents().await;
    let mut anonymous = Browser::new();
    for page in [
        "/agent/contacts",
        "/agent/contacts/new",
        "/agent/organisations",
        "/agent/api-keys",
    ] {
        let response = anonymous.get(&app, page).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{page}");
        assert_eq!(location(&response), "/agent/sign-in");
    }
    // A customer's session is not an agent's.
    let mut customer = Browser::new();
    let national = crate::common::unique_phone();
    customer
        .post(
            &app,
            "/api/register",
            &[
                ("first_name", "Andy"),
                ("last_name", "Steward"),
                ("method", "PHONE"),
                ("country_code", "CYP"),
                ("phone_number", &national),
                ("terms", "on"),
            ],
        )
        .await;
    let code = app.latest_code(&crate::common::e164(&national)).await;
    let verified = customer.post(&app, "/api/verify", &[("code", &code)]).await;
    assert_eq!(location(&verified), "/profile");
    assert_eq!(
        location(&customer.get(&app, "/agent/contacts").await),
        "/agent/sign-in"
    );
}

#[tokio::test]
async fn a_wrong_password_gets_one_generic_message_and_sign_in_renews_the_session() {
    let app = app_with_agents().await;
    let mut browser = Browser::new();
    browser.get(&app, "/agent/sign-in").await;
    for (email, password) in [
        (ADMIN.0, "wrong password!"),
        ("nobody@example.com", "wrong password!"),
    ] {
        let response = browser
            .post(
                &app,
                "/api/agent/sign-in",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(location(&response), "/agent/sign-in");
        let page = browser
            .get(&app, "/agent/sign-in")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("The email or password is not correct."),
            "{page}"
        );
    }
    let before = browser.cookie.clone();
    let response = browser
        .post(
            &app,
            "/api/agent/sign-in",
            &[("email", ADMIN.0), ("password", ADMIN.1)],
        )
        .await;
    assert_eq!(location(&response), "/agent/contacts");
    assert_ne!(browser.cookie, before, "a new session id at sign-in");
    let page = browser.get(&app, "/agent/contacts").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.text().await.unwrap().contains("No contacts yet"),
        "the empty state says what to do"
    );
}

/// The text a page shows (tags stripped).
async fn page_text(browser: &mut Browser, app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = browser.get(app, path).await;
    let status = response.status();
    (
        status,
        crate::common::browser::text_of(&response.text().await.unwrap()),
    )
}

/// An admin action of the back office as a form post: the page it returns to, its endpoint, its
/// fields.
type AdminAction = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

fn admin_actions() -> Vec<AdminAction> {
    vec![
        (
            "agents",
            "/api/agent/agents/new",
            vec![
                ("email", "mallory@example.com"),
                ("role", "admin"),
                ("password", "Mallory-Passw0rd"),
            ],
        ),
        (
            "api-keys",
            "/api/agent/api-keys/new",
            vec![("kind", "backoffice"), ("label", "ERP")],
        ),
        (
            "organisations",
            "/api/agent/organisations/new",
            vec![("name", "Rogue"), ("org_type", "VENUE")],
        ),
    ]
}

#[tokio::test]
async fn an_agent_is_refused_every_admin_action_and_an_admin_is_not() {
    let app = app_with_agents().await;
    let mut agent = Browser::sign_in(&app, AGENT).await;
    for page in ["/agent/api-keys", "/agent/agents", "/agent/audit"] {
        let (status, text) = page_text(&mut agent, &app, page).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        assert!(text.contains("Admins only"), "{page}: {text}");
    }
    for (page, endpoint, form) in admin_actions() {
        let response = agent.post(&app, endpoint, &form).await;
        assert_eq!(location(&response), format!("/agent/{page}"), "{endpoint}");
        let (_, text) = page_text(&mut agent, &app, &format!("/agent/{page}")).await;
        assert!(
            text.contains("You cannot do that: only admins can do that."),
            "{endpoint}: the agent is told no: {text}"
        );
    }

    // The same actions by an admin go through.
    let mut admin = Browser::sign_in(&app, ADMIN).await;
    for (page, endpoint, form) in admin_actions() {
        admin.post(&app, endpoint, &form).await;
        let (_, text) = page_text(&mut admin, &app, &format!("/agent/{page}")).await;
        let done = match page {
            "agents" => "Created mallory@example.com (admin)",
            "api-keys" => "shown only now, copy it",
            _ => "Created Rogue",
        };
        assert!(text.contains(done), "{endpoint}: {text}");
    }
    let (_, text) = page_text(&mut admin, &app, "/agent/agents").await;
    assert!(text.contains("mallory@example.com"), "{text}");
    let (_, text) = page_text(&mut admin, &app, "/agent/organisations").await;
    assert!(text.contains("Rogue"), "{text}");

    // Every admin action is in the audit trail, naming who did it; the agent's refusals are not.
    let (status, audit) = page_text(&mut admin, &app, "/agent/audit").await;
    assert_eq!(status, StatusCode::OK);
    for entry in [
        "agent admin@example.com: agent created (mallory@example.com (admin))",
        "agent admin@example.com: api key created (sk_",
        "agent admin@example.com: organisation created (Rogue (VENUE))",
        "the operator: agent created (agent@example.com (agent))",
    ] {
        assert!(audit.contains(entry), "{entry} missing from: {audit}");
    }
    assert!(!audit.contains("agent agent@example.com:"), "{audit}");
}

#[tokio::test]
async fn admins_cannot_disable_or_demote_themselves() {
    let app = app_with_agents().await;
    let mut admin = Browser::sign_in(&app, ADMIN).await;
    let page = admin.get(&app, "/agent/agents").await.text().await.unwrap();
    // Agents are listed by email: the first row, and its forms' hidden field, are the admin's own.
    let own_id = page
        .split("name=\"agent_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an agent id on the page")
        .to_owned();
    for action in ["disable", "make-agent"] {
        admin
            .post(
                &app,
                "/api/agent/agents/update",
                &[("agent_id", &own_id), ("action", action)],
            )
            .await;
        let (_, text) = page_text(&mut admin, &app, "/agent/agents").await;
        assert!(
            text.contains("You cannot do that: you cannot"),
            "{action}: {text}"
        );
    }
    // Still an admin, still signed in.
    let (status, _) = page_text(&mut admin, &app, "/agent/api-keys").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn every_admin_service_call_refuses_an_agent_and_a_customer() {
    use portal::{
        domain::{ApiKeyKind, Role},
        services::Actor,
    };
    let app = app_with_agents().await;
    for actor in [
        Actor::Agent {
            id: "someone".into(),
            role: Role::Agent,
        },
        Actor::Customer("a-contact".into()),
    ] {
        let core = &app.core;
        let outcomes = [
            core.create_agent(&actor, "x@example.com", "admin", "Passw0rd-long-x".into())
                .await
                .err(),
            core.agents(&actor).await.err(),
            core.set_agent_disabled(&actor, "any", true).await.err(),
            core.set_agent_role(&actor, "any", "admin").await.err(),
            core.create_api_key(&actor, ApiKeyKind::Backoffice, None)
                .await
                .err(),
            core.api_keys(&actor).await.err(),
            core.revoke_api_key(&actor, "any").await.err(),
            core.create_organisation(&actor, Some("X"), Some("VENUE"))
                .await
                .err(),
            core.admin_audit(&actor, 10).await.err(),
        ];
        for (i, outcome) in outcomes.into_iter().enumerate() {
            assert!(
                matches!(outcome, Some(portal::services::AdminError::Forbidden(_))),
                "call {i} by {actor:?}: {outcome:?}"
            );
        }
    }
}

#[tokio::test]
async fn organisations_are_created_over_rest_with_a_back_office_key_only() {
    let app = app_with_agents().await;
    let body = serde_json::json!({"name": "Harbour Coffee", "org_type": "MERCHANT"});
    let with_public_key = app
        .client
        .post(app.url("/backoffice/v1/organisations"))
        .header("api_key", &app.api_key)
        .json(&body)
        .send()
        .await
        .unwrap();
    crate::common::assert_problem(with_public_key, StatusCode::UNAUTHORIZED, "INVALID_API_KEY")
        .await;
    let created = app
        .backoffice(reqwest::Method::POST, "/organisations", Some(body))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let mut admin = Browser::sign_in(&app, ADMIN).await;
    let (_, audit) = page_text(&mut admin, &app, "/agent/audit").await;
    assert!(
        audit.contains("API key sk_")
            && audit.contains("organisation created (Harbour Coffee (MERCHANT))"),
        "{audit}"
    );
}

#[tokio::test]
async fn api_keys_are_shown_once_and_revoked_keys_stop_working() {
    let app = app_with_agents().await;
    let mut admin = Browser::sign_in(&app, ADMIN).await;
    admin
        .post(
            &app,
            "/api/agent/api-keys/new",
            &[("kind", "backoffice"), ("label", "ERP")],
        )
        .await;
    // While it waits for the next page, the key is in the session row only sealed.
    let waiting = app.stored("SELECT data FROM sessions").await;
    let page = admin
        .get(&app, "/agent/api-keys")
        .await
        .text()
        .await
        .unwrap();
    let key = page
        .split("shown only now, copy it): ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the new key is shown once")
        .to_owned();
    assert!(key.starts_with("sk_"), "{key}");
    let secret_part = &key[key.len() - 16..];
    assert!(
        !format!("{waiting:?}").contains(secret_part),
        "the new key sat in clear in a session row"
    );
    let page = admin
        .get(&app, "/agent/api-keys")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&key), "shown only once");
    // The ERP key is the newest: listed first, its revoke form first.
    assert!(page.contains("ERP"));
    let key_id = page
        .split("name=\"key_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a revoke form")
        .to_owned();
    let api = app
        .client
        .get(app.url("/backoffice/v1/contacts"))
        .header("api_key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    admin
        .post(&app, "/api/agent/api-keys/revoke", &[("key_id", &key_id)])
        .await;
    let api = app
        .client
        .get(app.url("/backoffice/v1/contacts"))
        .header("api_key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        StatusCode::UNAUTHORIZED,
        "a revoked key stops working"
    );
}

#[tokio::test]
async fn a_disabled_agents_session_stops_working_at_once() {
    let app = app_with_agents().await;
    let mut agent = Browser::sign_in(&app, AGENT).await;
    assert_eq!(
        agent.get(&app, "/agent/contacts").await.status(),
        StatusCode::OK
    );
    let mut admin = Browser::sign_in(&app, ADMIN).await;
    let agent_id = app
        .core
        .agents(&portal::services::Actor::System)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.email == AGENT.0)
        .unwrap()
        .id;
    admin
        .post(
            &app,
            "/api/agent/agents/update",
            &[("agent_id", &agent_id), ("action", "disable")],
        )
        .await;
    assert_eq!(
        location(&agent.get(&app, "/agent/contacts").await),
        "/agent/sign-in"
    );
    let again = Browser::new()
        .post(
            &app,
            "/api/agent/sign-in",
            &[("email", AGENT.0), ("password", AGENT.1)],
        )
        .await;
    assert_eq!(
        location(&again),
        "/agent/sign-in",
        "a disabled agent cannot sign in"
    );
}

#[tokio::test]
async fn an_agent_creates_finds_edits_and_joins_a_contact() {
    let app = app_with_agents().await;
    let org = app
        .core
        .create_organisation(
            &portal::services::Actor::System,
            Some("DropHop"),
            Some("BUSINESS"),
        )
        .await
        .unwrap();
    let mut agent = Browser::sign_in(&app, AGENT).await;
    let guid = "0b5e7e52-8f4e-4b7f-9a3c-2f1d9c8e7a61";

    let refused = agent
        .post(
            &app,
            "/api/agent/contacts/new",
            &[
                ("contact_type", "PERSON"),
                ("id", guid),
                ("first_name", "Andy"),
                ("last_name", ""),
            ],
        )
        .await;
    assert_eq!(location(&refused), "/agent/contacts/new");
    let form = agent
        .get(&app, "/agent/contacts/new")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        form.contains("Last name is required") && form.contains("value=\"Andy\""),
        "errors shown, input kept"
    );
    assert_eq!(app.contact_count().await, 0, "nothing saved on error");

    let created = agent
        .post(
            &app,
            "/api/agent/contacts/new",
            &[
                ("contact_type", "PERSON"),
                ("id", guid),
                ("code", "CRM-42"),
                ("first_name", "Andy"),
                ("last_name", "Steward"),
                ("email", "andy@example.com"),
                ("country_code", "CYP"),
                ("phone_number", "99123456"),
            ],
        )
        .await;
    assert_eq!(location(&created), format!("/agent/contacts/{guid}"));
    let duplicate = agent
        .post(
            &app,
            "/api/agent/contacts/new",
            &[
                ("contact_type", "COMPANY"),
                ("id", guid),
                ("company_name", "Acme"),
            ],
        )
        .await;
    assert_eq!(location(&duplicate), "/agent/contacts/new");
    assert!(agent
        .get(&app, "/agent/contacts/new")
        .await
        .text()
        .await
        .unwrap()
        .contains("Another contact already has this ID."));

    for term in ["stew", "CRM-42", "andy@example.com", "99123456", "0b5e7e52"] {
        let page = agent
            .get(&app, &format!("/agent/contacts?search={term}"))
            .await
            .text()
            .await
            .unwrap();
        assert!(
            page.contains(&format!("/agent/contacts/{guid}")),
            "search {term:?} finds the contact"
        );
    }
    let none = agent
        .get(&app, "/agent/contacts?search=zzzqqq")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        none.contains("No contact matches"),
        "the no-result state says so"
    );

    agent
        .post(
            &app,
            "/api/agent/contacts/membership",
            &[
                ("id", guid),
                ("organisation_id", &org.id),
                ("action", "join"),
            ],
        )
        .await;
    let edited = agent
        .post(
            &app,
            "/api/agent/contacts/edit",
            &[
                ("id", guid),
                ("code", "CRM-42"),
                ("first_name", "Andrew"),
                ("last_name", "Steward"),
                ("email", "andy@example.com"),
                ("phone_number", "+35799123456"),
            ],
        )
        .await;
    assert_eq!(location(&edited), format!("/agent/contacts/{guid}"));
    let page = agent
        .get(&app, &format!("/agent/contacts/{guid}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Andrew Steward") && page.contains("Saved") && page.contains("DropHop"),
        "{page}"
    );
    for entry in [
        "agent agent@example.com: contact created",
        "organisation joined (DropHop)",
        "contact updated",
    ] {
        assert!(page.contains(entry), "the audit trail shows {entry:?}");
    }
    assert!(!page.contains("password"), "agents never see credentials");
    let missing = agent.get(&app, "/agent/contacts/no-such-contact").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
