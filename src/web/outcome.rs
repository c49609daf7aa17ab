//! Service outcomes as people read them on a page.

use super::{
    error::PortalError,
    forms::{FormError, FormState},
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

fn wait_message(secs: i64) -> String {
    match secs {
        s if s <= 1 => "Please wait a second and try again.".to_owned(),
        s if s < 120 => format!("Please wait {s} seconds and try again."),
        s => format!("Please wait {} minutes and try again.", (s + 59) / 60),
    }
}

/// Puts any service's error onto the form it came from (through `ServiceError`, so each answer
/// is worded here once). Faults no person can act on stay errors.
pub fn into_form(
    mut form: FormState,
    error: impl Into<ServiceError>,
) -> Result<FormState, PortalError> {
    let field = |name: &str, message: &str| FormError::new(name, "ERROR", message);
    match error.into() {
        ServiceError::Validation(errors) => {
            form.errors.extend(errors.0.into_iter().map(|e| {
                let name = form_field(e.field);
                FormError::new(name, &e.code, e.message.replace("{field}", name))
            }));
        }
        ServiceError::TooManyRequests { retry_after_secs } => {
            form.alert = Some(format!(
                "Too many attempts. {}",
                wait_message(retry_after_secs)
            ));
        }
        ServiceError::InvalidOtp => form.errors.push(field(
            "code",
            "That code is not right. Check the 6 digits and try again.",
        )),
        ServiceError::OtpExpired => form
            .errors
            .push(field("code", "This code has expired. Send a new code.")),
        ServiceError::OtpAttemptsExceeded => form.errors.push(field(
            "code",
            "Too many wrong tries for this code. Send a new code.",
        )),
        ServiceError::InvalidCredentials => {
            form.alert = Some("The email or password is not correct.".into())
        }
        // Worded as a page says them when it fails outright (one sentence each).
        ServiceError::Fault(Fault::Busy { .. }) => form.alert = Some(PortalError::Busy.to_string()),
        ServiceError::Fault(Fault::Unavailable { .. }) => {
            form.alert = Some(PortalError::Unavailable.to_string())
        }
        ServiceError::IdentityTaken => form.alert = Some("This belongs to another account.".into()),
        ServiceError::IdentityNotFound => {
            form.alert = Some("That way to sign in is no longer on your account.".into())
        }
        ServiceError::Forbidden(why) => form.alert = Some(format!("You cannot do that: {why}.")),
        ServiceError::ContactIdTaken => form
            .errors
            .push(field("id", "Another contact already has this ID.")),
        ServiceError::ContactCodeTaken => form
            .errors
            .push(field("code", "Another contact already has this code.")),
        ServiceError::OrganisationNotFound => {
            form.alert = Some("That organisation no longer exists.".into())
        }
        ServiceError::NotConfigured(what) => {
            form.alert = Some(format!("{what} is not available on this server."))
        }
        ServiceError::ContactNotFound => form.alert = Some("That contact no longer exists.".into()),
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
    format!(
        "A code was sent only a moment ago. {}",
        wait_message(secs).replace("try again", "ask for a new one")
    )
}

/// Beside the "Send a new code" button while the cool-down (or a send cap) holds it back.
pub fn resend_available_message(secs: i64) -> String {
    let when = match secs {
        s if s < 120 => format!("{} s", s.max(1)),
        s => format!("{} min", (s + 59) / 60),
    };
    format!("You can ask for a new code in {when}.")
}
