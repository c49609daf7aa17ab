//! `/agent/contacts/{id}`: details, identities (masked), organisations (join/leave), audit trail,
//! **Edit** (`/agent/contacts/{id}/edit`) and delete.

use crate::web::i18n::{later, tr, tr_message, tr_with};
use leptos::{prelude::*, server_fn::ServerFn};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::layout::AgentPage;
use crate::{
    views::{ContactDetail, OrganisationView},
    web::error::PortalError,
    web::forms::{CheckField, CountrySelect, FormMessages, FormState, TextField},
};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ContactState {
    pub is_admin: bool,
    pub detail: Option<ContactDetail>,
    pub organisations: Vec<OrganisationView>,
    pub form: FormState,
}

fn form_key(id: &str) -> String {
    format!("agent-contact:{id}")
}

#[server(endpoint = "page/agent-contact")]
pub async fn contact_page(id: String) -> Result<Option<ContactState>, PortalError> {
    use crate::{services::ContactError, web::ssr};
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(None);
    };
    let core = ssr::core()?;
    let session = ssr::session().await?;
    let form = ssr::take_flash(&session, &form_key(&id)).await?;
    let detail = match core.contact_detail(&id).await {
        Ok(d) => Some(d),
        Err(ContactError::ContactNotFound) => {
            if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
                r.set_status(axum::http::StatusCode::NOT_FOUND);
            }
            None
        }
        Err(e) => return Err(e.into()),
    };
    let organisations = core.organisations().await?;
    let mut form = form;
    if form.values.is_empty() {
        if let Some(d) = &detail {
            let c = &d.contact;
            form = form
                .with_value("code", c.code.clone())
                .with_value("title", c.title.clone().unwrap_or_default())
                .with_value("first_name", c.first_name.clone().unwrap_or_default())
                .with_value("last_name", c.last_name.clone().unwrap_or_default())
                .with_value("company_name", c.company_name.clone().unwrap_or_default())
                .with_value("email", c.email.clone().unwrap_or_default())
                .with_value("phone_number", c.phone.clone().unwrap_or_default())
                .with_value("email_opt_out", if c.email_opt_out { "on" } else { "" })
                .with_value("sms_opt_out", if c.sms_opt_out { "on" } else { "" })
                .with_value("language_code", c.language_code.clone().unwrap_or_default());
        }
    }
    Ok(Some(ContactState {
        is_admin: agent.is_admin(),
        detail,
        organisations,
        form,
    }))
}

/// What "Edit contact" sends.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct EditContactForm {
    pub id: String,
    #[serde(flatten)]
    pub contact: super::contact_form::ContactFields,
}

#[server(endpoint = "agent/contacts/edit")]
pub async fn update_contact(#[server(flatten)] typed: EditContactForm) -> Result<(), PortalError> {
    use crate::{services::contacts::backoffice::ContactPatch, web::ssr};
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let session = ssr::session().await?;
    let mut form = FormState::default();
    typed.contact.keep(&mut form);
    let EditContactForm { id, contact: c } = typed;
    let phone = c
        .phone_number
        .filter(|n| !n.trim().is_empty())
        .map(|number| (number, c.country_code.unwrap_or_default()));
    let patch = ContactPatch {
        code: c.code,
        title: Some(c.title),
        first_name: Some(c.first_name),
        last_name: Some(c.last_name),
        company_name: Some(c.company_name),
        email: Some(c.email),
        phone: Some(phone),
        email_opt_out: Some(c.email_opt_out.is_some()),
        sms_opt_out: Some(c.sms_opt_out.is_some()),
        language_code: Some(c.language_code),
    };
    match ssr::core()?
        .update_contact(&id, patch, &agent.actor())
        .await
    {
        Ok(_) => {
            ssr::flash(
                &session,
                &form_key(&id),
                FormState {
                    notice: Some(later("Saved")),
                    ..Default::default()
                },
            )
            .await?;
            ssr::see_other(&format!("/agent/contacts/{id}"));
        }
        Err(error) => {
            ssr::flash(
                &session,
                &form_key(&id),
                crate::web::outcome::into_form(form, error)?,
            )
            .await?;
            ssr::see_other(&format!("/agent/contacts/{id}/edit"));
        }
    }
    Ok(())
}

/// What a membership form on the contact's page sends: join or leave one organisation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MembershipForm {
    pub id: String,
    #[serde(default)]
    pub organisation_id: Option<String>,
    /// `join` or `leave`.
    pub action: String,
}

