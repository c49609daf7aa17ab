//! Service outcomes as people read them on a page.

use super::{
    error::PortalError,
    forms::{FormError, FormState},
    i18n::{later, later_with},
};
use crate::{
    domain::{Field, IdentificationPart, IdentityPart, PhonePart},
    services::{Fault, ServiceError},
};

/// The portal's names for the services' fields: the `name` of each form's input. (One list for
/// every form: where two forms take the same field, they name it alike.)
pub fn form_field(field: Field) -> &'static str {
    let identity = |part| match part {
        IdentityPart::Whole | IdentityPart::Provider => "method",
        IdentityPart::Email => "email",
        IdentityPart::Password => "password",
        IdentityPart::PhoneNumber | IdentityPart::Phone => "phone_number",
        IdentityPart::CountryCode => "country_code",
        IdentityPart::Token => "token",
    };
    match field {
        Field::ContactId => "id",
        Field::ContactCode => "code",
        Field::ContactType => "contact_type",
        Field::Title => "title",
        Field::FirstName => "first_name",
        Field::LastName => "last_name",
        Field::CompanyName => "company_name",
        Field::Email | Field::AgentEmail => "email",
        Field::Phone(PhonePart::Number | PhonePart::Whole) => "phone_number",
        Field::Phone(PhonePart::Country) => "country_code",
        Field::EmailOptOut => "email_opt_out",
        Field::SmsOptOut => "sms_opt_out",
        Field::LanguageCode => "language_code",
        Field::ReferralCode => "referral_code",
        Field::CountryOfAgreement => "country_of_agreement",
        Field::Avatar => "avatar",
        Field::Organisations => "organisation_id",
        Field::Identity(part) | Field::NewIdentity(part) | Field::SignIn(part) => identity(part),
        // The claim form asks for the new email or phone in one field.
        Field::ClaimIdentity(IdentityPart::Password) => "password",
        Field::ClaimIdentity(_) => "new_identity",
        Field::Terms => "terms",
        Field::Credential(_) | Field::Username => "email",
        // The claim form sends the contact code, the last name and the email or phone on file,
        // in that order.
        Field::Identification(Some(0), _) => "code",
        Field::Identification(Some(1), _) => "last_name",
        Field::Identification(_, IdentificationPart::Whole | IdentificationPart::Name)
        | Field::Identification(_, IdentificationPart::Value) => "on_file",
        Field::Code => "code",
        Field::Handle => "code",
        Field::Password => "password",
        Field::CurrentPassword => "current_password",
        Field::ResetToken => "code",
        Field::RefreshToken => "code",
        Field::Method => "method",
        Field::IdentityId => "identity_id",
        Field::Page => "page",
        Field::Size => "size",
        Field::OrganisationName => "name",
        Field::OrgType => "org_type",
        Field::Role => "role",
        Field::AgentId => "agent_id",
        Field::KeyKind => "kind",
        Field::Sent(key) => key,
        Field::Stored => "value",
    }
}

/// How long to wait, then what to do: try again, or (`resend`) ask for a new code.
fn wait_message(secs: i64, resend: bool) -> String {
    let minutes = ((secs + 59) / 60).to_string();
    let seconds = secs.to_string();
    match (secs, resend) {
        (s, false) if s <= 1 => later("Please wait a second and try again."),
        (s, true) if s <= 1 => later("Please wait a second and ask for a new one."),
        (s, false) if s < 120 => later_with(
            "Please wait {seconds} seconds and try again.",
            &[("seconds", &seconds)],
        ),
        (s, true) if s < 120 => later_with(
            "Please wait {seconds} seconds and ask for a new one.",
            &[("seconds", &seconds)],
        ),
        (_, false) => later_with(
            "Please wait {minutes} minutes and try again.",
            &[("minutes", &minutes)],
        ),
        (_, true) => later_with(
            "Please wait {minutes} minutes and ask for a new one.",
            &[("minutes", &minutes)],
        ),
    }
}

