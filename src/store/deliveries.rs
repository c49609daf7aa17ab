//! The delivery queue's rows: written with their code, claimed by workers (several app servers
//! share the queue: PostgreSQL hands each row to one of them with `FOR UPDATE SKIP LOCKED`),
//! finished as sent or failed.

use super::{Backend, Conn, Db};

pub const QUEUED: &str = "QUEUED";
pub const SENDING: &str = "SENDING";
pub const SENT: &str = "SENT";
pub const FAILED: &str = "FAILED";

#[derive(Clone, Debug)]
pub struct NewDelivery<'a> {
    pub id: &'a str,
    pub otp_id: Option<&'a str>,
    pub channel: &'a str,
    pub recipient: &'a str,
    pub sealed: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn insert<'e>(ex: impl Conn<'e>, d: &NewDelivery<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO deliveries (id, otp_id, channel, recipient, sealed, status, attempts, next_attempt_at, \
         expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $7)",
    )
    .bind(d.id)
    .bind(d.otp_id)
    .bind(d.channel)
    .bind(d.recipient)
    .bind(d.sealed)
    .bind(QUEUED)
    .bind(d.now)
    .bind(d.expires_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

/// A message handed to one worker until `lease_until`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub sealed: Option<String>,
    pub attempts: i64,
    pub expires_at: i64,
}

/// Takes up to `limit` due messages (queued and due, or claimed by a worker whose lease ran out:
/// its server died mid-send) for this worker until `lease_until`.
pub async fn claim_due(
    db: &Db,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> sqlx::Result<Vec<Claimed>> {
    let lock = match db.backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        // One writer at a time: the statement itself is the lock.
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE deliveries SET status = $1, lease_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM deliveries \
             WHERE (status = $3 AND next_attempt_at <= $4) OR (status = $1 AND lease_until < $4) \
             ORDER BY next_attempt_at LIMIT $5 {lock}) \
         RETURNING id, channel, recipient, sealed, attempts, expires_at"
    );
    let mut tx = db.begin().await?;
    let claimed = sqlx::query_as::<_, Claimed>(&sql)
        .bind(SENDING)
        .bind(lease_until)
        .bind(QUEUED)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(claimed)
}

/// Sent: the sealed message is dropped, only the record stays.
pub async fn mark_sent(db: &Db, id: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deliveries SET status = $2, sent_at = $3, sealed = NULL, lease_until = NULL, last_error = NULL \
         WHERE id = $1",
    )
    .bind(id)
    .bind(SENT)
    .bind(now)
    .execute(db.write())
    .await?;
    Ok(())
}

/// To be tried again at `next_attempt_at`.
pub async fn retry_at(db: &Db, id: &str, next_attempt_at: i64, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deliveries SET status = $2, next_attempt_at = $3, lease_until = NULL, last_error = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(QUEUED)
    .bind(next_attempt_at)
    .bind(error)
    .execute(db.write())
    .await?;
    Ok(())
}

/// Given up (refused by the provider, or the code expired first).
pub async fn mark_failed(db: &Db, id: &str, error: &str) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE deliveries SET status = $2, sealed = NULL, lease_until = NULL, last_error = $3 WHERE id = $1",
    )
    .bind(id)
    .bind(FAILED)
    .bind(error)
    .execute(db.write())
    .await?;
    Ok(())
}

/// Messages waiting (queued or being sent) and the age in ms of the oldest.
pub async fn depth(db: &Db, now: i64) -> sqlx::Result<(i64, i64)> {
    let (count, oldest): (i64, Option<i64>) =
        sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status IN ($1, $2)")
            .bind(QUEUED)
            .bind(SENDING)
            .fetch_one(db.read())
            .await?;
    Ok((count, oldest.map_or(0, |t| (now - t).max(0))))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Failure {
    pub id: String,
    pub channel: String,
    pub recipient: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
}

/// The latest failures, newest first (for the back office).
pub async fn recent_failures(db: &Db, limit: i64) -> sqlx::Result<Vec<Failure>> {
    sqlx::query_as(
        "SELECT id, channel, recipient, attempts, last_error, created_at FROM deliveries \
         WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(FAILED)
    .bind(limit)
    .fetch_all(db.read())
    .await
}
