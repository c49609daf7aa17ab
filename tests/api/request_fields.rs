//! Generated from the OpenAPI document, so that the document and the handlers cannot drift
//! apart: for every operation of every face, each documented request field (in the body, at any
//! depth, and in the query) is read by the handler as the document types it. A value of the
//! documented type is not refused for its type, and a value of another type is refused with an
//! error naming that field as the face spells it (its JSON path). A field documented but not
//! read, read under another name, or spelled differently in errors fails here, whichever face.

use reqwest::{Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::{
    common::{body_json, field_errors, spawn_app_with, TestApp},
    openapi::{document, METHODS},
};

/// Codes that say "this field is not taken as sent" (as opposed to "this value is not valid").
const REFUSALS: &[&str] = &["INVALID_TYPE", "UNSUPPORTED", "READ_ONLY", "UNKNOWN_FIELD"];

/// Documented fields that a face still refuses whenever they carry a value, each with why. The
/// test checks that each is still documented and still refused, so that this list cannot
/// outlive what it excuses.
const REFUSED_BY_DESIGN: &[(&str, &str, &str)] = &[(
    // CRM.COM's guest sign-in: this portal has no guests (README, "CRM.COM compatibility").
    "post",
    "/self-service/v2/contacts/authenticate",
    "login_as_guest",
)];

/// One documented field, as a body (or query) that sets only it.
struct Probe {
    /// The field as the face spells it in `errors[].field`.
    path: String,
    /// A value of the documented type.
    valid: Value,
    /// A value of another JSON type (`None`: any JSON value is documented as fine).
    wrong: Option<Value>,
}

/// Follows `$ref`s, and takes the one non-null member of an `Option`'s `oneOf`/`anyOf`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return resolve(doc, &doc["components"]["schemas"][name]);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(members) = schema[key].as_array() {
            let real: Vec<&Value> = members.iter().filter(|m| m["type"] != "null").collect();
            if real.len() == 1 {
                return resolve(doc, real[0]);
            }
        }
    }
    schema
}

/// The schema's JSON types, without `null`.
fn types(schema: &Value) -> Vec<String> {
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .map(str::to_owned)
            .collect(),
        _ if schema["properties"].is_object() => vec!["object".into()],
        _ if schema["enum"].is_array() => vec!["string".into()],
        _ => Vec::new(),
    }
}

/// A value of the documented scalar type, and one of another JSON type.
fn scalar(schema: &Value, kind: &str) -> (Value, Value) {
    let valid = match schema["enum"].as_array().and_then(|e| e.first()) {
        Some(first) => first.clone(),
        None => match kind {
            "boolean" => json!(true),
            "integer" | "number" => json!(1),
            _ => json!("probe"),
        },
    };
    // An array is no scalar's type, lenient or not.
    (valid, json!([1]))
}

/// Every field of an object schema, nested fields under their JSON path.
fn probes(doc: &Value, schema: &Value, depth: usize) -> Vec<Probe> {
    let schema = resolve(doc, schema);
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, property) in properties {
        let property = resolve(doc, property);
        if property["readOnly"] == true {
            continue;
        }
        let wrap = |v: Value| json!({ name: v });
        match types(property).as_slice() {
            [kind] if kind == "object" && depth < 4 => {
                for inner in probes(doc, property, depth + 1) {
                    out.push(Probe {
                        path: format!("{name}.{}", inner.path),
                        valid: wrap(inner.valid),
                        wrong: inner.wrong.map(wrap),
                    });
                }
                out.push(Probe {
                    path: name.clone(),
                    valid: wrap(json!({})),
                    wrong: Some(wrap(json!(42))),
                });
            }
            [kind] if kind == "array" => {
                let items = resolve(doc, &property["items"]);
                if types(items).as_slice() == ["object"] {
                    for inner in probes(doc, items, depth + 1) {
                        out.push(Probe {
                            path: format!("{name}[0].{}", inner.path),
                            valid: wrap(json!([inner.valid])),
                            wrong: inner.wrong.map(|w| wrap(json!([w]))),
                        });
                    }
                    out.push(Probe {
                        path: format!("{name}[0]"),
                        valid: wrap(json!([])),
                        wrong: Some(wrap(json!([42]))),
                    });
                }
                out.push(Probe {
                    path: name.clone(),
                    valid: wrap(json!([])),
                    wrong: Some(wrap(json!(42))),
                });
            }
            [kind] => {
                let (valid, wrong) = scalar(property, kind);
                out.push(Probe {
                    path: name.clone(),
                    valid: wrap(valid),
                    wrong: Some(wrap(wrong)),
                });
            }
            // Any JSON value (or a choice of types): only "not refused" can be checked.
            _ => out.push(Probe {
                path: name.clone(),
                valid: wrap(json!("probe")),
                wrong: None,
            }),
        }
    }
    out
}

