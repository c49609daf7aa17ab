//! Organisations (business, merchant, service owner, venue) and who belongs to them.

use crate::{
    domain::{Field, OrgType, PersonName, ValidationErrors},
    services::{Actor, AdminError, ContactError, Core, Fault},
    store::{self, now_ms, organisations::OrganisationRow},
    views::OrganisationView,
};

/// The one place an organisation row becomes what the outside sees.
pub(crate) fn view(o: OrganisationRow) -> OrganisationView {
    OrganisationView {
        name: o.name,
        id: o.id,
        org_type: o.org_type,
    }
}

impl Core {
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        name: Option<&str>,
        org_type: Option<&str>,
    ) -> Result<OrganisationView, AdminError> {
        actor.require_organisations()?;
        let mut errors = ValidationErrors::default();
        let name = errors.check(PersonName::parse(
            Field::OrganisationName,
            "Name",
            name.unwrap_or(""),
        ));
        let org_type = errors.check(OrgType::parse(Field::OrgType, org_type.unwrap_or("")));
        errors.into_result()?;
        let (Some(name), Some(org_type)) = (name, org_type) else {
            return Err(AdminError::Validation(ValidationErrors::default()));
        };
        let row = OrganisationRow {
            id: uuid::Uuid::new_v4().to_string(),
            name: name.into_string(),
            org_type,
            created_at: now_ms(),
        };
        let mut tx = self.db.begin().await?;
        store::organisations::insert(&mut *tx, &row).await?;
        let detail = format!("{} ({})", row.name, row.org_type);
        self.audit(&mut *tx, None, actor, "ORGANISATION_CREATED", Some(&detail))
            .await?;
        tx.commit().await?;
        Ok(view(row))
    }

    pub async fn organisations(&self) -> Result<Vec<OrganisationView>, Fault> {
        Ok(store::organisations::list(&self.db)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    pub async fn join_organisation(
        &self,
        contact_id: &str,
        organisation_id: &str,
        actor: &Actor,
    ) -> Result<(), ContactError> {
        actor.require_back_office()?;
        let mut tx = self.db.begin().await?;
        store::contacts::find(&mut *tx, contact_id)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        let org = store::organisations::find(&mut *tx, organisation_id)
            .await?
            .ok_or(ContactError::OrganisationNotFound)?;
        store::organisations::join(&mut *tx, contact_id, organisation_id, now_ms()).await?;
        self.audit(
            &mut *tx,
            Some(contact_id),
            actor,
            "ORGANISATION_JOINED",
            Some(&org.name),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn leave_organisation(
        &self,
        contact_id: &str,
        organisation_id: &str,
        actor: &Actor,
    ) -> Result<(), ContactError> {
        actor.require_back_office()?;
        let mut tx = self.db.begin().await?;
        store::contacts::find(&mut *tx, contact_id)
            .await?
            .ok_or(ContactError::ContactNotFound)?;
        let org = store::organisations::find(&mut *tx, organisation_id)
            .await?
            .ok_or(ContactError::OrganisationNotFound)?;
        if store::organisations::leave(&mut *tx, contact_id, organisation_id).await? {
            self.audit(
                &mut *tx,
                Some(contact_id),
                actor,
                "ORGANISATION_LEFT",
                Some(&org.name),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
