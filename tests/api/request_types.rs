//! The document and the handlers read the same types. Every request type a handler reads derives
//! both its reading (serde) and its schema (utoipa): this holds the two to the same fields, so a
//! field added to a request type appears in the document with no further edit, and a field read
//! but left out of the document (`#[schema(ignore)]`, `#[serde(flatten)]`, a rename on one side
//! only) fails here. The list of types is held to the document in turn: every object schema a
//! request body reaches, at any depth, is one of them, and each of them is reached.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::Value;
use utoipa::ToSchema;

use crate::{
    common::spawn_app,
    openapi::{document, METHODS},
};
use portal::api::{backoffice, self_service, v2};

/// A deserializer that answers nothing and records the fields serde asks a struct for.
struct FieldRecorder<'a>(&'a mut Option<&'static [&'static str]>);

#[derive(Debug)]
struct Recorded;

impl std::fmt::Display for Recorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not read as a plain struct")
    }
}

impl std::error::Error for Recorded {}

impl de::Error for Recorded {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Recorded
    }
}

impl<'de> Deserializer<'de> for FieldRecorder<'_> {
    type Error = Recorded;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Recorded> {
        Err(Recorded)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Recorded> {
        *self.0 = Some(fields);
        Err(Recorded)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The JSON keys serde reads `T` from; `None` when `T` is not read as a plain struct (a
/// `flatten` reads it as a map, whose keys serde does not tell).
fn read_fields<T: DeserializeOwned>() -> Option<BTreeSet<String>> {
    let mut fields = None;
    let _ = T::deserialize(FieldRecorder(&mut fields));
    fields.map(|f| f.iter().map(|s| (*s).to_owned()).collect())
}

/// A request type: the name of its schema and the fields serde reads it from.
fn entry<T: DeserializeOwned + ToSchema>() -> (String, Option<BTreeSet<String>>) {
    (T::name().into_owned(), read_fields::<T>())
}

/// Every type a handler reads a JSON body (or a part of one) as.
fn request_types() -> Vec<(String, Option<BTreeSet<String>>)> {
    use backoffice::requests as bo;
    use self_service::requests as v1;
    use v2::requests as v2r;
    vec![
        entry::<v1::RegisterRequest>(),
        entry::<v1::IdentityRequest>(),
        entry::<v1::RequestOtpRequest>(),
        entry::<v1::Credential>(),
        entry::<v1::ValidateOtpRequest>(),
        entry::<v1::AuthenticateRequest>(),
        entry::<v1::RefreshRequest>(),
        entry::<v1::ProfileUpdateRequest>(),
        entry::<v1::ChangePasswordRequest>(),
        entry::<v1::ClaimRequest>(),
        entry::<v1::IdentificationItem>(),
        entry::<v1::ForgotPasswordRequest>(),
        entry::<v1::ResetPasswordRequest>(),
        entry::<v2r::RegisterRequest>(),
        entry::<v2r::Identification>(),
        entry::<v2r::PhoneIn>(),
        entry::<v2r::OtpRequest>(),
        entry::<v2r::ValidateOtpRequest>(),
        entry::<v2r::AuthenticateRequest>(),
        entry::<v2r::RefreshRequest>(),
        entry::<v2r::ContactUpdate>(),
        entry::<v2r::ForgotPasswordRequest>(),
        entry::<v2r::ChangeForgottenPasswordRequest>(),
        entry::<bo::NewContactRequest>(),
        entry::<bo::Phone>(),
        entry::<bo::ContactPatchRequest>(),
        entry::<bo::OrganisationRequest>(),
    ]
}

/// The component names a schema refers to, at any depth.
fn refs(schema: &Value, out: &mut BTreeSet<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.insert(
                    reference
                        .trim_start_matches("#/components/schemas/")
                        .to_owned(),
                );
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The object schemas the request bodies reach, by name, with their documented properties.
fn documented_request_schemas(doc: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut pending = BTreeSet::new();
    for item in doc["paths"].as_object().expect("paths").values() {
        for method in METHODS {
            refs(&item[*method]["requestBody"], &mut pending);
        }
    }
    let mut reached = BTreeMap::new();
    while let Some(name) = pending.pop_first() {
        if reached.contains_key(&name) {
            continue;
        }
        let schema = &doc["components"]["schemas"][&name];
        let Some(properties) = schema["properties"].as_object() else {
            continue; // an enum or a scalar: nothing of it is read by name
        };
        reached.insert(name, properties.keys().cloned().collect());
        refs(schema, &mut pending);
    }
    reached
}

#[tokio::test]
async fn the_document_and_the_handlers_read_the_same_fields_of_the_same_types() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let documented = documented_request_schemas(&doc);
    let read: BTreeMap<String, Option<BTreeSet<String>>> = request_types().into_iter().collect();

    assert!(
        documented.len() >= 20,
        "the document's request bodies reach only {:?}",
        documented.keys()
    );
    let mut problems = Vec::new();
    for name in documented.keys().filter(|n| !read.contains_key(*n)) {
        problems.push(format!(
            "{name}: a request body documents it, but request_types() does not list the type read"
        ));
    }
    for (name, fields) in &read {
        let Some(properties) = documented.get(name) else {
            problems.push(format!(
                "{name}: listed as read, but no request body documents it"
            ));
            continue;
        };
        let Some(fields) = fields else {
            problems.push(format!(
                "{name}: not read as a plain struct (a #[serde(flatten)]?), so what it reads cannot be checked"
            ));
            continue;
        };
        let unread: Vec<_> = properties.difference(fields).collect();
        let undocumented: Vec<_> = fields.difference(properties).collect();
        if !unread.is_empty() || !undocumented.is_empty() {
            problems.push(format!(
                "{name}: documented but not read {unread:?}; read but not documented {undocumented:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check itself can fail: a flattened type and an ignored field are caught.
#[test]
fn the_recorder_sees_plain_structs_only() {
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Plain {
        a: Option<String>,
        #[serde(rename = "b_renamed")]
        b: Option<String>,
    }
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Flattened {
        a: Option<String>,
        #[serde(flatten)]
        rest: Plain,
    }
    assert_eq!(
        read_fields::<Plain>(),
        Some(["a".to_owned(), "b_renamed".to_owned()].into())
    );
    assert_eq!(read_fields::<Flattened>(), None);
}
