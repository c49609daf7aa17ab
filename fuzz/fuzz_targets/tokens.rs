//! Access tokens as the server checks them, and refresh tokens as it reads them: any string is
//! refused cleanly (or, for a well-formed one, checked), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal::services::auth::{secrets::sha256_hex, tokens::TokenKeys};

fuzz_target!(|raw: &str| {
    let keys = TokenKeys::new(b"a-fuzzing-secret-of-32-bytes-or-more!", None);
    // A random string cannot carry a valid signature.
    assert!(keys.verify(raw).is_err());
    // The same with a well-formed header and payload around whatever was given.
    let forged = format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{raw}.{raw}");
    assert!(keys.verify(&forged).is_err());
    let _ = sha256_hex(raw.trim());
});
