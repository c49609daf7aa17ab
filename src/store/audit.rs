use sqlx::{Any, Executor};

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

pub async fn insert<'e>(ex: impl Executor<'e, Database = Any>, row: &AuditRow) -> sqlx::Result<()> {
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
    .execute(ex)
    .await?;
    Ok(())
}

pub async fn for_contact<'e>(
    ex: impl Executor<'e, Database = Any>,
    contact_id: &str,
) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT id, contact_id, actor_kind, actor_id, action, detail, created_at FROM audit_events \
         WHERE contact_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200",
    )
    .bind(contact_id)
    .fetch_all(ex)
    .await
}
