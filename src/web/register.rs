//! `/register`: a customer signs up with a name and a phone or email, then proves it on `/verify`.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::web::i18n::tr;
use serde::{Deserialize, Serialize};

use super::{
    forms::{
        CheckField, CountrySelect, FormMessages, FormState, IdentityFields, LanguageChoice,
        MethodChoice, TextField,
    },
    layout::Page,
};
use crate::web::error::PortalError;

const FORM: &str = "register";

#[server(endpoint = "page/register")]
pub async fn register_page() -> Result<FormState, PortalError> {
    let session = super::ssr::session().await?;
    let form = super::ssr::take_flash(&session, FORM).await?;
    if form.value("language_code").is_empty() {
        let language = super::ssr::request_language();
        return Ok(form.with_value("language_code", language.as_str()));
    }
    Ok(form)
}

/// What the registration form sends.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(flatten)]
    pub identity: IdentityFields,
    #[serde(default)]
    pub terms: Option<String>,
    #[serde(default)]
    pub email_opt_out: Option<String>,
    #[serde(default)]
    pub sms_opt_out: Option<String>,
    #[serde(default)]
    pub language_code: Option<String>,
}

impl RegistrationForm {
    /// What was typed, to show again (never the password).
    fn typed(&self) -> FormState {
        let mut form = FormState::default();
        form.keep(&[
            ("title", &self.title),
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
            ("terms", &self.terms),
            ("email_opt_out", &self.email_opt_out),
            ("sms_opt_out", &self.sms_opt_out),
            ("language_code", &self.language_code),
        ]);
        self.identity.keep(&mut form);
        form
    }

    #[cfg(feature = "ssr")]
    fn command(self) -> crate::services::auth::RegisterInput {
        crate::services::auth::RegisterInput {
            identity: self.identity.input(),
            title: self.title,
            first_name: self.first_name,
            last_name: self.last_name,
            service_acceptance: self.terms.is_some(),
            email_opt_out: self.email_opt_out.is_some(),
            sms_opt_out: self.sms_opt_out.is_some(),
            language_code: self.language_code,
            agreement: Default::default(),
        }
    }
}

#[server(endpoint = "register")]
pub async fn submit_registration(
    #[server(flatten)] registration: RegistrationForm,
) -> Result<(), PortalError> {
    use super::ssr::{self, PendingCode, PENDING_KEY};

    let session = ssr::session().await?;
    let form = registration.typed();
    let core = ssr::core()?;
    let client_ip = ssr::client_ip();
    match core
        .register(registration.command(), client_ip.as_deref())
        .await
    {
        Ok(challenge) => {
            let pending = PendingCode {
                auth_otp: challenge.auth_otp,
                obfuscated_value: challenge.obfuscated_value,
            };
            session.insert(PENDING_KEY, pending).await?;
            ssr::see_other("/verify");
        }
        Err(error) => {
            ssr::flash(&session, FORM, super::outcome::into_form(form, error)?).await?;
            ssr::see_other("/register");
        }
    }
    Ok(())
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let state = Resource::new_blocking(|| (), |_| register_page());
    view! {
        <Page title="Create your account">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let form = state.await.unwrap_or_default();
                    view! { <RegisterForm form/> }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
fn RegisterForm(form: FormState) -> impl IntoView {
    view! {
        <h1>{tr("Create your account")}</h1>
        <p class="lead">{tr("We will send you a 6-digit code to confirm it is you.")}</p>
        <FormMessages form=form.clone()/>
        <form class="form card" method="post" action=SubmitRegistration::url() novalidate>
            <TextField form=form.clone() name="title" label="Title" autocomplete="honorific-prefix" hint="Optional, for example Mr, Ms or Dr"/>
            <TextField form=form.clone() name="first_name" label="First name" autocomplete="given-name" maxlength=100/>
            <TextField form=form.clone() name="last_name" label="Last name" autocomplete="family-name" maxlength=100/>
            <MethodChoice form=form.clone() legend="Sign up with"/>
            <CountrySelect form=form.clone()/>
            <TextField form=form.clone() name="phone_number" label="Phone number" kind="tel" autocomplete="tel-national" class="only-phone"/>
            <TextField form=form.clone() name="email" label="Email" kind="email" autocomplete="email" class="only-email"/>
            <TextField form=form.clone() name="password" label="Password (optional)" kind="password" autocomplete="new-password" class="only-email" hint="At least 8 characters. Leave empty to sign in with a code each time."/>
            <CheckField form=form.clone() name="terms" label="I accept the terms of service"/>
            <CheckField form=form.clone() name="email_opt_out" label="No marketing emails"/>
            <CheckField form=form.clone() name="sms_opt_out" label="No marketing SMS"/>
            <LanguageChoice form=form.clone()/>
            <div class="actions">
                <button type="submit" class="btn">{tr("Create account")}</button>
            </div>
        </form>
        <p class="muted">{tr("Already have an account? ")} <a href="/sign-in">{tr("Sign in")}</a></p>
    }
}
