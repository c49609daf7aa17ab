//! SMS through an HTTP gateway, Twilio-compatible: a form post of `To`, `From`, `Body` with basic
//! auth (`SMS_HTTP_TOKEN` = `user:secret`). Each try has a timeout; 5xx and network errors are
//! retried with back-off, 4xx are not (the request itself is wrong).

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;

use super::{Deliver, OtpMessage};

pub struct SmsHttp {
    client: reqwest::Client,
    url: String,
    from: String,
    credentials: Option<(String, String)>,
    tries: u32,
}

impl SmsHttp {
    pub fn new(
        url: &str,
        token: Option<&str>,
        from: &str,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .context("could not build the HTTP client")?;
        let credentials = token.map(|t| match t.split_once(':') {
            Some((user, secret)) => (user.to_owned(), secret.to_owned()),
            None => (t.to_owned(), String::new()),
        });
        Ok(Self {
            client,
            url: url.to_owned(),
            from: from.to_owned(),
            credentials,
            tries: 3,
        })
    }
}

#[async_trait]
impl Deliver for SmsHttp {
    async fn deliver(&self, message: &OtpMessage) -> anyhow::Result<()> {
        let form = [
            ("To", message.to.as_str()),
            ("From", self.from.as_str()),
            ("Body", message.body.as_str()),
        ];
        let mut last_error = anyhow::anyhow!("no attempt made");
        for attempt in 0..self.tries {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(250 * 2u64.pow(attempt - 1))).await;
            }
            let mut request = self.client.post(&self.url).form(&form);
            if let Some((user, secret)) = &self.credentials {
                request = request.basic_auth(user, Some(secret));
            }
            match request.send().await {
                Ok(response) if response.status().is_success() => return Ok(()),
                Ok(response) if response.status().is_client_error() => {
                    anyhow::bail!(
                        "SMS gateway refused the message: HTTP {}",
                        response.status()
                    );
                }
                Ok(response) => {
                    last_error = anyhow::anyhow!("SMS gateway answered HTTP {}", response.status())
                }
                Err(e) => last_error = anyhow::Error::new(e).context("SMS gateway unreachable"),
            }
            tracing::warn!(attempt = attempt + 1, error = %last_error, "SMS delivery attempt failed");
        }
        Err(last_error)
    }
}
