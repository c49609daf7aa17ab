//! The delivery worker: every app server runs one. It claims due messages (a lease per message, so
//! a message whose server died mid-send is taken up again when the lease runs out), sends them
//! through the configured providers a few at a time, and records the outcome: sent, tried again
//! later with exponential back-off, or given up when the provider refuses it or its code expires.
//! Delivery is at least once: a server that dies after the provider accepted a message but before
//! it was recorded sends it again (with the same idempotency key).

use std::time::Duration;

use futures::future::join_all;
use tokio::sync::watch;

use super::{Channel, Delivery, OtpMessage, SendError};
use crate::store::{self, deliveries::Claimed, now_ms, Db};

/// Messages one worker sends at once.
const BATCH: i64 = 16;
/// How often the queue is looked at when nothing woke the worker (retries, other servers' work).
const POLL: Duration = Duration::from_millis(500);
const MAX_BACKOFF_MS: i64 = 60_000;

/// Runs until `stop` turns true; the sends under way then finish (each within its try timeout).
pub async fn run(db: Db, delivery: Delivery, mut stop: watch::Receiver<bool>) {
    let lease_ms = i64::try_from(delivery.try_timeout.as_millis()).unwrap_or(10_000) + 30_000;
    let mut unreadable = false;
    loop {
        if *stop.borrow() {
            return;
        }
        let now = now_ms();
        let claimed = match store::deliveries::claim_due(&db, now, now + lease_ms, BATCH).await {
            Ok(claimed) => {
                if std::mem::take(&mut unreadable) {
                    tracing::info!("the delivery queue can be read again");
                }
                claimed
            }
            Err(error) => {
                // Said once per outage, not at every poll.
                if !std::mem::replace(&mut unreadable, true) {
                    tracing::warn!(error = %error, "the delivery queue cannot be read; trying again");
                }
                Vec::new()
            }
        };
        let busy = !claimed.is_empty();
        join_all(claimed.into_iter().map(|c| send_one(&db, &delivery, c))).await;
        if busy {
            continue;
        }
        tokio::select! {
            _ = delivery.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => {}
        }
    }
}

/// 1 s, 2 s, 4 s … up to a minute, with up to a fifth of jitter so retries do not march in step.
fn backoff_ms(attempts: i64) -> i64 {
    let base = 1_000i64.saturating_mul(1 << attempts.clamp(1, 16).saturating_sub(1));
    let base = base.min(MAX_BACKOFF_MS);
    let jitter = i64::from(rand::random::<u16>()) % (base / 5).max(1);
    base + jitter
}

fn count(channel: &str, outcome: &'static str) {
    // Bounded labels: whatever a row says, one of the two channels.
    let channel = [Channel::Sms, Channel::Email]
        .into_iter()
        .find(|c| c.as_str() == channel)
        .unwrap_or(Channel::Email)
        .as_str();
    metrics::counter!("portal_otp_messages_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}

async fn send_one(db: &Db, delivery: &Delivery, claimed: Claimed) {
    let outcome = attempt(delivery, &claimed).await;
    let now = now_ms();
    let recorded = match outcome {
        Ok(()) => {
            count(&claimed.channel, "sent");
            store::deliveries::mark_sent(db, &claimed.id, now).await
        }
        Err(SendError::Refused(error)) => {
            count(&claimed.channel, "failed");
            tracing::error!(delivery = %claimed.id, channel = %claimed.channel, error = format!("{error:#}"), "a one-time code could not be delivered");
            store::deliveries::mark_failed(db, &claimed.id, &format!("{error:#}")).await
        }
        Err(SendError::Retry(error)) => {
            let next = now + backoff_ms(claimed.attempts);
            if next >= claimed.expires_at {
                count(&claimed.channel, "failed");
                tracing::error!(delivery = %claimed.id, channel = %claimed.channel, error = format!("{error:#}"), "gave up delivering a one-time code: it expires before the next try");
                store::deliveries::mark_failed(db, &claimed.id, &format!("gave up: {error:#}"))
                    .await
            } else {
                count(&claimed.channel, "retried");
                tracing::warn!(delivery = %claimed.id, channel = %claimed.channel, attempt = claimed.attempts, error = format!("{error:#}"), "delivery failed; trying again later");
                store::deliveries::retry_at(db, &claimed.id, next, &format!("{error:#}")).await
            }
        }
    };
    if let Err(error) = recorded {
        // The lease runs out and the message is taken up again: at least once.
        tracing::warn!(delivery = %claimed.id, error = %error, "could not record a delivery's outcome");
    }
}

async fn attempt(delivery: &Delivery, claimed: &Claimed) -> Result<(), SendError> {
    if now_ms() >= claimed.expires_at {
        return Err(SendError::Refused(anyhow::anyhow!(
            "its code expired before it could be sent"
        )));
    }
    let message: OtpMessage = claimed
        .sealed
        .as_deref()
        .and_then(|s| delivery.seal.open(s))
        .and_then(|plain| serde_json::from_slice(&plain).ok())
        .ok_or_else(|| {
            SendError::Refused(anyhow::anyhow!(
                "the queued message cannot be opened (was JWT_SECRET changed?)"
            ))
        })?;
    let sender = delivery.sender(message.channel);
    match tokio::time::timeout(delivery.try_timeout, sender.deliver(&message, &claimed.id)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(SendError::Retry(anyhow::anyhow!(
            "the provider took longer than {:?}",
            delivery.try_timeout
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        for (attempts, base) in [
            (1, 1_000),
            (2, 2_000),
            (3, 4_000),
            (7, 60_000),
            (40, 60_000),
        ] {
            let b = backoff_ms(attempts);
            assert!(b >= base && b <= base + base / 5, "{attempts}: {b}");
        }
    }
}
