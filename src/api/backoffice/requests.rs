//! The Back-Office API's request bodies: what the OpenAPI document shows and what the handlers
//! read, each turned into what the contact services take.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::lenient::{Flag, Lenient, Patch, Read},
    domain::{Field, PhonePart, ValidationErrors},
    services::contacts::backoffice::{ContactPatch, NewContact},
};

type Text = Option<Lenient<String>>;
type Bool = Option<Lenient<Flag>>;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct Phone {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub number: Text,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub country_code: Text,
}

impl Phone {
    /// `(number, country)` as typed (either may be empty).
    fn parts(self, read: &mut Read) -> (String, String) {
        (
            read.text(self.number, Field::Phone(PhonePart::Number))
                .unwrap_or_default(),
            read.text(self.country_code, Field::Phone(PhonePart::Country))
                .unwrap_or_default(),
        )
    }
}

/// Whether a body carries any of the keys a back-office call may not: back-office calls never
/// set or read credentials (`password`, `identity`, `credentials`).
pub fn carries_credentials(keys: [&Option<serde_json::Value>; 3]) -> bool {
    keys.iter().any(|value| value.is_some())
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct NewContactRequest {
    /// 1–36 characters, kept as given; generated when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub id: Text,
    /// A unique cross-reference code; generated when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub code: Text,
    /// PERSON or COMPANY.
    #[serde(default, rename = "type")]
    #[schema(rename = "type", value_type = crate::domain::ContactType, required = true)]
    pub contact_type: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub first_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub last_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub company_name: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Text,
    #[serde(default)]
    #[schema(value_type = Option<Phone>)]
    pub phone: Option<Lenient<Phone>>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub email_opt_out: Bool,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub sms_opt_out: Bool,
    /// ISO 639-1 (EN, EL, …), any case; kept upper-case.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub language_code: Text,
    /// Organisation ids to join.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub organisations: Option<Lenient<Vec<String>>>,
    /// Refused (`CREDENTIALS_NOT_ALLOWED`): back-office calls never set credentials.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub password: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub identity: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub credentials: Option<serde_json::Value>,
}

impl NewContactRequest {
    pub fn command(self) -> Result<NewContact, ValidationErrors> {
        let mut read = Read::default();
        let phone = read
            .object(self.phone, Field::Phone(PhonePart::Whole))
            .map(|p| p.parts(&mut read));
        let organisations = match self.organisations {
            None => Vec::new(),
            Some(Lenient::Given(ids)) => ids,
            Some(Lenient::Wrong) => {
                read.errors.push(crate::domain::FieldError::new(
                    Field::Organisations,
                    "INVALID_TYPE",
                    "organisations must be a list of organisation ids",
                ));
                Vec::new()
            }
        };
        let input = NewContact {
            id: read.text(self.id, Field::ContactId),
            code: read.text(self.code, Field::ContactCode),
            contact_type: read.text(self.contact_type, Field::ContactType),
            title: read.text(self.title, Field::Title),
            first_name: read.text(self.first_name, Field::FirstName),
            last_name: read.text(self.last_name, Field::LastName),
            company_name: read.text(self.company_name, Field::CompanyName),
            email: read.text(self.email, Field::Email),
            phone_number: phone.as_ref().map(|p| p.0.clone()),
            phone_country: phone.map(|p| p.1),
            email_opt_out: read
                .flag(self.email_opt_out, Field::EmailOptOut)
                .unwrap_or(false),
            sms_opt_out: read
                .flag(self.sms_opt_out, Field::SmsOptOut)
                .unwrap_or(false),
            language_code: read.text(self.language_code, Field::LanguageCode),
            organisations,
        };
        read.finish()?;
        Ok(input)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ContactPatchRequest {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub code: Text,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub title: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub first_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub last_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub company_name: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub email: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<Phone>)]
    pub phone: Patch<Phone>,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub email_opt_out: Bool,
    #[serde(default)]
    #[schema(value_type = Option<bool>)]
    pub sms_opt_out: Bool,
    /// ISO 639-1 (EN, EL, …), any case; kept upper-case.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub language_code: Patch<String>,
    /// Refused (`READ_ONLY`): a contact's id is fixed.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub id: Option<serde_json::Value>,
    /// Refused (`READ_ONLY`): a contact's type is fixed.
    #[serde(default, rename = "type")]
    #[schema(value_type = Option<crate::api::lenient::Refused>, rename = "type")]
    pub contact_type: Option<serde_json::Value>,
    /// Refused (`CREDENTIALS_NOT_ALLOWED`): back-office calls never set credentials.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub password: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub identity: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub credentials: Option<serde_json::Value>,
}

impl ContactPatchRequest {
    pub fn command(self) -> Result<ContactPatch, ValidationErrors> {
        let mut read = Read::default();
        read.refuse(&self.id, "id", "READ_ONLY", "cannot be changed");
        read.refuse(&self.contact_type, "type", "READ_ONLY", "cannot be changed");
        let phone = match self.phone {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Given(value) => Some(
                read.object(Some(value), Field::Phone(PhonePart::Whole))
                    .map(|p| p.parts(&mut read)),
            ),
        };
        let patch = ContactPatch {
            code: read.text(self.code, Field::ContactCode),
            title: read.patch_text(self.title, Field::Title),
            first_name: read.patch_text(self.first_name, Field::FirstName),
            last_name: read.patch_text(self.last_name, Field::LastName),
            company_name: read.patch_text(self.company_name, Field::CompanyName),
            email: read.patch_text(self.email, Field::Email),
            phone,
            email_opt_out: read.flag(self.email_opt_out, Field::EmailOptOut),
            sms_opt_out: read.flag(self.sms_opt_out, Field::SmsOptOut),
            language_code: read.patch_text(self.language_code, Field::LanguageCode),
        };
        read.finish()?;
        Ok(patch)
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct OrganisationRequest {
    #[serde(default)]
    #[schema(value_type = String, required = true)]
    pub name: Text,
    #[serde(default)]
    #[schema(value_type = crate::domain::OrgType, required = true)]
    pub org_type: Text,
    /// Refused (`CREDENTIALS_NOT_ALLOWED`): back-office calls never set credentials.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub password: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub identity: Option<serde_json::Value>,
    /// Refused, as `password`.
    #[serde(default)]
    #[schema(value_type = Option<crate::api::lenient::Refused>)]
    pub credentials: Option<serde_json::Value>,
}

impl OrganisationRequest {
    /// `(name, org_type)` as sent (the service checks them).
    pub fn command(self) -> Result<(Option<String>, Option<String>), ValidationErrors> {
        let mut read = Read::default();
        let name = read.text(self.name, Field::OrganisationName);
        let org_type = read.text(self.org_type, Field::OrgType);
        read.finish()?;
        Ok((name, org_type))
    }
}
