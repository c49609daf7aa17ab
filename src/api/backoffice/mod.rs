//! `/backoffice/v1/*`: what other servers call with a secret back-office key (README, "The APIs").

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    middleware, Extension, Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

pub mod requests;

use self::requests::{
    carries_credentials, ContactPatchRequest, NewContactRequest, OrganisationRequest,
};
use super::{
    body::Body,
    openapi::Problem,
    problem::{ApiError, ApiResult, Failure},
    shared::paging,
    spelling::V1,
};
use crate::{
    services::{contacts::backoffice::MAX_PAGE_SIZE, Actor, Core},
    views::{ContactDetail, ContactPage, ContactView, OrganisationView},
};

pub fn router(core: Core) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(list_contacts, create_contact))
        .routes(routes!(get_contact, update_contact, delete_contact))
        .routes(routes!(join, leave))
        .routes(routes!(list_organisations, create_organisation))
        .fallback(|| async { ApiError::<V1>::not_found() })
        .layer(middleware::from_fn_with_state(
            core.clone(),
            super::client::require_backoffice_key,
        ))
        .with_state(core)
}

/// Back-office calls never carry credentials.
fn refuse_credentials(keys: [&Option<serde_json::Value>; 3]) -> ApiResult<()> {
    if carries_credentials(keys) {
        return Err(Failure::CredentialsNotAllowed.into());
    }
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationList {
    pub content: Vec<OrganisationView>,
}

#[utoipa::path(post, path = "/contacts", tag = "Back-Office v1", security(("backoffice_key" = [])),
    summary = "Create a contact (person or company)",
    request_body = NewContactRequest,
    responses(
        (status = 201, body = ContactView),
        (status = 404, description = "ORGANISATION_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "CONTACT_ID_TAKEN, CONTACT_CODE_TAKEN", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_contact(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Body(request): Body<NewContactRequest>,
) -> ApiResult<(StatusCode, Json<ContactView>)> {
    refuse_credentials([&request.password, &request.identity, &request.credentials])?;
    let input = request.command()?;
    Ok((
        StatusCode::CREATED,
        Json(core.create_contact(input, &actor).await?),
    ))
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
    let (page, size) = paging(query.page.as_deref(), query.size.as_deref(), MAX_PAGE_SIZE)?;
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
    request_body = ContactPatchRequest,
    responses(
        (status = 200, body = ContactView), (status = 404, description = "CONTACT_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "CONTACT_CODE_TAKEN", body = Problem, content_type = "application/problem+json"),
    ))]
async fn update_contact(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<String>,
    Body(request): Body<ContactPatchRequest>,
) -> ApiResult<Json<ContactView>> {
    refuse_credentials([&request.password, &request.identity, &request.credentials])?;
    let patch = request.command()?;
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
    responses((status = 200, body = OrganisationList)))]
async fn list_organisations(State(core): State<Core>) -> ApiResult<Json<OrganisationList>> {
    Ok(Json(OrganisationList {
        content: core.organisations().await?,
    }))
}

#[utoipa::path(post, path = "/organisations", tag = "Back-Office v1", security(("backoffice_key" = [])),
    summary = "Create an organisation",
    request_body = OrganisationRequest,
    responses((status = 201, body = OrganisationView), (status = 403, description = "FORBIDDEN", body = Problem, content_type = "application/problem+json")))]
async fn create_organisation(
    State(core): State<Core>,
    Extension(actor): Extension<Actor>,
    Body(request): Body<OrganisationRequest>,
) -> ApiResult<(StatusCode, Json<OrganisationView>)> {
    refuse_credentials([&request.password, &request.identity, &request.credentials])?;
    let (name, org_type) = request.command()?;
    Ok((
        StatusCode::CREATED,
        Json(
            core.create_organisation(&actor, name.as_deref(), org_type.as_deref())
                .await?,
        ),
    ))
}
