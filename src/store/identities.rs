use super::Conn;

use crate::domain::Provider;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IdentityRow {
    pub id: String,
    pub contact_id: String,
    pub provider: Provider,
    pub value: String,
    pub password_hash: Option<String>,
    pub verified_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, contact_id, provider, value, password_hash, verified_at, created_at";

/// The proven identity with this value, if any. Every identity written is proven; the filter
/// keeps it so should an unproven row ever appear (SECURITY.md, "unproven identities").
pub async fn find<'e>(
    ex: impl Conn<'e>,
    provider: Provider,
    value: &str,
) -> sqlx::Result<Option<IdentityRow>> {
    sqlx::query_as::<_, IdentityRow>(&format!(
        "SELECT {COLUMNS} FROM identities WHERE provider = $1 AND value = $2 AND verified_at IS NOT NULL"
    ))
    .bind(provider.as_str())
    .bind(value)
    .fetch_optional(ex.read())
    .await
}

pub async fn for_contact<'e>(
    ex: impl Conn<'e>,
    contact_id: &str,
) -> sqlx::Result<Vec<IdentityRow>> {
    sqlx::query_as::<_, IdentityRow>(&format!(
        "SELECT {COLUMNS} FROM identities WHERE contact_id = $1 AND verified_at IS NOT NULL \
         ORDER BY created_at, id"
    ))
    .bind(contact_id)
    .fetch_all(ex.read())
    .await
}

/// An identity as it is written: only once proven (a code sent to it, or the provider's token).
pub struct ProvenIdentity<'a> {
    /// The id announced when the identity was asked for (add-identity), else a new one.
    pub id: Option<&'a str>,
    pub contact_id: &'a str,
    pub provider: Provider,
    pub value: &'a str,
    pub password_hash: Option<&'a str>,
    pub proven_at: i64,
}

pub async fn insert<'e>(ex: impl Conn<'e>, identity: &ProvenIdentity<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO identities (id, contact_id, provider, value, password_hash, verified_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(
        identity
            .id
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    )
    .bind(identity.contact_id)
    .bind(identity.provider.as_str())
    .bind(identity.value)
    .bind(identity.password_hash)
    .bind(identity.proven_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn set_password<'e>(
    ex: impl Conn<'e>,
    identity_id: &str,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE identities SET password_hash = $2 WHERE id = $1")
        .bind(identity_id)
        .bind(hash)
        .execute(ex.write())
        .await?;
    Ok(())
}

/// Removes one identity (its password goes with it).
pub async fn delete<'e>(ex: impl Conn<'e>, identity_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM identities WHERE id = $1")
        .bind(identity_id)
        .execute(ex.write())
        .await?;
    Ok(())
}
