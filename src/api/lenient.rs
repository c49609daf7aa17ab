//! Request fields that never fail to deserialize. A request type is what the OpenAPI document
//! shows and what the handler reads; a value of the wrong JSON type is kept as `Wrong` so that
//! the request's conversion can name every bad field at once (`Read`), instead of serde stopping
//! at the first with a message of its own.

use serde::{de::DeserializeOwned, Deserialize, Deserializer};
use serde_json::Value;

use crate::domain::{Field, FieldError, ValidationErrors};

/// A field as sent: a value of the expected shape, or something else.
#[derive(Clone, Debug, PartialEq)]
pub enum Lenient<T> {
    Given(T),
    Wrong,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(serde_json::from_value(value).map_or(Lenient::Wrong, Lenient::Given))
    }
}

/// A boolean as a JSON boolean or as the strings `"true"`/`"false"` (DESIGN §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Bool(b) => Ok(Flag(b)),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Flag(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Flag(false)),
            _ => Err(serde::de::Error::custom("not true or false")),
        }
    }
}

/// A field of a partial update: left out (keep), `null` (clear), or a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Given(Lenient<T>),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Patch<T> {
    /// (Called only for a key that is present: `#[serde(default)]` gives `Absent`.)
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Null => Ok(Patch::Null),
            value => Ok(Patch::Given(
                serde_json::from_value(value).map_or(Lenient::Wrong, Lenient::Given),
            )),
        }
    }
}

impl<T> Patch<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }
}

/// Whether a JSON value carries anything (a key sent as `null`, `""`, `[]` or `{}` carries
/// nothing).
pub fn carries_data(value: &Option<Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

fn wrong_type(field: Field, expected: &str) -> FieldError {
    FieldError::new(
        field,
        "INVALID_TYPE",
        format!("{{field}} must be {expected}"),
    )
}

/// Reads a request's lenient fields into plain values, recording what is wrong, by the field of
/// the command it belongs to.
#[derive(Default)]
pub struct Read {
    pub errors: ValidationErrors,
}

impl Read {
    pub fn text(&mut self, value: Option<Lenient<String>>, field: Field) -> Option<String> {
        match value {
            None => None,
            Some(Lenient::Given(s)) => Some(s),
            Some(Lenient::Wrong) => {
                self.errors.push(wrong_type(field, "a string"));
                None
            }
        }
    }

    /// A string that must be there (a wrong type is reported as such, not as missing).
    pub fn required_text(
        &mut self,
        value: Option<Lenient<String>>,
        field: Field,
        label: &str,
    ) -> Option<String> {
        if value.is_none() {
            self.errors.push(FieldError::required(field, label));
        }
        self.text(value, field)
    }

    pub fn flag(&mut self, value: Option<Lenient<Flag>>, field: Field) -> Option<bool> {
        match value {
            None => None,
            Some(Lenient::Given(Flag(b))) => Some(b),
            Some(Lenient::Wrong) => {
                self.errors.push(wrong_type(field, "true or false"));
                None
            }
        }
    }

    /// `None`: keep; `Some(None)`: clear; `Some(Some(v))`: set.
    pub fn patch_text(&mut self, value: Patch<String>, field: Field) -> Option<Option<String>> {
        match value {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Given(Lenient::Given(s)) => Some(Some(s)),
            Patch::Given(Lenient::Wrong) => {
                self.errors.push(wrong_type(field, "a string or null"));
                None
            }
        }
    }

    pub fn object<T>(&mut self, value: Option<Lenient<T>>, field: Field) -> Option<T> {
        match value {
            None => None,
            Some(Lenient::Given(t)) => Some(t),
            Some(Lenient::Wrong) => {
                self.errors.push(wrong_type(field, "an object"));
                None
            }
        }
    }

    /// A list of objects; `item(i)` names the field of an element of the wrong shape.
    pub fn list<T>(
        &mut self,
        value: Option<Lenient<Vec<Lenient<T>>>>,
        field: Field,
        item: impl Fn(usize) -> Field,
    ) -> Option<Vec<T>> {
        let items = self.object(value, field)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, element) in items.into_iter().enumerate() {
            match element {
                Lenient::Given(t) => out.push(t),
                Lenient::Wrong => self.errors.push(wrong_type(item(i), "an object")),
            }
        }
        Some(out)
    }

    /// A key sent with a value that this face refuses by name (`READ_ONLY`, `UNSUPPORTED`).
    pub fn refuse(&mut self, value: &Option<Value>, key: &'static str, code: &str, why: &str) {
        if value.is_some() {
            self.errors.push(FieldError::new(
                Field::Sent(key),
                code,
                format!("{key} {why}"),
            ));
        }
    }

    /// The errors so far, or `Ok`.
    pub fn finish(self) -> Result<(), ValidationErrors> {
        self.errors.into_result()
    }
}

/// The documented type of a key a request may carry only to be refused by name (its error says
/// why): documented, so that nothing a handler reads is missing from the document, and
/// `readOnly`, so that clients and generated tests do not send it.
pub struct Refused;

impl utoipa::PartialSchema for Refused {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
            .read_only(Some(true))
            .description(Some(
                "Refused whenever it carries a value: the error names the field and says why",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Refused {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Example {
        #[serde(default)]
        name: Option<Lenient<String>>,
        #[serde(default)]
        flag: Option<Lenient<Flag>>,
        #[serde(default)]
        title: Patch<String>,
    }

    #[test]
    fn wrong_types_are_kept_to_be_named_and_booleans_may_be_strings() {
        let parsed: Example =
            serde_json::from_str(r#"{"name": 3, "flag": "TRUE", "title": null}"#).unwrap();
        assert_eq!(parsed.name, Some(Lenient::Wrong));
        assert_eq!(parsed.flag, Some(Lenient::Given(Flag(true))));
        assert_eq!(parsed.title, Patch::Null);
        let absent: Example = serde_json::from_str("{}").unwrap();
        assert!(absent.name.is_none() && absent.title.is_absent());
        let mut read = Read::default();
        assert_eq!(read.text(parsed.name, Field::FirstName), None);
        assert_eq!(read.errors.0[0].code, "INVALID_TYPE");
        assert_eq!(read.errors.0[0].field, Field::FirstName);
    }
}
