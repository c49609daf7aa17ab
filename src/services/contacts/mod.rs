//! Contacts: the signed-in customer's own contact and organisations; `profile` is what it sees
//! and edits of itself, `backoffice` what agents manage.

pub mod backoffice;
mod convert;
mod profile;

pub use convert::{contact_view, rfc3339 as convert_time, summary};
pub use profile::{ProfileUpdate, MAX_AVATAR_LEN};

use crate::{
    services::{auth::CustomerRef, ContactError, Core, Fault},
    store,
    views::{OrganisationPage, Paging},
};

impl Core {
    /// The signed-in customer's contact, if it is still the row they signed in to; `None` when
    /// it was deleted (perhaps with its id given to a new contact since): each caller answers
    /// `ContactNotFound` in its own error.
    pub(crate) async fn current_contact(
        &self,
        customer: &CustomerRef,
    ) -> Result<Option<store::contacts::ContactRow>, Fault> {
        Ok(
            store::contacts::find_incarnation(
                &self.db,
                &customer.contact_id,
                &customer.incarnation,
            )
            .await?,
        )
    }

    /// One page (1-based) of the organisations the signed-in contact belongs to, paged in the
    /// database.
    pub async fn contact_organisations(
        &self,
        customer: &CustomerRef,
        page: i64,
        size: i64,
    ) -> Result<OrganisationPage, ContactError> {
        self.current_contact(customer)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        let contact_id = customer.contact_id.as_str();
        let offset = (page.max(1) - 1).saturating_mul(size);
        let rows =
            store::organisations::page_for_contact(&self.db, contact_id, offset, size).await?;
        let total = store::organisations::count_for_contact(&self.db, contact_id).await?;
        let shown = i64::try_from(rows.len()).unwrap_or(0);
        Ok(OrganisationPage {
            content: rows
                .into_iter()
                .map(crate::services::organisations::view)
                .collect(),
            paging: Paging {
                page,
                size,
                has_more: offset + shown < total,
                total,
            },
        })
    }
}
