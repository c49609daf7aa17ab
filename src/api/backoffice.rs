//! `/backoffice/v1/*`: what other servers call with a secret back-office key (README, "The APIs").

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    middleware,
    routing::{get, put},
    Extension, Json, Router,
};
use serde::Deserialize;

use super::{
    body::{Fields, JsonBody},
    problem::{ApiError, ApiResult},
};
use crate::{
    domain::{FieldError, ValidationErrors},
    services::{
        contacts::backoffice::{ContactPatch, NewContact},
        Actor, Core,
    },
    views::{ContactDetail, ContactPage, ContactView, OrganisationView},
};

pub fn router(core: Core) -> Router {
    Router::new()
        .route("/contacts", get(list_contacts).post(create_contact))
        .route(
            "/contacts/{id}",
            get(get_contact)
                .patch(update_contact)
                .delete(delete_contact),
        )
        .route(
            "/contacts/{id}/organisations/{org_id}",
            put(join).delete(leave),
        )
        .route(
            "/organisations",
            get(list_organisations).post(create_organisation),
        )
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(
            core.clone(),
            super::client::require_backoffice_key,
        ))
        .with_state(core)
}

/// Back-office calls never carry credentials.
fn refuse_credentials(fields: &Fields) -> ApiResult<()> {
    if ["password", "identity", "credentials"]
        .iter()
        .any(|k| fields.has(k))
    {
        return Err(ApiError::CredentialsNotAllowed);
    }
    Ok(())
}

fn phone_fields(
    fields: &Fields,
    errors: &mut ValidationErrors,
) -> Option<Option<(String, String)>> {
    if !fields.has("phone") {
        return None;
    }
    match fields.object("phone", errors) {
        None => Some(None),
        Some(phone) => {
            let number = phone.string("number", errors).unwrap_or_default();
            let country = phone.string("country_code", errors).unwrap_or_default();
            Some(Some((number, country)))
        }
    }
}

async fn create_contact(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<ContactView>)> {
    let fields = Fields::new(&body);
    refuse_credentials(&fields)?;
    let mut errors = ValidationErrors::default();
    let phone = phone_fields(&fields, &mut errors).flatten();
    let input = NewContact {
        id: fields.string("id", &mut errors),
        code: fields.string("code", &mut errors),
        contact_type: fields.string("type", &mut errors),
        title: fields.string("title", &mut errors),
        first_name: fields.string("first_name", &mut errors),
        last_name: fields.string("last_name", &mut errors),
        company_name: fields.string("company_name", &mut errors),
        email: fields.string("email", &mut errors),
        phone_number: phone.as_ref().map(|p| p.0.clone()),
        phone_country: phone.map(|p| p.1),
        email_opt_out: fields
            .boolean("email_opt_out", &mut errors)
            .unwrap_or(false),
        sms_opt_out: fields.boolean("sms_opt_out", &mut errors).unwrap_or(false),
        organisations: organisation_ids(&body, &mut errors),
    };
    errors.into_result()?;
    Ok((
        StatusCode::CREATED,
        Json(core.create_contact(input, &actor).await?),
    ))
}

/// `organisations: ["id", …]` (optional) on create.
fn organisation_ids(
    body: &serde_json::Map<String, serde_json::Value>,
    errors: &mut ValidationErrors,
) -> Vec<String> {
    match body.get("organisations") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) if items.iter().all(|i| i.is_string()) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(_) => {
            errors.push(FieldError::new(
                "organisations",
                "INVALID_TYPE",
                "organisations must be a list of organisation ids",
            ));
            Vec::new()
        }
    }
}

#[derive(Deserialize)]
struct ListQuery {
    search: Option<String>,
    page: Option<String>,
    size: Option<String>,
}

fn number(field: &str, raw: Option<&str>, default: i64, errors: &mut ValidationErrors) -> i64 {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => default,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 1 => n,
            _ => {
                errors.push(FieldError::new(
                    field,
                    "INVALID_VALUE",
                    format!("{field} must be a whole number of 1 or more"),
                ));
                default
            }
        },
    }
}

async fn list_contacts(
    State(core): State<Core>,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<ContactPage>> {
    let mut errors = ValidationErrors::default();
    let page = number("page", query.page.as_deref(), 1, &mut errors);
    let size = number("size", query.size.as_deref(), 20, &mut errors);
    errors.into_result()?;
    Ok(Json(
        core.search_contacts(query.search.as_deref(), page, size)
            .await?,
    ))
}

async fn get_contact(
    State(core): State<Core>,
    Path(id): Path<String>,
) -> ApiResult<Json<ContactDetail>> {
    Ok(Json(core.contact_detail(&id).await?))
}

async fn update_contact(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult<Json<ContactView>> {
    let fields = Fields::new(&body);
    refuse_credentials(&fields)?;
    let mut errors = ValidationErrors::default();
    for read_only in ["id", "type"] {
        if fields.has(read_only) {
            errors.push(FieldError::new(
                read_only,
                "READ_ONLY",
                format!("{read_only} cannot be changed"),
            ));
        }
    }
    let patch = ContactPatch {
        code: fields.string("code", &mut errors),
        title: fields.nullable_string("title", &mut errors),
        first_name: fields.nullable_string("first_name", &mut errors),
        last_name: fields.nullable_string("last_name", &mut errors),
        company_name: fields.nullable_string("company_name", &mut errors),
        email: fields.nullable_string("email", &mut errors),
        phone: phone_fields(&fields, &mut errors),
        email_opt_out: fields.boolean("email_opt_out", &mut errors),
        sms_opt_out: fields.boolean("sms_opt_out", &mut errors),
    };
    errors.into_result()?;
    Ok(Json(core.update_contact(&id, patch, &actor).await?))
}

async fn delete_contact(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    core.delete_contact(&id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn join(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path((id, org_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    core.join_organisation(&id, &org_id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn leave(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path((id, org_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    core.leave_organisation(&id, &org_id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_organisations(State(core): State<Core>) -> ApiResult<Json<serde_json::Value>> {
    let content: Vec<OrganisationView> = core.organisations().await?;
    Ok(Json(serde_json::json!({ "content": content })))
}

async fn create_organisation(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    JsonBody(body): JsonBody,
) -> ApiResult<(StatusCode, Json<OrganisationView>)> {
    let fields = Fields::new(&body);
    refuse_credentials(&fields)?;
    let mut errors = ValidationErrors::default();
    let name = fields.string("name", &mut errors);
    let org_type = fields.string("org_type", &mut errors);
    errors.into_result()?;
    Ok((
        StatusCode::CREATED,
        Json(
            core.create_organisation(&actor, name.as_deref(), org_type.as_deref())
                .await?,
        ),
    ))
}
