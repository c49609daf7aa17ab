//! Every JSON request body of Self-Service v1 and v2 and the Back-Office API, as the handlers
//! read it (`portal::api::fuzzing::read_every_body`): anything at all is either read or refused
//! with field errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    portal::api::fuzzing::read_every_body(data);
});
