use super::Conn;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: String,
    pub contact_id: Option<String>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub action: String,
    pub detail: Option<String>,
    pub created_at: i64,
}

pub async fn insert<'e>(ex: impl Conn<'e>, row: &AuditRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, contact_id, actor_kind, actor_id, action, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.id)
    .bind(&row.contact_id)
    .bind(&row.actor_kind)
    .bind(&row.actor_id)
    .bind(&row.action)
    .bind(&row.detail)
    .bind(row.created_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

/// The trail of a contact since `since` (its creation: an earlier contact that had the same id
/// keeps its own history).
pub async fn for_contact<'e>(
    ex: impl Conn<'e>,
    contact_id: &str,
    since: i64,
) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT id, contact_id, actor_kind, actor_id, action, detail, created_at FROM audit_events \
         WHERE contact_id = $1 AND created_at >= $2 ORDER BY created_at DESC, id DESC LIMIT 200",
    )
    .bind(contact_id)
    .bind(since)
    .fetch_all(ex.read())
    .await
}

/// Entries about no contact (agents, roles, API keys, organisations), newest first.
pub async fn admin_trail<'e>(ex: impl Conn<'e>, limit: i64) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT id, contact_id, actor_kind, actor_id, action, detail, created_at FROM audit_events \
         WHERE contact_id IS NULL ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex.read())
    .await
}
