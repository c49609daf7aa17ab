//! Every JSON request body the REST faces read, as one function of raw bytes: the `bodies`
//! fuzz target (fuzz/) runs it on whatever libFuzzer makes, and the test below on the seeds, so
//! that it keeps compiling and keeps not panicking.

use super::{
    backoffice::requests as bo, body::read_object, self_service::requests as v1, v2::requests as v2,
};
use crate::domain::Field;

/// Reads `data` as each request type of each face, and converts what reads into what the
/// services take (with the checks a registration or an identity meets). Never panics.
pub fn read_every_body(data: &[u8]) {
    if let Ok(request) = read_object::<v1::RegisterRequest>(data) {
        if let Ok(input) = request.command() {
            let _ = input.check();
        }
    }
    if let Ok(request) = read_object::<v2::RegisterRequest>(data) {
        if let Ok(input) = request.command() {
            let _ = input.check();
        }
    }
    if let Ok(request) = read_object::<v1::ClaimRequest>(data) {
        if let Ok((_who, identity)) = request.command() {
            let _ = identity.require(Field::ClaimIdentity);
        }
    }
    macro_rules! read_all {
        ($($kind:ty),* $(,)?) => {
            $(if let Ok(request) = read_object::<$kind>(data) {
                let _ = request.command();
            })*
        };
    }
    read_all!(
        v1::RequestOtpRequest,
        v1::AuthenticateRequest,
        v1::ProfileUpdateRequest,
        v1::ChangePasswordRequest,
        v1::ForgotPasswordRequest,
        v2::OtpRequest,
        v2::AuthenticateRequest,
        v2::ForgotPasswordRequest,
        v2::ChangeForgottenPasswordRequest,
        bo::NewContactRequest,
        bo::ContactPatchRequest,
        bo::OrganisationRequest,
    );
    if let Ok(request) = read_object::<v1::ValidateOtpRequest>(data) {
        let _ = request.command();
    }
    if let Ok(request) = read_object::<v1::ResetPasswordRequest>(data) {
        let _ = request.command();
    }
    if let Ok(request) = read_object::<v2::ValidateOtpRequest>(data) {
        let _ = request.command();
    }
    if let Ok(request) = read_object::<v2::ContactUpdate>(data) {
        let _ = request.command("contact-id");
    }
    if let Ok(request) = read_object::<v2::Identification>(data) {
        if let Ok(identity) = v2::new_identity(request) {
            let _ = identity.require(Field::NewIdentity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_body_reads_or_is_refused_without_a_panic() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/bodies");
        let mut read = 0;
        for entry in std::fs::read_dir(seeds).expect("the fuzz seeds") {
            read_every_body(&std::fs::read(entry.expect("a seed").path()).expect("a seed"));
            read += 1;
        }
        assert!(read > 0, "no seeds were read");
        for odd in [
            &b"{}"[..],
            b"[]",
            b"null",
            b"{\"identity\": 3}",
            b"{\"credentials\": [1, {}]}",
        ] {
            read_every_body(odd);
        }
    }
}
