//! The JSON bodies of register, validate-otp and claim, as the API parses and checks them:
//! anything at all is either accepted or refused with field errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal::api::bodies;
use portal::domain::ValidationErrors;

fuzz_target!(|data: &[u8]| {
    let Ok(serde_json::Value::Object(body)) = serde_json::from_slice(data) else {
        return;
    };
    if let Ok(input) = bodies::register(&body) {
        let _ = input.check();
    }
    let _ = bodies::validate_otp(&body);
    if let Ok((_who, identity)) = bodies::claim(&body) {
        let _ = identity.parse("identity", &mut ValidationErrors::default());
    }
});
