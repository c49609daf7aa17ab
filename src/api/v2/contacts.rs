//! v2's calls on the signed-in contact (`contacts/{id}/…`, the signed-in contact's own id only).

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    Json,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    replies::{Contact, Id, IdentityAdded, OrganisationName, OrganisationPage, Paging},
    requests::{new_identity, ContactUpdate, Identification},
    V2Result, TAG,
};
use crate::{
    api::{
        body::{Body, OptionalBody},
        client::{BearerCustomer, BearerSignIn, BearerToken, ClientIp},
        openapi::Problem,
        problem::signed_out,
        self_service::{requests::ChangePasswordRequest, set_password},
        shared::paging,
    },
    services::{contacts::backoffice::MAX_PAGE_SIZE, Core},
};

#[utoipa::path(get, path = "/contacts/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Get Contact (the signed-in contact's own only)",
    responses((status = 200, body = Contact), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
pub async fn get_contact(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
) -> V2Result<Json<Contact>> {
    customer.require_self(&id)?;
    let profile = core.profile(&customer).await.map_err(signed_out)?;
    Ok(Json(profile.contact.into()))
}

#[utoipa::path(put, path = "/contacts/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Update Contact (names and preferences; emails and phones change through identities)",
    request_body = ContactUpdate,
    responses((status = 200, body = Id), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
pub async fn update_contact(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
    Body(request): Body<ContactUpdate>,
) -> V2Result<Json<Id>> {
    customer.require_self(&id)?;
    let update = request.command(&id)?;
    let profile = core
        .update_profile(&customer, update)
        .await
        .map_err(signed_out)?;
    Ok(Json(Id {
        id: profile.contact.id,
    }))
}

#[utoipa::path(delete, path = "/contacts/{id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Unregister Contact: the account and everything it held end at once",
    responses((status = 200, description = "Unregistered"), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
pub async fn unregister(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
) -> V2Result<StatusCode> {
    core.unregister(&customer, &id).await.map_err(signed_out)?;
    Ok(StatusCode::OK)
}

#[utoipa::path(post, path = "/contacts/{id}/sign_out", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Sign Out Contact: ends the sign-in the access token belongs to",
    request_body(content = Option<Object>),
    responses((status = 204, description = "Signed out"), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
pub async fn sign_out(
    State(core): State<Core>,
    BearerToken(token): BearerToken,
    Path(id): Path<String>,
    OptionalBody(_): OptionalBody<serde_json::Map<String, serde_json::Value>>,
) -> V2Result<StatusCode> {
    core.sign_out_access_token(&token, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/contacts/{id}/identities", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Add Contact Identity (attached once the code sent to it is validated with `auth_otp`)",
    request_body = Identification,
    responses(
        (status = 201, body = IdentityAdded),
        (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_identity(
    State(core): State<Core>,
    BearerSignIn(signed_in): BearerSignIn,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Body(request): Body<Identification>,
) -> V2Result<(StatusCode, Json<IdentityAdded>)> {
    signed_in.customer.require_self(&id)?;
    let identity = new_identity(request)?;
    let added = core
        .add_identity(&signed_in, identity, ip.as_deref())
        .await
        .map_err(signed_out)?;
    Ok((
        StatusCode::CREATED,
        Json(IdentityAdded {
            id: added.identity_id,
            auth_otp: added.challenge.auth_otp,
            obfuscated_value: added.challenge.obfuscated_value,
        }),
    ))
}

#[utoipa::path(delete, path = "/contacts/{id}/identities/{identity_id}", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id"),
           ("identity_id" = String, Path, description = "The identity's id")),
    summary = "Remove Contact Identity (not in CRM.COM's document; not the last one)",
    responses(
        (status = 204, description = "Removed; the email and phone on file are told"),
        (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "IDENTITY_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove_identity(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path((id, identity_id)): Path<(String, String)>,
) -> V2Result<StatusCode> {
    customer.require_self(&id)?;
    core.remove_identity(&customer, &identity_id)
        .await
        .map_err(signed_out)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct PageQuery {
    /// From 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000)]
    page: Option<String>,
    /// From 1 to 100.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    size: Option<String>,
}

#[utoipa::path(get, path = "/contacts/{id}/organisations", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id"), PageQuery),
    summary = "Get Contact Organisations",
    responses((status = 200, body = OrganisationPage), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
pub async fn organisations(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    Path(id): Path<String>,
    Query(query): Query<PageQuery>,
) -> V2Result<Json<OrganisationPage>> {
    customer.require_self(&id)?;
    let (page, size) = paging(query.page.as_deref(), query.size.as_deref(), MAX_PAGE_SIZE)?;
    let found = core
        .contact_organisations(&customer, page, size)
        .await
        .map_err(signed_out)?;
    Ok(Json(OrganisationPage {
        paging: Paging {
            page: found.paging.page,
            size: found.paging.size,
            total: found.paging.total,
            has_more: found.paging.has_more,
        },
        content: found
            .content
            .into_iter()
            .map(|o| OrganisationName {
                id: o.id,
                name: o.name,
            })
            .collect(),
    }))
}

#[utoipa::path(post, path = "/contacts/{id}/change_password", tag = TAG, security(("bearer" = [])),
    params(("id" = String, Path, description = "The signed-in contact's id")),
    summary = "Change Password (every other sign-in ends)",
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed"), (status = 403, description = "FORBIDDEN: another contact's id", body = Problem, content_type = "application/problem+json")))]
pub async fn change_password(
    State(core): State<Core>,
    BearerCustomer(customer): BearerCustomer,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    Body(request): Body<ChangePasswordRequest>,
) -> V2Result<StatusCode> {
    customer.require_self(&id)?;
    set_password(&core, &customer, ip.as_deref(), request).await
}
