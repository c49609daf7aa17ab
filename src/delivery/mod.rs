//! Getting one-time codes to people: the development outbox, SMTP, or an SMS gateway.

pub mod outbox;
pub mod sms_http;
pub mod smtp;

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;

pub use crate::domain::Channel;

/// One message carrying a code. `Debug` hides the code so it can't reach a log line.
#[derive(Clone)]
pub struct OtpMessage {
    pub channel: Channel,
    /// An email address or an E.164 phone number.
    pub to: String,
    pub code: String,
    pub subject: String,
    pub body: String,
}

impl std::fmt::Debug for OtpMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpMessage")
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}

impl OtpMessage {
    /// `purpose`: the sentence that says what the code is for ("Use it to sign in.").
    pub fn new(channel: Channel, to: &str, code: &str, purpose: &str, minutes: u64) -> Self {
        Self {
            channel,
            to: to.to_owned(),
            code: code.to_owned(),
            subject: format!("Your code is {code}"),
            // "code" and the digits together let phones offer to fill the code in.
            body: format!(
                "Your Contacts Portal code is {code}. {purpose} It is valid for {minutes} minutes. \
                 If you did not ask for it, ignore this message."
            ),
        }
    }
}

#[async_trait]
pub trait Deliver: Send + Sync {
    async fn deliver(&self, message: &OtpMessage) -> anyhow::Result<()>;
}

/// Routes each message to the sender configured for its channel, within a time limit so that
/// a slow provider never holds a request for long.
#[derive(Clone)]
pub struct Delivery {
    pub email: Arc<dyn Deliver>,
    pub sms: Arc<dyn Deliver>,
    pub time_limit: Duration,
}

impl Delivery {
    pub async fn send(&self, message: &OtpMessage) -> anyhow::Result<()> {
        let sender = match message.channel {
            Channel::Email => &self.email,
            Channel::Sms => &self.sms,
        };
        let outcome = match tokio::time::timeout(self.time_limit, sender.deliver(message)).await {
            Ok(result) => result,
            Err(_) => Err(anyhow::anyhow!(
                "delivery took longer than {:?}",
                self.time_limit
            )),
        };
        let label = if outcome.is_ok() { "sent" } else { "failed" };
        metrics::counter!("portal_otp_messages_total", "channel" => message.channel.as_str(), "outcome" => label).increment(1);
        outcome
    }
}
