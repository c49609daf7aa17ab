use super::{Field, FieldError};

/// A syntactically valid email address, trimmed and lower-cased so one mailbox has one spelling.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

pub const MAX_EMAIL_LEN: usize = 254;

impl Email {
    pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        let invalid = |why: &str| FieldError::new(field, "INVALID_EMAIL", why.to_owned());
        if value.is_empty() {
            return Err(FieldError::required(field, "Email"));
        }
        if value.len() > MAX_EMAIL_LEN {
            return Err(invalid("Email must be at most 254 characters"));
        }
        let Some((local, domain)) = value.rsplit_once('@') else {
            return Err(invalid("Enter an email address like name@example.com"));
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(invalid("Enter an email address like name@example.com"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `andy@example.com` → `a***@example.com`: enough for the owner to recognise it.
    pub fn obfuscated(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((&self.0, ""));
        let first: String = local.chars().take(1).collect();
        format!("{first}***@{domain}")
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::Field;

    #[test]
    fn accepts_and_normalises() {
        let e = Email::parse(Field::Stored, "  Andy.Steward@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "andy.steward@example.com");
        assert_eq!(e.obfuscated(), "a***@example.com");
    }

    #[test]
    fn rejects_bad_addresses() {
        for bad in [
            "",
            "andy",
            "andy@",
            "@example.com",
            "a@b",
            "a..b@example.com",
            "a b@x.com",
            "a@-x.com",
        ] {
            assert!(
                Email::parse(Field::Stored, bad).is_err(),
                "{bad} should be refused"
            );
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(
            Email::parse(Field::Stored, &long).unwrap_err().code,
            "INVALID_EMAIL"
        );
    }
}
