//! One row per code issued. The code itself is never stored: only a keyed hash bound to the row.
//! Rows come out typed (intent, identity), converted here and nowhere else. The intent is kept
//! whole as JSON (`payload`); `purpose` is a copy of its purpose for the lookups that need one.

use super::Conn;

use crate::domain::{CodeIntent, Identity, Purpose};

#[derive(Clone, Debug)]
pub struct OtpRow {
    pub id: String,
    pub handle_hash: String,
    /// What redeeming the code does (and its purpose).
    pub intent: CodeIntent,
    /// The identity the code proves: where it was sent (or, for a decoy, would have been).
    pub identity: Identity,
    /// The identifier the send limits counted (for a resend to count the same one).
    pub limit_key: String,
    /// Sent to nobody: answers for identities that are not on file look like the others.
    pub decoy: bool,
    pub contact_id: Option<String>,
    pub contact_incarnation: Option<String>,
    pub code_hash: String,
    pub attempts: i64,
    pub client_ip: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub consumed_at: Option<i64>,
}

impl OtpRow {
    pub fn purpose(&self) -> Purpose {
        self.intent.purpose()
    }
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    handle_hash: String,
    purpose: String,
    provider: String,
    value: String,
    limit_key: String,
    decoy: i64,
    contact_id: Option<String>,
    contact_incarnation: Option<String>,
    payload: Option<String>,
    code_hash: String,
    attempts: i64,
    client_ip: Option<String>,
    created_at: i64,
    expires_at: i64,
    consumed_at: Option<i64>,
}

fn corrupt(what: String) -> sqlx::Error {
    sqlx::Error::Decode(what.into())
}

impl TryFrom<Stored> for OtpRow {
    type Error = sqlx::Error;

    fn try_from(s: Stored) -> Result<Self, Self::Error> {
        let intent: CodeIntent = serde_json::from_str(s.payload.as_deref().unwrap_or_default())
            .map_err(|e| corrupt(format!("otp {}: unreadable intent: {e}", s.id)))?;
        if intent.purpose().as_str() != s.purpose {
            return Err(corrupt(format!(
                "otp {}: intent {:?} under purpose {}",
                s.id,
                intent.purpose(),
                s.purpose
            )));
        }
        let identity = Identity::from_stored(&s.provider, &s.value)
            .map_err(|e| corrupt(format!("otp {}: {}", s.id, e.message)))?;
        Ok(OtpRow {
            id: s.id,
            handle_hash: s.handle_hash,
            intent,
            identity,
            limit_key: s.limit_key,
            decoy: s.decoy != 0,
            contact_id: s.contact_id,
            contact_incarnation: s.contact_incarnation,
            code_hash: s.code_hash,
            attempts: s.attempts,
            client_ip: s.client_ip,
            created_at: s.created_at,
            expires_at: s.expires_at,
            consumed_at: s.consumed_at,
        })
    }
}

const COLUMNS: &str =
    "id, handle_hash, purpose, provider, value, limit_key, decoy, contact_id, contact_incarnation, \
     payload, code_hash, attempts, client_ip, created_at, expires_at, consumed_at";

pub async fn insert<'e>(ex: impl Conn<'e>, row: &OtpRow) -> sqlx::Result<()> {
    let intent =
        serde_json::to_string(&row.intent).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(&format!(
        "INSERT INTO otps ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    ))
    .bind(&row.id)
    .bind(&row.handle_hash)
    .bind(row.purpose().as_str())
    .bind(row.identity.provider().as_str())
    .bind(row.identity.value())
    .bind(&row.limit_key)
    .bind(i64::from(row.decoy))
    .bind(&row.contact_id)
    .bind(&row.contact_incarnation)
    .bind(intent)
    .bind(&row.code_hash)
    .bind(row.attempts)
    .bind(&row.client_ip)
    .bind(row.created_at)
    .bind(row.expires_at)
    .bind(row.consumed_at)
    .execute(ex.write())
    .await?;
    Ok(())
}

pub async fn by_handle<'e>(ex: impl Conn<'e>, handle_hash: &str) -> sqlx::Result<Option<OtpRow>> {
    sqlx::query_as::<_, Stored>(&format!(
        "SELECT {COLUMNS} FROM otps WHERE handle_hash = $1"
    ))
    .bind(handle_hash)
    .fetch_optional(ex.read())
    .await?
    .map(OtpRow::try_from)
    .transpose()
}

/// The newest sign-in code of an identity that is neither used nor expired: the only codes a
/// lookup by identity finds (`Purpose::signs_in_by_identity`). A code that was sent outranks a
/// decoy, so a stranger's `request-otp` never shadows a code its owner holds.
pub async fn newest_live_sign_in<'e>(
    ex: impl Conn<'e>,
    identity: &Identity,
    now: i64,
) -> sqlx::Result<Option<OtpRow>> {
    debug_assert!(Purpose::ALL
        .into_iter()
        .filter(|p| p.signs_in_by_identity())
        .eq([Purpose::SignIn]));
    sqlx::query_as::<_, Stored>(&format!(
        "SELECT {COLUMNS} FROM otps WHERE provider = $1 AND value = $2 AND purpose = $3 \
         AND consumed_at IS NULL AND expires_at > $4 ORDER BY decoy, created_at DESC, id DESC LIMIT 1"
    ))
    .bind(identity.provider().as_str())
    .bind(identity.value())
    .bind(Purpose::SignIn.as_str())
    .bind(now)
    .fetch_optional(ex.read())
    .await?
    .map(OtpRow::try_from)
    .transpose()
}

/// Takes one try of the code before it is compared, so parallel guesses cannot share a try:
/// the tries now on record, or `None` when the code is used up (or already used).
pub async fn take_try<'e>(
    ex: impl Conn<'e>,
    id: &str,
    max_attempts: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "UPDATE otps SET attempts = attempts + 1 WHERE id = $1 AND consumed_at IS NULL AND attempts < $2 \
         RETURNING attempts",
    )
    .bind(id)
    .bind(max_attempts)
    .fetch_optional(ex.write())
    .await
}

/// Marks the code used; false when another request used it first (single use under races) or it
/// expired meanwhile. Its try was taken when it was checked.
pub async fn consume<'e>(ex: impl Conn<'e>, id: &str, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE otps SET consumed_at = $2 WHERE id = $1 AND consumed_at IS NULL AND expires_at > $2",
    )
    .bind(id)
    .bind(now)
    .execute(ex.write())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A code that could not be delivered must not stay usable.
pub async fn delete<'e>(ex: impl Conn<'e>, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM otps WHERE id = $1")
        .bind(id)
        .execute(ex.write())
        .await?;
    Ok(())
}

/// Every code issued for a contact: it is being deleted, or its sign-ins are ending (a password
/// reset or change, signing out everywhere), so nothing it started may finish.
pub async fn delete_for_contact<'e>(ex: impl Conn<'e>, contact_id: &str) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM otps WHERE contact_id = $1")
        .bind(contact_id)
        .execute(ex.write())
        .await?;
    Ok(done.rows_affected())
}

/// Housekeeping: codes expired for more than a day serve no one.
pub async fn delete_expired<'e>(ex: impl Conn<'e>, before: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM otps WHERE expires_at < $1")
        .bind(before)
        .execute(ex.write())
        .await?;
    Ok(done.rows_affected())
}
