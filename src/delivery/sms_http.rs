//! SMS through an HTTP gateway, Twilio-compatible: a form post of `To`, `From`, `Body` with basic
//! auth (`SMS_HTTP_TOKEN` = `user:secret`) and an `Idempotency-Key` header (the same for every
//! try of one message). One try per call: the delivery queue retries. 5xx, 408, 429 and network
//! errors are worth another try; other 4xx are final (the message itself is wrong).

use std::time::Duration;

use anyhow::Context;
use async_trait::async_trait;
use reqwest::StatusCode;

use super::{Deliver, OtpMessage, SendError};

pub struct SmsHttp {
    client: reqwest::Client,
    url: String,
    from: String,
    credentials: Option<(String, String)>,
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
            .redirect(reqwest::redirect::Policy::none())
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
        })
    }
}

#[async_trait]
impl Deliver for SmsHttp {
    async fn deliver(&self, message: &OtpMessage, key: &str) -> Result<(), SendError> {
        let form = [
            ("To", message.to.as_str()),
            ("From", self.from.as_str()),
            ("Body", message.body.as_str()),
        ];
        let mut request = self
            .client
            .post(&self.url)
            .header("Idempotency-Key", key)
            .form(&form);
        if let Some((user, secret)) = &self.credentials {
            request = request.basic_auth(user, Some(secret));
        }
        let response = request.send().await.map_err(|e| {
            SendError::Retry(anyhow::Error::new(e).context("SMS gateway unreachable"))
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let error = anyhow::anyhow!("SMS gateway answered HTTP {status}");
        match status {
            StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS => {
                Err(SendError::Retry(error))
            }
            s if s.is_client_error() => Err(SendError::Refused(error)),
            _ => Err(SendError::Retry(error)),
        }
    }
}
