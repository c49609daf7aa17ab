//! Contacts managed by agents and other servers: create, edit, delete, find. Credentials are
//! never set or shown here; identities appear masked.

use super::contact_view;
use crate::{
    domain::{
        ContactCode, ContactId, ContactType, Email, Field, FieldError, LanguageCode, PersonName,
        PhoneNumber, PhonePart, Provider, ValidationErrors,
    },
    services::{auth::CustomerRef, Actor, ContactError, Core},
    store::{self, contacts::ContactRow, now_ms, unique_violation, UniqueKey},
    views::{ContactDetail, ContactPage, ContactView, IdentityView, Paging},
};

/// A new contact as sent (JSON or form): all raw, all optional until checked.
#[derive(Clone, Debug, Default)]
pub struct NewContact {
    pub id: Option<String>,
    pub code: Option<String>,
    pub contact_type: Option<String>,
    pub title: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company_name: Option<String>,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    pub phone_country: Option<String>,
    pub email_opt_out: bool,
    pub sms_opt_out: bool,
    pub language_code: Option<String>,
    /// Organisations to join at once (ids).
    pub organisations: Vec<String>,
}

/// A partial edit: `None` keeps a field; `Some(None)` clears a nullable one.
#[derive(Clone, Debug, Default)]
pub struct ContactPatch {
    pub code: Option<String>,
    pub title: Option<Option<String>>,
    pub first_name: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub company_name: Option<Option<String>>,
    pub email: Option<Option<String>>,
    /// `Some(None)` removes the phone; `Some(Some((number, country)))` sets it.
    pub phone: Option<Option<(String, String)>>,
    pub email_opt_out: Option<bool>,
    pub sms_opt_out: Option<bool>,
    pub language_code: Option<Option<String>>,
}

pub const MAX_PAGE_SIZE: i64 = 100;

/// An id or code sent empty: say how to get a generated one.
fn not_empty(mut error: FieldError) -> FieldError {
    if error.code == "REQUIRED" {
        error.code = "EMPTY".into();
        error.message = format!(
            "{} must not be empty: leave it out to have one generated",
            if error.field == Field::ContactId {
                "ID"
            } else {
                "Code"
            }
        );
    }
    error
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().map(str::trim).unwrap_or("").is_empty()
}

fn optional_name(
    errors: &mut ValidationErrors,
    field: Field,
    label: &str,
    raw: Option<&str>,
) -> Option<String> {
    errors
        .check(PersonName::parse_optional(field, label, raw))
        .flatten()
        .map(PersonName::into_string)
}

/// A national number with its country, or (country left empty) a full number in E.164.
fn phone(errors: &mut ValidationErrors, number: &str, country: &str) -> Option<String> {
    let parsed = PhoneNumber::parse_any(
        Field::Phone(PhonePart::Number),
        Field::Phone(PhonePart::Country),
        number,
        country,
    );
    errors.check(parsed).map(|p| p.as_str().to_owned())
}

/// The type's own rule: a person has first and last names, a company its name. A name already
/// refused for what it holds is not also reported as missing.
fn check_names(errors: &mut ValidationErrors, row: &ContactRow) {
    let missing = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").is_empty();
    let mut require = |value: &Option<String>, field: Field, label: &str| {
        if missing(value) && errors.for_field(field).is_none() {
            errors.push(FieldError::required(field, label));
        }
    };
    if row.contact_type == ContactType::Person {
        require(&row.first_name, Field::FirstName, "First name");
        require(&row.last_name, Field::LastName, "Last name");
    } else {
        require(&row.company_name, Field::CompanyName, "Company name");
    }
}

fn taken(error: &sqlx::Error) -> Option<ContactError> {
    match unique_violation(error)? {
        UniqueKey::ContactCode => Some(ContactError::ContactCodeTaken),
        UniqueKey::ContactId => Some(ContactError::ContactIdTaken),
        _ => None,
    }
}

pub fn masked_identities(rows: Vec<store::identities::IdentityRow>) -> Vec<IdentityView> {
    rows.into_iter()
        .map(|i| {
            let masked = match i.provider {
                Provider::Email => Email::parse(Field::Stored, &i.value)
                    .map(|e| e.obfuscated())
                    .unwrap_or_else(|_| "***".into()),
                Provider::Phone => PhoneNumber::parse_e164(Field::Stored, &i.value)
                    .map(|p| p.obfuscated())
                    .unwrap_or_else(|_| "***".into()),
                Provider::Facebook => "linked".into(),
            };
            IdentityView {
                id: i.id.clone(),
                provider: i.provider,
                value: masked,
                verified: i.verified_at.is_some(),
                has_password: false,
            }
        })
        .collect()
}

