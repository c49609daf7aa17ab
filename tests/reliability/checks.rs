//! What the database must say after a run: every answer's promise kept, nothing half written.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::{any::AnyPoolOptions, AnyPool, Row};

pub async fn connect(db: &str) -> anyhow::Result<AnyPool> {
    sqlx::any::install_default_drivers();
    Ok(AnyPoolOptions::new().max_connections(2).connect(db).await?)
}

pub fn handle_hash(auth_otp: &str) -> String {
    Sha256::digest(auth_otp.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// For every code: (deliveries of it, of which sent, its outbox code). The outbox row's id is the
/// delivery's: one row per delivery however often it was tried.
pub async fn deliveries_by_handle(
    pool: &AnyPool,
) -> anyhow::Result<HashMap<String, (i64, i64, Option<String>)>> {
    let rows = sqlx::query(
        "SELECT o.handle_hash, COUNT(d.id), SUM(CASE WHEN d.status = 'SENT' THEN 1 ELSE 0 END), \
         MAX(ob.code) FROM otps o LEFT JOIN deliveries d ON d.otp_id = o.id \
         LEFT JOIN outbox ob ON ob.id = d.id GROUP BY o.handle_hash",
    )
    .fetch_all(pool)
    .await?;
    let mut out = HashMap::new();
    for row in rows {
        let hash: String = row.try_get(0)?;
        let count: i64 = row.try_get(1)?;
        let sent: Option<i64> = row.try_get(2)?;
        let code: Option<String> = row.try_get(3)?;
        out.insert(hash, (count, sent.unwrap_or(0), code));
    }
    Ok(out)
}

async fn count(pool: &AnyPool, sql: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query_scalar(sql).fetch_one(pool).await?)
}

/// Nothing half written: no code without its message, no message without its code, no contact
/// without its identity, no identity without its contact, and no identity twice.
pub async fn nothing_half_written(pool: &AnyPool) -> anyhow::Result<()> {
    let checks = [
        (
            "codes sent to someone without their message",
            "SELECT COUNT(*) FROM otps o WHERE o.decoy = 0 AND NOT EXISTS \
             (SELECT 1 FROM deliveries d WHERE d.otp_id = o.id)",
        ),
        (
            "messages without their code",
            "SELECT COUNT(*) FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM otps o WHERE o.id = d.otp_id)",
        ),
        (
            "contacts without an identity",
            "SELECT COUNT(*) FROM contacts c WHERE NOT EXISTS \
             (SELECT 1 FROM identities i WHERE i.contact_id = c.id)",
        ),
        (
            "identities without their contact",
            "SELECT COUNT(*) FROM identities i WHERE NOT EXISTS \
             (SELECT 1 FROM contacts c WHERE c.id = i.contact_id)",
        ),
        (
            "identities held twice",
            "SELECT COUNT(*) FROM (SELECT provider, value FROM identities GROUP BY provider, value \
             HAVING COUNT(*) > 1) t",
        ),
    ];
    for (what, sql) in checks {
        let n = count(pool, sql).await?;
        anyhow::ensure!(n == 0, "{n} {what}");
    }
    Ok(())
}

/// SQLite's own check of the file (`ok`), or nothing to check on PostgreSQL.
pub async fn integrity(pool: &AnyPool, db: &str) -> anyhow::Result<String> {
    if !db.starts_with("sqlite:") {
        return Ok("n/a (PostgreSQL)".into());
    }
    let result: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(pool)
        .await?;
    anyhow::ensure!(result == "ok", "PRAGMA integrity_check says {result}");
    Ok(result)
}

pub async fn contacts(pool: &AnyPool) -> anyhow::Result<i64> {
    count(pool, "SELECT COUNT(*) FROM contacts").await
}