#[server(endpoint = "agent/contacts/membership")]
pub async fn change_membership(
    #[server(flatten)] membership: MembershipForm,
) -> Result<(), PortalError> {
    let MembershipForm {
        id,
        organisation_id,
        action,
    } = membership;
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let session = ssr::session().await?;
    let core = ssr::core()?;
    let actor = agent.actor();
    let mut form = FormState::default();
    match organisation_id.filter(|o| !o.is_empty()) {
        None => form.errors.push(crate::web::forms::FormError::new(
            "organisation_id",
            "REQUIRED",
            "Choose an organisation",
        )),
        Some(org) => {
            let outcome = if action == "leave" {
                core.leave_organisation(&id, &org, &actor).await
            } else {
                core.join_organisation(&id, &org, &actor).await
            };
            match outcome {
                Ok(()) => {
                    form.notice = Some(
                        if action == "leave" {
                            "Left the organisation"
                        } else {
                            "Joined the organisation"
                        }
                        .into(),
                    )
                }
                Err(error) => form = crate::web::outcome::into_form(form, error)?,
            }
        }
    }
    ssr::flash(&session, &form_key(&id), form).await?;
    ssr::see_other(&format!("/agent/contacts/{id}"));
    Ok(())
}

#[server(endpoint = "agent/contacts/delete")]
pub async fn delete_contact(id: String) -> Result<(), PortalError> {
    use crate::web::ssr;
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    match ssr::core()?.delete_contact(&id, &agent.actor()).await {
        Ok(()) | Err(crate::services::ContactError::ContactNotFound) => {
            ssr::see_other("/agent/contacts")
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}

fn load(edit: bool) -> impl IntoView {
    let params = use_params_map();
    let state = Resource::new_blocking(
        move || params.with(|p| p.get("id").unwrap_or_default()),
        contact_page,
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Some(s)) => match (s.detail.clone(), edit) {
                        (Some(detail), false) => view! { <AgentPage is_admin=s.is_admin><ContactView detail organisations=s.organisations form=s.form/></AgentPage> }.into_any(),
                        (Some(detail), true) => view! { <AgentPage is_admin=s.is_admin><EditView detail form=s.form/></AgentPage> }.into_any(),
                        (None, _) => view! { <AgentPage is_admin=s.is_admin><h1>{tr("Contact not found")}</h1><p><a href="/agent/contacts">{tr("Back to contacts")}</a></p></AgentPage> }.into_any(),
                    },
                    Ok(None) => view! { <p><a href="/agent/sign-in">{tr("Sign in")}</a></p> }.into_any(),
                    Err(e) => view! { <div class="alert error" role="alert">{tr_message(&e.to_string())}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AgentContactPage() -> impl IntoView {
    load(false)
}

#[component]
pub fn AgentEditContactPage() -> impl IntoView {
    load(true)
}

#[component]
fn ContactView(
    detail: ContactDetail,
    organisations: Vec<OrganisationView>,
    form: FormState,
) -> impl IntoView {
    let c = detail.contact.clone();
    let id = c.id.clone();
    let member_ids: Vec<String> = detail.organisations.iter().map(|o| o.id.clone()).collect();
    let joinable: Vec<OrganisationView> = organisations
        .into_iter()
        .filter(|o| !member_ids.contains(&o.id))
        .collect();
    let claimed = !detail.identities.is_empty();
    let dash = |v: Option<String>| v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into());
    let org_error = form.error("organisation_id");
    view! {
        <h1>{c.display_name()}</h1>
        <ul class="badges">
            {if claimed { view! { <li class="badge ok">{tr("Claimed by the customer")}</li> }.into_any() } else { view! { <li class="badge warn">{tr("Not claimed yet")}</li> }.into_any() }}
            {if c.is_verified { view! { <li class="badge ok">{tr("Verified")}</li> }.into_any() } else { view! { <li class="badge warn">{tr("Not verified")}</li> }.into_any() }}
        </ul>
        <FormMessages form=form.clone()/>
        <div class="actions">
            <a class="btn" href=format!("/agent/contacts/{id}/edit")>{tr("Edit")}</a>
            <a class="btn secondary" href="/agent/contacts">{tr("Back to contacts")}</a>
        </div>
        <section class="card stack" aria-labelledby="details-heading">
            <h2 id="details-heading">{tr("Details")}</h2>
            <dl class="details">
                <dt>{tr("ID")}</dt><dd><code>{c.id.clone()}</code></dd>
                <dt>{tr("Code")}</dt><dd><code>{c.code.clone()}</code></dd>
                <dt>{tr("Type")}</dt><dd>{if c.contact_type == crate::domain::ContactType::Company { tr("Company") } else { tr("Person") }}</dd>
                <dt>{tr("Title")}</dt><dd>{dash(c.title.clone())}</dd>
                <dt>{tr("Name")}</dt><dd>{c.display_name()}</dd>
                <dt>{tr("Email")}</dt><dd>{dash(c.email.clone())}</dd>
                <dt>{tr("Phone")}</dt><dd>{dash(c.phone.as_deref().map(crate::web::format::readable_phone))}</dd>
                <dt>{tr("Language")}</dt><dd>{dash(c.language_code.clone())}</dd>
                <dt>{tr("Referred by (referral code)")}</dt><dd>{dash(c.referred_by.clone())}</dd>
                <dt>{tr("Country of agreement")}</dt><dd>{dash(c.country_of_agreement.clone())}</dd>
                <dt>{tr("Marketing")}</dt><dd>{tr_with("emails {emails}, SMS {sms}", &[("emails", &tr(if c.email_opt_out { "off" } else { "on" })), ("sms", &tr(if c.sms_opt_out { "off" } else { "on" }))])}</dd>
                <dt>{tr("Created")}</dt><dd><crate::web::format::Time at=c.created_at.clone()/></dd>
            </dl>
        </section>
        <section class="card stack" aria-labelledby="identities-heading">
            <h2 id="identities-heading">{tr("Identities")}</h2>
            {if detail.identities.is_empty() {
                view! { <p class="muted">{tr("None yet: the customer has not claimed this contact.")}</p> }.into_any()
            } else {
                view! { <ul class="plain">{detail.identities.into_iter().map(|i| view! { <li>{format!("{}: {} ({})", i.provider, crate::web::format::readable_phone(&i.value), if i.verified { tr("verified") } else { tr("not verified") })}</li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section class="card stack" aria-labelledby="orgs-heading">
            <h2 id="orgs-heading">{tr("Organisations")}</h2>
            {if detail.organisations.is_empty() {
                view! { <p class="muted">{tr("Not a member of any organisation.")}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {detail.organisations.into_iter().map(|o| view! {
                            <li class="row">
                                <span>{o.name.clone()}" "<span class="muted">{format!("({})", o.org_type)}</span></span>
                                <form method="post" action=ChangeMembership::url()>
                                    <input type="hidden" name="id" value=id.clone()/>
                                    <input type="hidden" name="organisation_id" value=o.id.clone()/>
                                    <input type="hidden" name="action" value="leave"/>
                                    <button type="submit" class="link">{tr_with("Leave {organisation}", &[("organisation", &o.name)])}</button>
                                </form>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!joinable.is_empty()).then(|| view! {
                <form class="form row" method="post" action=ChangeMembership::url()>
                    <input type="hidden" name="id" value=id.clone()/>
                    <input type="hidden" name="action" value="join"/>
                    <div class="field">
                        <label for="organisation_id">{tr("Organisation")}</label>
                        <select id="organisation_id" name="organisation_id" aria-invalid=org_error.is_some().then_some("true")>
                            <option value="">{tr("Choose an organisation")}</option>
                            {joinable.into_iter().map(|o| view! { <option value=o.id>{o.name}</option> }).collect_view()}
                        </select>
                        {org_error.map(|e| view! { <p class="field-error">{tr_message(&e)}</p> })}
                    </div>
                    <button type="submit" class="btn secondary">{tr("Join")}</button>
                </form>
            })}
        </section>
        <section class="audit card stack" aria-labelledby="audit-heading">
            <h2 id="audit-heading">{tr("Audit trail")}</h2>
            <ol class="timeline">
                {detail.audit.into_iter().map(|a| {
                    let who = a.actor.clone();
                    let what = a.action.to_lowercase().replace('_', " ");
                    let detail = a.detail.map(|d| format!(" ({d})")).unwrap_or_default();
                    view! { <li><crate::web::format::Time at=a.at.clone()/>" "{format!("{who}: {what}{detail}")}</li> }
                }).collect_view()}
            </ol>
        </section>
        <form method="post" action=DeleteContact::url() class="actions">
            <input type="hidden" name="id" value=id.clone()/>
            <button type="submit" class="btn danger">{tr("Delete contact")}</button>
        </form>
    }
}

#[component]
fn EditView(detail: ContactDetail, form: FormState) -> impl IntoView {
    let c = detail.contact;
    let company = c.contact_type == crate::domain::ContactType::Company;
    view! {
        <h1>{tr_with("Edit {name}", &[("name", &c.display_name())])}</h1>
        <FormMessages form=form.clone()/>
        <form class="form card" method="post" action=UpdateContact::url() novalidate>
            <input type="hidden" name="id" value=c.id.clone()/>
            <TextField form=form.clone() name="code" label="Code" maxlength=36/>
            {(!company).then(|| view! {
                <TextField form=form.clone() name="title" label="Title"/>
                <TextField form=form.clone() name="first_name" label="First name" maxlength=100/>
                <TextField form=form.clone() name="last_name" label="Last name" maxlength=100/>
            })}
            {company.then(|| view! { <TextField form=form.clone() name="company_name" label="Company name" maxlength=100/> })}
            <TextField form=form.clone() name="email" label="Email" kind="email"/>
            <CountrySelect form=form.clone() class="field"/>
            <TextField form=form.clone() name="phone_number" label="Phone number" kind="tel" hint="A national number with its country, or the full number starting with +"/>
            <CheckField form=form.clone() name="email_opt_out" label="No marketing emails"/>
            <CheckField form=form.clone() name="sms_opt_out" label="No marketing SMS"/>
            <TextField form=form.clone() name="language_code" label="Language (optional)" maxlength=2 hint="A two-letter ISO 639-1 code, for example EN or EL"/>
            <div class="actions">
                <button type="submit" class="btn">{tr("Save")}</button>
                <a class="btn secondary" href=format!("/agent/contacts/{}", c.id)>{tr("Cancel")}</a>
            </div>
        </form>
    }
}
