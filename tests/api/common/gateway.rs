//! A Twilio-style SMS gateway on 127.0.0.1 whose behaviour a test can change while it runs.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{extract::State, http::HeaderMap, routing::post, Form, Router};
use reqwest::StatusCode;
use tokio::net::TcpListener;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gateway {
    Accept,
    /// 503 for the first n calls, then accepts.
    FailTimes(usize),
    /// 500 to every call.
    Down,
    /// 400 to every call (the message itself is refused).
    Refuse,
    /// Answers after this long.
    Slow(Duration),
}

/// One call to the gateway.
#[derive(Clone, Debug)]
pub struct GatewayCall {
    pub authorization: Option<String>,
    pub idempotency_key: Option<String>,
    pub form: Vec<(String, String)>,
    /// What the gateway answered.
    pub accepted: bool,
    pub at: std::time::Instant,
}

impl GatewayCall {
    pub fn param(&self, name: &str) -> &str {
        param(&self.form, name)
    }

    /// The six digits after "code is" in the text.
    pub fn code(&self) -> String {
        self.param("Body")
            .split("code is ")
            .nth(1)
            .map(|rest| rest.chars().take(6).collect())
            .unwrap_or_default()
    }
}

#[derive(Clone)]
pub struct SmsGateway {
    /// The URL to set as `SMS_HTTP_URL`.
    pub url: String,
    mode: Arc<Mutex<Gateway>>,
    calls: Arc<Mutex<Vec<GatewayCall>>>,
}

impl SmsGateway {
    pub async fn start(mode: Gateway) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let gateway = Self {
            url: format!("http://{address}/Messages.json"),
            mode: Arc::new(Mutex::new(mode)),
            calls: Arc::default(),
        };
        let app = Router::new()
            .route("/Messages.json", post(answer))
            .with_state(gateway.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        gateway
    }

    pub fn set(&self, mode: Gateway) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn calls(&self) -> Vec<GatewayCall> {
        self.calls.lock().unwrap().clone()
    }

    /// The calls for messages to `to` that the gateway accepted, oldest first.
    pub fn accepted_to(&self, to: &str) -> Vec<GatewayCall> {
        self.calls()
            .into_iter()
            .filter(|c| c.accepted && c.param("To") == to)
            .collect()
    }

    /// Waits (at most `within`) until `n` calls were made; all calls so far.
    pub async fn wait_for_calls(&self, n: usize, within: Duration) -> Vec<GatewayCall> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let calls = self.calls();
            if calls.len() >= n {
                return calls;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the gateway got {} calls, not {n}, within {within:?}",
                calls.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The code of the first accepted message to `to`, waiting for it a few seconds.
    pub async fn code_for(&self, to: &str) -> String {
        for _ in 0..250 {
            if let Some(call) = self.accepted_to(to).first() {
                return call.code();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("no message reached the gateway for {to}");
    }
}

pub fn param<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

async fn answer(
    State(gateway): State<SmsGateway>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let mode = *gateway.mode.lock().unwrap();
    let made = gateway.calls.lock().unwrap().len() + 1;
    let status = match mode {
        Gateway::Accept => StatusCode::CREATED,
        Gateway::FailTimes(n) if made <= n => StatusCode::SERVICE_UNAVAILABLE,
        Gateway::FailTimes(_) => StatusCode::CREATED,
        Gateway::Down => StatusCode::INTERNAL_SERVER_ERROR,
        Gateway::Refuse => StatusCode::BAD_REQUEST,
        Gateway::Slow(delay) => {
            tokio::time::sleep(delay).await;
            StatusCode::CREATED
        }
    };
    gateway.calls.lock().unwrap().push(GatewayCall {
        authorization: header("authorization"),
        idempotency_key: header("idempotency-key"),
        form,
        accepted: status.is_success(),
        at: std::time::Instant::now(),
    });
    status
}
