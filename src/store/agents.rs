use super::Conn;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgentRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: crate::domain::Role,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, email, password_hash, role, disabled_at, created_at";

pub async fn insert<'e>(ex: impl Conn<'e>, row: &AgentRow) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO agents (id, email, password_hash, role, disabled_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(&row.id)
        .bind(&row.email)
        .bind(&row.password_hash)
        .bind(row.role)
        .bind(row.disabled_at)
        .bind(row.created_at)
        .execute(ex.write())
        .await?;
    Ok(())
}

pub async fn by_email<'e>(ex: impl Conn<'e>, email: &str) -> sqlx::Result<Option<AgentRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM agents WHERE email = $1"))
        .bind(email)
        .fetch_optional(ex.read())
        .await
}

pub async fn by_id<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<Option<AgentRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM agents WHERE id = $1"))
        .bind(id)
        .fetch_optional(ex.read())
        .await
}

pub async fn list<'e>(ex: impl Conn<'e>) -> sqlx::Result<Vec<AgentRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM agents ORDER BY email"))
        .fetch_all(ex.read())
        .await
}

pub async fn set_role<'e>(ex: impl Conn<'e>, id: &str, role: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE agents SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role)
        .execute(ex.write())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_disabled<'e>(ex: impl Conn<'e>, id: &str, at: Option<i64>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE agents SET disabled_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(ex.write())
        .await?;
    Ok(done.rows_affected() == 1)
}
