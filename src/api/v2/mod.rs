//! `/self-service/v2/*`: CRM.COM's Self-Service v2 paths and shapes, for the apps and SDKs
//! written against it (README, "CRM.COM compatibility"). An adapter like v1: the same services
//! underneath, no rule and no SQL of its own. Calls before sign-in carry the `api_key` header;
//! signed-in calls carry only `Authorization: Bearer`, and a `{id}` in the path must be the
//! signed-in contact's own. One module per resource: auth.rs (signing up and in), contacts.rs
//! (the signed-in contact); their bodies in requests.rs, their answers in replies.rs.

mod auth;
mod contacts;
pub mod replies;
pub mod requests;

use axum::middleware;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    client::{check_self_service_key_if_sent, require_self_service_key},
    problem::{ApiError, ApiResult},
    spelling::V2,
};
use crate::services::Core;

const TAG: &str = "Self-Service v2";

/// A v2 handler's result: its problems spell fields as CRM.COM's apps sent them.
type V2Result<T> = ApiResult<T, V2>;

pub fn router(core: Core) -> OpenApiRouter {
    let keyed = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::request_otp))
        .routes(routes!(auth::validate_otp))
        .routes(routes!(auth::authenticate))
        .routes(routes!(auth::forgot_password))
        .layer(middleware::from_fn_with_state(
            core.clone(),
            require_self_service_key,
        ));
    // The token (access, refresh or reset) is the credential here.
    let tokened = OpenApiRouter::new()
        .routes(routes!(auth::refresh))
        .routes(routes!(auth::change_forgotten_password))
        .routes(routes!(
            contacts::get_contact,
            contacts::update_contact,
            contacts::unregister
        ))
        .routes(routes!(contacts::sign_out))
        .routes(routes!(contacts::add_identity))
        .routes(routes!(contacts::remove_identity))
        .routes(routes!(contacts::organisations))
        .routes(routes!(contacts::change_password))
        .layer(middleware::from_fn_with_state(
            core.clone(),
            check_self_service_key_if_sent,
        ));
    keyed
        .merge(tokened)
        .fallback(|| async { ApiError::<V2>::not_found() })
        .with_state(core)
}
