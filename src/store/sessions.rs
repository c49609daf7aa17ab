//! The portal's browser sessions (tower-sessions) kept in the database, so any app server can
//! serve any request. The signed-in contact or agent is copied into its own column so that
//! "end every session of this person" is one statement.

use async_trait::async_trait;
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    session_store, SessionStore,
};

use super::{now_ms, Conn, Db};

/// Which values of a session name who it belongs to (the portal decides the keys).
#[derive(Clone, Copy, Debug)]
pub struct SessionOwners {
    pub contact_key: &'static str,
    pub agent_key: &'static str,
    /// The id of the customer's sign-in (codes asked for by it die with it).
    pub sign_in_key: &'static str,
}

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
    owners: SessionOwners,
}

impl DbSessionStore {
    pub fn new(db: Db, owners: SessionOwners) -> Self {
        Self { db, owners }
    }
}

fn backend(e: sqlx::Error) -> session_store::Error {
    if super::is_unavailable(&e) {
        // tower-sessions answers a failed save with an empty 500 and keeps the cause to itself;
        // this tells the page middleware that the database was away (a 503 page instead).
        let _ = UNAVAILABLE.try_with(|seen| seen.set(true));
    }
    session_store::Error::Backend(e.to_string())
}

tokio::task_local! {
    static UNAVAILABLE: std::cell::Cell<bool>;
}

/// Runs a request and says whether a session read or write inside it found the database
/// unavailable (busy, read-only, unreachable).
pub async fn noting_unavailable<F: std::future::Future>(request: F) -> (F::Output, bool) {
    UNAVAILABLE
        .scope(std::cell::Cell::new(false), async move {
            let output = request.await;
            (output, UNAVAILABLE.with(|seen| seen.get()))
        })
        .await
}

fn string_field(record: &Record, key: &str) -> Option<String> {
    record
        .data
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

fn expiry_ms(record: &Record) -> i64 {
    i64::try_from(record.expiry_date.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl DbSessionStore {
    async fn upsert(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sessions (id, data, contact_id, agent_id, sign_in_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, contact_id = excluded.contact_id, \
             agent_id = excluded.agent_id, sign_in_id = excluded.sign_in_id, expires_at = excluded.expires_at",
        )
        .bind(record.id.to_string())
        .bind(data)
        .bind(string_field(record, self.owners.contact_key))
        .bind(string_field(record, self.owners.agent_key))
        .bind(string_field(record, self.owners.sign_in_key))
        .bind(expiry_ms(record))
        .execute(self.db.write())
        .await
        .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits: a collision is not worth a round trip to look for.
        self.upsert(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.upsert(record).await
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT data, expires_at FROM sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(session_id.to_string())
        .bind(now_ms())
        .fetch_optional(self.db.read())
        .await
        .map_err(backend)?;
        let Some((data, expires_at)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000)
                .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(session_id.to_string())
            .execute(self.db.write())
            .await
            .map_err(backend)?;
        Ok(())
    }
}

/// Ends every portal session of a contact (password reset, deletion), inside the caller's
/// transaction when it has one.
pub async fn end_for_contact<'e>(ex: impl Conn<'e>, contact_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE contact_id = $1")
        .bind(contact_id)
        .execute(ex.write())
        .await?;
    Ok(())
}

/// Whether a portal sign-in of this contact is still live: its session exists and has not
/// expired.
pub async fn sign_in_is_live<'e>(
    ex: impl Conn<'e>,
    sign_in_id: &str,
    contact_id: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let live: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM sessions WHERE sign_in_id = $1 AND contact_id = $2 AND expires_at > $3 LIMIT 1",
    )
    .bind(sign_in_id)
    .bind(contact_id)
    .bind(now)
    .fetch_optional(ex.read())
    .await?;
    Ok(live.is_some())
}

/// Ends every portal session of an agent (disabled, say).
pub async fn end_for_agent<'e>(ex: impl Conn<'e>, agent_id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sessions WHERE agent_id = $1")
        .bind(agent_id)
        .execute(ex.write())
        .await?;
    Ok(())
}

pub async fn delete_expired(db: &Db) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now_ms())
        .execute(db.write())
        .await?;
    Ok(done.rows_affected())
}
