//! A customer's own profile: what it sees of itself and what it may change.

use super::contact_view;
use crate::{
    domain::{Field, FieldError, LanguageCode, PersonName, ValidationErrors},
    services::{auth::CustomerRef, Actor, ContactError, Core},
    store::{self, now_ms},
    views::{IdentityView, Profile},
};

/// A partial update of a contact's own profile; `None` leaves a field as it is, and for the
/// nullable ones `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct ProfileUpdate {
    pub title: Option<Option<String>>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email_opt_out: Option<bool>,
    pub sms_opt_out: Option<bool>,
    pub avatar: Option<Option<String>>,
    /// A language replaces the one kept; it cannot be cleared.
    pub language_code: Option<String>,
}

pub const MAX_AVATAR_LEN: usize = 2048;

impl Core {
    pub async fn profile(&self, customer: &CustomerRef) -> Result<Profile, ContactError> {
        let contact = self
            .current_contact(customer)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        let contact_id = contact.id.as_str();
        let identities = store::identities::for_contact(&self.db, contact_id).await?;
        let organisations = store::organisations::for_contact(&self.db, contact_id).await?;
        Ok(Profile {
            contact: contact_view(&contact),
            identities: identities
                .into_iter()
                .map(|i| IdentityView {
                    id: i.id,
                    provider: i.provider,
                    value: i.value,
                    verified: i.verified_at.is_some(),
                    has_password: i.password_hash.is_some(),
                })
                .collect(),
            organisations: organisations
                .into_iter()
                .map(crate::services::organisations::view)
                .collect(),
        })
    }

    #[tracing::instrument(skip_all, fields(contact_id))]
    pub async fn update_profile(
        &self,
        customer: &CustomerRef,
        update: ProfileUpdate,
    ) -> Result<Profile, ContactError> {
        let contact_id = customer.contact_id.as_str();
        let mut errors = ValidationErrors::default();
        let title = update.title.map(|t| {
            errors
                .check(PersonName::parse_optional(
                    Field::Title,
                    "Title",
                    t.as_deref(),
                ))
                .flatten()
        });
        let first_name = update
            .first_name
            .and_then(|n| errors.check(PersonName::parse(Field::FirstName, "First name", &n)));
        let last_name = update
            .last_name
            .and_then(|n| errors.check(PersonName::parse(Field::LastName, "Last name", &n)));
        let avatar = match update.avatar {
            Some(Some(url)) if url.chars().any(char::is_control) => {
                errors.push(FieldError::new(
                    Field::Avatar,
                    "INVALID_CHARACTERS",
                    "avatar must not contain control characters",
                ));
                None
            }
            Some(Some(url)) if url.trim().len() > MAX_AVATAR_LEN => {
                errors.push(FieldError::new(
                    Field::Avatar,
                    "TOO_LONG",
                    "avatar must be at most 2048 characters",
                ));
                None
            }
            Some(url) => Some(url.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty())),
            None => None,
        };
        let language_code = errors
            .check(LanguageCode::parse_optional(
                Field::LanguageCode,
                update.language_code.as_deref(),
            ))
            .flatten();
        errors.into_result()?;

        let mut tx = self.db.begin().await?;
        store::contacts::lock(&mut *tx, contact_id).await?;
        let mut contact =
            store::contacts::find_incarnation(&mut *tx, contact_id, &customer.incarnation)
                .await?
                .ok_or(ContactError::ContactNotFound)?;
        if let Some(title) = title {
            contact.title = title.map(PersonName::into_string);
        }
        if let Some(name) = first_name {
            contact.first_name = Some(name.into_string());
        }
        if let Some(name) = last_name {
            contact.last_name = Some(name.into_string());
        }
        if let Some(v) = update.email_opt_out {
            contact.email_opt_out = v;
        }
        if let Some(v) = update.sms_opt_out {
            contact.sms_opt_out = v;
        }
        if let Some(avatar) = avatar {
            contact.avatar = avatar;
        }
        if language_code.is_some() {
            contact.language_code = language_code;
        }
        contact.updated_at = now_ms();
        store::contacts::update(&mut *tx, &contact).await?;
        self.audit(
            &mut *tx,
            Some(contact_id),
            &Actor::Customer(contact_id.to_owned()),
            "PROFILE_UPDATED",
            None,
        )
        .await?;
        tx.commit().await?;
        self.profile(customer).await
    }
}
