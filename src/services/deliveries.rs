//! What the back office sees of the delivery queue: recent failures, recipients masked.

use super::{contacts::convert_time, Core, ServiceResult};
use crate::{
    domain::{Email, PhoneNumber},
    store,
    views::DeliveryFailureView,
};

fn masked(channel: &str, to: &str) -> String {
    let shown = match channel {
        "SMS" => PhoneNumber::parse_e164("to", to)
            .map(|p| p.obfuscated())
            .ok(),
        _ => Email::parse("to", to).map(|e| e.obfuscated()).ok(),
    };
    shown.unwrap_or_else(|| "***".into())
}

impl Core {
    /// The latest messages given up on (refused by the provider, or their code expired first).
    pub async fn delivery_failures(&self, limit: i64) -> ServiceResult<Vec<DeliveryFailureView>> {
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
