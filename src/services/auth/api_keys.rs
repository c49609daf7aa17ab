//! API keys: shown once when created, stored only as a hash, checked on every API call. Only
//! admins (and the operator at the command line) create and revoke them; both are audited.

use super::secrets::{random_token, sha256_hex};
use crate::{
    domain::ApiKeyKind,
    services::{contacts::convert_time, Actor, Core, ServiceError, ServiceResult},
    store::{self, api_keys::ApiKeyRow, now_ms},
    views::ApiKeyView,
};

impl Core {
    /// Creates a key and returns it in clear: the only time it exists outside the caller.
    pub async fn create_api_key(
        &self,
        actor: &Actor,
        kind: ApiKeyKind,
        label: Option<String>,
    ) -> ServiceResult<String> {
        actor.require_admin()?;
        let key = format!("{}{}", kind.prefix(), random_token(24));
        let row = ApiKeyRow {
            id: uuid::Uuid::new_v4().to_string(),
            kind: kind.as_str().to_owned(),
            key_hash: sha256_hex(&key),
            prefix: key.chars().take(8).collect(),
            label: label.filter(|l| !l.trim().is_empty()),
            created_at: now_ms(),
            last_used_at: None,
            revoked_at: None,
        };
        let mut tx = self.db.begin().await?;
        store::api_keys::insert(&mut *tx, &row).await?;
        let detail = format!("{}… ({})", row.prefix, kind.as_str());
        self.audit(&mut *tx, None, actor, "API_KEY_CREATED", Some(&detail))
            .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// The id of a live key of this kind, or `InvalidApiKey`.
    pub async fn check_api_key(
        &self,
        kind: ApiKeyKind,
        key: Option<&str>,
    ) -> ServiceResult<String> {
        let key = key
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(ServiceError::InvalidApiKey)?;
        let row = store::api_keys::live_by_hash(&self.db.pool, &sha256_hex(key))
            .await?
            .filter(|row| row.kind == kind.as_str())
            .ok_or(ServiceError::InvalidApiKey)?;
        // When it was last used is a courtesy to admins: a failed stamp fails no request.
        if let Err(error) = store::api_keys::touch(&self.db.writer, &row.id, now_ms()).await {
            tracing::debug!(error = %error, "could not stamp an API key's last use");
        }
        Ok(row.id)
    }

    pub async fn api_keys(&self, actor: &Actor) -> ServiceResult<Vec<ApiKeyView>> {
        actor.require_admin()?;
        Ok(store::api_keys::list(&self.db.pool)
            .await?
            .into_iter()
            .filter_map(|k| {
                Some(ApiKeyView {
                    kind: ApiKeyKind::from_stored(&k.kind)?,
                    id: k.id,
                    prefix: k.prefix,
                    label: k.label,
                    created_at: convert_time(k.created_at),
                    last_used_at: k.last_used_at.map(convert_time),
                    revoked: k.revoked_at.is_some(),
                })
            })
            .collect())
    }

    pub async fn revoke_api_key(&self, actor: &Actor, id: &str) -> ServiceResult<()> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let key = store::api_keys::by_id(&mut *tx, id)
            .await?
            .ok_or(ServiceError::InvalidApiKey)?;
        if store::api_keys::revoke(&mut *tx, id, now_ms()).await? {
            let detail = format!("{}…", key.prefix);
            self.audit(&mut *tx, None, actor, "API_KEY_REVOKED", Some(&detail))
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
