pub use crate::timestamps::rfc3339;
use crate::{
    store::contacts::ContactRow,
    views::{ContactSummary, ContactView},
};

pub fn contact_view(row: &ContactRow) -> ContactView {
    ContactView {
        id: row.id.clone(),
        code: row.code.clone(),
        contact_type: row.contact_type,
        title: row.title.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        company_name: row.company_name.clone(),
        email: row.email.clone(),
        phone: row.phone.clone(),
        email_opt_out: row.email_opt_out,
        sms_opt_out: row.sms_opt_out,
        avatar: row.avatar.clone(),
        language_code: row.language_code.map(|code| code.to_string()),
        referred_by: row.agreement.referred_by.clone(),
        country_of_agreement: row.agreement.country_of_agreement.clone(),
        is_verified: row.is_verified,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
    }
}

pub fn summary(row: &ContactRow) -> ContactSummary {
    ContactSummary {
        id: row.id.clone(),
        title: row.title.clone(),
        avatar: row.avatar.clone(),
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        is_verified: row.is_verified,
    }
}
