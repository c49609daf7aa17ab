//! Service outcomes as people read them on a page.

use super::{error::PortalError, forms::FormState};
use crate::{
    domain::FieldError,
    services::{Fault, ServiceError},
};

/// The API names fields as its JSON does; forms use flat names.
fn form_field(api_field: &str) -> String {
    let flat = api_field.strip_prefix("identity.").unwrap_or(api_field);
    match flat {
        "service_acceptance" => "terms".to_owned(),
        "phone.number" => "phone_number".to_owned(),
        "phone.country_code" => "country_code".to_owned(),
        other => other.to_owned(),
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
    let field = |name: &str, message: &str| FieldError::new(name, "ERROR", message);
    match error.into() {
        ServiceError::Validation(errors) => {
            form.errors.extend(errors.0.into_iter().map(|mut e| {
                e.field = form_field(&e.field);
                e
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
