//! Getting one-time codes to people. A code's message is queued (sealed) in the transaction that
//! writes the code; a worker in every app server sends it, with retries and back-off, until the
//! code expires (worker.rs). Requests never wait for a provider. Senders: the development outbox,
//! SMTP, an SMS gateway.

pub mod outbox;
pub mod seal;
pub mod sms_http;
pub mod smtp;
pub mod worker;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

pub use crate::domain::Channel;
use crate::store::{self, deliveries::NewDelivery, Tx};
use seal::SealKey;

/// One message, in words (`messages` writes them): a code, or a notice that carries none (an
/// identity was added, say). `Debug` hides the code so it can't reach a log line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpMessage {
    pub channel: Channel,
    /// An email address or an E.164 phone number.
    pub to: String,
    /// `None` for a notice.
    pub code: Option<String>,
    pub subject: String,
    /// The plain text (an SMS, an email's text part).
    pub body: String,
    /// An email's HTML part (messages queued before there was one have none).
    #[serde(default)]
    pub html: Option<String>,
}

impl std::fmt::Debug for OtpMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpMessage")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

/// Why a send did not go through, as far as trying again is concerned.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth another try later (a timeout, a 5xx, a connection refused).
    #[error("{0:#}")]
    Retry(anyhow::Error),
    /// The provider refused this message for good (a 4xx, a bad address).
    #[error("{0:#}")]
    Refused(anyhow::Error),
}

#[async_trait]
pub trait Deliver: Send + Sync {
    /// Sends one message; `key` is the same for every try of it (an idempotency key for
    /// providers that honour one).
    async fn deliver(&self, message: &OtpMessage, key: &str) -> Result<(), SendError>;
}

/// The queue and the senders behind it, by channel.
#[derive(Clone)]
pub struct Delivery {
    pub email: Arc<dyn Deliver>,
    pub sms: Arc<dyn Deliver>,
    /// How long one try may take.
    pub try_timeout: Duration,
    seal: Arc<SealKey>,
    wake: Arc<Notify>,
}

impl Delivery {
    pub fn new(
        email: Arc<dyn Deliver>,
        sms: Arc<dyn Deliver>,
        try_timeout: Duration,
        seal: SealKey,
    ) -> Self {
        Self {
            email,
            sms,
            try_timeout,
            seal: Arc::new(seal),
            wake: Arc::new(Notify::new()),
        }
    }

    fn sender(&self, channel: Channel) -> &Arc<dyn Deliver> {
        match channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        }
    }

    /// Queues a message in the caller's transaction: it is sent once that commits (call `wake`
    /// then), and never if it does not. A code's message names its code (`otp_id`), so that
    /// deleting the code deletes the message; a notice names none.
    pub async fn enqueue(
        &self,
        tx: &mut Tx<'_>,
        otp_id: Option<&str>,
        message: &OtpMessage,
        now: i64,
        expires_at: i64,
    ) -> anyhow::Result<()> {
        let sealed = self.seal.seal(&serde_json::to_vec(message)?);
        store::deliveries::insert(
            &mut **tx,
            &NewDelivery {
                id: &uuid::Uuid::new_v4().to_string(),
                otp_id,
                channel: message.channel.as_str(),
                recipient: &message.to,
                sealed: &sealed,
                now,
                expires_at,
            },
        )
        .await?;
        Ok(())
    }

    /// The key messages are sealed with (also for other secrets kept in the database briefly).
    pub(crate) fn seal_key(&self) -> &SealKey {
        &self.seal
    }

    /// Tells this server's worker that something was queued (other servers poll).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
