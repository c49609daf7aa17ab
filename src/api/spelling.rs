//! How each REST face spells the services' fields in its problem details (`errors[].field`): the
//! one place each face's names for them live. A new `Field` is a compile error here until both
//! faces have spelled it.

use crate::domain::{CredentialPart, Field, IdentificationPart, IdentityPart, PhonePart};

/// A face's names for the services' fields.
pub trait Spelling: Send + Sync + 'static {
    fn field(field: Field) -> String;
}

/// This portal's own JSON: Self-Service v1 and the Back-Office API.
#[derive(Clone, Copy, Debug, Default)]
pub struct V1;

/// CRM.COM's Self-Service v2 names.
#[derive(Clone, Copy, Debug, Default)]
pub struct V2;

fn identity(prefix: &str, part: IdentityPart, phone: (&str, &str)) -> String {
    let name = match part {
        IdentityPart::Whole => return prefix.trim_end_matches('.').to_owned(),
        IdentityPart::Provider => "provider",
        IdentityPart::Email => "email",
        IdentityPart::Password => "password",
        IdentityPart::PhoneNumber => phone.0,
        IdentityPart::CountryCode => phone.1,
        IdentityPart::Phone => phone.0.split('.').next().unwrap_or(phone.0),
        IdentityPart::Token => "token",
    };
    format!("{prefix}{name}")
}

fn credential(part: CredentialPart) -> String {
    match part {
        CredentialPart::List => "credentials".into(),
        CredentialPart::Item(i) => format!("credentials[{i}]"),
        CredentialPart::Name => "credentials[0].name".into(),
        CredentialPart::Value => "credentials[0].value".into(),
    }
}

fn identification(index: Option<u16>, part: IdentificationPart) -> String {
    match (index, part) {
        (Some(i), IdentificationPart::Name) => format!("identification[{i}].name"),
        (Some(i), IdentificationPart::Value) => format!("identification[{i}].value"),
        (Some(i), IdentificationPart::Whole) => format!("identification[{i}]"),
        (None, _) => "identification".into(),
    }
}

/// The few names in which the faces differ.
pub struct Names {
    /// The object an identity is sent in (`identity.` in v1, `identification.` in v2).
    pub identity: &'static str,
    /// An identity's phone: number and country (v1 flat, v2 a `phone` object).
    pub phone: (&'static str, &'static str),
    /// The email a sign-in or a reset names.
    pub sign_in_email: &'static str,
    pub terms: &'static str,
}

/// Every field, by a face's `Names`: one exhaustive list for both faces.
pub fn spell(field: Field, names: &Names) -> String {
    match field {
        Field::ContactId => "id".into(),
        Field::ContactCode => "code".into(),
        Field::ContactType => "type".into(),
        Field::Title => "title".into(),
        Field::FirstName => "first_name".into(),
        Field::LastName => "last_name".into(),
        Field::CompanyName => "company_name".into(),
        Field::Email => "email".into(),
        Field::Phone(PhonePart::Whole) => "phone".into(),
        Field::Phone(PhonePart::Number) => "phone.number".into(),
        Field::Phone(PhonePart::Country) => "phone.country_code".into(),
        Field::EmailOptOut => "email_opt_out".into(),
        Field::SmsOptOut => "sms_opt_out".into(),
        Field::LanguageCode => "language_code".into(),
        Field::ReferralCode => "referral_code".into(),
        Field::CountryOfAgreement => "country_of_agreement".into(),
        Field::Avatar => "avatar".into(),
        Field::Organisations => "organisations".into(),
        Field::Identity(part) | Field::ClaimIdentity(part) => {
            identity(names.identity, part, names.phone)
        }
        // Adding an identity sends the identity as the whole body.
        Field::NewIdentity(part) => identity("", part, names.phone),
        Field::SignIn(IdentityPart::Email) => names.sign_in_email.into(),
        Field::SignIn(part) => identity("", part, names.phone),
        Field::Username => "username".into(),
        Field::Terms => names.terms.into(),
        Field::Credential(part) => credential(part),
        Field::Identification(index, part) => identification(index, part),
        Field::Code => "code".into(),
        Field::Handle => "auth_otp".into(),
        Field::Password => "password".into(),
        Field::CurrentPassword => "current_password".into(),
        Field::ResetToken => "token".into(),
        Field::RefreshToken => "refresh_token".into(),
        Field::Method => "method".into(),
        Field::IdentityId => "identity_id".into(),
        Field::Page => "page".into(),
        Field::Size => "size".into(),
        Field::OrganisationName => "name".into(),
        Field::OrgType => "org_type".into(),
        Field::AgentEmail => "email".into(),
        Field::Role => "role".into(),
        Field::AgentId => "agent".into(),
        Field::KeyKind => "kind".into(),
        Field::Sent(key) => key.into(),
        Field::Stored => "value".into(),
    }
}

impl Spelling for V1 {
    fn field(field: Field) -> String {
        const NAMES: Names = Names {
            identity: "identity.",
            phone: ("phone_number", "country_code"),
            sign_in_email: "email",
            terms: "service_acceptance",
        };
        spell(field, &NAMES)
    }
}

impl Spelling for V2 {
    fn field(field: Field) -> String {
        // CRM.COM names the email a sign-in (or a reset) uses `username`.
        const NAMES: Names = Names {
            identity: "identification.",
            phone: ("phone.number", "phone.country_code"),
            sign_in_email: "username",
            terms: "accept_terms_&_conditions",
        };
        spell(field, &NAMES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_face_spells_fields_as_its_json_does() {
        let email = Field::Identity(IdentityPart::Email);
        assert_eq!(V1::field(email), "identity.email");
        assert_eq!(V2::field(email), "identification.email");
        let number = Field::Identity(IdentityPart::PhoneNumber);
        assert_eq!(V1::field(number), "identity.phone_number");
        assert_eq!(V2::field(number), "identification.phone.number");
        assert_eq!(
            V1::field(Field::NewIdentity(IdentityPart::PhoneNumber)),
            "phone_number"
        );
        assert_eq!(
            V2::field(Field::NewIdentity(IdentityPart::PhoneNumber)),
            "phone.number"
        );
        assert_eq!(V1::field(Field::Terms), "service_acceptance");
        assert_eq!(V2::field(Field::Terms), "accept_terms_&_conditions");
        assert_eq!(V2::field(Field::SignIn(IdentityPart::Email)), "username");
        assert_eq!(
            V1::field(Field::Identification(Some(1), IdentificationPart::Value)),
            "identification[1].value"
        );
        assert_eq!(V1::field(Field::Identity(IdentityPart::Whole)), "identity");
        assert_eq!(
            V2::field(Field::Identity(IdentityPart::Phone)),
            "identification.phone"
        );
        assert_eq!(V2::field(Field::NewIdentity(IdentityPart::Phone)), "phone");
        assert_eq!(
            V1::field(Field::Credential(CredentialPart::Item(2))),
            "credentials[2]"
        );
    }
}
