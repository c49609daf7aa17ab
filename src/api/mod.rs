//! JSON REST adapters: parse the request, call the service, shape the answer. No rules, no SQL.

pub mod backoffice;
pub mod bodies;
pub mod body;
pub mod client;
pub mod dev;
pub mod problem;
pub mod self_service;

use axum::{extract::DefaultBodyLimit, Router};

use crate::services::Core;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub fn router(core: Core) -> Router {
    let mut router = Router::new()
        .nest("/self-service/v1", self_service::router(core.clone()))
        .nest("/backoffice/v1", backoffice::router(core.clone()));
    if !core.settings().is_production() {
        router = router.nest("/dev", dev::router(core.clone()));
    }
    router.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}
