use super::FieldError;

pub const MAX_NAME_LEN: usize = 100;

/// A person's (or company's) name: 1..=100 characters after trimming, any script, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &str, label: &str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(FieldError::required(field, label));
        }
        if value.chars().count() > MAX_NAME_LEN {
            return Err(FieldError::new(
                field,
                "TOO_LONG",
                format!("{label} must be at most {MAX_NAME_LEN} characters"),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                "INVALID_CHARACTERS",
                format!("{label} must not contain control characters"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// An optional name (a title, say): empty means absent.
    pub fn parse_optional(
        field: &str,
        label: &str,
        raw: Option<&str>,
    ) -> Result<Option<Self>, FieldError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => Self::parse(field, label, v).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script_are_trimmed() {
        assert_eq!(
            PersonName::parse("f", "First name", "  Ελένη ")
                .unwrap()
                .as_str(),
            "Ελένη"
        );
        assert_eq!(
            PersonName::parse("f", "First name", "李").unwrap().as_str(),
            "李"
        );
    }

    #[test]
    fn bad_names_are_refused() {
        assert_eq!(
            PersonName::parse("f", "First name", "   ")
                .unwrap_err()
                .code,
            "REQUIRED"
        );
        assert_eq!(
            PersonName::parse("f", "First name", &"é".repeat(101))
                .unwrap_err()
                .code,
            "TOO_LONG"
        );
        assert!(PersonName::parse("f", "First name", &"é".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse("f", "First name", "a\u{7}b")
                .unwrap_err()
                .code,
            "INVALID_CHARACTERS"
        );
    }
}
