use sqlx::{Any, Executor};

use super::{Actor, Core, ServiceResult};
use crate::store::{self, audit::AuditRow, now_ms};

impl Core {
    /// Records who did what to which contact; written in the same transaction as the change.
    pub(crate) async fn audit<'e>(
        &self,
        ex: impl Executor<'e, Database = Any>,
        contact_id: Option<&str>,
        actor: &Actor,
        action: &str,
        detail: Option<&str>,
    ) -> ServiceResult<()> {
        let row = AuditRow {
            id: uuid::Uuid::new_v4().to_string(),
            contact_id: contact_id.map(str::to_owned),
            actor_kind: actor.kind().to_owned(),
            actor_id: actor.id(),
            action: action.to_owned(),
            detail: detail.map(str::to_owned),
            created_at: now_ms(),
        };
        store::audit::insert(ex, &row).await?;
        Ok(())
    }
}
