use super::{Field, FieldError};

pub const MAX_NAME_LEN: usize = 100;

/// A person's (or company's) name: 1..=100 characters after trimming, any script, no control
/// characters, and nothing invisible that would let one name pass for another in the back office:
/// no direction overrides or isolates (U+202A–U+202E, U+2066–U+2069, marks U+200E/F, U+061C), no
/// zero-width spaces or joiners-as-padding (U+200B, U+2060–U+2064, U+FEFF, U+00AD, U+180E). The
/// zero-width (non-)joiner that Persian, Indic scripts and emoji need stays allowed between two
/// visible characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: Field, label: &str, raw: &str) -> Result<Self, FieldError> {
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
        if has_disguising_characters(value) {
            return Err(FieldError::new(
                field,
                "INVALID_CHARACTERS",
                format!("{label} must not contain invisible or direction-changing characters"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// An optional name (a title, say): empty means absent.
    pub fn parse_optional(
        field: Field,
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

/// Characters that change how a name reads without showing: see `PersonName`.
fn has_disguising_characters(value: &str) -> bool {
    let never = |c: char| {
        matches!(c,
            '\u{061C}' | '\u{00AD}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}')
    };
    let joiner = |c: char| matches!(c, '\u{200C}' | '\u{200D}');
    let visible =
        |c: Option<&char>| c.is_some_and(|c| !c.is_whitespace() && !never(*c) && !joiner(*c));
    let chars: Vec<char> = value.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        never(c)
            || (joiner(c)
                && !(visible(i.checked_sub(1).and_then(|p| chars.get(p)))
                    && visible(chars.get(i + 1))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::Field;

    #[test]
    fn names_in_any_script_are_trimmed() {
        assert_eq!(
            PersonName::parse(Field::Stored, "First name", "  Ελένη ")
                .unwrap()
                .as_str(),
            "Ελένη"
        );
        assert_eq!(
            PersonName::parse(Field::Stored, "First name", "李")
                .unwrap()
                .as_str(),
            "李"
        );
    }

    #[test]
    fn names_that_hide_what_they_say_are_refused() {
        for disguised in [
            "Alice\u{202E}ecilA",
            "Ad\u{200B}min",
            "\u{2066}Bob\u{2069}",
            "Eve\u{200F}",
            "Zoe\u{FEFF}",
            "Mal\u{00AD}lory",
            "\u{200D}Ann",
            "Ann\u{200C}",
            "Ann \u{200D} Lee",
        ] {
            assert_eq!(
                PersonName::parse(Field::Stored, "First name", disguised)
                    .unwrap_err()
                    .code,
                "INVALID_CHARACTERS",
                "{disguised:?}"
            );
        }
        // Joiners inside a word are how some scripts are written.
        for real in ["می\u{200C}خواهم", "क्\u{200D}ष", "👩\u{200D}🔬"] {
            assert!(
                PersonName::parse(Field::Stored, "First name", real).is_ok(),
                "{real:?}"
            );
        }
    }

    #[test]
    fn bad_names_are_refused() {
        assert_eq!(
            PersonName::parse(Field::Stored, "First name", "   ")
                .unwrap_err()
                .code,
            "REQUIRED"
        );
        assert_eq!(
            PersonName::parse(Field::Stored, "First name", &"é".repeat(101))
                .unwrap_err()
                .code,
            "TOO_LONG"
        );
        assert!(PersonName::parse(Field::Stored, "First name", &"é".repeat(100)).is_ok());
        assert_eq!(
            PersonName::parse(Field::Stored, "First name", "a\u{7}b")
                .unwrap_err()
                .code,
            "INVALID_CHARACTERS"
        );
    }
}
