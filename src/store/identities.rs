use sqlx::{Any, Executor};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct IdentityRow {
    pub id: String,
    pub contact_id: String,
    pub provider: String,
    pub value: String,
    pub password_hash: Option<String>,
    pub verified_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, contact_id, provider, value, password_hash, verified_at, created_at";

pub async fn find<'e>(
    ex: impl Executor<'e, Database = Any>,
    provider: &str,
    value: &str,
) -> sqlx::Result<Option<IdentityRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identities WHERE provider = $1 AND value = $2"
    ))
    .bind(provider)
    .bind(value)
    .fetch_optional(ex)
    .await
}

pub async fn for_contact<'e>(
    ex: impl Executor<'e, Database = Any>,
    contact_id: &str,
) -> sqlx::Result<Vec<IdentityRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM identities WHERE contact_id = $1 ORDER BY created_at, id"
    ))
    .bind(contact_id)
    .fetch_all(ex)
    .await
}

pub async fn insert<'e>(
    ex: impl Executor<'e, Database = Any>,
    row: &IdentityRow,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO identities (id, contact_id, provider, value, password_hash, verified_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.id)
    .bind(&row.contact_id)
    .bind(&row.provider)
    .bind(&row.value)
    .bind(&row.password_hash)
    .bind(row.verified_at)
    .bind(row.created_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn set_password<'e>(
    ex: impl Executor<'e, Database = Any>,
    identity_id: &str,
    hash: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE identities SET password_hash = $2 WHERE id = $1")
        .bind(identity_id)
        .bind(hash)
        .execute(ex)
        .await?;
    Ok(())
}
