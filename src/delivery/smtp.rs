//! Email through an SMTP server (lettre): `SMTP_URL` such as `smtp://user:pass@host:587?tls=required`
//! (STARTTLS), `smtps://user:pass@host:465` (TLS), or `smtp://127.0.0.1:2525` (plain, local relays).
//! Every try of one message has the same `Message-ID` (mail systems drop a repeat); permanent
//! SMTP errors (5xx) are final, the rest worth another try.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::{Deliver, OtpMessage, SendError};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn new(url: &str, from: &str, timeout: Duration) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL could not be parsed")?
            .timeout(Some(timeout))
            .build();
        let from = from.parse().context("SMTP_FROM is not a valid mailbox")?;
        Ok(Self { transport, from })
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The same words as the plain text, with the code set large.
fn html_body(message: &OtpMessage) -> String {
    let rest = message
        .body
        .split_once(&format!("{}. ", message.code))
        .map(|(_, rest)| rest)
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif\">\
         <p>Your Contacts Portal code is</p>\
         <p style=\"font-size:2em;letter-spacing:0.2em;font-family:monospace\"><strong>{code}</strong></p>\
         <p>{rest}</p></body></html>",
        code = message.code,
        rest = escape(rest)
    )
}

#[async_trait]
impl Deliver for Smtp {
    async fn deliver(&self, message: &OtpMessage, key: &str) -> Result<(), SendError> {
        let to: Mailbox = message
            .to
            .parse()
            .context("recipient is not a valid mailbox")
            .map_err(SendError::Refused)?;
        let domain = self.from.email.domain().to_owned();
        let email = Message::builder()
            .message_id(Some(format!("<{key}@{domain}>")))
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(message.body.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(html_body(message)),
                    ),
            )
            .context("could not build the email")
            .map_err(SendError::Refused)?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Refused(
                anyhow::Error::new(e).context("the SMTP server refused the message"),
            )),
            Err(e) => Err(SendError::Retry(
                anyhow::Error::new(e).context("SMTP delivery failed"),
            )),
        }
    }
}
