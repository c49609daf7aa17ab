//! What the outside sees of the delivery queue: its depth (metrics), recent failures (the back
//! office, recipients masked), and in development the outbox.

use super::{contacts::convert_time, Core, Fault};
use crate::{
    domain::{Email, Field, PhoneNumber},
    store,
    views::DeliveryFailureView,
};

fn masked(channel: &str, to: &str) -> String {
    let shown = match channel {
        "SMS" => PhoneNumber::parse_e164(Field::Stored, to)
            .map(|p| p.obfuscated())
            .ok(),
        _ => Email::parse(Field::Stored, to).map(|e| e.obfuscated()).ok(),
    };
    shown.unwrap_or_else(|| "***".into())
}

impl Core {
    /// Messages waiting (queued or being sent) and the age in ms of the oldest.
    pub async fn delivery_queue(&self) -> Result<(i64, i64), Fault> {
        Ok(store::deliveries::depth(&self.db, store::now_ms()).await?)
    }

    /// Development only: what the outbox "sent", newest first.
    pub async fn dev_outbox(
        &self,
        limit: i64,
    ) -> Result<Vec<crate::delivery::outbox::OutboxMessage>, Fault> {
        Ok(crate::delivery::outbox::recent(&self.db, limit).await?)
    }

    /// The latest messages given up on (refused by the provider, or their code expired first).
    pub async fn delivery_failures(&self, limit: i64) -> Result<Vec<DeliveryFailureView>, Fault> {
        Ok(store::deliveries::recent_failures(&self.db, limit)
            .await?
            .into_iter()
            .map(|f| DeliveryFailureView {
                to: masked(&f.channel, &f.recipient),
                channel: f.channel,
                attempts: f.attempts,
                error: f.last_error.unwrap_or_default(),
                at: convert_time(f.created_at),
            })
            .collect())
    }
}
