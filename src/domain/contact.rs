use serde::{Deserialize, Serialize};

use super::FieldError;

macro_rules! string_enum {
    ($name:ident, $field:literal, $code:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
                match raw.trim().to_ascii_uppercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    "" => Err(FieldError::required(field, $field)),
                    _ => Err(FieldError::new(
                        field,
                        $code,
                        format!("{} must be one of {}", $field, [$($text),+].join(", ")),
                    )),
                }
            }
        }
    };
}

string_enum!(ContactType, "Type", "INVALID_VALUE", { Person => "PERSON", Company => "COMPANY" });
string_enum!(Provider, "Provider", "INVALID_PROVIDER", { Email => "EMAIL", Phone => "PHONE", Facebook => "FACEBOOK" });
string_enum!(OrgType, "Organisation type", "INVALID_VALUE", {
    Business => "BUSINESS", Merchant => "MERCHANT", ServiceOwner => "SERVICE_OWNER", Venue => "VENUE",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_case_insensitively() {
        assert_eq!(Provider::parse("p", "email").unwrap(), Provider::Email);
        assert_eq!(
            OrgType::parse("t", "service_owner").unwrap(),
            OrgType::ServiceOwner
        );
        assert_eq!(
            ContactType::parse("t", "robot").unwrap_err().code,
            "INVALID_VALUE"
        );
    }
}
