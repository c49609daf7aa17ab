use super::Conn;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub code: String,
    pub body: String,
    pub created_at: i64,
    pub seq: i64,
}

pub async fn insert<'e>(ex: impl Conn<'e>, row: &OutboxRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO outbox (id, channel, recipient, code, body, created_at, seq) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&row.id)
    .bind(&row.channel)
    .bind(&row.recipient)
    .bind(&row.code)
    .bind(&row.body)
    .bind(row.created_at)
    .bind(row.seq)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn newest<'e>(ex: impl Conn<'e>, limit: i64) -> sqlx::Result<Vec<OutboxRow>> {
    sqlx::query_as(
        "SELECT id, channel, recipient, code, body, created_at, seq FROM outbox ORDER BY seq DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(ex.read())
    .await
}
