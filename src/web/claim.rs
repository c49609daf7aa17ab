//! `/claim`: a customer whose contact was created in the back office takes it over: contact code,
//! last name and the email or phone on file → a code to that channel → `/verify` → signed in,
//! with that channel as a proven identity. A new email or phone asked for here gets a code of its
//! own on `/verify` next, and is added only once that code is entered.

use leptos::{prelude::*, server_fn::ServerFn};

use super::{
    forms::{FormMessages, FormState, TextField},
    layout::Page,
};
use crate::web::error::PortalError;

const FORM: &str = "claim";

#[server(endpoint = "page/claim")]
pub async fn claim_page() -> Result<FormState, PortalError> {
    let session = super::ssr::session().await?;
    super::ssr::take_flash(&session, FORM).await
}

#[server(endpoint = "claim")]
pub async fn submit_claim(
    code: Option<String>,
    last_name: Option<String>,
    on_file: Option<String>,
    new_identity: Option<String>,
    password: Option<String>,
) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    use crate::{
        domain::{FieldError, IdentificationName, Provider, ValidationErrors},
        services::auth::{claim::Identification, IdentityInput},
    };
    let session = ssr::session().await?;
    let code = code.unwrap_or_default();
    let last_name = last_name.unwrap_or_default();
    let on_file = on_file.unwrap_or_default().trim().to_owned();
    let new_identity = new_identity.unwrap_or_default().trim().to_owned();
    let mut form = FormState::default()
        .with_value("code", code.clone())
        .with_value("last_name", last_name.clone())
        .with_value("on_file", on_file.clone())
        .with_value("new_identity", new_identity.clone());
    let mut errors = ValidationErrors::default();
    if code.trim().is_empty() {
        errors.push(FieldError::required("code", "Contact code"));
    }
    if last_name.trim().is_empty() {
        errors.push(FieldError::required("last_name", "Last name"));
    }
    let is_email = on_file.contains('@');
    if on_file.is_empty() {
        errors.push(FieldError::required("on_file", "Email or phone on file"));
    } else if !is_email && !on_file.starts_with('+') {
        errors.push(FieldError::new(
            "on_file",
            "INVALID_PHONE_NUMBER",
            "Write the phone number in international form, like +35799123456",
        ));
    }
    let mut items = vec![
        (IdentificationName::Code.as_str().to_owned(), code),
        (IdentificationName::LastName.as_str().to_owned(), last_name),
    ];
    items.push((
        if is_email {
            IdentificationName::Email
        } else {
            IdentificationName::Phone
        }
        .as_str()
        .to_owned(),
        on_file.clone(),
    ));
    let who = Identification::parse(&items, &mut ValidationErrors::default());
    // From now on the customer signs in with the new email or phone, else the one on file.
    let (wanted, wanted_field) = match new_identity.is_empty() {
        true => (on_file.clone(), "on_file"),
        false => (new_identity.clone(), "new_identity"),
    };
    let wants_email = wanted.contains('@');
    if !wants_email && !wanted.starts_with('+') && wanted_field == "new_identity" {
        errors.push(FieldError::new(
            "new_identity",
            "INVALID_PHONE_NUMBER",
            "Write the phone number in international form, like +35799123456",
        ));
    }
    let identity = IdentityInput {
        provider: Some(
            if wants_email {
                Provider::Email
            } else {
                Provider::Phone
            }
            .as_str()
            .into(),
        ),
        email: wants_email.then(|| wanted.clone()),
        phone_number: (!wants_email).then(|| wanted.clone()),
        password: password.filter(|p| !p.is_empty() && wants_email),
        ..Default::default()
    };
    let outcome = if errors.is_empty() {
        ssr::core()?
            .claim(who, identity, ssr::client_ip().as_deref())
            .await
    } else {
        Err(errors.into())
    };
    match outcome {
        Ok(challenge) => {
            let masked = if is_email {
                crate::domain::Email::parse("e", &on_file)
                    .map(|e| e.obfuscated())
                    .unwrap_or_default()
            } else {
                crate::domain::PhoneNumber::parse_e164("p", &on_file)
                    .map(|p| p.obfuscated())
                    .unwrap_or_default()
            };
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: masked,
            };
            session.insert(PENDING_KEY, pending).await?;
            ssr::see_other("/verify");
        }
        Err(error) => {
            form = super::outcome::into_form(form, error)?;
            for e in &mut form.errors {
                if e.field.starts_with("identification") {
                    e.field = "on_file".into();
                } else if e.field.starts_with("email") || e.field.starts_with("phone") {
                    e.field = wanted_field.into();
                }
            }
            ssr::flash(&session, FORM, form).await?;
            ssr::see_other("/claim");
        }
    }
    Ok(())
}

#[component]
pub fn ClaimPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| claim_page());
    view! {
        <Page title="Claim your account">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.unwrap_or_default();
                    view! {
                        <h1>"Claim your account"</h1>
                        <p class="lead">"Already a customer? Find your record with the code we gave you, and we will send a code to the email or phone we have on file."</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=SubmitClaim::url() novalidate>
                            <TextField form=form.clone() name="code" label="Contact code" hint="It is on your letters and receipts, for example C-7K2M9Q4XWP"/>
                            <TextField form=form.clone() name="last_name" label="Last name" autocomplete="family-name"/>
                            <TextField form=form.clone() name="on_file" label="Email or Phone on file" hint="The email, or the phone number in international form (+35799123456)"/>
                            <TextField form=form.clone() name="new_identity" label="New email or phone (optional)" hint="To sign in with something else from now on. We will send it a code of its own."/>
                            <TextField form=form.clone() name="password" label="Password (optional)" kind="password" autocomplete="new-password" hint="With an email: at least 8 characters, to sign in without a code."/>
                            <div class="actions">
                                <button type="submit" class="btn">"Send code"</button>
                            </div>
                        </form>
                    }
                })}
            </Suspense>
        </Page>
    }
}
