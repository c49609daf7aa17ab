//! `/claim`: a customer whose contact was created in the back office takes it over: contact code,
//! last name and the email or phone on file → a code to that channel → `/verify` → signed in,
//! with that channel as a proven identity. A new email or phone asked for here gets a code of its
//! own on `/verify` next, and is added only once that code is entered.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::tr;
use serde::{Deserialize, Serialize};

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

/// What the claim form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ClaimForm {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub on_file: Option<String>,
    #[serde(default)]
    pub new_identity: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
}

#[cfg(feature = "ssr")]
mod ssr_claim {
    use super::ClaimForm;
    use crate::{
        domain::{
            Email, Field, FieldError, IdentificationName, IdentificationPart, IdentityPart,
            PhoneNumber, Provider, ValidationErrors,
        },
        services::auth::{claim::Identification, IdentityInput},
    };

    /// The claim's fields, by their place in the identification the portal sends (the portal's
    /// spelling, web/outcome.rs, names them back: code, last name, on file).
    fn on_form(index: u16) -> Field {
        Field::Identification(Some(index), IdentificationPart::Value)
    }

    fn in_international_form(field: Field) -> FieldError {
        FieldError::new(
            field,
            "INVALID_PHONE_NUMBER",
            "Write the phone number in international form, like +35799123456",
        )
    }

    impl ClaimForm {
        /// Who the customer says they are (code, last name, the email or phone on file) and
        /// what they want to sign in with (the new email or phone, else the one on file).
        pub fn command(&self) -> Result<(Identification, IdentityInput), ValidationErrors> {
            let trimmed = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
            let (code, last_name) = (trimmed(&self.code), trimmed(&self.last_name));
            let (on_file, new_identity) = (trimmed(&self.on_file), trimmed(&self.new_identity));
            let mut errors = ValidationErrors::default();
            if code.is_empty() {
                errors.push(FieldError::required(on_form(0), "Contact code"));
            }
            if last_name.is_empty() {
                errors.push(FieldError::required(on_form(1), "Last name"));
            }
            let is_email = on_file.contains('@');
            if on_file.is_empty() {
                errors.push(FieldError::required(on_form(2), "Email or phone on file"));
            } else if !is_email && !on_file.starts_with('+') {
                errors.push(in_international_form(on_form(2)));
            }
            let on_file_name = match is_email {
                true => IdentificationName::Email,
                false => IdentificationName::Phone,
            };
            let items = [
                (IdentificationName::Code.as_str().to_owned(), code),
                (IdentificationName::LastName.as_str().to_owned(), last_name),
                (on_file_name.as_str().to_owned(), on_file.clone()),
            ];
            let mut parsed = ValidationErrors::default();
            let who = Identification::parse(&items, &mut parsed);
            // (A missing part was reported above, by the name the form gives it.)
            errors.0.extend(
                parsed
                    .0
                    .into_iter()
                    .filter(|e| e.field != Field::Identification(None, IdentificationPart::Whole)),
            );
            let wanted = match new_identity.is_empty() {
                true => on_file,
                false => new_identity.clone(),
            };
            let wants_email = wanted.contains('@');
            if !wants_email && !wanted.starts_with('+') && !new_identity.is_empty() {
                errors.push(in_international_form(Field::ClaimIdentity(
                    IdentityPart::PhoneNumber,
                )));
            }
            errors.into_result()?;
            let provider = match wants_email {
                true => Provider::Email,
                false => Provider::Phone,
            };
            let identity = IdentityInput {
                provider: Some(provider.as_str().into()),
                email: wants_email.then(|| wanted.clone()),
                phone_number: (!wants_email).then(|| wanted.clone()),
                password: self
                    .password
                    .clone()
                    .filter(|p| !p.is_empty() && wants_email),
                ..Default::default()
            };
            Ok((who, identity))
        }

        /// Where the code page says the code went: what the customer typed as on file.
        pub fn shown_as(&self) -> String {
            let on_file = self.on_file.as_deref().unwrap_or_default().trim();
            Email::parse(Field::Stored, on_file)
                .map(|e| e.obfuscated())
                .or_else(|_| {
                    PhoneNumber::parse_e164(Field::Stored, on_file).map(|p| p.obfuscated())
                })
                .unwrap_or_default()
        }
    }
}

#[server(endpoint = "claim")]
pub async fn submit_claim(#[server(flatten)] claim: ClaimForm) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};
    let session = ssr::session().await?;
    let mut form = FormState::default();
    form.keep(&[
        ("code", &claim.code),
        ("last_name", &claim.last_name),
        ("on_file", &claim.on_file),
        ("new_identity", &claim.new_identity),
    ]);
    let outcome = match claim.command() {
        Ok((who, identity)) => {
            ssr::core()?
                .claim(who, identity, ssr::client_ip().as_deref())
                .await
        }
        Err(errors) => Err(errors.into()),
    };
    match outcome {
        Ok(challenge) => {
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: claim.shown_as(),
            };
            session.insert(PENDING_KEY, pending).await?;
            ssr::see_other("/verify");
        }
        Err(error) => {
            form = super::outcome::into_form(form, error)?;
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
                        <h1>{tr("Claim your account")}</h1>
                        <p class="lead">{tr("Already a customer? Find your record with the code we gave you, and we will send a code to the email or phone we have on file.")}</p>
                        <FormMessages form=form.clone()/>
                        <form class="form card" method="post" action=SubmitClaim::url() novalidate>
                            <TextField form=form.clone() name="code" label="Contact code" hint="It is on your letters and receipts, for example C-7K2M9Q4XWP"/>
                            <TextField form=form.clone() name="last_name" label="Last name" autocomplete="family-name"/>
                            <TextField form=form.clone() name="on_file" label="Email or Phone on file" hint="The email, or the phone number in international form (+35799123456)"/>
                            <TextField form=form.clone() name="new_identity" label="New email or phone (optional)" hint="To sign in with something else from now on. We will send it a code of its own."/>
                            <TextField form=form.clone() name="password" label="Password (optional)" kind="password" autocomplete="new-password" hint="With an email: at least 8 characters, to sign in without a code."/>
                            <div class="actions">
                                <button type="submit" class="btn">{tr("Send code")}</button>
                            </div>
                        </form>
                    }
                })}
            </Suspense>
        </Page>
    }
}
