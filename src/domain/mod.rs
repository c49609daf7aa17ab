//! Types that can only hold valid data: parse at the edge, trust everywhere after.

pub mod contact;
pub mod countries;
pub mod email;
pub mod ids;
pub mod name;
pub mod otp_code;
#[cfg(feature = "ssr")]
pub mod phone;
pub mod validation;

pub use contact::{ContactType, OrgType, Provider};
pub use email::Email;
pub use ids::{ContactCode, ContactId};
pub use name::PersonName;
pub use otp_code::OtpCode;
#[cfg(feature = "ssr")]
pub use phone::PhoneNumber;
pub use validation::{FieldError, ValidationErrors};
