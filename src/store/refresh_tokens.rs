use super::Conn;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RefreshTokenRow {
    pub id: String,
    pub token_hash: String,
    pub family_id: String,
    pub contact_id: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub rotated_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert<'e>(ex: impl Conn<'e>, row: &RefreshTokenRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO refresh_tokens (id, token_hash, family_id, contact_id, created_at, expires_at, rotated_at, revoked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&row.id)
    .bind(&row.token_hash)
    .bind(&row.family_id)
    .bind(&row.contact_id)
    .bind(row.created_at)
    .bind(row.expires_at)
    .bind(row.rotated_at)
    .bind(row.revoked_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn by_hash<'e>(
    ex: impl Conn<'e>,
    token_hash: &str,
) -> sqlx::Result<Option<RefreshTokenRow>> {
    sqlx::query_as(
        "SELECT id, token_hash, family_id, contact_id, created_at, expires_at, rotated_at, revoked_at \
         FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(ex.read())
    .await
}

/// Marks a token as used for rotation; false when it was already rotated or revoked (a race or a replay).
pub async fn rotate<'e>(ex: impl Conn<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET rotated_at = $2 WHERE id = $1 AND rotated_at IS NULL AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(ex.write())
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn revoke_family<'e>(ex: impl Conn<'e>, family_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL",
    )
    .bind(family_id)
    .bind(now)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn revoke_contact<'e>(ex: impl Conn<'e>, contact_id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE contact_id = $1 AND revoked_at IS NULL",
    )
    .bind(contact_id)
    .bind(now)
    .execute(ex.write())
    .await?;
    Ok(())
}

/// Whether the sign-in an access token came from is still live (not signed out or revoked) and
/// belongs to this very contact row (not to an earlier contact that had the same id).
pub async fn family_is_live<'e>(
    ex: impl Conn<'e>,
    family_id: &str,
    contact_id: &str,
    incarnation: &str,
) -> sqlx::Result<bool> {
    let live: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM refresh_tokens r JOIN contacts c ON c.id = r.contact_id \
         WHERE r.family_id = $1 AND r.revoked_at IS NULL AND r.contact_id = $2 AND c.incarnation = $3 LIMIT 1",
    )
    .bind(family_id)
    .bind(contact_id)
    .bind(incarnation)
    .fetch_optional(ex.read())
    .await?;
    Ok(live.is_some())
}
