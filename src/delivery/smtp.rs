//! Email through an SMTP server (lettre): `SMTP_URL` such as `smtp://user:pass@host:587?tls=required`
//! (STARTTLS), `smtps://user:pass@host:465` (TLS), or `smtp://127.0.0.1:2525` (plain, local relays).
//! Every try of one message has the same `Message-ID` (mail systems drop a repeat); permanent
//! SMTP errors (5xx) are final, the rest worth another try.

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    transport::smtp::client::{Certificate, Tls, TlsParameters},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use super::{Deliver, OtpMessage, SendError};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    /// `ca_pem`: a certificate authority to trust besides the public ones (`SMTP_CA_FILE`), for
    /// a relay with a certificate of its own company's CA.
    pub fn new(
        url: &str,
        from: &str,
        timeout: Duration,
        ca_pem: Option<&[u8]>,
    ) -> anyhow::Result<Self> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL could not be parsed")?
            .timeout(Some(timeout));
        if let Some(pem) = ca_pem {
            builder = builder.tls(tls_trusting(url, pem)?);
        }
        let from = from.parse().context("SMTP_FROM is not a valid mailbox")?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

/// The TLS mode `SMTP_URL` asks for (`smtps://` implicit TLS, `?tls=required` STARTTLS,
/// `?tls=opportunistic`), trusting `pem` as well as the public roots.
fn tls_trusting(url: &str, pem: &[u8]) -> anyhow::Result<Tls> {
    let parsed = reqwest::Url::parse(url).context("SMTP_URL could not be parsed")?;
    let host = parsed
        .host_str()
        .context("SMTP_URL names no host")?
        .to_owned();
    let parameters = TlsParameters::builder(host)
        .add_root_certificate(
            Certificate::from_pem(pem).context("SMTP_CA_FILE is not a PEM certificate")?,
        )
        .build_rustls()
        .context("TLS for SMTP could not be set up")?;
    let asked = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    Ok(match (parsed.scheme(), asked.as_deref()) {
        ("smtps", _) => Tls::Wrapper(parameters),
        (_, Some("required")) => Tls::Required(parameters),
        (_, Some("opportunistic")) => Tls::Opportunistic(parameters),
        _ => Tls::None,
    })
}

/// The message's own HTML; one queued before messages had one gets its text in a paragraph.
fn html_body(message: &OtpMessage) -> String {
    message.html.clone().unwrap_or_else(|| {
        let text = crate::messages::escape(&message.body);
        format!(
            "<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif\"><p>{text}</p></body></html>"
        )
    })
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
