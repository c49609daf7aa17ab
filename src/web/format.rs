//! How the pages show stored values to people.

/// A phone number as people read it (`+357 99 685271`); stored, it is E.164. Any other text
/// (an email, a masked number) is shown as it is.
pub fn readable_phone(stored: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::domain::PhoneNumber::readable(stored)
    }
    #[cfg(not(feature = "ssr"))]
    {
        stored.to_owned()
    }
}
