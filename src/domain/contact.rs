use serde::{Deserialize, Serialize};

use super::{Field, FieldError};

macro_rules! string_enum {
    ($name:ident, $field:literal, $code:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        pub enum $name { $(#[serde(rename = $text)] #[cfg_attr(feature = "ssr", schema(rename = $text))] $variant),+ }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Case-insensitive, trimmed: what a person or a client typed.
            pub fn parse(field: Field, raw: &str) -> Result<Self, FieldError> {
                let raw = raw.trim();
                if raw.is_empty() {
                    return Err(FieldError::required(field, $field));
                }
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(raw))
                    .ok_or_else(|| FieldError::new(
                        field,
                        $code,
                        format!("{} must be one of {}", $field, [$($text),+].join(", ")),
                    ))
            }

            /// The stored form exactly (rows were written by `as_str`).
            pub fn from_stored(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == raw)
            }
        }

        // Stored as its text on both backends; a row holding any other text fails to decode.
        #[cfg(feature = "ssr")]
        impl sqlx::Type<sqlx::Any> for $name {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r> sqlx::Decode<'r, sqlx::Any> for $name {
            fn decode(
                value: <sqlx::Any as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let stored = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
                Self::from_stored(&stored)
                    .ok_or_else(|| format!("unknown {} {stored:?}", $field).into())
            }
        }

        #[cfg(feature = "ssr")]
        impl<'q> sqlx::Encode<'q, sqlx::Any> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Any as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'q str as sqlx::Encode<'q, sqlx::Any>>::encode(self.as_str(), buf)
            }
        }
    };
}

string_enum!(ContactType, "Type", "INVALID_VALUE", { Person => "PERSON", Company => "COMPANY" });
string_enum!(Provider, "Provider", "INVALID_PROVIDER", { Email => "EMAIL", Phone => "PHONE", Facebook => "FACEBOOK" });
string_enum!(OrgType, "Organisation type", "INVALID_VALUE", {
    Business => "BUSINESS", Merchant => "MERCHANT", ServiceOwner => "SERVICE_OWNER", Venue => "VENUE",
});
string_enum!(IdentificationName, "Identification name", "INVALID_VALUE", {
    Email => "EMAIL", Phone => "PHONE", Code => "CODE", LastName => "LAST_NAME",
});
string_enum!(Role, "Role", "INVALID_VALUE", { Admin => "admin", Agent => "agent" });
string_enum!(ApiKeyKind, "Kind", "INVALID_VALUE", { SelfService => "self-service", Backoffice => "backoffice" });

impl ApiKeyKind {
    /// How a key of this kind starts: `pk_` (public, in apps) or `sk_` (secret, on servers).
    pub fn prefix(self) -> &'static str {
        match self {
            ApiKeyKind::SelfService => "pk_",
            ApiKeyKind::Backoffice => "sk_",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::domain::Field;

    #[test]
    fn enums_parse_case_insensitively() {
        assert_eq!(
            Provider::parse(Field::Stored, "email").unwrap(),
            Provider::Email
        );
        assert_eq!(
            OrgType::parse(Field::Stored, "service_owner").unwrap(),
            OrgType::ServiceOwner
        );
        assert_eq!(
            ContactType::parse(Field::Stored, "robot").unwrap_err().code,
            "INVALID_VALUE"
        );
        assert_eq!(Role::parse(Field::Stored, " Admin ").unwrap(), Role::Admin);
        assert_eq!(Role::from_stored("admin"), Some(Role::Admin));
        assert_eq!(Role::from_stored("ADMIN"), None);
        assert_eq!(
            ApiKeyKind::parse(Field::Stored, "self-service").unwrap(),
            ApiKeyKind::SelfService
        );
    }
}
