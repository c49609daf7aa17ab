//! Phone numbers with a country (national form), or alone (E.164): never a panic, and whatever is
//! accepted is valid E.164 that parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal::domain::PhoneNumber;

fuzz_target!(|input: (&str, &str)| {
    let (number, country) = input;
    for parsed in [
        PhoneNumber::parse_any("n", "c", number, country),
        PhoneNumber::parse_national("n", "c", number, country),
        PhoneNumber::parse_e164("n", number),
    ] {
        if let Ok(phone) = parsed {
            let e164 = phone.as_str();
            assert!(e164.starts_with('+') && e164[1..].bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(PhoneNumber::parse_e164("n", e164).as_ref(), Ok(&phone));
            let _ = phone.obfuscated();
        }
    }
});
