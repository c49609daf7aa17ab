//! Development only (absent in production): what the outbox delivery "sent".

use axum::{extract::State, routing::get, Json, Router};
use serde::Serialize;

use super::problem::ApiResult;
use crate::{
    services::{contacts::convert_time, Core},
    store,
};

#[derive(Serialize)]
pub struct OutboxMessage {
    pub channel: String,
    pub to: String,
    pub code: String,
    pub body: String,
    pub created_at: String,
}

pub fn router(core: Core) -> Router {
    Router::new().route("/outbox", get(outbox)).with_state(core)
}

/// The last 1,000 messages, newest first.
async fn outbox(State(core): State<Core>) -> ApiResult<Json<Vec<OutboxMessage>>> {
    let rows = store::outbox::newest(&core.db.pool, 1000)
        .await
        .map_err(crate::services::ServiceError::from)?;
    Ok(Json(
        rows.into_iter()
            .map(|r| OutboxMessage {
                channel: r.channel,
                to: r.recipient,
                code: r.code,
                body: r.body,
                created_at: convert_time(r.created_at),
            })
            .collect(),
    ))
}
