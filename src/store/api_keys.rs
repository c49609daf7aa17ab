use super::Conn;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub kind: crate::domain::ApiKeyKind,
    pub key_hash: String,
    pub prefix: String,
    pub label: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert<'e>(ex: impl Conn<'e>, row: &ApiKeyRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO api_keys (id, kind, key_hash, prefix, label, created_at, last_used_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&row.id)
    .bind(row.kind)
    .bind(&row.key_hash)
    .bind(&row.prefix)
    .bind(&row.label)
    .bind(row.created_at)
    .bind(row.last_used_at)
    .bind(row.revoked_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn live_by_hash<'e>(
    ex: impl Conn<'e>,
    key_hash: &str,
) -> sqlx::Result<Option<ApiKeyRow>> {
    sqlx::query_as(
        "SELECT id, kind, key_hash, prefix, label, created_at, last_used_at, revoked_at FROM api_keys \
         WHERE key_hash = $1 AND revoked_at IS NULL",
    )
    .bind(key_hash)
    .fetch_optional(ex.read())
    .await
}

/// Stamps the last use at most once a minute, so busy keys don't write on every request.
pub async fn touch<'e>(ex: impl Conn<'e>, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(now - 60_000)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn list<'e>(ex: impl Conn<'e>) -> sqlx::Result<Vec<ApiKeyRow>> {
    sqlx::query_as(
        "SELECT id, kind, key_hash, prefix, label, created_at, last_used_at, revoked_at FROM api_keys \
         ORDER BY created_at DESC, id",
    )
    .fetch_all(ex.read())
    .await
}

pub async fn revoke<'e>(ex: impl Conn<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(ex.write())
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn by_id<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<Option<ApiKeyRow>> {
    sqlx::query_as(
        "SELECT id, kind, key_hash, prefix, label, created_at, last_used_at, revoked_at FROM api_keys WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex.read())
    .await
}