/// Who is asking: a signed-in customer (renewed when a probe signs them out) and a back-office
/// contact for the back-office paths.
struct Caller<'a> {
    app: &'a TestApp,
    access_token: String,
    me: String,
    contact: String,
}

impl<'a> Caller<'a> {
    async fn new(app: &'a TestApp) -> Caller<'a> {
        let contact = app
            .backoffice_contact(
                json!({"type": "PERSON", "first_name": "Probe", "last_name": "Contact"}),
            )
            .await["id"]
            .as_str()
            .expect("back-office contact id")
            .to_owned();
        let mut caller = Caller {
            app,
            access_token: String::new(),
            me: String::new(),
            contact,
        };
        caller.sign_in().await;
        caller
    }

    async fn sign_in(&mut self) {
        let (_, tokens) = self.app.signed_up_phone().await;
        self.access_token = tokens["access_token"].as_str().unwrap().to_owned();
        let me = self.app.get_me(&self.access_token).await;
        assert_eq!(me.status(), StatusCode::OK);
        self.me = body_json(me).await["id"].as_str().unwrap().to_owned();
    }

    fn id_in(&self, path: &str) -> &str {
        if path.starts_with("/backoffice") {
            &self.contact
        } else {
            &self.me
        }
    }

    fn concrete(&self, path: &str) -> String {
        path.replace("{id}", self.id_in(path))
    }

    async fn call(
        &mut self,
        method: &str,
        path: &str,
        op: &Value,
        body: Option<&Value>,
        query: &[(String, String)],
    ) -> (StatusCode, Value) {
        let schemes: Vec<String> = op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_object())
            .flat_map(|s| s.keys().cloned())
            .collect();
        for _ in 0..2 {
            let mut request = self
                .app
                .client
                .request(
                    Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
                    self.app.url(&self.concrete(path)),
                )
                .query(query);
            if schemes.iter().any(|s| s == "bearer") {
                request = request.bearer_auth(&self.access_token);
            } else if schemes.iter().any(|s| s == "backoffice_key") {
                request = request.header("api_key", &self.app.backoffice_key);
            } else {
                request = request.header("api_key", &self.app.api_key);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let response = request.send().await.expect("request sent");
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            assert!(
                !text.contains("{field}"),
                "{method} {path}: a placeholder reached the client: {text}"
            );
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
            // A probe that signed the customer out (sign-out, unregister…): sign in again.
            if status == StatusCode::UNAUTHORIZED && value["code"] == "INVALID_TOKEN" {
                self.sign_in().await;
                continue;
            }
            return (status, value);
        }
        panic!("{method} {path}: refused the bearer token of a fresh sign-in");
    }
}

fn refused_by_design(method: &str, path: &str, field: &str) -> bool {
    REFUSED_BY_DESIGN
        .iter()
        .any(|(m, p, f)| *m == method && *p == path && *f == field)
}

#[tokio::test]
async fn every_documented_request_field_is_read_as_documented_and_named_as_sent() {
    // The send limits are not what this test is about; a probe must reach the request's reading.
    let app = spawn_app_with(|s| {
        s.limits.otp_send_cooldown = std::time::Duration::ZERO;
        s.limits.otp_sends_per_ip_per_hour = 10_000;
        s.limits.failed_logins_per_ip_per_hour = 10_000;
        s.limits.wrong_codes_per_ip_per_hour = 10_000;
        s.limits.claims_per_ip_per_hour = 10_000;
    })
    .await;
    let doc = document(&app).await;
    let mut caller = Caller::new(&app).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut still_refused = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let schema = &op["requestBody"]["content"]["application/json"]["schema"];
            let mut body_probes = probes(&doc, schema, 0);
            body_probes.sort_by(|a, b| a.path.cmp(&b.path));
            for probe in &mut body_probes {
                checked += 1;
                // The contact's own id may be sent back (a different one is refused).
                if probe.path == "id" && path.contains("{id}") {
                    probe.valid = json!({ "id": caller.id_in(path) });
                }
                let (status, answer) = caller.call(method, path, op, Some(&probe.valid), &[]).await;
                let refusal = field_errors(&answer)
                    .into_iter()
                    .find(|(f, c)| *f == probe.path && REFUSALS.contains(&c.as_str()));
                if status.is_server_error() {
                    failures.push(format!("{method} {path} {}: {status} {answer}", probe.path));
                }
                match (refusal, refused_by_design(method, path, &probe.path)) {
                    (Some((_, code)), false) => failures.push(format!(
                        "{method} {path}: {} = {} refused ({code}): {answer}",
                        probe.path, probe.valid
                    )),
                    (Some(_), true) => {
                        still_refused.push(format!("{method} {path} {}", probe.path))
                    }
                    (None, true) => failures.push(format!(
                        "{method} {path}: {} is taken now; strike it from REFUSED_BY_DESIGN",
                        probe.path
                    )),
                    (None, false) => {}
                }
                let Some(wrong) = &probe.wrong else {
                    continue;
                };
                let (status, answer) = caller.call(method, path, op, Some(wrong), &[]).await;
                let named = field_errors(&answer)
                    .into_iter()
                    .any(|(f, c)| f == probe.path && c == "INVALID_TYPE");
                if status != StatusCode::BAD_REQUEST || !named {
                    failures.push(format!(
                        "{method} {path}: {wrong} answered {status}, not INVALID_TYPE on {}: {answer}",
                        probe.path
                    ));
                }
            }
            for parameter in op["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] != "query" {
                    continue;
                }
                let name = parameter["name"].as_str().unwrap().to_owned();
                let schema = resolve(&doc, &parameter["schema"]);
                let kinds = types(schema);
                checked += 1;
                let (valid, wrong) = match kinds.first().map(String::as_str) {
                    Some("integer") => ("1", Some("one")),
                    Some("boolean") => ("true", Some("maybe")),
                    _ => ("probe", None),
                };
                let (status, answer) = caller
                    .call(method, path, op, None, &[(name.clone(), valid.into())])
                    .await;
                if field_errors(&answer).iter().any(|(f, _)| *f == name) || status.is_server_error()
                {
                    failures.push(format!("{method} {path}?{name}={valid}: {status} {answer}"));
                }
                if let Some(wrong) = wrong {
                    let (status, answer) = caller
                        .call(method, path, op, None, &[(name.clone(), wrong.into())])
                        .await;
                    let named = field_errors(&answer).iter().any(|(f, _)| *f == name);
                    if status != StatusCode::BAD_REQUEST || !named {
                        failures.push(format!(
                            "{method} {path}?{name}={wrong}: {status}, not an error on {name}: {answer}"
                        ));
                    }
                }
            }
        }
    }
    for (method, path, field) in REFUSED_BY_DESIGN {
        let line = format!("{method} {path} {field}");
        if !still_refused.contains(&line) {
            failures.push(format!(
                "{line}: in REFUSED_BY_DESIGN but not documented or not refused"
            ));
        }
    }
    assert!(
        checked >= 100,
        "only {checked} documented fields found: is the document read right?"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} fields:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn probes_follow_refs_options_and_lists() {
    let doc = json!({"components": {"schemas": {
        "Phone": {"type": "object", "properties": {"number": {"type": ["string", "null"]}}},
        "Body": {"type": "object", "properties": {
            "phone": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Phone"}]},
            "list": {"type": "array", "items": {"$ref": "#/components/schemas/Phone"}},
            "kind": {"type": "string", "enum": ["EMAIL", "PHONE"]},
            "flag": {"type": "boolean"},
            "anything": {},
        }}
    }}});
    let found: Map<String, Value> = probes(&doc, &json!({"$ref": "#/components/schemas/Body"}), 0)
        .into_iter()
        .map(|p| (p.path, json!([p.valid, p.wrong])))
        .collect();
    assert_eq!(
        found["phone.number"],
        json!([{"phone": {"number": "probe"}}, {"phone": {"number": [1]}}])
    );
    assert_eq!(found["phone"], json!([{"phone": {}}, {"phone": 42}]));
    assert_eq!(
        found["list[0].number"],
        json!([{"list": [{"number": "probe"}]}, {"list": [{"number": [1]}]}])
    );
    assert_eq!(found["list[0]"], json!([{"list": []}, {"list": [42]}]));
    assert_eq!(found["kind"], json!([{"kind": "EMAIL"}, {"kind": [1]}]));
    assert_eq!(found["flag"], json!([{"flag": true}, {"flag": [1]}]));
    assert_eq!(found["anything"], json!([{"anything": "probe"}, null]));
    assert_eq!(found["list"], json!([{"list": []}, {"list": 42}]));
    assert_eq!(found.len(), 8, "{found:#?}");
}