/// Puts any service's error onto the form it came from (through `ServiceError`, so each answer
/// is worded here once). Faults no person can act on stay errors.
pub fn into_form(
    mut form: FormState,
    error: impl Into<ServiceError>,
) -> Result<FormState, PortalError> {
    let field = |name: &str, message: String| FormError::new(name, "ERROR", message);
    match error.into() {
        ServiceError::Validation(errors) => {
            form.errors.extend(errors.0.into_iter().map(|e| {
                let name = form_field(e.field);
                FormError::new(name, &e.code, e.message.replace("{field}", name))
            }));
        }
        ServiceError::TooManyRequests { retry_after_secs } => {
            form.alert = Some(later_with(
                "Too many attempts. {wait}",
                &[("wait", &wait_message(retry_after_secs, false))],
            ));
        }
        ServiceError::InvalidOtp => form.errors.push(field(
            "code",
            later("That code is not right. Check the 6 digits and try again."),
        )),
        ServiceError::OtpExpired => form.errors.push(field(
            "code",
            later("This code has expired. Send a new code."),
        )),
        ServiceError::OtpAttemptsExceeded => form.errors.push(field(
            "code",
            later("Too many wrong tries for this code. Send a new code."),
        )),
        ServiceError::InvalidCredentials => {
            form.alert = Some(later("The email or password is not correct."))
        }
        // Worded as a page says them when it fails outright (one sentence each).
        ServiceError::Fault(Fault::Busy { .. }) => form.alert = Some(PortalError::Busy.to_string()),
        ServiceError::Fault(Fault::Unavailable { .. }) => {
            form.alert = Some(PortalError::Unavailable.to_string())
        }
        ServiceError::IdentityTaken => form.alert = Some(later("This belongs to another account.")),
        ServiceError::IdentityNotFound => {
            form.alert = Some(later("That way to sign in is no longer on your account."))
        }
        ServiceError::Forbidden(why) => {
            form.alert = Some(later_with("You cannot do that: {why}.", &[("why", why)]))
        }
        ServiceError::ContactIdTaken => form
            .errors
            .push(field("id", later("Another contact already has this ID."))),
        ServiceError::ContactCodeTaken => form.errors.push(field(
            "code",
            later("Another contact already has this code."),
        )),
        ServiceError::OrganisationNotFound => {
            form.alert = Some(later("That organisation no longer exists."))
        }
        ServiceError::NotConfigured(what) => {
            form.alert = Some(later_with(
                "{what} is not available on this server.",
                &[("what", what)],
            ))
        }
        ServiceError::ContactNotFound => form.alert = Some(later("That contact no longer exists.")),
        // No form of the portal can cause these (pages carry a session, not a token or an API
        // key), so one that does is a fault to report, not a message for the person. Listed
        // rather than caught all, so a new variant must be placed here on purpose.
        other @ (ServiceError::TokenExpired
        | ServiceError::InvalidToken
        | ServiceError::InvalidRefreshToken
        | ServiceError::RefreshTokenReused
        | ServiceError::InvalidApiKey
        | ServiceError::Fault(Fault::Unexpected(_))) => return Err(PortalError::internal(other)),
    }
    Ok(form)
}

/// For the "Send a new code" button: the cool-down says how long to wait.
pub fn resend_wait_message(secs: i64) -> String {
    later_with(
        "A code was sent only a moment ago. {wait}",
        &[("wait", &wait_message(secs, true))],
    )
}

/// Beside the "Send a new code" button while the cool-down (or a send cap) holds it back.
pub fn resend_available_message(secs: i64) -> String {
    if secs < 120 {
        later_with(
            "You can ask for a new code in {seconds} s.",
            &[("seconds", &secs.max(1).to_string())],
        )
    } else {
        later_with(
            "You can ask for a new code in {minutes} min.",
            &[("minutes", &((secs + 59) / 60).to_string())],
        )
    }
}
