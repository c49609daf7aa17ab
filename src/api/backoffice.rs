//! `/backoffice/v1/*`: what other servers call with a secret back-office key (README, "The APIs").

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    middleware, Extension, Json,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::bodies::{page_number, MAX_PAGE};
use crate::services::contacts::backoffice::MAX_PAGE_SIZE;

use super::{
    body::{Fields, JsonBody},
    openapi::Problem,
    problem::{ApiError, ApiResult},
    schemas,
};
use crate::{
    domain::{FieldError, ValidationErrors},
    services::{
        contacts::backoffice::{ContactPatch, NewContact},
        Actor, Core,
    },
    views::{ContactDetail, ContactPage, ContactView, OrganisationView},
};

pub fn router(core: Core) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(get_contact, update_contact, delete_contact))
        .routes(routes!(join, leave))
        .routes(routes!(list_organisations, create_organisation))
        .fallback(|| async { ApiError::NotFound })
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

#[utoipa::path(post, path = "/contacts", tag = "Back-Office v1", security(("backoffice_key" = [])),
    summary = "Create a contact (person or company)",
    request_body = schemas::NewContactRequest,
    responses(
        (status = 201, body = ContactView),
        (status = 404, description = "ORGANISATION_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "CONTACT_ID_TAKEN, CONTACT_CODE_TAKEN", body = Problem, content_type = "application/problem+json"),
    ))]
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

#[derive(Deserialize, IntoParams)]
struct ListQuery {
    /// Matches names, company, email, phone, code and id.
    search: Option<String>,
    /// From 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    page: Option<String>,
    /// From 1 to 100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    size: Option<String>,
}

#[utoipa::path(get, path = "/contacts", tag = "Back-Office v1", security(("backoffice_key" = [])),
    summary = "Search and page through contacts",
    params(ListQuery),
    responses((status = 200, body = ContactPage)))]
async fn list_contacts(
    State(core): State<Core>,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<ContactPage>> {
    let mut errors = ValidationErrors::default();
    let page = page_number("page", query.page.as_deref(), 1, MAX_PAGE, &mut errors);
    let size = page_number(
        "size",
        query.size.as_deref(),
        20,
        MAX_PAGE_SIZE,
        &mut errors,
    );
    errors.into_result()?;
    Ok(Json(
        core.search_contacts(query.search.as_deref(), page, size)
            .await?,
    ))
}

#[utoipa::path(get, path = "/contacts/{id}", tag = "Back-Office v1", security(("backoffice_key" = [])), params(("id" = String, Path, description = "The contact id")),
    summary = "A contact with its identities (masked), organisations and audit trail",
    responses((status = 200, body = ContactDetail), (status = 404, description = "CONTACT_NOT_FOUND", body = Problem, content_type = "application/problem+json")))]
async fn get_contact(
    State(core): State<Core>,
    Path(id): Path<String>,
) -> ApiResult<Json<ContactDetail>> {
    Ok(Json(core.contact_detail(&id).await?))
}

#[utoipa::path(patch, path = "/contacts/{id}", tag = "Back-Office v1", security(("backoffice_key" = [])), params(("id" = String, Path, description = "The contact id")),
    summary = "Change a contact",
    request_body = schemas::ContactPatchRequest,
    responses(
        (status = 200, body = ContactView), (status = 404, description = "CONTACT_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "CONTACT_CODE_TAKEN", body = Problem, content_type = "application/problem+json"),
    ))]
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

#[utoipa::path(delete, path = "/contacts/{id}", tag = "Back-Office v1", security(("backoffice_key" = [])), params(("id" = String, Path, description = "The contact id")),
    summary = "Delete a contact (its sessions, tokens and codes end with it)",
    responses((status = 204, description = "Deleted"), (status = 404, description = "CONTACT_NOT_FOUND", body = Problem, content_type = "application/problem+json")))]
async fn delete_contact(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    core.delete_contact(&id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/contacts/{id}/organisations/{org_id}", tag = "Back-Office v1", security(("backoffice_key" = [])),
    params(("id" = String, Path, description = "The contact id"), ("org_id" = String, Path, description = "The organisation id")),
    summary = "Add a contact to an organisation",
    responses((status = 204, description = "Joined"), (status = 404, description = "CONTACT_NOT_FOUND, ORGANISATION_NOT_FOUND", body = Problem, content_type = "application/problem+json")))]
async fn join(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path((id, org_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    core.join_organisation(&id, &org_id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/contacts/{id}/organisations/{org_id}", tag = "Back-Office v1", security(("backoffice_key" = [])),
    params(("id" = String, Path, description = "The contact id"), ("org_id" = String, Path, description = "The organisation id")),
    summary = "Take a contact out of an organisation",
    responses((status = 204, description = "Left"), (status = 404, description = "CONTACT_NOT_FOUND, ORGANISATION_NOT_FOUND", body = Problem, content_type = "application/problem+json")))]
async fn leave(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path((id, org_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    core.leave_organisation(&id, &org_id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/organisations", tag = "Back-Office v1", security(("backoffice_key" = [])),
    summary = "Every organisation",
    responses((status = 200, body = schemas::OrganisationList)))]
async fn list_organisations(State(core): State<Core>) -> ApiResult<Json<serde_json::Value>> {
    let content: Vec<OrganisationView> = core.organisations().await?;
    Ok(Json(serde_json::json!({ "content": content })))
}

#[utoipa::path(post, path = "/organisations", tag = "Back-Office v1", security(("backoffice_key" = [])),
    summary = "Create an organisation",
    request_body = schemas::OrganisationRequest,
    responses((status = 201, body = OrganisationView), (status = 403, description = "FORBIDDEN", body = Problem, content_type = "application/problem+json")))]
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
