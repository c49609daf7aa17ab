//! JSON REST adapters: parse the request, call the service, shape the answer. No rules, no SQL.

pub mod backoffice;
pub mod body;
pub mod client;
pub mod dev;
mod docs_page;
pub mod fuzzing;
mod html;
pub mod lenient;
pub mod openapi;
pub mod problem;
pub mod self_service;
pub mod shared;
pub mod spelling;
pub mod v2;

use std::sync::Arc;

use axum::{extract::DefaultBodyLimit, http::header, response::Html, routing::get, Router};
use utoipa::openapi::OpenApi as Document;
use utoipa_axum::router::OpenApiRouter;

use crate::services::Core;

pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Where each face lives.
const FACES: &[&str] = &["/self-service/v1", "/self-service/v2", "/backoffice/v1"];

/// The JSON APIs and their OpenAPI document (`/api-docs/openapi.json`).
pub fn router(core: Core) -> Router {
    let (mut router, document) = routes(core.clone());
    let json = serde_json::to_value(&document).unwrap_or_default();
    let page: Arc<str> = docs_page::render(&json).into();
    let json: Arc<str> = json.to_string().into();
    router = router
        .route(
            "/api-docs/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    json.to_string(),
                )
            }),
        )
        .route(
            "/api-docs",
            get(move || async move { Html(page.to_string()) }),
        );
    if !core.settings().is_production() {
        router = router.nest("/dev", dev::router(core.clone()));
    }
    router.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
}

/// Every API route with the document that describes it, built from the same annotations.
pub fn routes(core: Core) -> (Router, Document) {
    let faces: [OpenApiRouter; 3] = [
        self_service::router(core.clone()),
        v2::router(core.clone()),
        backoffice::router(core),
    ];
    let mut router = Router::new();
    let mut paths = Document::default();
    for (prefix, face) in FACES.iter().zip(faces) {
        let (face_router, face_doc) = face.split_for_parts();
        router = router.nest(
            prefix,
            face_router.method_not_allowed_fallback(|| async {
                problem::ApiError::<spelling::V1>::from(problem::Failure::MethodNotAllowed)
            }),
        );
        paths = paths.nest(*prefix, face_doc);
    }
    (router, openapi::document(paths))
}

/// The document alone (for `portal openapi` and the docs page).
pub fn document(core: Core) -> Document {
    routes(core).1
}
