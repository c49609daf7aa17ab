use super::{Field, FieldError};

pub const MAX_ID_LEN: usize = 36;

fn check_id(field: Field, label: &str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(FieldError::required(field, label));
    }
    if value.chars().count() > MAX_ID_LEN {
        return Err(FieldError::new(
            field,
            "TOO_LONG",
            format!("{label} must be at most {MAX_ID_LEN} characters"),
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(FieldError::new(
            field,
            "INVALID_FORMAT",
            format!("{label} may only contain letters, digits, '.', '_' and '-'"),
        ));
    }
    Ok(value.to_owned())
}

/// A contact's id: 1..=36 characters of `[A-Za-z0-9._-]`, kept exactly as given (usually a GUID).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContactId(String);

impl ContactId {
    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        check_id(field, "ID", raw).map(Self)
    }

    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }

    /// For ids read back from storage, which were validated on the way in.
    pub fn from_trusted(value: String) -> Self {
        Self(value)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The cross-reference code of a contact in an external system; unique, generated when absent.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContactCode(String);

impl ContactCode {
    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        check_id(field, "Code", raw).map(Self)
    }

    /// `C-` and 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
    pub fn generate() -> Self {
        const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        let bytes = uuid::Uuid::new_v4().into_bytes();
        let tail: String = bytes[..10]
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        Self(format!("C-{tail}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::Field;

    #[test]
    fn ids_of_36_are_kept_and_37_refused() {
        let guid = "6f1c1f0e-8a4b-4c47-9d55-2d1f8c3a9b10";
        assert_eq!(
            ContactId::parse(Field::Stored, guid).unwrap().as_str(),
            guid
        );
        let long = format!("{guid}x");
        assert_eq!(
            ContactId::parse(Field::Stored, &long).unwrap_err().code,
            "TOO_LONG"
        );
        assert_eq!(
            ContactId::parse(Field::Stored, "a b").unwrap_err().code,
            "INVALID_FORMAT"
        );
        assert_eq!(
            ContactId::parse(Field::Stored, " ").unwrap_err().code,
            "REQUIRED"
        );
    }

    #[test]
    fn generated_values_parse() {
        let id = ContactId::generate();
        assert!(ContactId::parse(Field::Stored, id.as_str()).is_ok());
        let code = ContactCode::generate();
        assert!(ContactCode::parse(Field::Stored, code.as_str()).is_ok());
        assert_eq!(code.as_str().len(), 12);
    }
}
