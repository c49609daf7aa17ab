//! `/api-docs`: the OpenAPI document for people, rendered on the server from the document
//! itself (nothing downloaded, no JavaScript): every call with its summary, who may call it,
//! its parameters, its body's fields and its answers.

use serde_json::{Map, Value};

use super::html::{escape, page};

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// The whole page for a serialized document.
pub fn render(doc: &Value) -> String {
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let mut main = format!(
        "<h1>{}</h1><p class=\"lead\">{}</p><p>The machine-readable document: \
         <a href=\"/api-docs/openapi.json\">/api-docs/openapi.json</a> (OpenAPI {}).</p>",
        escape(title),
        inline_code(doc["info"]["description"].as_str().unwrap_or_default()),
        escape(doc["openapi"].as_str().unwrap_or_default()),
    );
    let empty = Map::new();
    let paths = doc["paths"].as_object().unwrap_or(&empty);
    let tags: Vec<&Value> = doc["tags"]
        .as_array()
        .map(|t| t.iter().collect())
        .unwrap_or_default();
    main.push_str("<nav class=\"card\"><ul>");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        main.push_str(&format!(
            "<li><a href=\"#{}\">{}</a></li>",
            anchor(name),
            escape(name)
        ));
    }
    main.push_str("</ul></nav>");
    for tag in &tags {
        let name = tag["name"].as_str().unwrap_or_default();
        main.push_str(&format!(
            "<section id=\"{}\"><h2>{}</h2><p>{}</p>",
            anchor(name),
            escape(name),
            inline_code(tag["description"].as_str().unwrap_or_default())
        ));
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(*method) else {
                    continue;
                };
                let in_tag = op["tags"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t == name));
                if in_tag {
                    main.push_str(&operation(doc, method, path, op));
                }
            }
        }
        main.push_str("</section>");
    }
    page(&format!("{title}: reference"), &main)
}

fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `like this` → <code>like this</code>, after escaping.
fn inline_code(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in escape(text).split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{part}</code>"));
        } else {
            out.push_str(part);
        }
    }
    out
}

fn operation(doc: &Value, method: &str, path: &str, op: &Value) -> String {
    let mut out = format!(
        "<article class=\"card\" id=\"{}-{}\"><h3><code>{} {}</code></h3><p>{}</p>",
        method,
        anchor(path),
        method.to_uppercase(),
        escape(path),
        inline_code(op["summary"].as_str().unwrap_or_default())
    );
    let security: Vec<String> = op["security"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|req| {
                    let names: Vec<&str> = req
                        .as_object()
                        .map(|o| o.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    if names.is_empty() {
                        "nothing".to_owned()
                    } else {
                        names.join(" + ")
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    if !security.is_empty() {
        out.push_str(&format!("<p>Sends: {}</p>", escape(&security.join(" or "))));
    }
    if let Some(params) = op["parameters"].as_array() {
        out.push_str("<h4>Parameters</h4><ul>");
        for p in params {
            out.push_str(&format!(
                "<li><code>{}</code> ({}){}: {} {}</li>",
                escape(p["name"].as_str().unwrap_or_default()),
                escape(p["in"].as_str().unwrap_or_default()),
                if p["required"] == true {
                    ", required"
                } else {
                    ""
                },
                escape(&type_name(doc, &p["schema"])),
                inline_code(p["description"].as_str().unwrap_or_default())
            ));
        }
        out.push_str("</ul>");
    }
    if let Some(content) = op["requestBody"]["content"].as_object() {
        for (media, body) in content {
            out.push_str(&format!("<h4>Body ({})</h4>", escape(media)));
            out.push_str(&fields(doc, &body["schema"], 0));
        }
    }
    out.push_str("<h4>Answers</h4><ul>");
    if let Some(responses) = op["responses"].as_object() {
        for (status, response) in responses {
            let response = resolve(doc, response);
            let mut line = format!(
                "<li><strong>{}</strong> {}",
                escape(status),
                inline_code(response["description"].as_str().unwrap_or_default())
            );
            if let Some(content) = response["content"].as_object() {
                for (media, body) in content {
                    line.push_str(&format!(
                        " <code>{}</code>: {}",
                        escape(media),
                        escape(&type_name(doc, &body["schema"]))
                    ));
                    if status.starts_with('2') {
                        line.push_str(&fields(doc, &body["schema"], 0));
                    }
                }
            }
            line.push_str("</li>");
            out.push_str(&line);
        }
    }
    out.push_str("</ul></article>");
    out
}

/// Follows a `$ref` within the document.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut value = value;
    for _ in 0..8 {
        let Some(reference) = value["$ref"].as_str() else {
            return value;
        };
        let target = reference
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(doc, |v, key| &v[key]));
        match target {
            Some(t) => value = t,
            None => return value,
        }
    }
    value
}

fn type_name(doc: &Value, schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        return reference.rsplit('/').next().unwrap_or(reference).to_owned();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(parts) = schema[key].as_array() {
            let names: Vec<String> = parts.iter().map(|p| type_name(doc, p)).collect();
            return names.join(" | ");
        }
    }
    let schema = resolve(doc, schema);
    if let Some(values) = schema["enum"].as_array() {
        let names: Vec<String> = values
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect();
        return names.join(" | ");
    }
    match &schema["type"] {
        Value::String(t) if t == "array" => format!("list of {}", type_name(doc, &schema["items"])),
        Value::String(t) => t.clone(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "object".to_owned(),
    }
}

/// An object's fields as a nested list (three levels at most: the rest is in the JSON).
fn fields<'a>(doc: &'a Value, schema: &'a Value, depth: usize) -> String {
    let schema = resolve(doc, schema);
    if depth > 2 {
        return String::new();
    }
    let mut properties: Vec<(&String, &Value)> = Vec::new();
    let mut required: Vec<&str> = Vec::new();
    let mut collect = |s: &'a Value| {
        let s = resolve(doc, s);
        if let Some(props) = s["properties"].as_object() {
            properties.extend(props.iter());
        }
        if let Some(req) = s["required"].as_array() {
            required.extend(req.iter().filter_map(Value::as_str));
        }
    };
    collect(schema);
    for part in schema["allOf"].as_array().into_iter().flatten() {
        collect(part);
    }
    if properties.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul>");
    for (name, field) in properties {
        let inner = match (&field["type"], field.get("$ref")) {
            (_, Some(_)) => fields(doc, field, depth + 1),
            (Value::String(t), _) if t == "array" => fields(doc, &field["items"], depth + 1),
            _ => fields(doc, field, depth + 1),
        };
        out.push_str(&format!(
            "<li><code>{}</code>{}: {} {}{}</li>",
            escape(name),
            if required.contains(&name.as_str()) {
                " (required)"
            } else {
                ""
            },
            escape(&type_name(doc, field)),
            inline_code(
                resolve(doc, field)["description"]
                    .as_str()
                    .unwrap_or_default()
            ),
            inner
        ));
    }
    out.push_str("</ul>");
    out
}
