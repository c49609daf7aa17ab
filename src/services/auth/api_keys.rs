//! API keys: shown once when created, stored only as a hash, checked on every API call.

use super::secrets::{random_token, sha256_hex};
use crate::{
    services::{Core, ServiceError, ServiceResult},
    store::{self, api_keys::ApiKeyRow, now_ms},
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyKind {
    SelfService,
    Backoffice,
}

impl ApiKeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyKind::SelfService => "self-service",
            ApiKeyKind::Backoffice => "backoffice",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "self-service" => Some(ApiKeyKind::SelfService),
            "backoffice" => Some(ApiKeyKind::Backoffice),
            _ => None,
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            ApiKeyKind::SelfService => "pk_",
            ApiKeyKind::Backoffice => "sk_",
        }
    }
}

impl Core {
    /// Creates a key and returns it in clear: the only time it exists outside the caller.
    pub async fn create_api_key(
        &self,
        kind: ApiKeyKind,
        label: Option<String>,
    ) -> ServiceResult<String> {
        let key = format!("{}{}", kind.prefix(), random_token(24));
        store::api_keys::insert(
            &self.db.pool,
            &ApiKeyRow {
                id: uuid::Uuid::new_v4().to_string(),
                kind: kind.as_str().to_owned(),
                key_hash: sha256_hex(&key),
                prefix: key.chars().take(8).collect(),
                label,
                created_at: now_ms(),
                last_used_at: None,
                revoked_at: None,
            },
        )
        .await?;
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
        if let Err(error) = store::api_keys::touch(&self.db.pool, &row.id, now_ms()).await {
            tracing::debug!(error = %error, "could not stamp an API key's last use");
        }
        Ok(row.id)
    }
}

impl Core {
    pub async fn api_keys(&self) -> ServiceResult<Vec<crate::views::ApiKeyView>> {
        use crate::services::contacts::convert_time;
        Ok(store::api_keys::list(&self.db.pool)
            .await?
            .into_iter()
            .map(|k| crate::views::ApiKeyView {
                id: k.id,
                kind: k.kind,
                prefix: k.prefix,
                label: k.label,
                created_at: convert_time(k.created_at),
                last_used_at: k.last_used_at.map(convert_time),
                revoked: k.revoked_at.is_some(),
            })
            .collect())
    }

    pub async fn revoke_api_key(&self, id: &str) -> ServiceResult<()> {
        store::api_keys::revoke(&self.db.pool, id, now_ms()).await?;
        Ok(())
    }
}
