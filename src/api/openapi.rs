//! The OpenAPI 3.1 document of the JSON APIs (`/api-docs/openapi.json`). It is made from the
//! handlers' own `#[utoipa::path]` annotations as the routes are registered
//! (`utoipa_axum::routes!`), so a route and its description come from one place.

use serde::Serialize;
use utoipa::{
    openapi::{
        path::Operation,
        security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme},
        OpenApi as Document, RefOr,
    },
    OpenApi, ToResponse, ToSchema,
};

/// A field at fault, in `errors[]`.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as a JSON path into the request (`identity.email`, `credentials[0].value`).
    pub field: String,
    /// A stable code (`REQUIRED`, `INVALID_EMAIL`, `INVALID_TYPE`, …).
    pub code: String,
    pub message: String,
}

/// RFC 9457 problem details with a stable `code`: every error of every call.
#[derive(Serialize, ToSchema, ToResponse)]
#[response(
    description = "Problem details (RFC 9457) with a stable `code`",
    content_type = "application/problem+json"
)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// One of the stable codes: VALIDATION_FAILED, MALFORMED_JSON, TERMS_NOT_ACCEPTED,
    /// INVALID_EMAIL, INVALID_PHONE_NUMBER, INVALID_COUNTRY_CODE, INVALID_API_KEY, INVALID_OTP,
    /// OTP_EXPIRED, OTP_ATTEMPTS_EXCEEDED, TOO_MANY_REQUESTS, INVALID_CREDENTIALS,
    /// TOKEN_EXPIRED, INVALID_TOKEN, INVALID_REFRESH_TOKEN, REFRESH_TOKEN_REUSED, FORBIDDEN,
    /// CONTACT_NOT_FOUND, ORGANISATION_NOT_FOUND, CONTACT_ID_TAKEN, CONTACT_CODE_TAKEN,
    /// IDENTITY_TAKEN, CREDENTIALS_NOT_ALLOWED, NOT_CONFIGURED, PAYLOAD_TOO_LARGE,
    /// UNSUPPORTED_MEDIA_TYPE, NOT_FOUND, METHOD_NOT_ALLOWED, SERVICE_UNAVAILABLE, INTERNAL.
    pub code: String,
    pub detail: String,
    #[schema(required = false)]
    pub errors: Vec<FieldProblem>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Contacts portal API",
        description = "Self-Service (what a customer's app calls; v1, and v2 shaped like \
            CRM.COM's Self-Service v2) and Back-Office (what other servers call). Errors are \
            problem details with a stable `code`.",
    ),
    components(schemas(Problem, FieldProblem), responses(Problem)),
    tags(
        (name = "Self-Service v1", description = "`api_key` header with a public key; signed-in calls send `Authorization: Bearer <access token>`"),
        (name = "Self-Service v2", description = "CRM.COM's Self-Service v2 paths and shapes (README, \"CRM.COM compatibility\")"),
        (name = "Back-Office v1", description = "`api_key` header with a secret back-office key"),
    )
)]
struct Base;

pub const API_KEY: &str = "api_key";
pub const BACKOFFICE_KEY: &str = "backoffice_key";
pub const BEARER: &str = "bearer";

/// Statuses any call may answer, besides the ones its annotation names: bad input, no or a
/// bad key or token, a body too large or not JSON, a limit reached, the database away, a bug.
const EVERY_CALL_MAY_ANSWER: &[&str] = &["400", "401", "413", "415", "429", "500", "503"];

/// The whole document: the base (info, tags, security schemes, the problem schema) and the
/// routes' own paths.
pub fn document(routes: Document) -> Document {
    let mut doc = Base::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.merge(routes);
    let components = doc.components.get_or_insert_with(Default::default);
    components.security_schemes.insert(
        API_KEY.into(),
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "api_key",
            "A public self-service key (pk_…)",
        ))),
    );
    components.security_schemes.insert(
        BACKOFFICE_KEY.into(),
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "api_key",
            "A secret back-office key (sk_…)",
        ))),
    );
    let mut bearer = Http::new(HttpAuthScheme::Bearer);
    bearer.bearer_format = Some("JWT".into());
    components
        .security_schemes
        .insert(BEARER.into(), SecurityScheme::Http(bearer));
    for item in doc.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            add_error_responses(operation);
        }
    }
    doc
}

fn add_error_responses(operation: &mut Operation) {
    for status in EVERY_CALL_MAY_ANSWER {
        operation
            .responses
            .responses
            .entry((*status).to_owned())
            .or_insert_with(|| RefOr::Ref(utoipa::openapi::Ref::from_response_name("Problem")));
    }
}
