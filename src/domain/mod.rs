//! Types that can only hold valid data: parse at the edge, trust everywhere after.

pub mod agreement;
pub mod contact;
pub mod countries;
pub mod email;
pub mod field;
#[cfg(feature = "ssr")]
pub mod identity;
pub mod ids;
#[cfg(feature = "ssr")]
pub mod intent;
pub mod language;
pub mod name;
pub mod otp_code;
#[cfg(feature = "ssr")]
pub mod phone;
pub mod purpose;
pub mod validation;

pub use agreement::{Agreement, AgreementInput};
pub use contact::{ApiKeyKind, ContactType, IdentificationName, OrgType, Provider, Role};
pub use email::Email;
pub use field::{CredentialPart, Field, IdentificationPart, IdentityPart, PhonePart};
#[cfg(feature = "ssr")]
pub use identity::{Channel, Identity};
pub use ids::{ContactCode, ContactId};
#[cfg(feature = "ssr")]
pub use intent::{CodeIntent, PendingIdentity, PendingRegistration, SignInRef};
pub use language::LanguageCode;
pub use name::PersonName;
pub use otp_code::OtpCode;
#[cfg(feature = "ssr")]
pub use phone::PhoneNumber;
pub use purpose::Purpose;
pub use validation::{FieldError, ValidationErrors};
