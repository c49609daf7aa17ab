use sqlx::{Any, Executor};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OtpRow {
    pub id: String,
    pub handle_hash: String,
    pub identity_key: String,
    pub purpose: String,
    pub contact_id: Option<String>,
    pub payload: Option<String>,
    pub code_hash: String,
    pub attempts: i64,
    pub client_ip: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
}

const COLUMNS: &str =
    "id, handle_hash, identity_key, purpose, contact_id, payload, code_hash, attempts, \
     client_ip, created_at, expires_at, consumed_at";

pub async fn insert<'e>(ex: impl Executor<'e, Database = Any>, row: &OtpRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO otps (id, handle_hash, identity_key, purpose, contact_id, payload, code_hash, attempts, \
         client_ip, created_at, expires_at, consumed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&row.id)
    .bind(&row.handle_hash)
    .bind(&row.identity_key)
    .bind(&row.purpose)
    .bind(&row.contact_id)
    .bind(&row.payload)
    .bind(&row.code_hash)
    .bind(row.attempts)
    .bind(&row.client_ip)
    .bind(row.created_at)
    .bind(row.expires_at)
    .bind(row.consumed_at)
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn by_handle<'e>(
    ex: impl Executor<'e, Database = Any>,
    handle_hash: &str,
) -> sqlx::Result<Option<OtpRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM otps WHERE handle_hash = $1"
    ))
    .bind(handle_hash)
    .fetch_optional(ex)
    .await
}

/// The newest code sent to an identity that is neither used nor expired.
pub async fn newest_live<'e>(
    ex: impl Executor<'e, Database = Any>,
    identity_key: &str,
    now: i64,
) -> sqlx::Result<Option<OtpRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM otps WHERE identity_key = $1 AND consumed_at IS NULL AND expires_at > $2 \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    ))
    .bind(identity_key)
    .bind(now)
    .fetch_optional(ex)
    .await
}

/// Counts one wrong try, unless the code is already used up; gives the tries now on record.
pub async fn record_wrong_try<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "UPDATE otps SET attempts = attempts + 1 WHERE id = $1 AND consumed_at IS NULL RETURNING attempts",
    )
    .bind(id)
    .fetch_optional(ex)
    .await
}

/// Marks the code used; false when another request used it first (single use under races).
pub async fn consume<'e>(
    ex: impl Executor<'e, Database = Any>,
    id: &str,
    max_attempts: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE otps SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL AND attempts < $3 AND expires_at > $2",
    )
    .bind(id)
    .bind(now)
    .bind(max_attempts)
    .execute(ex)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A code that could not be delivered must not stay usable or count as sent.
pub async fn delete<'e>(ex: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM otps WHERE id = $1")
        .bind(id)
        .execute(ex)
        .await?;
    Ok(())
}
