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

/// One call to the gateway: its Authorization header and its form fields.
pub type GatewayCall = (Option<String>, Vec<(String, String)>);

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

    /// The `Body` of every message sent to `to`, oldest first.
    pub fn bodies_to(&self, to: &str) -> Vec<String> {
        self.calls()
            .iter()
            .filter(|(_, form)| param(form, "To") == to)
            .map(|(_, form)| param(form, "Body").to_owned())
            .collect()
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
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let call = {
        let mut calls = gateway.calls.lock().unwrap();
        calls.push((auth, form));
        calls.len()
    };
    let mode = *gateway.mode.lock().unwrap();
    match mode {
        Gateway::Accept => StatusCode::CREATED,
        Gateway::FailTimes(n) if call <= n => StatusCode::SERVICE_UNAVAILABLE,
        Gateway::FailTimes(_) => StatusCode::CREATED,
        Gateway::Down => StatusCode::INTERNAL_SERVER_ERROR,
        Gateway::Refuse => StatusCode::BAD_REQUEST,
        Gateway::Slow(delay) => {
            tokio::time::sleep(delay).await;
            StatusCode::CREATED
        }
    }
}
