//! `Email::parse` never panics, and what it accepts is stable: parsing it again gives it back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal::domain::Email;

fuzz_target!(|raw: &str| {
    if let Ok(email) = Email::parse("email", raw) {
        assert!(email.as_str().len() <= 254);
        assert_eq!(Email::parse("email", email.as_str()).as_ref(), Ok(&email));
        let masked = email.obfuscated();
        assert!(masked.contains("***@"));
    }
});
