//! Contact ids and codes, one-time codes and names: never a panic, and the limits hold for what
//! is accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal::domain::{ContactCode, ContactId, OtpCode, PersonName};

fuzz_target!(|raw: &str| {
    for id in [
        ContactId::parse("id", raw).map(|i| i.as_str().to_owned()),
        ContactCode::parse("code", raw).map(|c| c.as_str().to_owned()),
    ] {
        if let Ok(id) = id {
            assert!(!id.is_empty() && id.chars().count() <= 36);
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')));
        }
    }
    if let Ok(code) = OtpCode::parse("code", raw) {
        assert!(code.as_str().len() == 6 && code.as_str().bytes().all(|b| b.is_ascii_digit()));
    }
    if let Ok(name) = PersonName::parse("n", "Name", raw) {
        let n = name.as_str().chars().count();
        assert!((1..=100).contains(&n) && !name.as_str().chars().any(char::is_control));
    }
});
