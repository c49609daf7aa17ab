//! Identities, one-time codes, passwords, tokens and API keys.

pub mod api_keys;
pub mod claim;
pub mod facebook;
pub mod identity;
pub mod otp;
pub mod password_reset;
pub mod password_sign_in;
pub mod passwords;
pub mod register;
pub mod secrets;
pub mod sign_in;
pub mod tokens;

pub use identity::{Identity, IdentityInput};
pub use otp::{OtpChallenge, OtpLookup};
pub use register::RegisterInput;
pub use sign_in::Authenticated;
