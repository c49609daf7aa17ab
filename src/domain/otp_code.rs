use super::{Field, FieldError};

/// What a person typed as a one-time code: exactly six ASCII digits (spaces ignored).
#[derive(Clone, PartialEq, Eq)]
pub struct OtpCode(String);

impl OtpCode {
    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() {
            return Err(FieldError::required(field, "Code"));
        }
        if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "INVALID_OTP",
                "The code is the 6 digits we sent you",
            ));
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// Codes are secrets: never print them by accident.
impl std::fmt::Debug for OtpCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OtpCode(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::Field;

    #[test]
    fn six_digits_only() {
        assert_eq!(
            OtpCode::parse(Field::Stored, " 123 456 ").unwrap().as_str(),
            "123456"
        );
        assert!(OtpCode::parse(Field::Stored, "12345").is_err());
        assert!(OtpCode::parse(Field::Stored, "12345a").is_err());
        assert_eq!(
            format!("{:?}", OtpCode::parse(Field::Stored, "123456").unwrap()),
            "OtpCode(******)"
        );
    }
}