impl Core {
    #[tracing::instrument(skip_all)]
    pub async fn create_contact(
        &self,
        input: NewContact,
        actor: &Actor,
    ) -> Result<ContactView, ContactError> {
        actor.require_back_office()?;
        let mut errors = ValidationErrors::default();
        let contact_type = errors.check(ContactType::parse(
            Field::ContactType,
            input.contact_type.as_deref().unwrap_or(""),
        ));
        // Absent means "generate one"; sent but empty is a mistake to report.
        let id = match input.id.as_deref() {
            Some(raw) => errors.check(ContactId::parse(Field::ContactId, raw).map_err(not_empty)),
            None => Some(ContactId::generate()),
        };
        let code = match input.code.as_deref() {
            Some(raw) => {
                errors.check(ContactCode::parse(Field::ContactCode, raw).map_err(not_empty))
            }
            None => Some(ContactCode::generate()),
        };
        let title = optional_name(&mut errors, Field::Title, "Title", input.title.as_deref());
        let first_name = optional_name(
            &mut errors,
            Field::FirstName,
            "First name",
            input.first_name.as_deref(),
        );
        let last_name = optional_name(
            &mut errors,
            Field::LastName,
            "Last name",
            input.last_name.as_deref(),
        );
        let company_name = optional_name(
            &mut errors,
            Field::CompanyName,
            "Company name",
            input.company_name.as_deref(),
        );
        let email = match input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            Some(raw) => errors
                .check(Email::parse(Field::Email, raw))
                .map(|e| e.as_str().to_owned()),
            None => None,
        };
        let phone = if blank(&input.phone_number) && blank(&input.phone_country) {
            None
        } else {
            phone(
                &mut errors,
                input.phone_number.as_deref().unwrap_or(""),
                input.phone_country.as_deref().unwrap_or(""),
            )
        };
        let mut row = ContactRow::new(
            &id.unwrap_or_else(ContactId::generate),
            &code.unwrap_or_else(ContactCode::generate),
            contact_type.unwrap_or(ContactType::Person),
            now_ms(),
        );
        // A company has no personal names, a person no company name: the other type's are ignored.
        if contact_type == Some(ContactType::Company) {
            row.company_name = company_name;
        } else {
            (row.title, row.first_name, row.last_name) = (title, first_name, last_name);
        }
        row.email = email;
        row.phone = phone;
        row.email_opt_out = input.email_opt_out;
        row.sms_opt_out = input.sms_opt_out;
        row.language_code = errors
            .check(LanguageCode::parse_optional(
                Field::LanguageCode,
                input.language_code.as_deref(),
            ))
            .flatten();
        let now = row.created_at;
        if contact_type.is_some() {
            check_names(&mut errors, &row);
        }
        errors.into_result()?;

