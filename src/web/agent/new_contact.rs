//! `/agent/contacts/new`: a person or a company, with an optional ID and Code.

use crate::web::i18n::{tr, tr_message};
use leptos::{prelude::*, server_fn::ServerFn};

use super::{contact_form::ContactFields, layout::AgentPage};
use crate::views::OrganisationView;
use crate::{
    web::error::PortalError,
    web::forms::{CountrySelect, FormMessages, FormState, RadioGroup, TextField},
};

const FORM: &str = "agent-new-contact";

#[server(endpoint = "page/agent-new-contact")]
pub async fn new_contact_page(
) -> Result<Option<(bool, FormState, Vec<OrganisationView>)>, PortalError> {
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(None);
    };
    let session = crate::web::ssr::session().await?;
    let organisations = crate::web::ssr::core()?.organisations().await?;
    Ok(Some((
        agent.is_admin(),
        crate::web::ssr::take_flash(&session, FORM).await?,
        organisations,
    )))
}

/// What "New contact" sends.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct NewContactForm {
    #[serde(default)]
    pub contact_type: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(flatten)]
    pub contact: ContactFields,
    #[serde(default)]
    pub organisation_id: Option<String>,
}

#[server(endpoint = "agent/contacts/new")]
pub async fn create_contact(#[server(flatten)] typed: NewContactForm) -> Result<(), PortalError> {
    use crate::{services::contacts::backoffice::NewContact, web::ssr};
    let Some(agent) = super::ssr::require_agent().await? else {
        return Ok(());
    };
    let session = ssr::session().await?;
    let mut form = FormState::default();
    form.keep(&[
        ("contact_type", &typed.contact_type),
        ("id", &typed.id),
        ("organisation_id", &typed.organisation_id),
    ]);
    typed.contact.keep(&mut form);
    let NewContactForm {
        contact_type,
        id,
        contact: c,
        organisation_id,
    } = typed;
    // An optional field left empty means "generate one" (the API says so by leaving it out).
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let input = NewContact {
        id: given(id),
        code: given(c.code),
        // (The service ignores the other type's fields: a company has no personal names.)
        title: c.title,
        first_name: c.first_name,
        last_name: c.last_name,
        company_name: c.company_name,
        contact_type,
        email: c.email,
        phone_number: c.phone_number,
        phone_country: c.country_code,
        email_opt_out: c.email_opt_out.is_some(),
        sms_opt_out: c.sms_opt_out.is_some(),
        language_code: c.language_code,
        organisations: organisation_id
            .into_iter()
            .filter(|o| !o.is_empty())
            .collect(),
    };
    match ssr::core()?.create_contact(input, &agent.actor()).await {
        Ok(contact) => ssr::see_other(&format!("/agent/contacts/{}", contact.id)),
        Err(error) => {
            let form = crate::web::outcome::into_form(form, error)?;
            ssr::flash(&session, FORM, form).await?;
            ssr::see_other("/agent/contacts/new");
        }
    }
    Ok(())
}

pub const TYPES: &[(&str, &str)] = &[("PERSON", "Person"), ("COMPANY", "Company")];

#[component]
pub fn NewContactPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| new_contact_page());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Some((is_admin, form, organisations))) => view! {
                        <AgentPage is_admin>
                            <h1>{tr("New contact")}</h1>
                            <p class="lead">{tr("For a customer who has not registered. They can claim the account later.")}</p>
                            <FormMessages form=form.clone()/>
                            <form class="form card" method="post" action=CreateContact::url() novalidate>
                                <RadioGroup form=form.clone() name="contact_type" legend="Type" options=TYPES/>
                                <TextField form=form.clone() name="id" label="ID (optional)" maxlength=36 hint="Up to 36 characters, usually a GUID from another system. Generated when empty."/>
                                <TextField form=form.clone() name="code" label="Code (optional)" maxlength=36 hint="Cross-reference code, unique. Generated when empty."/>
                                <TextField form=form.clone() name="title" label="Title" class="only-person"/>
                                <TextField form=form.clone() name="first_name" label="First name" class="only-person" maxlength=100/>
                                <TextField form=form.clone() name="last_name" label="Last name" class="only-person" maxlength=100/>
                                <TextField form=form.clone() name="company_name" label="Company name" class="only-company" maxlength=100/>
                                <TextField form=form.clone() name="email" label="Email" kind="email"/>
                                <CountrySelect form=form.clone() class="field"/>
                                <TextField form=form.clone() name="phone_number" label="Phone number" kind="tel"/>
                                <crate::web::forms::CheckField form=form.clone() name="email_opt_out" label="No marketing emails"/>
                                <crate::web::forms::CheckField form=form.clone() name="sms_opt_out" label="No marketing SMS"/>
                                <TextField form=form.clone() name="language_code" label="Language (optional)" maxlength=2 hint="A two-letter ISO 639-1 code, for example EN or EL"/>
                                <OrganisationSelect form=form.clone() organisations/>
                                <div class="actions">
                                    <button type="submit" class="btn">{tr("Create contact")}</button>
                                    <a class="btn secondary" href="/agent/contacts">{tr("Cancel")}</a>
                                </div>
                            </form>
                        </AgentPage>
                    }.into_any(),
                    Ok(None) => view! { <p><a href="/agent/sign-in">{tr("Sign in")}</a></p> }.into_any(),
                    Err(e) => view! { <div class="alert error" role="alert">{tr_message(&e.to_string())}</div> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "Organisation (optional)": one to join at once; more can be joined on the contact's page.
#[component]
fn OrganisationSelect(form: FormState, organisations: Vec<OrganisationView>) -> impl IntoView {
    let chosen = form.value("organisation_id");
    let error = form.error("organisations");
    view! {
        <div class="field">
            <label for="organisation_id">{tr("Organisation (optional)")}</label>
            <select id="organisation_id" name="organisation_id" aria-invalid=error.is_some().then_some("true")>
                <option value="">{tr("None")}</option>
                {organisations.into_iter().map(|o| {
                    let selected = o.id == chosen;
                    view! { <option value=o.id selected=selected>{o.name}</option> }
                }).collect_view()}
            </select>
            {error.map(|e| view! { <p class="field-error">{tr_message(&e)}</p> })}
        </div>
    }
}
