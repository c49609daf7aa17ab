use async_trait::async_trait;

use super::{Deliver, OtpMessage, SendError};
use crate::{
    store::{self, outbox::OutboxRow, Db},
    timestamps::rfc3339,
};

/// Development delivery: records each message in the database for `/dev/outbox`.
pub struct Outbox {
    db: Db,
}

impl Outbox {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn micros_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_micros()).unwrap_or(i64::MAX)
}

#[async_trait]
impl Deliver for Outbox {
    /// Recorded once per delivery, however many times it is tried (the key is the row's id).
    async fn deliver(&self, message: &OtpMessage, key: &str) -> Result<(), SendError> {
        let row = OutboxRow {
            id: key.to_owned(),
            channel: message.channel.as_str().to_owned(),
            recipient: message.to.clone(),
            // (The column predates notices: a notice is stored with an empty code.)
            code: message.code.clone().unwrap_or_default(),
            body: message.body.clone(),
            created_at: store::now_ms(),
            seq: micros_now(),
        };
        store::outbox::insert(&self.db, &row)
            .await
            .map_err(|e| SendError::Retry(e.into()))
    }
}

/// A recorded message as `/dev/outbox` shows it.
#[derive(serde::Serialize)]
pub struct OutboxMessage {
    pub channel: String,
    pub to: String,
    /// `null` for a notice (a message that carries no code).
    pub code: Option<String>,
    pub body: String,
    pub created_at: String,
}

/// The newest `limit` recorded messages, newest first.
pub async fn recent(db: &Db, limit: i64) -> sqlx::Result<Vec<OutboxMessage>> {
    Ok(store::outbox::newest(db, limit)
        .await?
        .into_iter()
        .map(|r| OutboxMessage {
            channel: r.channel,
            to: r.recipient,
            code: Some(r.code).filter(|c| !c.is_empty()),
            body: r.body,
            created_at: rfc3339(r.created_at),
        })
        .collect())
}