        let mut tx = self.db.begin().await?;
        if store::contacts::find(&mut *tx, &row.id).await?.is_some() {
            return Err(ContactError::ContactIdTaken);
        }
        if store::contacts::code_taken(&mut *tx, &row.code, &row.id).await? {
            return Err(ContactError::ContactCodeTaken);
        }
        if let Err(e) = store::contacts::insert(&mut *tx, &row).await {
            return Err(taken(&e).unwrap_or_else(|| e.into()));
        }
        self.audit(&mut *tx, Some(&row.id), actor, "CONTACT_CREATED", None)
            .await?;
        for organisation_id in &input.organisations {
            let Some(org) = store::organisations::find(&mut *tx, organisation_id).await? else {
                return Err(FieldError::new(
                    Field::Organisations,
                    "NOT_FOUND",
                    "Choose an organisation that exists",
                )
                .into());
            };
            store::organisations::join(&mut *tx, &row.id, &org.id, now).await?;
            self.audit(
                &mut *tx,
                Some(&row.id),
                actor,
                "ORGANISATION_JOINED",
                Some(&org.name),
            )
            .await?;
        }
        if let Err(e) = tx.commit().await {
            return Err(taken(&e).unwrap_or_else(|| e.into()));
        }
        Ok(contact_view(&row))
    }

    #[tracing::instrument(skip_all)]
    pub async fn update_contact(
        &self,
        id: &str,
        patch: ContactPatch,
        actor: &Actor,
    ) -> Result<ContactView, ContactError> {
        actor.require_back_office()?;
        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, id).await?;
        let mut row = store::contacts::find(&mut *tx, id)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        let mut errors = ValidationErrors::default();
        if let Some(raw) = &patch.code {
            if let Some(code) = errors.check(ContactCode::parse(Field::ContactCode, raw)) {
                row.code = code.as_str().to_owned();
            }
        }
        let mut set = |field: Field,
                       label: &str,
                       value: &Option<Option<String>>,
                       target: &mut Option<String>| {
            if let Some(v) = value {
                *target = optional_name(&mut errors, field, label, v.as_deref());
            }
        };
        set(Field::Title, "Title", &patch.title, &mut row.title);
        set(
            Field::FirstName,
            "First name",
            &patch.first_name,
            &mut row.first_name,
        );
        set(
            Field::LastName,
            "Last name",
            &patch.last_name,
            &mut row.last_name,
        );
        set(
            Field::CompanyName,
            "Company name",
            &patch.company_name,
            &mut row.company_name,
        );
        if let Some(email) = &patch.email {
            row.email = match email.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                Some(raw) => errors
                    .check(Email::parse(Field::Email, raw))
                    .map(|e| e.as_str().to_owned()),
                None => None,
            };
        }
        if let Some(p) = &patch.phone {
            row.phone = match p {
                Some((number, country))
                    if !(number.trim().is_empty() && country.trim().is_empty()) =>
                {
                    phone(&mut errors, number, country)
                }
                _ => None,
            };
        }
        if let Some(v) = patch.email_opt_out {
            row.email_opt_out = v;
        }
        if let Some(v) = patch.sms_opt_out {
            row.sms_opt_out = v;
        }
        if let Some(language) = &patch.language_code {
            row.language_code = errors
                .check(LanguageCode::parse_optional(
                    Field::LanguageCode,
                    language.as_deref(),
                ))
                .flatten();
        }
        check_names(&mut errors, &row);
        errors.into_result()?;
        if patch.code.is_some() && store::contacts::code_taken(&mut *tx, &row.code, &row.id).await?
        {
            return Err(ContactError::ContactCodeTaken);
        }
        row.updated_at = now_ms();
        if let Err(e) = store::contacts::update(&mut *tx, &row).await {
            return Err(taken(&e).unwrap_or_else(|| e.into()));
        }
        self.audit(&mut *tx, Some(id), actor, "CONTACT_UPDATED", None)
            .await?;
        tx.commit().await?;
        Ok(contact_view(&row))
    }

    /// Deleting a contact ends everything it held, in the same transaction: identities and
    /// refresh tokens (with the row), portal sessions, and codes not yet used.
    pub async fn delete_contact(&self, id: &str, actor: &Actor) -> Result<(), ContactError> {
        actor.require_back_office()?;
        self.remove_contact(id, None, actor).await
    }

    /// A customer closes their own account (CRM.COM's "Unregister Contact"): the same as an
    /// agent's delete, for the contact the token was issued for and no other.
    pub async fn unregister(
        &self,
        customer: &CustomerRef,
        contact_id: &str,
    ) -> Result<(), ContactError> {
        customer.require_self(contact_id)?;
        let actor = Actor::Customer(customer.contact_id.clone());
        self.remove_contact(&customer.contact_id, Some(&customer.incarnation), &actor)
            .await
    }

    /// `incarnation`: delete only that very row (a customer's token may outlive their contact,
    /// and a later contact may have been given the same id).
    async fn remove_contact(
        &self,
        id: &str,
        incarnation: Option<&str>,
        actor: &Actor,
    ) -> Result<(), ContactError> {
        let mut tx = self.db.begin().await?;
        if let Some(incarnation) = incarnation {
            store::contacts::lock(&mut *tx, id).await?;
            if store::contacts::find_incarnation(&mut *tx, id, incarnation)
                .await?
                .is_none()
            {
                return Err(ContactError::ContactNotFound);
            }
        }
        if !store::contacts::delete(&mut *tx, id).await? {
            return Err(ContactError::ContactNotFound);
        }
        store::sessions::end_for_contact(&mut *tx, id).await?;
        store::otps::delete_for_contact(&mut *tx, id).await?;
        self.audit(&mut *tx, Some(id), actor, "CONTACT_DELETED", None)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn contact_detail(&self, id: &str) -> Result<ContactDetail, ContactError> {
        let row = store::contacts::find(&self.db, id)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        let identities = store::identities::for_contact(&self.db, id).await?;
        let organisations = store::organisations::for_contact(&self.db, id).await?;
        let audit = store::audit::for_contact(&self.db, id, row.created_at).await?;
        Ok(ContactDetail {
            contact: contact_view(&row),
            identities: masked_identities(identities),
            organisations: organisations
                .into_iter()
                .map(crate::services::organisations::view)
                .collect(),
            audit: self.audit_views(audit).await?,
        })
    }

    /// One page (1-based) of contacts matching `search`, newest first.
    pub async fn search_contacts(
        &self,
        search: Option<&str>,
        page: i64,
        size: i64,
    ) -> Result<ContactPage, ContactError> {
        let page = page.max(1);
        let size = size.clamp(1, MAX_PAGE_SIZE);
        let offset = (page - 1).saturating_mul(size);
        let found = store::contacts::search(&self.db, search, offset, size).await?;
        let shown = i64::try_from(found.rows.len()).unwrap_or(0);
        Ok(ContactPage {
            content: found.rows.iter().map(contact_view).collect(),
            paging: Paging {
                page,
                size,
                has_more: offset + shown < found.total,
                total: found.total,
            },
        })
    }
}
