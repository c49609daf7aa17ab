//! The OpenAPI document and the routes cannot drift apart: every documented call is answered
//! by a route, no route answers a method the document does not name, and the API's routes are
//! only ever registered through the annotated handlers.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{body_json, spawn_app};

pub const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// The served OpenAPI document.
pub async fn document(app: &crate::common::TestApp) -> Value {
    let response = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    body_json(response).await
}

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { "x" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_documented_call_has_a_route_and_every_route_is_documented() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 28, "{} paths", paths.len());
    for (path, item) in paths {
        for method in METHODS {
            let documented = item.get(*method).is_some();
            let response = app
                .client
                .request(
                    Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                    app.url(&concrete(path)),
                )
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            if documented {
                // No credentials: the call is refused, by the route (not the fallback).
                assert!(
                    status != StatusCode::NOT_FOUND || !body.contains("\"NOT_FOUND\""),
                    "{method} {path} is documented but has no route: {status} {body}"
                );
                assert_ne!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path}: {body}"
                );
                assert!(status.is_client_error(), "{method} {path}: {status} {body}");
            } else {
                assert_eq!(
                    status,
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is answered but not documented: {body}"
                );
            }
        }
    }
}

/// The routes of src/api are registered only with `routes!(…)`, which takes a route and its
/// description from one `#[utoipa::path]` annotation. A plain axum `.route(` there would be a
/// route the document cannot know about; the only ones allowed serve the document itself and
/// the development outbox.
#[test]
fn api_routes_come_only_from_annotated_handlers() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    let mut stack = vec![root];
    let mut offenders = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let raw_route = line.contains(".route(") || line.contains("routing::");
                // The document's own two routes, in mod.rs; the outbox (development only).
                let serves_the_document = name == "mod.rs"
                    && (line.contains("routing::get")
                        || lines[i..(i + 3).min(lines.len())]
                            .iter()
                            .any(|l| l.contains("\"/api-docs")));
                if raw_route && !serves_the_document && name != "dev.rs" {
                    offenders.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes outside routes!(): {offenders:#?}"
    );
}

#[tokio::test]
async fn every_call_names_who_may_call_it_and_its_problems() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["api_key"]["type"], "apiKey");
    assert_eq!(schemes["api_key"]["name"], "api_key");
    assert_eq!(schemes["api_key"]["in"], "header");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["backoffice_key"]["name"], "api_key");
    let codes = doc["components"]["schemas"]["Problem"]["properties"]["code"]["description"]
        .as_str()
        .unwrap();
    for code in [
        "VALIDATION_FAILED",
        "INVALID_OTP",
        "TOO_MANY_REQUESTS",
        "IDENTITY_TAKEN",
        "INTERNAL",
    ] {
        assert!(codes.contains(code), "{code} not listed: {codes}");
    }
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let security = op["security"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path}: no security"));
            let names: Vec<&str> = security
                .iter()
                .flat_map(|s| s.as_object().unwrap().keys().map(String::as_str))
                .collect();
            let expected = if path.starts_with("/backoffice") {
                "backoffice_key"
            } else if path.contains("/me") || path.contains("{id}") || path.ends_with("/refresh") {
                "bearer"
            } else {
                "api_key"
            };
            assert!(names.contains(&expected), "{method} {path}: {names:?}");
            for status in ["400", "401", "429", "500", "503"] {
                let response = &op["responses"][status];
                assert!(
                    !response.is_null(),
                    "{method} {path} does not document {status}"
                );
            }
            assert!(
                op["responses"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .any(|s| s.starts_with('2')),
                "{method} {path}: no success answer"
            );
        }
    }
    let page = app.client.get(app.url("/api-docs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(*method).is_some() {
                let line = format!("{} {}", method.to_uppercase(), path);
                assert!(html.contains(&line), "/api-docs does not show {line}");
            }
        }
    }
    assert!(!html.contains("<script"), "the page needs no JavaScript");
}

/// Each CRM.COM v2 call this portal's features cover exists, with CRM.COM's method and path.
#[tokio::test]
async fn the_crm_com_v2_calls_are_there() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    for (method, path) in [
        ("post", "/contacts/register"),
        ("post", "/contacts/otp"),
        ("post", "/contacts/validate_otp"),
        ("post", "/contacts/authenticate"),
        ("post", "/contacts/refresh"),
        ("post", "/contacts/{id}/sign_out"),
        ("get", "/contacts/{id}"),
        ("put", "/contacts/{id}"),
        ("delete", "/contacts/{id}"),
        ("post", "/contacts/{id}/identities"),
        ("get", "/contacts/{id}/organisations"),
        ("post", "/contacts/forgot_password"),
        ("post", "/contacts/change_password"),
        ("post", "/contacts/{id}/change_password"),
    ] {
        let full = format!("/self-service/v2{path}");
        assert!(
            doc["paths"][&full][method].is_object(),
            "{method} {full} is missing"
        );
    }
}
