//! The Back-Office API (DESIGN.md §4): contacts, search and paging, organisations, memberships.

use crate::common::{assert_problem, body_json, field_errors, spawn_app, TestApp};
use portal::{domain::ApiKeyKind, services::Actor};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

const BO: &str = "/backoffice/v1";

struct Backoffice {
    app: TestApp,
    key: String,
}

impl Backoffice {
    async fn new() -> Self {
        let app = spawn_app().await;
        let key = app
            .core
            .create_api_key(&Actor::System, ApiKeyKind::Backoffice, None)
            .await
            .expect("a back-office key");
        Self { app, key }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Response {
        let mut request = self
            .app
            .client
            .request(method, self.app.url(&format!("{BO}{path}")))
            .header("api_key", &self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    async fn create(&self, body: Value) -> Response {
        self.call(Method::POST, "/contacts", Some(body)).await
    }

    async fn created(&self, body: Value) -> Value {
        let response = self.create(body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        body_json(response).await
    }

    async fn list(&self, query: &str) -> Value {
        let response = self
            .call(Method::GET, &format!("/contacts?{query}"), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        body_json(response).await
    }
}

fn person(first: &str, last: &str) -> Value {
    json!({ "type": "PERSON", "first_name": first, "last_name": last })
}

#[tokio::test]
async fn a_person_is_created_with_the_id_given_and_a_generated_code() {
    let bo = Backoffice::new().await;
    let id = "6f1c1f0e-8a4b-4c47-9d55-2d1f8c3a9b10";
    let mut body = person("Andy", "Steward");
    body["id"] = json!(id);
    body["email"] = json!("Andy@Example.com");
    body["phone"] = json!({ "number": "99 123456", "country_code": "CYP" });
    body["sms_opt_out"] = json!("true");
    let contact = bo.created(body).await;
    assert_eq!(contact["id"], id);
    assert_eq!(contact["type"], "PERSON");
    assert_eq!(contact["email"], "andy@example.com");
    assert_eq!(contact["phone"], "+35799123456");
    assert_eq!(contact["sms_opt_out"], true);
    assert_eq!(contact["is_verified"], false);
    assert!(
        contact["code"]
            .as_str()
            .is_some_and(|c| c.starts_with("C-")),
        "{contact}"
    );

    let generated = bo.created(person("Maria", "Georgiou")).await;
    assert_eq!(
        generated["id"].as_str().map(str::len),
        Some(36),
        "a UUID is generated: {generated}"
    );
}

#[tokio::test]
async fn ids_of_37_characters_and_bad_input_are_refused_with_field_errors() {
    let bo = Backoffice::new().await;
    let mut body = person("Andy", "Steward");
    body["id"] = json!("x".repeat(37));
    let problem = assert_problem(
        bo.create(body).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert!(
        field_errors(&problem).contains(&("id".into(), "TOO_LONG".into())),
        "{problem}"
    );

    let problem = assert_problem(
        bo.create(json!({ "type": "PERSON" })).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    let errors = field_errors(&problem);
    assert!(
        errors.contains(&("first_name".into(), "REQUIRED".into())),
        "{problem}"
    );
    assert!(
        errors.contains(&("last_name".into(), "REQUIRED".into())),
        "{problem}"
    );

    let problem = assert_problem(
        bo.create(json!({ "type": "COMPANY" })).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert!(
        field_errors(&problem).contains(&("company_name".into(), "REQUIRED".into())),
        "{problem}"
    );

    let problem = assert_problem(
        bo.create(json!({ "type": "ROBOT" })).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert!(
        field_errors(&problem).iter().any(|(f, _)| f == "type"),
        "{problem}"
    );

    let mut body = person("Andy", "Steward");
    body["phone"] = json!({ "number": "12", "country_code": "CYP" });
    let problem = assert_problem(
        bo.create(body).await,
        StatusCode::BAD_REQUEST,
        "INVALID_PHONE_NUMBER",
    )
    .await;
    assert_eq!(
        field_errors(&problem),
        vec![("phone.number".to_owned(), "INVALID_PHONE_NUMBER".to_owned())]
    );

    let response = bo
        .app
        .client
        .post(bo.app.url(&format!("{BO}/contacts")))
        .header("api_key", &bo.key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "MALFORMED_JSON").await;
    assert_eq!(bo.app.contact_count().await, 0, "nothing is saved on error");
}

#[tokio::test]
async fn taken_ids_and_codes_get_a_clean_409() {
    let bo = Backoffice::new().await;
    let mut body = person("Andy", "Steward");
    body["id"] = json!("EXT-1");
    body["code"] = json!("CRM-1");
    bo.created(body).await;

    let mut same_id = person("Other", "Person");
    same_id["id"] = json!("EXT-1");
    assert_problem(
        bo.create(same_id).await,
        StatusCode::CONFLICT,
        "CONTACT_ID_TAKEN",
    )
    .await;
    let mut same_code = person("Other", "Person");
    same_code["code"] = json!("CRM-1");
    assert_problem(
        bo.create(same_code).await,
        StatusCode::CONFLICT,
        "CONTACT_CODE_TAKEN",
    )
    .await;
    assert_eq!(bo.app.contact_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creations_with_one_id_or_code_make_exactly_one_contact() {
    let bo = Backoffice::new().await;
    for (field, value, code) in [
        ("id", "SAME-ID", "CONTACT_ID_TAKEN"),
        ("code", "SAME-CODE", "CONTACT_CODE_TAKEN"),
    ] {
        let requests = (0..10).map(|i| {
            let mut body = person(&format!("First{i}"), "Racer");
            body[field] = json!(value);
            bo.create(body)
        });
        let responses = futures::future::join_all(requests).await;
        let mut winners = Vec::new();
        for response in responses {
            match response.status() {
                StatusCode::CREATED => winners.push(body_json(response).await),
                StatusCode::CONFLICT => assert_eq!(body_json(response).await["code"], code),
                other => panic!(
                    "unexpected {other}: {}",
                    response.text().await.unwrap_or_default()
                ),
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "exactly one creation with {field} {value} wins"
        );
        // What is stored is the winner, whole: no loser's fields mixed in.
        let found = bo.list(&format!("search={value}")).await;
        assert_eq!(found["paging"]["total"], 1, "{found}");
        assert_eq!(found["content"][0], winners[0], "{found}");
    }
    assert_eq!(bo.app.contact_count().await, 2);
}

#[tokio::test]
async fn credentials_are_never_accepted() {
    let bo = Backoffice::new().await;
    for extra in [
        json!({"password": "secret-secret"}),
        json!({"identity": {"provider": "EMAIL"}}),
        json!({"credentials": []}),
    ] {
        let mut body = person("Andy", "Steward");
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        assert_problem(
            bo.create(body).await,
            StatusCode::BAD_REQUEST,
            "CREDENTIALS_NOT_ALLOWED",
        )
        .await;
    }
    let contact = bo.created(person("Andy", "Steward")).await;
    let id = contact["id"].as_str().unwrap();
    let response = bo
        .call(
            Method::PATCH,
            &format!("/contacts/{id}"),
            Some(json!({"password": "x"})),
        )
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "CREDENTIALS_NOT_ALLOWED").await;
}

#[tokio::test]
async fn only_a_live_back_office_key_opens_the_api() {
    let bo = Backoffice::new().await;
    let url = bo.app.url(&format!("{BO}/contacts"));
    let response = bo.app.client.get(&url).send().await.unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;
    // The self-service key of the harness is public: it must not open the back office.
    let response = bo
        .app
        .client
        .get(&url)
        .header("api_key", &bo.app.api_key)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;
    let response = bo
        .app
        .client
        .get(&url)
        .header("api_key", "sk_not-a-key")
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "INVALID_API_KEY").await;
}

#[tokio::test]
async fn contacts_are_listed_newest_first_in_pages() {
    let bo = Backoffice::new().await;
    for i in 0..25 {
        bo.created(person(&format!("P{i:02}"), "Pager")).await;
        // Creation times are kept to the millisecond: the next one starts once the clock has
        // moved past this one's, so that "newest" is defined.
        crate::common::wait_for_the_next_millisecond().await;
    }
    let first = bo.list("page=1&size=10").await;
    assert_eq!(
        first["paging"],
        json!({"page": 1, "size": 10, "has_more": true, "total": 25})
    );
    assert_eq!(first["content"].as_array().unwrap().len(), 10);
    assert_eq!(first["content"][0]["first_name"], "P24", "newest first");
    let last = bo.list("page=3&size=10").await;
    assert_eq!(
        last["paging"],
        json!({"page": 3, "size": 10, "has_more": false, "total": 25})
    );
    assert_eq!(last["content"].as_array().unwrap().len(), 5);
    let response = bo.call(Method::GET, "/contacts?page=0", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    let response = bo.call(Method::GET, "/contacts?size=lots", None).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
}

#[tokio::test]
async fn search_matches_name_company_email_phone_code_and_id() {
    let bo = Backoffice::new().await;
    let mut andy = person("Andy", "Steward");
    andy["id"] = json!("EXT-ANDY-42");
    andy["code"] = json!("CRM-7788");
    andy["email"] = json!("andy.steward@example.com");
    andy["phone"] = json!({"number": "99123456", "country_code": "CYP"});
    bo.created(andy).await;
    bo.created(json!({"type": "COMPANY", "company_name": "Blue Fin Ltd", "email": "accounts@bluefin.example"})).await;
    bo.created(person("Ελένη", "Παπαδοπούλου")).await;
    for _ in 0..3 {
        bo.created(person("Someone", "Else")).await;
    }
    for (term, expected) in [
        ("steward", "Steward"),
        ("STEW", "Steward"),
        ("blue fin", "Blue Fin Ltd"),
        ("andy.steward@", "Steward"),
        ("99123456", "Steward"),
        ("crm-7788", "Steward"),
        ("EXT-ANDY", "Steward"),
        ("παπαδ", "Παπαδοπούλου"),
        ("an", "Steward"),
    ] {
        let found = bo.list(&format!("search={}", urlencode(term))).await;
        let names: Vec<String> = found["content"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["last_name"]
                    .as_str()
                    .or(c["company_name"].as_str())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        assert!(
            names.iter().any(|n| n == expected),
            "{term:?} should find {expected}: {names:?}"
        );
    }
    let none = bo.list("search=zzzzqqq").await;
    assert_eq!(none["paging"]["total"], 0);
    assert_eq!(none["content"], json!([]));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn self_registered_customers_are_contacts_like_any_other() {
    let bo = Backoffice::new().await;
    let (_, tokens) = bo.app.signed_up_phone().await;
    let id = tokens["contact"]["id"].as_str().unwrap();
    let found = bo.list("search=steward").await;
    assert_eq!(found["content"][0]["id"], id);
    let detail = body_json(bo.call(Method::GET, &format!("/contacts/{id}"), None).await).await;
    assert_eq!(detail["is_verified"], true);
    let identity = &detail["identities"][0];
    assert_eq!(identity["provider"], "PHONE");
    let masked = identity["value"].as_str().unwrap();
    assert!(
        masked.contains('*'),
        "identities are masked for agents: {masked}"
    );
    assert!(!detail.to_string().contains("password_hash"), "{detail}");
}

#[tokio::test]
async fn get_patch_and_delete_a_contact() {
    let bo = Backoffice::new().await;
    assert_problem(
        bo.call(Method::GET, "/contacts/nope", None).await,
        StatusCode::NOT_FOUND,
        "CONTACT_NOT_FOUND",
    )
    .await;
    let contact = bo.created(person("Andy", "Steward")).await;
    let id = contact["id"].as_str().unwrap();

    let response = bo
        .call(
            Method::PATCH,
            &format!("/contacts/{id}"),
            Some(json!({
                "first_name": "Andrew", "title": "Dr", "email": "andrew@example.com",
                "phone": {"number": "+447400123456"}, "email_opt_out": true,
            })),
        )
        .await;
    let status = response.status();
    let patched = body_json(response).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["first_name"], "Andrew");
    assert_eq!(patched["last_name"], "Steward", "fields not sent are kept");
    assert_eq!(patched["title"], "Dr");
    assert_eq!(patched["phone"], "+447400123456");
    assert_eq!(patched["email_opt_out"], true);

    let response = bo
        .call(
            Method::PATCH,
            &format!("/contacts/{id}"),
            Some(json!({"last_name": null})),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert!(field_errors(&problem).contains(&("last_name".into(), "REQUIRED".into())));
    let response = bo
        .call(
            Method::PATCH,
            &format!("/contacts/{id}"),
            Some(json!({"id": "other"})),
        )
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;

    let detail = body_json(bo.call(Method::GET, &format!("/contacts/{id}"), None).await).await;
    let actions: Vec<&str> = detail["audit"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        vec!["CONTACT_UPDATED", "CONTACT_CREATED"],
        "the audit trail, newest first"
    );
    assert_eq!(detail["audit"][0]["actor_kind"], "API_KEY");

    assert_eq!(
        bo.call(Method::DELETE, &format!("/contacts/{id}"), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        bo.call(Method::GET, &format!("/contacts/{id}"), None).await,
        StatusCode::NOT_FOUND,
        "CONTACT_NOT_FOUND",
    )
    .await;
    assert_problem(
        bo.call(Method::DELETE, &format!("/contacts/{id}"), None)
            .await,
        StatusCode::NOT_FOUND,
        "CONTACT_NOT_FOUND",
    )
    .await;
}

#[tokio::test]
async fn organisations_and_memberships() {
    let bo = Backoffice::new().await;
    let response = bo
        .call(
            Method::POST,
            "/organisations",
            Some(json!({"name": "DropHop", "org_type": "BUSINESS"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let org = body_json(response).await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(org["org_type"], "BUSINESS");
    let response = bo
        .call(
            Method::POST,
            "/organisations",
            Some(json!({"name": "X", "org_type": "CLUB"})),
        )
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "VALIDATION_FAILED").await;
    assert!(field_errors(&problem).iter().any(|(f, _)| f == "org_type"));
    let listed = body_json(bo.call(Method::GET, "/organisations", None).await).await;
    assert_eq!(listed["content"][0]["name"], "DropHop");

    // A self-registered customer joins: its next token response names the organisation.
    let (national, tokens) = bo.app.signed_up_phone().await;
    let id = tokens["contact"]["id"].as_str().unwrap();
    let join = bo
        .call(
            Method::PUT,
            &format!("/contacts/{id}/organisations/{org_id}"),
            None,
        )
        .await;
    assert_eq!(join.status(), StatusCode::NO_CONTENT);
    let again = bo
        .call(
            Method::PUT,
            &format!("/contacts/{id}/organisations/{org_id}"),
            None,
        )
        .await;
    assert_eq!(
        again.status(),
        StatusCode::NO_CONTENT,
        "joining twice is harmless"
    );
    let refreshed = body_json(
        bo.app
            .refresh(tokens["refresh_token"].as_str().unwrap())
            .await,
    )
    .await;
    assert_eq!(
        refreshed["organisations"],
        json!([{"name": "DropHop", "id": org_id, "org_type": "BUSINESS"}])
    );
    let _ = national;

    let unknown = bo
        .call(
            Method::PUT,
            &format!("/contacts/{id}/organisations/no-such-org"),
            None,
        )
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "ORGANISATION_NOT_FOUND").await;
    let no_contact = bo
        .call(
            Method::PUT,
            &format!("/contacts/nobody/organisations/{org_id}"),
            None,
        )
        .await;
    assert_problem(no_contact, StatusCode::NOT_FOUND, "CONTACT_NOT_FOUND").await;

    let leave = bo
        .call(
            Method::DELETE,
            &format!("/contacts/{id}/organisations/{org_id}"),
            None,
        )
        .await;
    assert_eq!(leave.status(), StatusCode::NO_CONTENT);
    let detail = body_json(bo.call(Method::GET, &format!("/contacts/{id}"), None).await).await;
    assert_eq!(detail["organisations"], json!([]));
}

#[tokio::test]
async fn a_contact_can_join_organisations_when_created_and_nothing_is_saved_on_a_bad_one() {
    let bo = Backoffice::new().await;
    let org = body_json(
        bo.call(
            Method::POST,
            "/organisations",
            Some(json!({"name": "Harbour Coffee", "org_type": "MERCHANT"})),
        )
        .await,
    )
    .await;
    let mut body = person("Andy", "Steward");
    body["organisations"] = json!([org["id"]]);
    let contact = bo.created(body).await;
    let detail = body_json(
        bo.call(
            Method::GET,
            &format!("/contacts/{}", contact["id"].as_str().unwrap()),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(detail["organisations"][0]["name"], "Harbour Coffee");

    let mut body = person("Maria", "Georgiou");
    body["organisations"] = json!(["no-such-org"]);
    let problem = assert_problem(
        bo.create(body).await,
        StatusCode::BAD_REQUEST,
        "VALIDATION_FAILED",
    )
    .await;
    assert_eq!(field_errors(&problem)[0].0, "organisations");
    assert_eq!(
        bo.app.contact_count().await,
        1,
        "the contact was not half-written"
    );
}
