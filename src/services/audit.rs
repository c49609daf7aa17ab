//! The audit trail: who did what, written in the same transaction as the change.

use super::{contacts::convert_time, Actor, AdminError, Core, Fault};
use crate::{
    store::{self, audit::AuditRow, now_ms},
    views::AuditView,
};

impl Core {
    /// Records who did what to which contact; written in the same transaction as the change.
    pub(crate) async fn audit<'e>(
        &self,
        ex: impl store::Conn<'e>,
        contact_id: Option<&str>,
        actor: &Actor,
        action: &str,
        detail: Option<&str>,
    ) -> Result<(), Fault> {
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

    /// Names the actors of audit entries (agents by email, API keys by prefix).
    pub(crate) async fn audit_views(
        &self,
        rows: Vec<store::audit::AuditRow>,
    ) -> Result<Vec<AuditView>, Fault> {
        let mut names: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        let mut views = Vec::with_capacity(rows.len());
        for a in rows {
            let id = a.actor_id.clone().unwrap_or_default();
            let actor = match a.actor_kind.as_str() {
                "CUSTOMER" => "the customer".to_owned(),
                "SYSTEM" => "the operator".to_owned(),
                kind => {
                    if !names.contains_key(&id) {
                        let name = match kind {
                            "AGENT" => store::agents::by_id(&self.db, &id)
                                .await?
                                .map(|g| format!("agent {}", g.email)),
                            _ => store::api_keys::by_id(&self.db, &id)
                                .await?
                                .map(|k| format!("API key {}…", k.prefix)),
                        };
                        names.insert(
                            id.clone(),
                            name.unwrap_or_else(|| format!("{} (removed)", kind.to_lowercase())),
                        );
                    }
                    names[&id].clone()
                }
            };
            views.push(AuditView {
                actor_kind: a.actor_kind,
                actor_id: a.actor_id,
                actor,
                action: a.action,
                detail: a.detail,
                at: convert_time(a.created_at),
            });
        }
        Ok(views)
    }

    /// What admins did (agents, roles, API keys, organisations), newest first: admins only.
    pub async fn admin_audit(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> Result<Vec<AuditView>, AdminError> {
        actor.require_admin()?;
        let rows = store::audit::admin_trail(&self.db, limit).await?;
        Ok(self.audit_views(rows).await?)
    }
}
