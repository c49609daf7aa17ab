//! The contact's fields an agent types, shared by "New contact" and "Edit contact".

use serde::{Deserialize, Serialize};

use crate::web::forms::FormState;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ContactFields {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub phone_number: Option<String>,
    #[serde(default)]
    pub email_opt_out: Option<String>,
    #[serde(default)]
    pub sms_opt_out: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

impl ContactFields {
    /// What was typed, to show again next to any error.
    pub fn keep(&self, form: &mut FormState) {
        form.keep(&[
            ("code", &self.code),
            ("title", &self.title),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("company_name", &self.company_name),
            ("email", &self.email),
            ("country_code", &self.country_code),
            ("phone_number", &self.phone_number),
            ("email_opt_out", &self.email_opt_out),
            ("sms_opt_out", &self.sms_opt_out),
            ("language_code", &self.language_code),
        ]);
    }
}
